package dev.flightlab.client;

import dev.flightlab.data.BatchSet;

/**
 * What one DoExchange did.
 *
 * @param rowsSent rows sent
 * @param batchesSent record batches sent (fewer than the data's when the server ended the call
 *     early, without an error)
 * @param rowsReceived rows in the record batches the server sent back
 * @param batchesReceived record batches the server sent back
 * @param elapsedNanos from opening the DoExchange to the server's final answer
 * @param ipcStreamBytes what was sent, counted as an Arrow IPC stream: every message's 8-byte
 *     prefix, padded header and body, plus the 8-byte end-of-stream marker; -1 when the server
 *     ended the call before everything was sent
 * @param received what the server sent back (schema, dictionaries as they stood at each batch,
 *     batches with their app_metadata) when asked to keep it, else null; owned by the outcome
 */
public record ExchangeOutcome(
    long rowsSent,
    int batchesSent,
    long rowsReceived,
    long batchesReceived,
    long elapsedNanos,
    long ipcStreamBytes,
    BatchSet received)
    implements AutoCloseable {

  /** Frees what was kept. */
  @Override
  public void close() {
    if (received != null) {
      received.close();
    }
  }
}
