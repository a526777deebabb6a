package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataSizesTest {
  private static final GeneratorOptions DEFAULTS = GeneratorOptions.defaults();

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private long logicalBytes(String spec, long rows, int batchRows, GeneratorOptions options) {
    try (BatchSet data =
        DataGenerator.generate(SchemaSpec.parse(spec), rows, batchRows, options, allocator)) {
      return DataSizes.logicalBytes(data);
    }
  }

  @Test
  void fixedWidthValuesCountTheirWidth() {
    assertThat(logicalBytes("int64x4", 10, 3, DEFAULTS)).isEqualTo(4 * 8 * 10);
    assertThat(logicalBytes("int8,int16,uint32,float32,float64", 3, 3, DEFAULTS))
        .isEqualTo(3 * (1 + 2 + 4 + 4 + 8));
    assertThat(logicalBytes("decimal128(10,2),date32,timestamp(ms,UTC)", 3, 2, DEFAULTS))
        .isEqualTo(3 * (16 + 4 + 8));
  }

  @Test
  void nullFixedWidthSlotsStillCount() {
    assertThat(logicalBytes("int32", 100, 30, DEFAULTS.withNullFraction(1))).isEqualTo(400);
  }

  @Test
  void boolsCountBitsRoundedUpOnceForTheWholeSet() {
    assertThat(logicalBytes("bool", 10, 10, DEFAULTS)).isEqualTo(2);
    assertThat(logicalBytes("bool", 1, 1, DEFAULTS)).isEqualTo(1);
    assertThat(logicalBytes("bool", 16, 4, DEFAULTS)).isEqualTo(2); // four 4-bit batches
    assertThat(logicalBytes("boolx2", 4, 4, DEFAULTS)).isEqualTo(1);
    assertThat(logicalBytes("bool,int64", 9, 9, DEFAULTS)).isEqualTo(2 + 72);
  }

  @Test
  void stringsCountTheirByteLengths() {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("s", ArrowType.Utf8.INSTANCE),
                Field.nullable("n", new ArrowType.Int(32, true))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      VarCharVector s = (VarCharVector) root.getVector("s");
      IntVector n = (IntVector) root.getVector("n");
      String[] values = {"a", "bc", null, "déf"}; // é is two bytes in UTF-8
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          s.setNull(i);
        } else {
          s.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
        }
        n.setSafe(i, i);
      }
      root.setRowCount(values.length);
      try (BatchSet data = BatchSet.of(root)) {
        assertThat(DataSizes.logicalBytes(data)).isEqualTo(1 + 2 + 4 + 4 * 4);
      }
    }
  }

  @Test
  void generatedStringsCountExactlyTheirLength() {
    // stringLength below 4 has no spread: every value is exactly that long
    assertThat(logicalBytes("utf8,large_utf8,binary", 7, 3, DEFAULTS.withStringLength(3)))
        .isEqualTo(3 * 7 * 3);
    assertThat(logicalBytes("utf8", 7, 3, DEFAULTS.withStringLength(3).withNullFraction(1)))
        .isZero();
  }

  @Test
  void listsCountTheirElementsOnly() {
    Field item = Field.nullable("item", new ArrowType.Int(32, true));
    Field list = new Field("l", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(list)), allocator)) {
      ListVector vector = (ListVector) root.getVector("l");
      UnionListWriter writer = vector.getWriter();
      int[][] rows = {{1, 2}, {}, {3}};
      for (int i = 0; i < rows.length; i++) {
        writer.setPosition(i);
        writer.startList();
        for (int v : rows[i]) {
          writer.integer().writeInt(v);
        }
        writer.endList();
      }
      vector.setNull(3);
      writer.setValueCount(4);
      root.setRowCount(4);
      try (BatchSet data = BatchSet.of(root)) {
        assertThat(DataSizes.logicalBytes(data)).isEqualTo(3 * 4);
      }
    }
  }

  @Test
  void structsCountTheirChildren() {
    assertThat(
            logicalBytes(
                "struct<a:int16,b:utf8,c:struct<bool>>", 8, 8, DEFAULTS.withStringLength(2)))
        .isEqualTo(8 * 2 + 8 * 2 + 1);
  }

  @Test
  void dictionaryValuesCountOnceAndIndicesPerRow() {
    // 3 entries of 2 bytes (stringLength 2, no spread), int32 indices
    GeneratorOptions options = DEFAULTS.withCardinality(3).withStringLength(2);
    try (BatchSet data =
        DataGenerator.generate(SchemaSpec.parse("dictionary<utf8>"), 10, 5, options, allocator)) {
      assertThat(DataSizes.logicalBytes(data)).isEqualTo(3 * 2 + 10 * 4);
      assertThat(DataSizes.logicalBytes(data.schema(), data.batches().get(0))).isEqualTo(5 * 4);
    }
  }

  @Test
  void perBatchSizesAddUpToTheSetWithoutDictionaries() {
    try (BatchSet data =
        DataGenerator.generate(
            SchemaSpec.parse("int64,utf8,list<float32>"), 1000, 300, DEFAULTS, allocator)) {
      long sum = 0;
      for (var batch : data.batches()) {
        sum += DataSizes.logicalBytes(data.schema(), batch);
      }
      assertThat(sum).isEqualTo(DataSizes.logicalBytes(data)).isGreaterThan(1000 * (8 + 16));
    }
  }

  @Test
  void anEmptySetIsZeroBytes() {
    assertThat(logicalBytes("int64,utf8", 0, 10, DEFAULTS)).isZero();
    try (VectorSchemaRoot root =
            VectorSchemaRoot.create(
                new Schema(List.of(Field.nullable("b", ArrowType.Bool.INSTANCE))), allocator);
        BatchSet data = BatchSet.of(root)) {
      assertThat(((BitVector) root.getVector(0)).getValueCount()).isZero();
      assertThat(DataSizes.logicalBytes(data)).isZero();
    }
  }
}
