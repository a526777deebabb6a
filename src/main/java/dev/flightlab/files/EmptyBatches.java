package dev.flightlab.files;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Makes an empty batch safe to unload with Arrow Java's writers and Flight's DoPut. */
public final class EmptyBatches {
  private EmptyBatches() {}

  /**
   * When {@code root} holds 0 rows, gives each of its vectors new, empty buffers of its own.
   *
   * <p>A 0-row array read from IPC may carry an empty offsets buffer (Arrow C++ writes them so);
   * Arrow Java's unloader then claims the 4 or 8 bytes of offset 0 beyond that buffer's capacity,
   * and Flight's DoPut fails on it ("index: 0, length: 4 (expected: range(0, 0))"). A reader
   * loading the next batch replaces these buffers as it would any others.
   */
  public static void reallocateIfEmpty(VectorSchemaRoot root) {
    if (root.getRowCount() != 0) {
      return;
    }
    for (FieldVector vector : root.getFieldVectors()) {
      vector.clear();
      vector.allocateNew();
      vector.setValueCount(0);
    }
    root.setRowCount(0);
  }
}
