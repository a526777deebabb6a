package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Joining a FlightInfo's endpoints: batches in order, dictionaries as each part sent them. */
class BatchSetConcatTest {
  private static final DictionaryEncoding COLOR =
      new DictionaryEncoding(1L, false, new ArrowType.Int(32, true));
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field(
                  "color", new FieldType(true, new ArrowType.Int(32, true), COLOR), List.of())));

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeak() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private BatchSet part(String[] dictionary, int... indices) {
    VarCharVector values = new VarCharVector("color", allocator);
    for (int i = 0; i < dictionary.length; i++) {
      values.setSafe(i, dictionary[i].getBytes(StandardCharsets.UTF_8));
    }
    values.setValueCount(dictionary.length);
    IntVector column = new IntVector(SCHEMA.getFields().get(0), allocator);
    for (int i = 0; i < indices.length; i++) {
      column.setSafe(i, indices[i]);
    }
    column.setValueCount(indices.length);
    try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(column))) {
      return BatchSet.builder(SCHEMA)
          .dictionary(new Dictionary(values, COLOR))
          .add(root, null)
          .build();
    }
  }

  private static String valueAt(BatchSet set, int batch, int index) {
    VarCharVector values = (VarCharVector) set.dictionariesAt(batch).lookup(1L).getVector();
    return new String(values.get(index), StandardCharsets.UTF_8);
  }

  @Test
  void equalDictionariesOfLaterPartsAreFreedAndNothingChanges() {
    try (BatchSet joined =
        BatchSet.concat(
            List.of(
                part(new String[] {"red", "blue"}, 0, 1), part(new String[] {"red", "blue"}, 1)))) {
      assertThat(joined.batches()).hasSize(2);
      assertThat(joined.dictionariesChange()).isFalse();
      assertThat(valueAt(joined, 1, 1)).isEqualTo("blue");
    }
  }

  @Test
  void aLaterPartWithOtherDictionariesReplacesThemFromItsFirstBatch() {
    try (BatchSet joined =
        BatchSet.concat(
            List.of(part(new String[] {"red", "blue"}, 0, 1), part(new String[] {"green"}, 0)))) {
      assertThat(joined.batches()).hasSize(2);
      assertThat(joined.dictionariesChange()).isTrue();
      assertThat(valueAt(joined, 0, 0)).isEqualTo("red");
      assertThat(valueAt(joined, 1, 0)).isEqualTo("green");
    }
  }
}
