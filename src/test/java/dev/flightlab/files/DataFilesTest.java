package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing data files with DuckDB and Arrow IPC, no server involved. */
class DataFilesTest {
  @TempDir Path dir;

  private RootAllocator allocator;
  private DuckDb duck;

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator(Long.MAX_VALUE);
    duck = DuckDb.open();
  }

  @AfterEach
  void allocatorEndsEmpty() throws Exception {
    duck.close();
    assertThat(allocator.getAllocatedMemory()).as(allocator.toVerboseString()).isZero();
    allocator.close();
  }

  static List<String> types(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      out.add(f.getName() + " " + f.getType());
    }
    return out;
  }

  @Test
  void parquetReadsWithEveryTypeAndInBatchesOfTheAskedSize() throws Exception {
    Path file =
        duck.copy(DuckDb.nestedTypesQuery(1000), dir.resolve("types.parquet"), "FORMAT parquet");
    try (BatchSet table =
        DataFiles.read(file, ReadOptions.defaults().withBatchRows(300), allocator)) {
      List<String> expected = new ArrayList<>(DuckDb.ARROW_TYPES);
      expected.add("list List");
      expected.add("struct Struct");
      assertThat(types(table.schema())).containsExactlyElementsOf(expected);
      assertThat(table.schema().findField("list").toString())
          .isEqualTo("list: List<element: Int(64, true)>");
      assertThat(table.schema().findField("struct").toString())
          .isEqualTo("struct: Struct<a: Int(64, true), b: Utf8>");
      assertThat(Tables.rowCounts(table)).containsExactly(300, 300, 300, 100);
      assertThat(Tables.column(table, "utf8", allocator))
          .startsWith(null, "name-1", "name-2", "name-3");
    }
  }

  @Test
  void readGivesBatchesThatKeepTheirBuffersAsTheReaderMovesOn() throws Exception {
    // The benchmark sends these batches again and again: each buffer must still hold exactly
    // what its batch's layout says after the reader has loaded the batches after it.
    Path arrows = dir.resolve("people.arrows");
    try (BatchSet people = Tables.people(allocator, 0, 100, 200, 300)) {
      ArrowFiles.write(people, arrows, allocator);
    }
    Path parquet = duck.copy(DuckDb.typesQuery(1000), dir.resolve("t.parquet"), "FORMAT parquet");
    for (Path file : List.of(arrows, parquet)) {
      try (BatchSet set =
          DataFiles.read(file, ReadOptions.defaults().withBatchRows(300), allocator)) {
        assertThat(set.batches()).hasSizeGreaterThan(2);
        for (ArrowRecordBatch batch : set.batches()) {
          for (int i = 0; i < batch.getBuffers().size(); i++) {
            assertThat(batch.getBuffers().get(i).readableBytes())
                .as("%s buffer %d", file, i)
                .isEqualTo(batch.getBuffersLayout().get(i).getSize());
          }
        }
      }
    }
  }

  @Test
  void csvTypesAreInferredFromTheFile() throws Exception {
    Path file =
        duck.copy(DuckDb.typesQuery(100), dir.resolve("types.csv"), "FORMAT csv, HEADER true");
    try (ArrowReader reader = DataFiles.open(file, ReadOptions.defaults(), allocator)) {
      assertThat(types(reader.getVectorSchemaRoot().getSchema()))
          .containsExactly(
              "int8 Int(64, true)",
              "int16 Int(64, true)",
              "int32 Int(64, true)",
              "int64 Int(64, true)",
              "uint8 Int(64, true)",
              "uint64 Int(64, true)",
              "float32 FloatingPoint(DOUBLE)",
              "float64 FloatingPoint(DOUBLE)",
              "dec10_2 FloatingPoint(DOUBLE)",
              "dec38_6 FloatingPoint(DOUBLE)",
              "utf8 Utf8",
              "text Utf8",
              "bool Bool",
              "date Date(DAY)",
              "ts Timestamp(MICROSECOND, null)",
              "tstz Timestamp(MICROSECOND, UTC)",
              "bin Utf8");
      long rows = 0;
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
      assertThat(rows).isEqualTo(100);
    }
  }

  static final String CSV_SCHEMA =
      "int8:int8, int16:int16, int32:int32, uint8:uint8, uint64:uint64, float32:float32,"
          + " dec10_2:decimal128(10,2), dec38_6:decimal128(38,6), bin:binary,"
          + " ts:timestamp(ms), tstz:timestamp(us,UTC)";

  @Test
  void csvColumnTypesOverrideTheInferredOnes() throws Exception {
    Path file =
        duck.copy(DuckDb.typesQuery(100), dir.resolve("types.csv"), "FORMAT csv, HEADER true");
    try (ArrowReader reader =
        DataFiles.open(file, ReadOptions.defaults().withColumnTypes(CSV_SCHEMA), allocator)) {
      List<String> expected = new ArrayList<>(DuckDb.ARROW_TYPES);
      expected.set(
          expected.indexOf("ts Timestamp(MICROSECOND, null)"), "ts Timestamp(MILLISECOND, null)");
      assertThat(types(reader.getVectorSchemaRoot().getSchema()))
          .containsExactlyElementsOf(expected);
      while (reader.loadNextBatch()) {
        // read it all: every value converts
      }
    }
  }

  @Test
  void aZonedTimestampColumnTakesItsZone() throws Exception {
    Path file = dir.resolve("zoned.csv");
    Files.writeString(file, "at\n2024-01-02 03:04:05\n");
    try (ArrowReader reader =
        DataFiles.open(
            file,
            ReadOptions.defaults().withColumnTypes("at:timestamp(us,Europe/Paris)"),
            allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertThat(types(root.getSchema()))
          .containsExactly("at Timestamp(MICROSECOND, Europe/Paris)");
      assertThat(reader.loadNextBatch()).isTrue();
      // 03:04:05 in Paris in winter is 02:04:05 UTC.
      assertThat(root.getVector("at").getObject(0)).isEqualTo(1704161045000000L);
    }
  }

  @Test
  void tsvAndOtherDelimitersAndFilesWithoutHeader() throws Exception {
    Path tsv = dir.resolve("t.tsv");
    Files.writeString(tsv, "id\tname\n1\ta,b\n2\tc\n");
    Path semicolons = dir.resolve("t.csv");
    Files.writeString(semicolons, "1;x\n2;y\n3;z\n");
    try (BatchSet a = DataFiles.read(tsv, allocator);
        BatchSet b =
            DataFiles.read(
                semicolons,
                ReadOptions.defaults().withDelimiter(';').withHeader(false),
                allocator)) {
      assertThat(types(a.schema())).containsExactly("id Int(64, true)", "name Utf8");
      assertThat(Tables.column(a, "name", allocator)).containsExactly("a,b", "c");
      assertThat(types(b.schema())).containsExactly("column0 Int(64, true)", "column1 Utf8");
      assertThat(b.rowCount()).isEqualTo(3);
    }
  }

  @Test
  void csvRowsAreNeverSkippedAsPreambleOrComments() throws Exception {
    // DuckDB's sniffer would drop "#2,b" as a comment, and read "id,name" and "1,a" as a
    // preamble to skip when the last row is ragged.
    Path hashes = dir.resolve("hashes.csv");
    Files.writeString(hashes, "id,name\n1,a\n#2,b\n3,c\n");
    try (BatchSet table = DataFiles.read(hashes, allocator)) {
      assertThat(Tables.column(table, "id", allocator)).containsExactly("1", "#2", "3");
    }
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "id,name\n1,a\n2,b,c\n");
    assertThatThrownBy(() -> DataFiles.read(ragged, allocator))
        .hasMessage(ragged + ": line 3: expected 2 columns, found 3: \"2,b,c\"");
    Path quoted = dir.resolve("quoted.csv");
    Files.writeString(quoted, "id,name\n1,\"\"\n2,\n");
    try (BatchSet table = DataFiles.read(quoted, allocator)) {
      assertThat(Tables.column(table, "name", allocator)).containsExactly("", null);
    }
  }

  @Test
  void writesParquetCsvAndArrowThatReadBackTheSame() throws Exception {
    Path original =
        duck.copy(DuckDb.nestedTypesQuery(2000), dir.resolve("in.parquet"), "FORMAT parquet");
    for (String name : List.of("out.parquet", "out.arrow", "out.arrows", "out.feather")) {
      Path out = dir.resolve(name);
      try (ArrowReader source = DataFiles.open(original, ReadOptions.defaults(), allocator)) {
        WriteOutcome written = DataFiles.write(source, out, WriteOptions.defaults(), allocator);
        assertThat(written.rows()).isEqualTo(2000);
        assertThat(written.bytes()).isEqualTo(Files.size(out));
      }
      Path check = out;
      if (!name.endsWith(".parquet")) {
        // DuckDB reads Arrow IPC only through an extension: compare through Parquet again.
        check = dir.resolve(name + ".parquet");
        try (ArrowReader again = DataFiles.open(out, ReadOptions.defaults(), allocator)) {
          DataFiles.write(again, check, WriteOptions.defaults(), allocator);
        }
      }
      duck.assertSameRows("'" + original + "'", "'" + check + "'");
      assertThat(duck.columns("'" + check + "'")).isEqualTo(duck.columns("'" + original + "'"));
    }
    // Read with the decimals' scale kept, CSV written back is DuckDB's own CSV, byte for byte.
    Path csvFromDuckDb =
        duck.copy(
            "SELECT * EXCLUDE (list, struct) FROM '" + original + "'",
            dir.resolve("duck.csv"),
            "FORMAT csv, HEADER true");
    Path csv = dir.resolve("out.csv");
    ReadOptions decimals =
        ReadOptions.defaults().withColumnTypes("dec10_2:decimal128(10,2),dec38_6:decimal128(38,6)");
    try (ArrowReader source = DataFiles.open(csvFromDuckDb, decimals, allocator)) {
      DataFiles.write(source, csv, WriteOptions.defaults(), allocator);
    }
    assertThat(Files.readString(csv)).isEqualTo(Files.readString(csvFromDuckDb));
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".part"))).isEmpty();
  }

  @Test
  void csvOutputTakesADelimiterAndCanLeaveTheHeaderOut() throws Exception {
    Path out = dir.resolve("out.csv");
    try (ArrowReader source = TestReaders.generated(allocator, 2, 3, -1)) {
      DataFiles.write(
          source, out, WriteOptions.defaults().withDelimiter('|').withHeader(false), allocator);
    }
    assertThat(Files.readAllLines(out))
        .containsExactly("0|", "1|name-1", "2|name-2", "3|name-3", "4|name-4", "5|name-5");
  }

  @Test
  void compressedFeatherV2IsRead() throws Exception {
    Path file = dir.resolve("lz4.feather");
    try (BatchSet people = Tables.people(allocator, 0, 5, 0, 7)) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(people.schema(), allocator);
          var channel =
              Files.newByteChannel(
                  file,
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.WRITE);
          ArrowFileWriter writer =
              new ArrowFileWriter(
                  root,
                  null,
                  channel,
                  null,
                  IpcOption.DEFAULT,
                  CommonsCompressionFactory.INSTANCE,
                  CompressionUtil.CodecType.LZ4_FRAME,
                  Optional.empty())) {
        writer.start();
        VectorLoader loader = new VectorLoader(root);
        for (ArrowRecordBatch batch : people.batches()) {
          loader.load(batch);
          writer.writeBatch();
        }
        writer.end();
      }
      try (BatchSet read = DataFiles.read(file, allocator)) {
        Tables.assertSameTable(people, read, allocator);
      }
    }
  }

  @Test
  void readingAndWritingStreamBatchByBatchWithinASmallAllocator() throws Exception {
    // 40 batches of 100,000 rows: about 60 MB as Arrow, through an allocator of 16 MiB.
    try (BufferAllocator small = allocator.newChildAllocator("small", 0, 16 << 20)) {
      for (String name : List.of("big.parquet", "big.csv", "big.arrows")) {
        Path file = dir.resolve(name);
        try (ArrowReader source = TestReaders.generated(small, 40, 100_000, -1)) {
          WriteOutcome written = DataFiles.write(source, file, WriteOptions.defaults(), small);
          assertThat(written.rows()).isEqualTo(4_000_000);
        }
        long rows = 0;
        long peak = 0;
        try (ArrowReader reader =
            DataFiles.open(file, ReadOptions.defaults().withBatchRows(50_000), small)) {
          while (reader.loadNextBatch()) {
            rows += reader.getVectorSchemaRoot().getRowCount();
            peak = Math.max(peak, small.getAllocatedMemory());
          }
        }
        assertThat(rows).as(name).isEqualTo(4_000_000);
        assertThat(peak).as(name).isLessThan(16 << 20);
      }
    }
  }

  @Test
  void aSourceThatFailsLeavesNoFileAndTheFailureIsRethrown() throws Exception {
    for (String name : List.of("f.parquet", "f.csv", "f.arrow", "f.arrows")) {
      Path out = dir.resolve(name);
      try (ArrowReader source = TestReaders.generated(allocator, 5, 1000, 3)) {
        assertThatThrownBy(() -> DataFiles.write(source, out, WriteOptions.defaults(), allocator))
            .as(name)
            .isInstanceOf(IOException.class)
            .hasMessage("boom at batch 3");
      }
      assertThat(out).doesNotExist();
    }
    assertThat(Files.list(dir)).isEmpty();
  }

  /**
   * DuckDB 2.0's asynchronous file writer deadlocked aborting a COPY whose source failed: 16 of 300
   * rounds of this loop (a Parquet and a CSV write each) hung. 60 rounds would all pass that bug
   * with a chance of (284/300)^60, about 4 %.
   */
  @RepeatedTest(60)
  void aSourceThatFailsNeverHangsTheWrite() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (String name : List.of("h.parquet", "h.csv")) {
            Path out = dir.resolve(name);
            try (ArrowReader source = TestReaders.generated(allocator, 5, 1000, 3)) {
              assertThatThrownBy(
                      () -> DataFiles.write(source, out, WriteOptions.defaults(), allocator))
                  .hasMessage("boom at batch 3");
            }
            assertThat(out).doesNotExist();
          }
        });
  }

  @Test
  void aFailedWriteLeavesTheOldFileAsItWas() throws Exception {
    Path out = dir.resolve("keep.parquet");
    Files.writeString(out, "old");
    try (ArrowReader source = TestReaders.generated(allocator, 5, 1000, 2)) {
      assertThatThrownBy(() -> DataFiles.write(source, out, WriteOptions.defaults(), allocator))
          .hasMessage("boom at batch 2");
    }
    assertThat(Files.readString(out)).isEqualTo("old");
    try (ArrowReader source = TestReaders.generated(allocator, 1, 10, -1)) {
      DataFiles.write(source, out, WriteOptions.defaults(), allocator);
    }
    assertThat(duck.value("SELECT count(*) FROM '" + out + "'")).isEqualTo("10");
  }

  @Test
  void optionsThatDoNotFitTheFormatAreRefused() throws Exception {
    Path parquet = duck.copy("SELECT 1 AS a", dir.resolve("a.parquet"), "FORMAT parquet");
    assertThatThrownBy(
            () -> DataFiles.open(parquet, ReadOptions.defaults().withDelimiter(';'), allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a delimiter applies to CSV and TSV only, not Parquet");
    assertThatThrownBy(
            () ->
                DataFiles.open(
                    parquet, ReadOptions.defaults().withColumnTypes("a:int8"), allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column types apply to CSV and TSV only, not Parquet");
    try (ArrowReader source = TestReaders.generated(allocator, 1, 1, -1)) {
      assertThatThrownBy(
              () ->
                  DataFiles.write(
                      source, dir.resolve("x.xlsx"), WriteOptions.defaults(), allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cannot tell the format of");
    }
  }
}
