package dev.flightlab.bench;

import dev.flightlab.wire.IpcCompression;

/**
 * How the data moves: which client code sends and receives it, and compressed or not.
 *
 * @param client which client implementation moves the data
 * @param sendWait how Arrow's client waits while gRPC's buffer is full ({@code --client arrow})
 * @param compression IPC body compression of the batches sent (uploads by the client; downloads by
 *     a flightlab server, asked for by flightlab's client)
 * @param protocol the Flight dialect spoken: flightlab's datasets or Arrow's benchmark protocol
 * @param batchLatency uploads (put, roundtrip) send each batch's sequence number as app_metadata,
 *     and a server that echoes it (flightlab's, Arrow C++'s test servers) times each batch; false
 *     sends the batches without it (as pyarrow's {@code do_put} does), so the server sends no
 *     acknowledgements and no per-batch latency is recorded
 */
public record TransferOptions(
    ClientKind client,
    SendWait sendWait,
    IpcCompression compression,
    BenchProtocol protocol,
    boolean batchLatency) {
  /**
   * Every default: flightlab's client, parked senders, no compression, flightlab's protocol,
   * per-batch latencies.
   */
  public static final TransferOptions DEFAULTS =
      new TransferOptions(
          ClientKind.FLIGHTLAB, SendWait.PARK, IpcCompression.NONE, BenchProtocol.FLIGHTLAB, true);

  /** Options speaking flightlab's protocol, with per-batch latencies. */
  public TransferOptions(ClientKind client, SendWait sendWait, IpcCompression compression) {
    this(client, sendWait, compression, BenchProtocol.FLIGHTLAB, true);
  }

  /** A copy with another client. */
  public TransferOptions withClient(ClientKind client) {
    return new TransferOptions(client, sendWait, compression, protocol, batchLatency);
  }

  /** A copy with another compression. */
  public TransferOptions withCompression(IpcCompression compression) {
    return new TransferOptions(client, sendWait, compression, protocol, batchLatency);
  }

  /** A copy speaking another protocol. */
  public TransferOptions withProtocol(BenchProtocol protocol) {
    return new TransferOptions(client, sendWait, compression, protocol, batchLatency);
  }

  /** A copy with or without per-batch latencies. */
  public TransferOptions withBatchLatency(boolean batchLatency) {
    return new TransferOptions(client, sendWait, compression, protocol, batchLatency);
  }
}
