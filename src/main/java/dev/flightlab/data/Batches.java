package dev.flightlab.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.util.TransferPair;

/** Moves record batches between roots and owners without copying. */
public final class Batches {
  private Batches() {}

  /**
   * Takes the batch now in {@code root} over into {@code target}'s accounting and returns it; the
   * root is left empty and may be reloaded (as readers do) without touching the batch.
   */
  public static ArrowRecordBatch takeOver(VectorSchemaRoot root, BufferAllocator target) {
    int rows = root.getRowCount();
    List<FieldVector> owned = new ArrayList<>(root.getFieldVectors().size());
    for (FieldVector vector : root.getFieldVectors()) {
      // Ownership of the vector's buffers moves to the target allocator (no copy).
      TransferPair transfer = vector.getTransferPair(target);
      transfer.transfer();
      owned.add((FieldVector) transfer.getTo());
    }
    root.setRowCount(0);
    try (VectorSchemaRoot taken = new VectorSchemaRoot(root.getSchema().getFields(), owned, rows)) {
      return new VectorUnloader(taken, true, true).getRecordBatch();
    }
  }
}
