package dev.flightlab.store;

/**
 * A point-in-time summary of a store.
 *
 * @param datasets datasets published
 * @param rows rows across all datasets
 * @param ipcBodyBytes IPC body bytes across all datasets
 * @param memoryUsedBytes direct memory the store's allocator holds now (published and in-flight
 *     uploads, plus buffers still queued for sending after a drop)
 * @param memoryPeakBytes the most the store's allocator has held
 * @param memoryLimitBytes the limit uploads are held to
 * @param uploadsInProgress uploads that have not committed or aborted yet
 * @param diskBytes bytes of the segment files of the published datasets (0 without a data dir)
 * @param mappedBytes bytes of segment files mapped into memory now: published datasets, and
 *     replaced or dropped ones still being read; not counted against the memory limit
 */
public record StoreStats(
    int datasets,
    long rows,
    long ipcBodyBytes,
    long memoryUsedBytes,
    long memoryPeakBytes,
    long memoryLimitBytes,
    int uploadsInProgress,
    long diskBytes,
    long mappedBytes) {}
