package dev.flightlab.store;

/**
 * One segment file of a stored dataset, as its manifest names it.
 *
 * @param name the file's name inside the data directory's {@code datasets/} folder
 * @param bytes the file's length in bytes
 * @param crc32c CRC32C of the whole file, checked at start before anything is served from it
 * @param rows rows in the segment's batches
 * @param batches record batches in the segment
 */
record SegmentFile(String name, long bytes, long crc32c, long rows, int batches) {}
