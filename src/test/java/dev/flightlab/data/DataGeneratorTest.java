package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.memory.Allocators;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataGeneratorTest {
  /** Every type the spec grammar has, nested in the ways it allows. */
  static final String ALL_TYPES =
      "bool,int8,int16,int32,int64,uint8,uint16,uint32,uint64,float32,float64,"
          + "decimal128(20,4),utf8,large_utf8,binary,date32,timestamp(s),timestamp(ms,UTC),"
          + "timestamp(us),timestamp(ns,Europe/Paris),list<int32>,list<list<utf8>>,"
          + "struct<a:int64,b:list<binary>,c:struct<bool>>,dictionary<utf8>,"
          + "list<dictionary<utf8>>";

  /** The types beyond ALL_TYPES: those Arrow Java's validator cannot check (ValidateFull). */
  static final String MORE_TYPES =
      "float16,decimal256(50,6),date64,time32(s),time32(ms),time64(us),time64(ns),duration(s),"
          + "duration(ns),interval(year_month),interval(day_time),interval(month_day_nano),"
          + "fixed_size_binary(5),large_binary,utf8_view,binary_view,large_list<int16>,"
          + "list_view<utf8>,large_list_view<int64>,fixed_size_list<float64,3>,"
          + "map<utf8,int32>,sparse_union<a:int32,b:utf8>,dense_union<int64,list<int8>>,"
          + "run_end_encoded<int16,utf8>,ree<int64>,dictionary<int64>,"
          + "dictionary<struct<a:int8,b:binary_view>,int8>,list<dictionary<date64,int16>>";

  private static final GeneratorOptions DEFAULTS = GeneratorOptions.defaults();

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private BatchSet generate(String spec, long rows, int batchRows, GeneratorOptions options) {
    return DataGenerator.generate(SchemaSpec.parse(spec), rows, batchRows, options, allocator);
  }

  /** Loads each batch into one root, validates it fully and hands it to {@code check}. */
  private void forEachBatch(BatchSet data, Consumer<VectorSchemaRoot> check) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch batch : data.batches()) {
        loader.load(batch);
        ValueVectorUtility.validateFull(root);
        check.accept(root);
      }
    }
  }

  private static List<byte[]> bytesOf(BatchSet data) {
    List<byte[]> out = new ArrayList<>();
    for (ArrowRecordBatch batch : data.batches()) {
      out.addAll(bytesOf(batch));
    }
    for (long id : data.dictionaries().getDictionaryIds()) {
      for (ArrowBuf buf : data.dictionaries().lookup(id).getVector().getFieldBuffers()) {
        out.add(bytesOf(buf));
      }
    }
    return out;
  }

  private static List<byte[]> bytesOf(ArrowRecordBatch batch) {
    List<byte[]> out = new ArrayList<>();
    for (ArrowBuf buf : batch.getBuffers()) {
      out.add(bytesOf(buf));
    }
    return out;
  }

  private static byte[] bytesOf(ArrowBuf buf) {
    byte[] bytes = new byte[(int) buf.readableBytes()];
    buf.getBytes(0, bytes);
    return bytes;
  }

  private static List<Integer> batchSizes(BatchSet data) {
    List<Integer> sizes = new ArrayList<>();
    for (ArrowRecordBatch batch : data.batches()) {
      sizes.add(batch.getLength());
    }
    return sizes;
  }

  @Test
  void everyTypeMakesValidBatchesWithAndWithoutNulls() {
    for (double nulls : new double[] {0.0, 0.2}) {
      try (BatchSet data = generate(ALL_TYPES, 1000, 300, DEFAULTS.withNullFraction(nulls))) {
        assertThat(data.schema()).isEqualTo(SchemaSpec.parse(ALL_TYPES));
        assertThat(batchSizes(data)).containsExactly(300, 300, 300, 100);
        forEachBatch(
            data,
            root -> {
              for (FieldVector v : root.getFieldVectors()) {
                assertThat(v.getValueCount()).isEqualTo(root.getRowCount());
                if (nulls == 0) {
                  assertThat(v.getNullCount()).as(v.getName()).isZero();
                } else {
                  assertThat(v.getNullCount()).as(v.getName()).isPositive();
                }
              }
            });
        assertThat(data.dictionaries().getDictionaryIds()).containsExactlyInAnyOrder(0L, 1L);
        for (long id : data.dictionaries().getDictionaryIds()) {
          ValueVectorUtility.validateFull(data.dictionaries().lookup(id).getVector());
        }
      }
    }
  }

  @Test
  void batchesSurviveAnIpcStreamRoundTrip() throws IOException {
    try (BatchSet data = generate(ALL_TYPES, 500, 200, DEFAULTS.withNullFraction(0.1))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator);
          ArrowStreamWriter writer = new ArrowStreamWriter(root, data.dictionaries(), out)) {
        VectorLoader loader = new VectorLoader(root);
        writer.start();
        for (ArrowRecordBatch batch : data.batches()) {
          loader.load(batch);
          writer.writeBatch();
        }
        writer.end();
      }
      assertThat((long) out.size()).isEqualTo(data.ipcStreamBytes(allocator));
      try (ArrowStreamReader reader =
              new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator);
          VectorSchemaRoot expected = VectorSchemaRoot.create(data.schema(), allocator)) {
        VectorLoader loader = new VectorLoader(expected);
        int batches = 0;
        while (reader.loadNextBatch()) {
          ValueVectorUtility.validateFull(reader.getVectorSchemaRoot());
          loader.load(data.batches().get(batches++));
          assertThat(reader.getVectorSchemaRoot().equals(expected)).isTrue();
        }
        assertThat(batches).isEqualTo(3);
        assertThat(reader.getDictionaryVectors()).hasSize(2);
      }
    }
  }

  /** Writes {@code data} as an IPC stream with Arrow Java and reads it back: values equal. */
  private void assertIpcRoundTrip(BatchSet data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, data.dictionaries(), out)) {
      VectorLoader loader = new VectorLoader(root);
      writer.start();
      for (ArrowRecordBatch batch : data.batches()) {
        loader.load(batch);
        writer.writeBatch();
      }
      writer.end();
    }
    assertThat((long) out.size()).isEqualTo(data.ipcStreamBytes(allocator));
    try (ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator);
        VectorSchemaRoot expected = VectorSchemaRoot.create(data.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(expected);
      int batches = 0;
      while (reader.loadNextBatch()) {
        loader.load(data.batches().get(batches++));
        VectorSchemaRoot got = reader.getVectorSchemaRoot();
        for (int c = 0; c < expected.getFieldVectors().size(); c++) {
          for (int r = 0; r < expected.getRowCount(); r++) {
            assertThat(render(got.getVector(c).getObject(r)))
                .as("column %d row %d", c, r)
                .isEqualTo(render(expected.getVector(c).getObject(r)));
          }
        }
      }
      assertThat(batches).isEqualTo(data.batches().size());
      for (long id : data.dictionaries().getDictionaryIds()) {
        FieldVector want = data.dictionaries().lookup(id).getVector();
        FieldVector got = reader.getDictionaryVectors().get(id).getVector();
        assertThat(got.getField().getType()).isEqualTo(want.getField().getType());
        assertThat(got.getValueCount()).isEqualTo(want.getValueCount());
        for (int i = 0; i < want.getValueCount(); i++) {
          assertThat(render(got.getObject(i))).isEqualTo(render(want.getObject(i)));
        }
      }
    }
  }

  private static String render(Object value) {
    return value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value);
  }

  @Test
  void everyOtherTypeMakesBatchesThatSurviveAnIpcRoundTrip() throws IOException {
    SchemaWithDictionaries spec = SchemaSpec.parseWithDictionaries(MORE_TYPES);
    for (double nulls : new double[] {0.0, 0.25}) {
      try (BatchSet data =
          DataGenerator.generate(spec, 700, 300, DEFAULTS.withNullFraction(nulls), allocator)) {
        assertThat(data.schema()).isEqualTo(spec.schema());
        assertThat(batchSizes(data)).containsExactly(300, 300, 100);
        assertThat(SchemaSpec.describe(data.schema(), data.dictionaries()))
            .isEqualTo(SchemaSpec.describe(spec));
        forEachBatchUnvalidated(
            data,
            root -> {
              for (FieldVector v : root.getFieldVectors()) {
                assertThat(v.getValueCount()).isEqualTo(root.getRowCount());
                boolean nullsOfItsOwn =
                    !(v.getField().getType() instanceof ArrowType.Union
                        || v.getField().getType() instanceof ArrowType.RunEndEncoded);
                if (nulls == 0 || !nullsOfItsOwn) {
                  assertThat(v.getNullCount()).as(v.getName()).isZero();
                } else {
                  assertThat(v.getNullCount()).as(v.getName()).isPositive();
                }
              }
            });
        assertIpcRoundTrip(data);
      }
    }
  }

  private void forEachBatchUnvalidated(BatchSet data, Consumer<VectorSchemaRoot> check) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch batch : data.batches()) {
        loader.load(batch);
        check.accept(root);
      }
    }
  }

  @Test
  void otherTypesAreDeterministicAndIndependentOfTheMemoryBefore() {
    SchemaWithDictionaries spec = SchemaSpec.parseWithDictionaries(MORE_TYPES);
    GeneratorOptions options = new GeneratorOptions(7, 0.3, 12, 0);
    try (BatchSet a = DataGenerator.generate(spec, 500, 200, options, allocator)) {
      List<byte[]> first = bytesOf(a);
      try (ArrowBuf dirt = allocator.buffer(1 << 20)) {
        dirt.setOne(0, 1 << 20);
      }
      try (BatchSet b = DataGenerator.generate(spec, 500, 200, options, allocator)) {
        assertThat(first).isNotEmpty().containsExactlyElementsOf(bytesOf(b));
      }
    }
  }

  @Test
  void otherTypesRespectCardinalityAndStringLength() {
    String spec =
        "float16,decimal256(40,2),date64,time64(ns),duration(us),interval(month_day_nano),"
            + "fixed_size_binary(6),large_binary,utf8_view,binary_view";
    try (BatchSet data = generate(spec, 3000, 1000, DEFAULTS.withCardinality(5))) {
      List<Set<String>> distinct = new ArrayList<>();
      forEachBatchUnvalidated(
          data,
          root -> {
            for (int c = 0; c < root.getFieldVectors().size(); c++) {
              if (distinct.size() <= c) {
                distinct.add(new HashSet<>());
              }
              FieldVector v = root.getVector(c);
              for (int i = 0; i < v.getValueCount(); i++) {
                Object value = v.getObject(i);
                distinct
                    .get(c)
                    .add(value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value));
              }
            }
          });
      for (int c = 0; c < distinct.size(); c++) {
        assertThat(distinct.get(c)).as("column %d", c).hasSizeBetween(4, 5);
      }
    }
    try (BatchSet data =
        generate("utf8_view,binary_view", 2000, 2000, DEFAULTS.withStringLength(40))) {
      assertThat(DataSizes.logicalBytes(data)).isBetween(2 * 2000 * 38L, 2 * 2000 * 42L);
    }
    try (BatchSet data = generate("utf8_view", 100, 100, DEFAULTS.withStringLength(3))) {
      assertThat(data.batches().get(0).getVariadicBufferCounts()).containsExactly(0L);
      assertThat(DataSizes.logicalBytes(data)).isEqualTo(300);
    }
  }

  @Test
  void runEndsLimitTheRowsOfABatch() {
    assertThatThrownBy(() -> generate("run_end_encoded<int16,int8>", 40000, 40000, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("int16 run ends holds at most 32767 rows per batch, not 40000");
    assertThat(allocator.getAllocatedMemory()).isZero();
    try (BatchSet data = generate("run_end_encoded<int16,int8>", 40000, 32767, DEFAULTS)) {
      assertThat(batchSizes(data)).containsExactly(32767, 7233);
    }
  }

  @Test
  void sameSeedGivesTheSameBytes() {
    GeneratorOptions options = new GeneratorOptions(7, 0.3, 12, 0);
    try (BatchSet a = generate(ALL_TYPES, 700, 256, options);
        BatchSet b = generate(ALL_TYPES, 700, 256, options)) {
      assertThat(bytesOf(a)).isNotEmpty().containsExactlyElementsOf(bytesOf(b));
      for (int i = 0; i < a.batches().size(); i++) {
        assertThat(a.batches().get(i).getNodes().toString())
            .isEqualTo(b.batches().get(i).getNodes().toString());
      }
    }
  }

  @Test
  void bytesDoNotDependOnWhatTheMemoryHeldBefore() {
    GeneratorOptions options = DEFAULTS.withNullFraction(0.3);
    List<byte[]> clean;
    try (BatchSet a = generate(ALL_TYPES, 300, 128, options)) {
      clean = bytesOf(a);
    }
    for (int size = 1; size <= 1 << 16; size <<= 1) {
      for (int k = 0; k < 8; k++) {
        try (ArrowBuf dirty = allocator.buffer(size)) {
          dirty.setOne(0L, dirty.capacity());
        }
      }
    }
    try (BatchSet b = generate(ALL_TYPES, 300, 128, options)) {
      assertThat(bytesOf(b)).containsExactlyElementsOf(clean);
    }
  }

  @Test
  void exactSizeAllocatorsGiveTheSameBytes() {
    // buffers of 64 KiB and more come from malloc or the block cache there, not zeroed
    Schema schema = SchemaSpec.parse("int64,utf8,bool,list<int32>");
    List<byte[]> pooled;
    try (BatchSet a = DataGenerator.generate(schema, 50_000, 50_000, DEFAULTS, allocator)) {
      pooled = bytesOf(a);
    }
    try (BufferAllocator exact = Allocators.newRoot();
        BatchSet b = DataGenerator.generate(schema, 50_000, 50_000, DEFAULTS, exact)) {
      assertThat(bytesOf(b)).containsExactlyElementsOf(pooled);
    }
  }

  @Test
  void differentSeedsGiveDifferentValues() {
    try (BatchSet a = generate("int64,utf8,float64", 100, 100, DEFAULTS);
        BatchSet b = generate("int64,utf8,float64", 100, 100, DEFAULTS.withSeed(43))) {
      List<byte[]> bytesA = bytesOf(a);
      List<byte[]> bytesB = bytesOf(b);
      assertThat(bytesA.get(1)).isNotEqualTo(bytesB.get(1)); // int64 values
      assertThat(bytesA.get(4)).isNotEqualTo(bytesB.get(4)); // utf8 bytes
      assertThat(bytesA.get(6)).isNotEqualTo(bytesB.get(6)); // float64 values
    }
  }

  @Test
  void batchesDoNotDependOnHowManyFollow() {
    try (BatchSet longer = generate(ALL_TYPES, 1000, 100, DEFAULTS.withNullFraction(0.1));
        BatchSet shorter = generate(ALL_TYPES, 450, 100, DEFAULTS.withNullFraction(0.1))) {
      for (int i = 0; i < 4; i++) {
        assertThat(bytesOf(shorter.batches().get(i)))
            .containsExactlyElementsOf(bytesOf(longer.batches().get(i)));
      }
    }
  }

  @Test
  void aColumnDoesNotDependOnTheOtherColumnsTypes() {
    try (BatchSet a = generate("int64,int64", 300, 100, DEFAULTS);
        BatchSet b = generate("utf8,int64", 300, 100, DEFAULTS)) {
      for (int i = 0; i < 3; i++) {
        List<byte[]> bytesA = bytesOf(a.batches().get(i));
        List<byte[]> bytesB = bytesOf(b.batches().get(i));
        assertThat(bytesB.get(bytesB.size() - 1)).isEqualTo(bytesA.get(bytesA.size() - 1));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"10,3,3;3;3;1", "9,3,3;3;3", "2,5,2", "5,5,5", "1,1,1", "4097,4096,4096;1"})
  void splitsRowsIntoBatchesOfBatchRows(long rows, int batchRows, String expected) {
    List<Integer> sizes = new ArrayList<>();
    for (String s : expected.split(";")) {
      sizes.add(Integer.parseInt(s));
    }
    try (BatchSet data = generate("int64,utf8,list<int8>", rows, batchRows, DEFAULTS)) {
      assertThat(batchSizes(data)).isEqualTo(sizes);
      assertThat(data.rowCount()).isEqualTo(rows);
      forEachBatch(data, root -> {});
    }
  }

  @Test
  void zeroRowsGiveNoBatchesButKeepTheSchemaAndDictionaries() {
    try (BatchSet data = generate("int64,dictionary<utf8>", 0, 10, DEFAULTS)) {
      assertThat(data.batches()).isEmpty();
      assertThat(data.rowCount()).isZero();
      assertThat(data.schema()).isEqualTo(SchemaSpec.parse("int64,dictionary<utf8>"));
      assertThat(data.dictionaries().getDictionaryIds()).containsExactly(0L);
      assertThat(data.ipcStreamBytes(allocator)).isPositive();
    }
  }

  @Test
  void zeroNullFractionSetsEveryValidityBit() {
    try (BatchSet data = generate("int64,utf8,list<int8>,struct<bool>", 13, 13, DEFAULTS)) {
      ArrowRecordBatch batch = data.batches().get(0);
      for (ArrowFieldNode node : batch.getNodes()) {
        assertThat(node.getNullCount()).isZero();
      }
      byte[] validity = bytesOf(batch.getBuffers().get(0));
      assertThat(validity).containsExactly((byte) 0xFF, (byte) 0x1F);
    }
  }

  @Test
  void nullFractionIsRoughlyRespectedInEveryColumn() {
    String spec = "int64,utf8,bool,decimal128(5,1),list<int16>,struct<a:float32,b:binary>";
    try (BatchSet data = generate(spec, 20_000, 5_000, DEFAULTS.withNullFraction(0.25))) {
      long[] nulls = new long[data.batches().get(0).getNodes().size()];
      long[] values = new long[nulls.length];
      for (ArrowRecordBatch batch : data.batches()) {
        for (int i = 0; i < nulls.length; i++) {
          nulls[i] += batch.getNodes().get(i).getNullCount();
          values[i] += batch.getNodes().get(i).getLength();
        }
      }
      for (int i = 0; i < nulls.length; i++) {
        assertThat((double) nulls[i] / values[i]).as("node %d", i).isBetween(0.2, 0.3);
      }
      forEachBatch(data, root -> {});
    }
  }

  @Test
  void nullFractionOneMakesEveryValueNull() {
    try (BatchSet data = generate("int64,utf8,list<int8>", 100, 64, DEFAULTS.withNullFraction(1))) {
      forEachBatch(
          data,
          root -> {
            for (FieldVector v : root.getFieldVectors()) {
              assertThat(v.getNullCount()).isEqualTo(root.getRowCount());
            }
            // null strings and lists are empty
            assertThat(((VarCharVector) root.getVector(1)).getOffsetBuffer().getInt(4L * 36))
                .isZero();
          });
      assertThat(DataSizes.logicalBytes(data)).isEqualTo(8 * 100);
    }
  }

  @Test
  void nonNullableFieldsNeverGetNulls() {
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("maybe", new ArrowType.Int(64, true))));
    try (BatchSet data =
        DataGenerator.generate(schema, 1000, 1000, DEFAULTS.withNullFraction(0.5), allocator)) {
      List<ArrowFieldNode> nodes = data.batches().get(0).getNodes();
      assertThat(nodes.get(0).getNullCount()).isZero();
      assertThat(nodes.get(1).getNullCount()).isPositive();
    }
  }

  @Test
  void nullsDoNotChangeTheValuesThatRemain() {
    List<Object> dense = new ArrayList<>();
    List<Object> sparse = new ArrayList<>();
    try (BatchSet a = generate("int64,utf8", 500, 200, DEFAULTS);
        BatchSet b = generate("int64,utf8", 500, 200, DEFAULTS.withNullFraction(0.5))) {
      forEachBatch(a, root -> collectRows(root, dense));
      forEachBatch(b, root -> collectRows(root, sparse));
    }
    assertThat(sparse).hasSameSizeAs(dense);
    int nulls = 0;
    for (int i = 0; i < dense.size(); i++) {
      if (sparse.get(i) == null) {
        nulls++;
      } else {
        assertThat(sparse.get(i)).isEqualTo(dense.get(i));
      }
    }
    assertThat(nulls).isPositive();
  }

  private static void collectRows(VectorSchemaRoot root, List<Object> out) {
    for (FieldVector v : root.getFieldVectors()) {
      for (int i = 0; i < root.getRowCount(); i++) {
        Object value = v.getObject(i);
        out.add(value == null ? null : value.toString());
      }
    }
  }

  @Test
  void cardinalityLimitsDistinctValuesPerColumnAcrossBatches() {
    String spec =
        "int64,int32,int8,uint64,float64,float32,utf8,large_utf8,binary,date32,"
            + "timestamp(ms),decimal128(10,2),list<int64>,struct<a:utf8>,bool";
    try (BatchSet data = generate(spec, 5000, 1000, DEFAULTS.withCardinality(7))) {
      List<Set<Object>> distinct = new ArrayList<>();
      forEachBatch(
          data,
          root -> {
            List<FieldVector> leaves = leaves(root.getFieldVectors());
            while (distinct.size() < leaves.size()) {
              distinct.add(new HashSet<>());
            }
            for (int c = 0; c < leaves.size(); c++) {
              FieldVector v = leaves.get(c);
              for (int i = 0; i < v.getValueCount(); i++) {
                Object value = v.getObject(i);
                distinct.get(c).add(value instanceof byte[] ? new String((byte[]) value) : value);
              }
            }
          });
      Set<Integer> narrow = Set.of(2, 9); // int8 and date32: 7 keys may share a value
      for (int c = 0; c < distinct.size() - 1; c++) {
        if (narrow.contains(c)) {
          assertThat(distinct.get(c).size()).as("leaf column %d", c).isBetween(5, 7);
        } else {
          assertThat(distinct.get(c)).as("leaf column %d", c).hasSize(7);
        }
      }
      assertThat(distinct.get(distinct.size() - 1)).hasSize(2); // bool
    }
  }

  /** The vectors that hold values: list and struct vectors replaced by their children. */
  private static List<FieldVector> leaves(List<FieldVector> vectors) {
    List<FieldVector> out = new ArrayList<>();
    for (FieldVector v : vectors) {
      if (v.getChildrenFromFields().isEmpty()) {
        out.add(v);
      } else {
        out.addAll(leaves(v.getChildrenFromFields()));
      }
    }
    return out;
  }

  @Test
  void dictionarySizeIsTheCardinalityOrByDefault1024() {
    try (BatchSet data = generate("dictionary<utf8>", 5000, 5000, DEFAULTS)) {
      checkDictionary(data, GeneratorOptions.DEFAULT_DICTIONARY_SIZE);
    }
    try (BatchSet data = generate("dictionary<utf8>", 5000, 5000, DEFAULTS.withCardinality(10))) {
      checkDictionary(data, 10);
    }
    try (BatchSet data =
        generate(
            "dictionary<utf8>", 5000, 5000, DEFAULTS.withCardinality(50).withStringLength(0))) {
      checkDictionary(data, 50); // values stay distinct even when asked for empty strings
    }
  }

  private void checkDictionary(BatchSet data, int size) {
    Dictionary dictionary = data.dictionaries().lookup(0);
    VarCharVector values = (VarCharVector) dictionary.getVector();
    assertThat(values.getValueCount()).isEqualTo(size);
    Set<String> distinct = new HashSet<>();
    for (int i = 0; i < size; i++) {
      distinct.add(values.getObject(i).toString());
    }
    assertThat(distinct).hasSize(size);
    Set<Integer> used = new HashSet<>();
    forEachBatch(
        data,
        root -> {
          IntVector indices = (IntVector) root.getVector(0);
          for (int i = 0; i < indices.getValueCount(); i++) {
            assertThat(indices.get(i)).isBetween(0, size - 1);
            used.add(indices.get(i));
          }
        });
    assertThat(used.size()).isGreaterThan(size / 2);
  }

  @Test
  void stringLengthIsTheAverageLengthOfStringsAndBinaries() {
    try (BatchSet data =
        generate("utf8,binary,large_utf8", 10_000, 2_500, DEFAULTS.withStringLength(20))) {
      long[] total = new long[3];
      forEachBatch(
          data,
          root -> {
            for (int c = 0; c < 3; c++) {
              VariableWidthFieldVector v = (VariableWidthFieldVector) root.getVector(c);
              for (int i = 0; i < v.getValueCount(); i++) {
                int length = v.getValueLength(i);
                assertThat(length).isBetween(15, 25);
                total[c] += length;
              }
            }
          });
      for (long t : total) {
        assertThat(t / 10_000.0).isBetween(19.5, 20.5);
      }
    }
    try (BatchSet data = generate("utf8", 100, 100, DEFAULTS.withStringLength(0))) {
      assertThat(DataSizes.logicalBytes(data)).isZero();
    }
  }

  @Test
  void utf8ValuesAreAsciiText() {
    try (BatchSet data = generate("utf8", 200, 200, DEFAULTS.withStringLength(33))) {
      forEachBatch(
          data,
          root -> {
            VarCharVector v = (VarCharVector) root.getVector(0);
            for (int i = 0; i < v.getValueCount(); i++) {
              assertThat(v.getObject(i).toString()).matches("[A-Za-z0-9_-]{25,41}");
            }
          });
    }
  }

  @Test
  void valuesSpreadOverRealisticRanges() {
    String spec = "int64,int8,float64,date32,timestamp(ns),timestamp(s),decimal128(6,2)";
    long epochDay = DataGenerator.EPOCH_SECONDS / 86_400;
    long[] min = {Long.MAX_VALUE, Long.MAX_VALUE};
    long[] max = {Long.MIN_VALUE, Long.MIN_VALUE};
    boolean[] floatSigns = new boolean[2];
    try (BatchSet data = generate(spec, 10_000, 5_000, DEFAULTS)) {
      forEachBatch(
          data,
          root -> {
            BigIntVector int64 = (BigIntVector) root.getVector(0);
            TinyIntVector int8 = (TinyIntVector) root.getVector(1);
            Float8Vector float64 = (Float8Vector) root.getVector(2);
            DateDayVector date = (DateDayVector) root.getVector(3);
            TimeStampVector nanos = (TimeStampVector) root.getVector(4);
            TimeStampVector seconds = (TimeStampVector) root.getVector(5);
            DecimalVector decimal = (DecimalVector) root.getVector(6);
            for (int i = 0; i < root.getRowCount(); i++) {
              min[0] = Math.min(min[0], int64.get(i));
              max[0] = Math.max(max[0], int64.get(i));
              min[1] = Math.min(min[1], int8.get(i));
              max[1] = Math.max(max[1], int8.get(i));
              double d = float64.get(i);
              assertThat(d).isBetween(-1e6, 1e6);
              floatSigns[d < 0 ? 0 : 1] = true;
              assertThat((long) date.get(i)).isBetween(epochDay - 365, epochDay);
              assertThat(nanos.get(i))
                  .isBetween(
                      (DataGenerator.EPOCH_SECONDS - 365 * 86_400L) * 1_000_000_000L,
                      DataGenerator.EPOCH_SECONDS * 1_000_000_000L);
              assertThat(seconds.get(i))
                  .isBetween(
                      DataGenerator.EPOCH_SECONDS - 365 * 86_400L, DataGenerator.EPOCH_SECONDS);
              BigDecimal value = decimal.getObject(i);
              assertThat(value.scale()).isEqualTo(2);
              assertThat(value.abs()).isLessThan(new BigDecimal("10000"));
            }
          });
    }
    assertThat(min[0]).isLessThan(Long.MIN_VALUE / 2);
    assertThat(max[0]).isGreaterThan(Long.MAX_VALUE / 2);
    assertThat(min[1]).isEqualTo(Byte.MIN_VALUE);
    assertThat(max[1]).isEqualTo(Byte.MAX_VALUE);
    assertThat(floatSigns).containsExactly(true, true);
  }

  @Test
  void decimalsOfEveryWidthFitTheirPrecision() {
    String spec = "decimal32(7,2),decimal64(18,4),decimal256(40,3)";
    boolean[] signs = new boolean[2];
    try (BatchSet data = generate(spec, 5_000, 2_000, DEFAULTS);
        VectorSchemaRoot root = IpcSchemas.createRoot(data.schema(), allocator)) {
      assertThat(root.getSchema()).isEqualTo(SchemaSpec.parse(spec));
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch batch : data.batches()) {
        loader.load(batch);
        FieldVector d32 = root.getVector(0);
        FieldVector d64 = root.getVector(1);
        Decimal256Vector d256 = (Decimal256Vector) root.getVector(2);
        for (int i = 0; i < root.getRowCount(); i++) {
          int v32 = d32.getDataBuffer().getInt(i * 4L);
          assertThat(Math.abs((long) v32)).isLessThan(10_000_000L);
          signs[v32 < 0 ? 0 : 1] = true;
          assertThat(Math.abs(d64.getDataBuffer().getLong(i * 8L)))
              .isLessThan(1_000_000_000_000_000_000L);
          assertThat(d256.getObject(i).scale()).isEqualTo(3);
        }
      }
    }
    assertThat(signs).containsExactly(true, true);
  }

  @Test
  void narrowDecimalsNestAndServeAsDictionaryValues() {
    String text = "list<decimal32(7,2)>,struct<a:decimal64(12,3)>,dictionary<decimal32(5,1),int8>";
    SchemaWithDictionaries spec = SchemaSpec.parseWithDictionaries(text);
    try (BatchSet data = DataGenerator.generate(spec, 500, 200, DEFAULTS, allocator);
        VectorSchemaRoot root = IpcSchemas.createRoot(data.schema(), allocator)) {
      assertThat(data.schema()).isEqualTo(spec.schema());
      assertThat(SchemaSpec.describe(data.schema(), data.dictionaries()))
          .isEqualTo(SchemaSpec.describe(spec));
      long id = data.schema().getFields().get(2).getDictionary().getId();
      FieldVector values = data.dictionaries().lookup(id).getVector();
      // a 4-byte stand-in (Arrow Java 19 has no decimal32 vector), not a 16-byte DecimalVector
      assertThat(values.getField().getType()).isEqualTo(new ArrowType.FixedSizeBinary(4));
      assertThat(values.getValueCount()).isPositive();
      for (int i = 0; i < values.getValueCount(); i++) {
        assertThat(Math.abs((long) values.getDataBuffer().getInt(i * 4L))).isLessThan(10_000L);
      }
      VectorLoader loader = new VectorLoader(root);
      long elements = 0;
      for (ArrowRecordBatch batch : data.batches()) {
        loader.load(batch);
        FieldVector items = (FieldVector) ((ListVector) root.getVector(0)).getDataVector();
        for (int i = 0; i < items.getValueCount(); i++) {
          if (!items.isNull(i)) {
            assertThat(Math.abs((long) items.getDataBuffer().getInt(i * 4L)))
                .isLessThan(1_000_000L);
            elements++;
          }
        }
      }
      assertThat(elements).isPositive();
    }
  }

  @Test
  void timestampsKeepTheirUnitAndZone() {
    try (BatchSet data = generate("timestamp(ms,UTC)", 10, 10, DEFAULTS)) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) data.schema().getFields().get(0).getType();
      assertThat(type.getUnit()).isEqualTo(TimeUnit.MILLISECOND);
      assertThat(type.getTimezone()).isEqualTo("UTC");
    }
  }

  @Test
  void generatesSchemasNotMadeFromSpecs() {
    try (BatchSet data =
        DataGenerator.generate(DemoTables.USER_SESSIONS, 1000, 400, DEFAULTS, allocator)) {
      assertThat(data.schema()).isEqualTo(DemoTables.USER_SESSIONS);
      assertThat(batchSizes(data)).containsExactly(400, 400, 200);
      forEachBatch(data, root -> {});
    }
  }

  @Test
  void rejectsTypesItCannotGenerate() {
    Schema schema = new Schema(List.of(Field.nullable("t", ArrowType.Null.INSTANCE)));
    assertThatThrownBy(() -> DataGenerator.generate(schema, 10, 10, DEFAULTS, allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 't'");
  }

  @Test
  void rejectsBadArguments() {
    Schema schema = SchemaSpec.parse("int64");
    assertThatThrownBy(() -> DataGenerator.generate(schema, -1, 10, DEFAULTS, allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows");
    assertThatThrownBy(() -> DataGenerator.generate(schema, 10, 0, DEFAULTS, allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchRows");
  }

  @Test
  void optionsDefaultsAndRanges() {
    assertThat(GeneratorOptions.defaults()).isEqualTo(new GeneratorOptions(42, 0.0, 16, 0));
    assertThat(GeneratorOptions.defaults().dictionarySize()).isEqualTo(1024);
    assertThat(DEFAULTS.withCardinality(3).dictionarySize()).isEqualTo(3);
    assertThatThrownBy(() -> DEFAULTS.withNullFraction(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withNullFraction(-0.1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withNullFraction(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withStringLength(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withCardinality(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEFAULTS.withCardinality(1L << 40).dictionarySize())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failedGenerationFreesEverythingItAllocated() {
    try (BufferAllocator limited = allocator.newChildAllocator("limited", 0, 200_000)) {
      assertThatThrownBy(
              () ->
                  DataGenerator.generate(
                      SchemaSpec.parse("dictionary<utf8>,int64x4,utf8"),
                      100_000,
                      1000,
                      DEFAULTS,
                      limited))
          .isInstanceOf(OutOfMemoryException.class);
      assertThat(limited.getAllocatedMemory()).isZero();
    }
  }
}
