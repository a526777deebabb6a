package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.files.ParquetArrowTypes.Column;
import dev.flightlab.files.ParquetArrowTypes.Conversion;
import dev.flightlab.files.ParquetArrowTypes.Node;
import dev.flightlab.files.ParquetArrowTypes.Plan;
import dev.flightlab.testing.Tables;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet read in the Arrow types Arrow C++ gives it: files written by DuckDB with its logical
 * types and with an {@code ARROW:schema} key made here, read through {@link DataFiles}; and the
 * plan's rules on their own. (python/parquet_types.py checks the same against pyarrow itself.)
 */
class ParquetArrowTypesTest {
  @TempDir Path dir;
  private RootAllocator allocator;
  private DuckDb duck;

  @BeforeEach
  void open() throws Exception {
    allocator = new RootAllocator(Long.MAX_VALUE);
    duck = DuckDb.open();
  }

  @AfterEach
  void allocatorEndsEmpty() throws Exception {
    duck.close();
    assertThat(allocator.getAllocatedMemory()).as(allocator.toVerboseString()).isZero();
    allocator.close();
  }

  private static final String ROWS =
      "SELECT CASE WHEN i % 5 = 4 THEN NULL ELSE (TIMESTAMP '2024-01-01' + INTERVAL (i * 1001)"
          + " MILLISECOND)::TIMESTAMP_MS END AS ts_ms,"
          + " CASE WHEN i % 5 = 3 THEN NULL ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL"
          + " (i) SECOND END AS tstz,"
          + " CASE WHEN i % 5 = 2 THEN NULL ELSE 'v' || i END AS s,"
          + " CASE WHEN i % 5 = 1 THEN NULL ELSE i * 7 END AS d,"
          + " [i, NULL] AS l"
          + " FROM range(1000) t(i)";

  /** {@link #ROWS}' fields as Arrow C++ reads them from the Parquet file DuckDB writes. */
  private static final List<String> ROWS_AS_ARROW_CPP_READS_THEM =
      List.of(
          "ts_ms: Timestamp(MILLISECOND, null)",
          "tstz: Timestamp(MICROSECOND, UTC)",
          "s: Utf8",
          "d: Int(64, true)",
          // DuckDB's reader names the child l, the file (and Arrow C++) element; DuckDB wrote the
          // column, never null, as REQUIRED.
          "l: List<element: Int(64, true)> not null");

  /** COPY options that write Parquet with {@code schema} under ARROW:schema. */
  private static String withArrowSchema(Schema schema) throws Exception {
    return "FORMAT parquet, KV_METADATA {'ARROW:schema': '" + arrowSchema(schema) + "'}";
  }

