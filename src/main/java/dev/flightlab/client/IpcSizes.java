package dev.flightlab.client;

import dev.flightlab.wire.OutboundFlightData;

/** Sizes of messages as they would stand in an Arrow IPC stream. */
final class IpcSizes {
  /** The end-of-stream marker: continuation token and a zero length. */
  static final long END_OF_STREAM_BYTES = 8;

  private IpcSizes() {}

  /** Continuation token, length, header padded to 8 bytes, then the body. */
  static long messageBytes(OutboundFlightData message) {
    long header = message.ipcHeaderBytes();
    return 8 + ((header + 7) & ~7L) + message.ipcBodyBytes();
  }
}
