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
 */
public record TransferOptions(
    ClientKind client, SendWait sendWait, IpcCompression compression, BenchProtocol protocol) {
  /** Every default: flightlab's client, parked senders, no compression, flightlab's protocol. */
  public static final TransferOptions DEFAULTS =
      new TransferOptions(
          ClientKind.FLIGHTLAB, SendWait.PARK, IpcCompression.NONE, BenchProtocol.FLIGHTLAB);

  /** Options speaking flightlab's protocol. */
  public TransferOptions(ClientKind client, SendWait sendWait, IpcCompression compression) {
    this(client, sendWait, compression, BenchProtocol.FLIGHTLAB);
  }

  /** A copy with another client. */
  public TransferOptions withClient(ClientKind client) {
    return new TransferOptions(client, sendWait, compression, protocol);
  }

  /** A copy with another compression. */
  public TransferOptions withCompression(IpcCompression compression) {
    return new TransferOptions(client, sendWait, compression, protocol);
  }

  /** A copy speaking another protocol. */
  public TransferOptions withProtocol(BenchProtocol protocol) {
    return new TransferOptions(client, sendWait, compression, protocol);
  }
}