  private static String arrowSchema(Schema schema) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MessageSerializer.serialize(new WriteChannel(Channels.newChannel(bytes)), schema);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  @Test
  void logicalTypesComeBackAsArrowCppReadsThem() throws Exception {
    Path file = duck.copy(ROWS, dir.resolve("plain.parquet"), "FORMAT parquet");
    try (BatchSet table =
        DataFiles.read(file, ReadOptions.defaults().withBatchRows(300), allocator)) {
      assertThat(table.schema().getFields().stream().map(Field::toString))
          .containsExactlyElementsOf(ROWS_AS_ARROW_CPP_READS_THEM);
      assertThat(Tables.rowCounts(table)).containsExactly(300, 300, 300, 100);
      // Row i is i * 1001 ms after 2024-01-01, every fifth null: whole milliseconds, kept exactly.
      List<String> millis = Tables.column(table, "ts_ms", allocator);
      assertThat(millis).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(millis.get(i))
            .as("row %d", i)
            .isEqualTo(
                i % 5 == 4
                    ? null
                    : LocalDateTime.of(2024, 1, 1, 0, 0)
                        .plusNanos(i * 1001L * 1_000_000)
                        .toString());
      }
    }
  }

  @Test
  void anArrowSchemaKeyRestoresZoneDurationAndLargeStrings() throws Exception {
    Schema stored =
        new Schema(
            List.of(
                Field.nullable("ts_ms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
                new Field(
                    "tstz",
                    new FieldType(
                        true,
                        new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo"),
                        null,
                        Map.of("origin", "sensor")),
                    null),
                Field.nullable("s", ArrowType.LargeUtf8.INSTANCE),
                Field.nullable("d", new ArrowType.Duration(TimeUnit.MILLISECOND)),
                new Field(
                    "l",
                    FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(Field.nullable("item", new ArrowType.Int(64, true))))));
    Path file = duck.copy(ROWS, dir.resolve("arrow.parquet"), withArrowSchema(stored));
    try (BatchSet table =
        DataFiles.read(file, ReadOptions.defaults().withBatchRows(400), allocator)) {
      assertThat(table.schema().getFields().stream().map(Field::toString))
          .containsExactly(
              "ts_ms: Timestamp(MILLISECOND, null)",
              "tstz: Timestamp(MICROSECOND, Asia/Tokyo)",
              "s: LargeUtf8",
              "d: Duration(MILLISECOND)",
              // Arrow C++ names a list's child from the Parquet schema, not the stored one.
              "l: List<element: Int(64, true)> not null");
      assertThat(table.schema().findField("tstz").getMetadata()).containsEntry("origin", "sensor");
      assertThat(Tables.rowCounts(table)).containsExactly(400, 400, 200);
      List<String> strings = Tables.column(table, "s", allocator);
      assertThat(strings).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(strings.get(i)).as("row %d", i).isEqualTo(i % 5 == 2 ? null : "v" + i);
      }
      List<String> durations = Tables.column(table, "d", allocator);
      assertThat(durations.get(1)).isNull();
      assertThat(durations.get(2)).isEqualTo(Duration.ofMillis(14).toString());
      // The zone is only a label: the instants are DuckDB's.
      List<String> zoned = Tables.column(table, "tstz", allocator);
      assertThat(zoned.get(0)).isEqualTo("1704067200000000");
      assertThat(zoned.get(3)).isNull();
    }
  }

  @Test
  void columnsWithoutNullsConvertToAllValid() throws Exception {
    Schema stored =
        new Schema(
            List.of(
                Field.nullable("t", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
                Field.nullable("s", ArrowType.LargeUtf8.INSTANCE)));
    Path file =
        duck.copy(
            "SELECT (TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND)::TIMESTAMP_MS AS t,"
                + " 'x' || i AS s FROM range(21) t(i)",
            dir.resolve("full.parquet"),
            withArrowSchema(stored));
    try (BatchSet table =
        DataFiles.read(file, ReadOptions.defaults().withBatchRows(10), allocator)) {
      assertThat(table.schema()).isEqualTo(stored);
      assertThat(Tables.rowCounts(table)).containsExactly(10, 10, 1);
      List<String> times = Tables.column(table, "t", allocator);
      List<String> strings = Tables.column(table, "s", allocator);
      for (int i = 0; i < 21; i++) {
        assertThat(times.get(i))
            .isEqualTo(LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i).toString());
        assertThat(strings.get(i)).isEqualTo("x" + i);
      }
    }
  }

  @Test
  void theFilesKeyValuePairsBecomeTheSchemasMetadata() throws Exception {
    Path file =
        duck.copy(
            "SELECT 1 AS a",
            dir.resolve("owned.parquet"),
            "FORMAT parquet, KV_METADATA {'owner': 'team-x', 'note': 'it''s'}");
    try (BatchSet table = DataFiles.read(file, ReadOptions.defaults(), allocator)) {
      assertThat(table.schema().getCustomMetadata())
          .containsExactlyInAnyOrderEntriesOf(Map.of("owner", "team-x", "note", "it's"));
    }
    // And back: get -o x.parquet writes them as pairs of their own, beside ARROW:schema.
    Path copy = dir.resolve("copy.parquet");
    try (ArrowReader source = DataFiles.open(file, ReadOptions.defaults(), allocator)) {
      DataFiles.write(source, copy, WriteOptions.defaults(), allocator);
    }
    assertThat(duck.rows("SELECT decode(key) FROM parquet_kv_metadata('" + copy + "')"))
        .containsExactlyInAnyOrder(List.of("owner"), List.of("note"), List.of("ARROW:schema"));
  }

  @Test
  void aDictionaryColumnGetsOneDictionaryForTheWholeFile() throws Exception {
    Schema stored =
        new Schema(
            List.of(
                Field.nullable("i", new ArrowType.Int(64, true)),
                new Field(
                    "s",
                    new FieldType(
                        true,
                        ArrowType.Utf8.INSTANCE,
                        new org.apache.arrow.vector.types.pojo.DictionaryEncoding(
                            7, false, new ArrowType.Int(8, true))),
                    null)));
    Path file =
        duck.copy(
            "SELECT i, CASE WHEN i % 4 = 3 THEN NULL ELSE 'v' || (i % 5) END AS s"
                + " FROM range(1000) t(i)",
            dir.resolve("dict.parquet"), withArrowSchema(stored));
    try (BatchSet table =
        DataFiles.read(file, ReadOptions.defaults().withBatchRows(300), allocator)) {
      Field s = table.schema().findField("s");
      assertThat(s.getDictionary()).isNotNull();
      assertThat(s.getDictionary().getIndexType()).isEqualTo(new ArrowType.Int(32, true));
      assertThat(Tables.rowCounts(table)).containsExactly(300, 300, 300, 100);
      // One dictionary, in the order the values first appear, for every batch.
      assertThat(table.dictionaries().lookup(s.getDictionary().getId()).getVector().getValueCount())
          .isEqualTo(5);
      List<String> decoded = Tables.decodedColumn(table, "s", allocator);
      for (int i = 0; i < 1000; i++) {
        assertThat(decoded.get(i)).as("row %d", i).isEqualTo(i % 4 == 3 ? null : "v" + (i % 5));
      }
    }
  }

  @Test
  void aStoredSchemaOfOtherColumnsOrTypesItCannotApplyIsIgnored() throws Exception {
    Schema otherNames =
        new Schema(
            List.of(
                Field.nullable("x", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
                Field.nullable("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo")),
                Field.nullable("s", ArrowType.LargeUtf8.INSTANCE),
                Field.nullable("d", new ArrowType.Duration(TimeUnit.MILLISECOND)),
                Field.nullable("l", ArrowType.Utf8.INSTANCE)));
    Path file = duck.copy(ROWS, dir.resolve("other.parquet"), withArrowSchema(otherNames));
    Path garbage =
        duck.copy(
            ROWS,
            dir.resolve("garbage.parquet"),
            "FORMAT parquet, KV_METADATA {'ARROW:schema': 'not base64 at all!'}");
    for (Path f : List.of(file, garbage)) {
      try (BatchSet table = DataFiles.read(f, ReadOptions.defaults(), allocator)) {
        assertThat(table.schema().getFields().stream().map(Field::toString))
            .as("%s", f)
            .containsExactlyElementsOf(ROWS_AS_ARROW_CPP_READS_THEM);
      }
    }
  }

  @Test
  void negativeDurationsAndHalfFloatsWriteToParquetAndReadBack() throws Exception {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("d", new ArrowType.Duration(TimeUnit.MILLISECOND)),
                Field.nullable(
                    "h",
                    new ArrowType.FloatingPoint(
                        org.apache.arrow.vector.types.FloatingPointPrecision.HALF)),
                Field.nullable("z", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo"))));
    Path arrows = dir.resolve("in.arrows");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowStreamWriter writer =
            new ArrowStreamWriter(root, null, Files.newOutputStream(arrows))) {
      DurationVector d = (DurationVector) root.getVector("d");
      Float2Vector h = (Float2Vector) root.getVector("h");
      TimeStampMicroTZVector z = (TimeStampMicroTZVector) root.getVector("z");
      d.allocateNew(3);
      h.allocateNew(3);
      z.allocateNew(3);
      d.set(0, -1500);
      d.setNull(1);
      d.set(2, 7);
      h.setWithPossibleTruncate(0, -2.5f);
      h.setWithPossibleTruncate(1, 65504f);
      h.setNull(2);
      z.set(0, 1);
      z.set(1, 2);
      z.setNull(2);
      root.setRowCount(3);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    Path parquet = dir.resolve("out.parquet");
    Path csv = dir.resolve("out.csv");
    for (Path out : List.of(parquet, csv)) {
      try (ArrowReader source = DataFiles.open(arrows, ReadOptions.defaults(), allocator)) {
        assertThat(DataFiles.write(source, out, WriteOptions.defaults(), allocator).rows())
            .isEqualTo(3);
      }
    }
    // Durations as their int64 count (DuckDB writes an INTERVAL, which cannot be negative), the
    // types in the ARROW:schema key.
    assertThat(duck.columns("'" + parquet + "'"))
        .containsExactly("d BIGINT", "h FLOAT", "z TIMESTAMP WITH TIME ZONE");
    assertThat(duck.rows("SELECT d, h FROM '" + parquet + "'"))
        .containsExactly(
            List.of("-1500", "-2.5"), List.of("NULL", "65504.0"), List.of("7", "NULL"));
    try (BatchSet back = DataFiles.read(parquet, ReadOptions.defaults(), allocator)) {
      assertThat(back.schema().getFields().stream().map(Field::toString))
          .containsExactly(
              "d: Duration(MILLISECOND)",
              // A float16 is written, and so read back, as float32: DuckDB cannot write float16.
              "h: FloatingPoint(SINGLE)",
              "z: Timestamp(MICROSECOND, Asia/Tokyo)");
      assertThat(Tables.column(back, "d", allocator))
          .containsExactly(Duration.ofMillis(-1500).toString(), null, "PT0.007S");
    }
    assertThat(Files.readAllLines(csv).get(1)).startsWith("-00:00:01.5,-2.5,");
  }

  @Test
  void aStructWithAFloat16BesideAStringViewWritesToParquet() throws Exception {
    Field struct =
        new Field(
            "s",
            FieldType.nullable(ArrowType.Struct.INSTANCE),
            List.of(
                Field.nullable(
                    "h",
                    new ArrowType.FloatingPoint(
                        org.apache.arrow.vector.types.FloatingPointPrecision.HALF)),
                Field.nullable("v", ArrowType.Utf8View.INSTANCE)));
    Path arrows = dir.resolve("view.arrows");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(struct)), allocator);
        ArrowStreamWriter writer =
            new ArrowStreamWriter(root, null, Files.newOutputStream(arrows))) {
      StructVector s = (StructVector) root.getVector("s");
      Float2Vector h = (Float2Vector) s.getChild("h");
      ViewVarCharVector v = (ViewVarCharVector) s.getChild("v");
      s.allocateNew();
      h.allocateNew(2);
      v.allocateNew();
      s.setIndexDefined(0);
      s.setIndexDefined(1);
      h.setWithPossibleTruncate(0, 1.5f);
      h.setNull(1);
      // Longer than 12 bytes: held in a data buffer of the view vector's own.
      v.setSafe(0, "a string longer than twelve bytes".getBytes(StandardCharsets.UTF_8));
      v.setSafe(1, "another long string value".getBytes(StandardCharsets.UTF_8));
      h.setValueCount(2);
      v.setValueCount(2);
      root.setRowCount(2);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    Path parquet = dir.resolve("view.parquet");
    try (ArrowReader source = DataFiles.open(arrows, ReadOptions.defaults(), allocator)) {
      assertThat(DataFiles.write(source, parquet, WriteOptions.defaults(), allocator).rows())
          .isEqualTo(2);
    }
    assertThat(duck.rows("SELECT s.h, s.v FROM '" + parquet + "'"))
        .containsExactly(
            List.of("1.5", "a string longer than twelve bytes"),
            List.of("NULL", "another long string value"));
  }

  private static Column leaf(String name, String physical, String logical, String converted) {
    return new Column(name, physical, null, "OPTIONAL", logical, converted, 0, null, null);
  }

  @Test
  void planKeepsDuckDbsTypeWhereArrowCppsNeedsAnotherLayout() {
    Schema duckTypes =
        new Schema(
            List.of(
                Field.nullable("dict", ArrowType.Utf8.INSTANCE),
                Field.nullable("i", new ArrowType.Int(64, true)),
                Field.nullable("t", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
                Field.nullable(
                    "h",
                    new ArrowType.FloatingPoint(
                        org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE)),
                Field.nullable("b", ArrowType.Binary.INSTANCE)));
    List<Node> columns =
        List.of(
            new Node(leaf("dict", "BYTE_ARRAY", "StringType()", "UTF8")),
            new Node(leaf("i", "INT64", null, null)),
            new Node(
                leaf(
                    "t",
                    "INT32",
                    "TimeType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>,"
                        + " NANOS=<null>))",
                    null)),
            new Node(leaf("h", "FIXED_LEN_BYTE_ARRAY", "Float16Type()", null)),
            new Node(
                new Column(
                    "b", "FIXED_LEN_BYTE_ARRAY", 16, "REQUIRED", null, null, 0, null, null)));
    Schema stored =
        new Schema(
            List.of(
                new Field(
                    "dict",
                    new FieldType(
                        true,
                        ArrowType.Utf8.INSTANCE,
                        new org.apache.arrow.vector.types.pojo.DictionaryEncoding(0, false, null)),
                    null),
                // An int32 over an int64 column: not one Arrow C++ applies.
                Field.nullable("i", new ArrowType.Int(32, true)),
                Field.nullable("t", new ArrowType.Time(TimeUnit.SECOND, 32)),
                Field.nullable(
                    "h",
                    new ArrowType.FloatingPoint(
                        org.apache.arrow.vector.types.FloatingPointPrecision.HALF)),
                Field.notNullable("b", new ArrowType.FixedSizeBinary(16))));
    Plan plan = ParquetArrowTypes.plan(duckTypes, columns, stored);
    assertThat(plan.target().getFields().stream().map(Field::toString))
        .containsExactly(
            "dict: Utf8",
            "i: Int(64, true)",
            "t: Time(MILLISECOND, 32)",
            "h: FloatingPoint(HALF)",
            "b: FixedSizeBinary(16) not null");
    assertThat(plan.conversions())
        .containsExactly(
            Conversion.SAME,
            Conversion.SAME,
            Conversion.CONVERT,
            Conversion.CONVERT,
            Conversion.CONVERT);

    // Columns that do not line up with DuckDB's: nothing changes.
    assertThat(ParquetArrowTypes.plan(duckTypes, columns.subList(0, 4), stored).changesNothing())
        .isTrue();
  }

  @Test
  void topLevelSkipsNestedElementsAndFindsAListsElement() {
    List<Column> elements =
        List.of(
            new Column("schema", null, null, "REQUIRED", null, null, 3, null, null),
            new Column("st", null, null, "OPTIONAL", null, null, 2, null, null),
            leaf("a", "INT32", null, null),
            new Column("inner", null, null, "OPTIONAL", "ListType()", "LIST", 1, null, null),
            new Column("list", null, null, "REPEATED", null, null, 1, null, null),
            leaf("element", "INT32", null, null),
            new Column("xs", null, null, "OPTIONAL", "ListType()", "LIST", 1, null, null),
            new Column("list", null, null, "REPEATED", null, null, 1, null, null),
            new Column("item", "INT64", null, "REQUIRED", null, null, 0, null, null),
            new Column("dec", "FIXED_LEN_BYTE_ARRAY", 17, "OPTIONAL", null, "DECIMAL", 0, 40, 2));
    List<Node> top = ParquetArrowTypes.topLevel(elements);
    assertThat(top.stream().map(t -> t.column().name())).containsExactly("st", "xs", "dec");
    assertThat(top.get(0).children().stream().map(t -> t.column().name()))
        .containsExactly("a", "inner");
    assertThat(top.get(0).children().get(1).listElement().column().name()).isEqualTo("element");
    assertThat(top.get(0).listElement()).isNull();
    assertThat(top.get(1).listElement().column().name()).isEqualTo("item");
    assertThat(top.get(2).listElement()).isNull();

    Field duckList =
        new Field(
            "xs",
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(Field.nullable("l", new ArrowType.Int(64, true))));
    assertThat(ParquetArrowTypes.inferred(duckList, top.get(1)).toString())
        .isEqualTo("xs: List<item: Int(64, true) not null>");

    assertThat(ParquetArrowTypes.wideDecimal(elements))
        .startsWith("column 'dec' is DECIMAL(40, 2), which DuckDB reads as DOUBLE");
    assertThat(ParquetArrowTypes.wideDecimal(elements.subList(0, 9))).isNull();
  }
}
