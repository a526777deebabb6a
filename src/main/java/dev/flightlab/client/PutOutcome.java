package dev.flightlab.client;

/**
 * What one upload did.
 *
 * @param rows rows sent
 * @param batches record batches sent
 * @param acks PutResults the server sent back (one per batch held)
 * @param elapsedNanos from opening the DoPut to the server's final answer
 */
public record PutOutcome(long rows, int batches, long acks, long elapsedNanos) {}
