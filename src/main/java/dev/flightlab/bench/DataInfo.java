package dev.flightlab.bench;

/**
 * The data one point of the run sends, generated (or read) before any timing.
 *
 * @param source "generated", "file PATH", "dataset PATH" or "the original demo's tables"
 * @param schemaSpec the schema spec (or "-" when the data came from elsewhere)
 * @param schemaDescription the schema in words
 * @param streams streams, each with its own copy of the data (seed + stream index)
 * @param rows rows across all streams
 * @param batches record batches across all streams
 * @param logicalBytes value bytes across all streams
 * @param ipcBodyBytes IPC body bytes across all streams
 * @param ipcStreamBytes bytes as Arrow IPC streams across all streams
 * @param generationNanos time spent generating or reading it (not part of any measurement unless
 *     --include-generation)
 */
public record DataInfo(
    String source,
    String schemaSpec,
    String schemaDescription,
    int streams,
    long rows,
    long batches,
    long logicalBytes,
    long ipcBodyBytes,
    long ipcStreamBytes,
    long generationNanos) {}
