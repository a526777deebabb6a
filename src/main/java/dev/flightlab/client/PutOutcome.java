package dev.flightlab.client;

/**
 * What one upload did.
 *
 * @param rows rows sent
 * @param batches record batches sent
 * @param acks PutResults the server sent back (one per batch that carried app_metadata, echoing it)
 * @param elapsedNanos from opening the DoPut to the server's final answer
 * @param ipcStreamBytes what was sent, counted as an Arrow IPC stream: every message's 8-byte
 *     prefix, padded header and body, plus the 8-byte end-of-stream marker
 */
public record PutOutcome(
    long rows, int batches, long acks, long elapsedNanos, long ipcStreamBytes) {}
