package dev.flightlab.files;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/** Copies of a vector's values, in memory of their own. */
final class VectorCopies {
  private VectorCopies() {}

  /**
   * A new vector of {@code source}'s field holding its values {@code from} (inclusive) to {@code
   * to} (exclusive), allocated from {@code allocator}; the caller closes it.
   */
  static FieldVector copy(FieldVector source, int from, int to, BufferAllocator allocator) {
    FieldVector copy = source.getField().createVector(allocator);
    try {
      copy.allocateNew();
      for (int i = from; i < to; i++) {
        copy.copyFromSafe(i, i - from, source);
      }
      copy.setValueCount(to - from);
      return copy;
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }
}
