package dev.flightlab.store;

import dev.flightlab.wire.DatasetPath;
import java.time.Instant;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a listing says of a dataset, without holding its buffers.
 *
 * @param path the canonical path
 * @param schema the schema as uploaded
 * @param rowCount rows
 * @param batchCount record batches
 * @param ipcBodyBytes IPC body bytes of all batches
 * @param bytesHeld direct memory held, in bytes
 * @param version 1 for the first commit, one more for each replace or append
 * @param committedAt when this version was published
 */
public record DatasetInfo(
    DatasetPath path,
    Schema schema,
    long rowCount,
    int batchCount,
    long ipcBodyBytes,
    long bytesHeld,
    long version,
    Instant committedAt) {

  static DatasetInfo of(Dataset d) {
    return new DatasetInfo(
        d.path(),
        d.schema(),
        d.rowCount(),
        d.batches().size(),
        d.ipcBodyBytes(),
        d.bytesHeld(),
        d.version(),
        d.committedAt());
  }
}
