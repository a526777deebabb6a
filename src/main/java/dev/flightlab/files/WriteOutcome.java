package dev.flightlab.files;

/**
 * What {@link DataFiles#write} wrote.
 *
 * @param rows rows written
 * @param batches record batches read from the source
 * @param bytes the file's size in bytes
 */
public record WriteOutcome(long rows, long batches, long bytes) {}
