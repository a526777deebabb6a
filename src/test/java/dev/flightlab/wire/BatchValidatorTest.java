package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offsets check reads four offsets a step and branches only at the end: a fall anywhere (in the
 * unrolled part, in the tail, at the first or the last slot) is still found, and reported at its
 * slot; monotonic offsets of every length pass.
 */
class BatchValidatorTest {
  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyFallIsFoundAtItsSlotForEveryLengthAndPlace(int width) {
    Field field =
        new Field(
            "s",
            FieldType.nullable(width == 4 ? new ArrowType.Utf8() : new ArrowType.LargeUtf8()),
            null);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int length = 0; length <= 13; length++) {
        long[] offsets = new long[length + 1];
        for (int i = 0; i <= length; i++) {
          offsets[i] = 3L * i;
        }
        validate(allocator, field, width, offsets); // monotonic: passes
        for (int slot = 0; slot < length; slot++) {
          long[] falling = offsets.clone();
          falling[slot + 1] = falling[slot] - 1; // falls from slot to slot + 1
          int at = slot;
          assertThatThrownBy(() -> validate(allocator, field, width, falling))
              .isInstanceOf(InvalidFlightDataException.class)
              .hasMessageContaining("offsets fall at slot " + at + " (");
        }
        if (length > 0 && width == 8) {
          // A negative 64-bit offset after a non-negative first one is a fall, even where the
          // difference would overflow.
          long[] wild = offsets.clone();
          wild[length - 1] = Long.MAX_VALUE - 1;
          wild[length] = Long.MIN_VALUE + 1;
          assertThatThrownBy(() -> validate(allocator, field, width, wild))
              .hasMessageContaining("offsets fall at slot " + (length - 1) + " (");
        }
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  private static void validate(
      BufferAllocator allocator, Field field, int width, long[] offsetValues) {
    int length = offsetValues.length - 1;
    long last = Math.max(0, offsetValues[length]);
    try (ArrowBuf validity = allocator.buffer(0);
        ArrowBuf offsets = allocator.buffer((long) offsetValues.length * width);
        ArrowBuf data = allocator.buffer(Math.min(last, 1 << 10))) {
      for (int i = 0; i < offsetValues.length; i++) {
        if (width == 4) {
          offsets.setInt((long) i * 4, (int) offsetValues[i]);
        } else {
          offsets.setLong((long) i * 8, offsetValues[i]);
        }
      }
      offsets.writerIndex((long) offsetValues.length * width);
      data.writerIndex(Math.min(last, 1 << 10));
      try (ArrowRecordBatch batch =
          new ArrowRecordBatch(
              length,
              List.of(new ArrowFieldNode(length, 0)),
              List.of(validity, offsets, data),
              NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
              true,
              true)) {
        BatchValidator.validate(List.of(field), batch, BatchValidator.DictionaryLengths.NONE);
      }
    }
  }
}
