package dev.flightlab.store;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One record batch as it was uploaded, with its per-batch application metadata.
 *
 * <p>Owned by the {@link Segment} that holds it; readers borrow it through a {@link Dataset}
 * snapshot and must not close it.
 *
 * @param batch the batch's buffers (retained, zero-copy)
 * @param appMetadata the app_metadata the client sent with the batch, or null
 * @param rowCount rows in the batch
 * @param ipcBodyBytes the batch's IPC body length in bytes (buffers plus padding)
 */
public record StoredBatch(
    ArrowRecordBatch batch, ArrowBuf appMetadata, long rowCount, long ipcBodyBytes) {

  void free() {
    batch.close();
    if (appMetadata != null) {
      appMetadata.close();
    }
  }
}
