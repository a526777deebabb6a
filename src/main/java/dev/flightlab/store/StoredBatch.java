package dev.flightlab.store;

import java.nio.ByteBuffer;
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
 * @param ipcHeader the batch's IPC message header (flatbuffer), encoded once for every DoGet and
 *     shared with the batches of the same shape ({@link IpcHeaders})
 */
public record StoredBatch(
    ArrowRecordBatch batch,
    ArrowBuf appMetadata,
    long rowCount,
    long ipcBodyBytes,
    ByteBuffer ipcHeader) {

  /** Wraps a batch taken over by a store, with its IPC header. */
  static StoredBatch of(ArrowRecordBatch batch, ArrowBuf appMetadata) {
    return new StoredBatch(
        batch, appMetadata, batch.getLength(), batch.computeBodyLength(), IpcHeaders.of(batch));
  }

  void free() {
    batch.close();
    if (appMetadata != null) {
      appMetadata.close();
    }
  }
}
