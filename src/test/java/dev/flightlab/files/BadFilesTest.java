package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Tables;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not what their format says are refused with their name and the line or byte offset
 * at fault, before anything is allocated for what they claim.
 */
class BadFilesTest {
  @TempDir Path dir;

  private RootAllocator allocator;
  private DuckDb duck;

  @BeforeEach
  void start() throws Exception {
    // Small enough that allocating what a bad file claims would fail loudly instead.
    allocator = new RootAllocator(64 << 20);
    duck = DuckDb.open();
  }

  @AfterEach
  void nothingStaysAllocated() throws Exception {
    duck.close();
    assertThat(allocator.getAllocatedMemory()).as(allocator.toVerboseString()).isZero();
    allocator.close();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Opening and reading {@code file} to its end fails with a DataFileException. */
  private void refused(Path file, ReadOptions options, Consumer<DataFileException> check) {
    ThrowingCallable read =
        () -> {
          try (ArrowReader reader = DataFiles.open(file, options, allocator)) {
            while (reader.loadNextBatch()) {
              // to the end
            }
          }
        };
    assertThatThrownBy(read)
        .isInstanceOfSatisfying(
            DataFileException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
              check.accept(e);
            });
    assertThat(allocator.getPeakMemoryAllocation()).isLessThan(16 << 20);
  }

  private void refused(Path file, Consumer<DataFileException> check) {
    refused(file, ReadOptions.defaults(), check);
  }

  private static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  @Test
  void aCsvPassedAsArrowIsNotReadAsAMessageLength() throws IOException {
    // "id,n" as a little-endian int32 is 1,848,403,049: Arrow Java would allocate that much.
    Path file = write("notes.arrow", "id,name\n1,alice\n2,bob\n");
    refused(
        file,
        e ->
            assertThat(e.getMessage())
                .isEqualTo(
                    file
                        + ": at byte offset 0: is not an Arrow IPC file or stream (text:"
                        + " \"id,name\"): its first message would be 1848403049 bytes long, in a"
                        + " file of 22 bytes"));
  }

  @Test
  void parquetPassedAsArrowOrCsvIsRefusedSayingWhatItIs() throws Exception {
    Path parquet = duck.copy("SELECT 1 AS a", dir.resolve("a.parquet"), "FORMAT parquet");
    Path asArrow = Files.copy(parquet, dir.resolve("a.arrows"));
    Path asCsv = Files.copy(parquet, dir.resolve("a.csv"));
    refused(
        asArrow,
        e ->
            assertThat(e.getMessage())
                .contains(
                    "is not Arrow IPC: it is a Parquet file (use .parquet or --format parquet)"));
    refused(
        asCsv, e -> assertThat(e.getMessage()).contains("is not CSV text: it is a Parquet file"));
  }

  @Test
  void textNamedParquetIsRefusedBeforeDuckDbSeesIt() throws IOException {
    Path file = write("sales.parquet", "region,total\nnorth,12\n");
    refused(
        file,
        e ->
            assertThat(e.getMessage())
                .isEqualTo(
                    file
                        + ": is not a Parquet file: a Parquet file starts with PAR1, this one"
                        + " starts with text: \"region,total\""));
  }

  @Test
  void aTruncatedParquetFileIsRefusedWithTheOffset() throws Exception {
    Path whole = duck.copy(DuckDb.typesQuery(5000), dir.resolve("whole.parquet"), "FORMAT parquet");
    byte[] bytes = Files.readAllBytes(whole);
    Path file = write("cut.parquet", Arrays.copyOf(bytes, bytes.length / 2));
    refused(
        file,
        e -> {
          assertThat(e.offset()).isEqualTo(bytes.length / 2 - 4);
          assertThat(e.getMessage())
              .contains("starts like a Parquet file but does not end with PAR1: truncated");
        });
  }

  @Test
  void aDamagedParquetFooterLengthIsRefused() throws Exception {
    Path whole = duck.copy("SELECT 1 AS a", dir.resolve("whole.parquet"), "FORMAT parquet");
    byte[] bytes = Files.readAllBytes(whole);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 8, 1 << 30);
    Path file = write("footer.parquet", bytes);
    refused(
        file,
        e ->
            assertThat(e.getMessage())
                .contains("Parquet footer length 1073741824 does not fit in the file"));
  }

  @Test
  void featherV1IsRefusedWithAWayOut() throws IOException {
    Path file = write("old.feather", "FEA1....FEA1");
    refused(
        file,
        e ->
            assertThat(e.getMessage())
                .contains("is a Feather v1 file, which flightlab does not read")
                .contains("write_feather"));
  }

  @Test
  void emptyMissingAndDirectoryAreRefused() throws IOException {
    refused(
        write("empty.csv", ""), e -> assertThat(e.getMessage()).endsWith(": is empty (0 bytes)"));
    refused(
        dir.resolve("nope.parquet"), e -> assertThat(e.getMessage()).endsWith(": no such file"));
    Path sub = Files.createDirectory(dir.resolve("d.arrow"));
    refused(sub, e -> assertThat(e.getMessage()).endsWith(": is a directory, not a file"));
  }

  @Test
  void binaryNamedCsvIsRefusedAtItsFirstNulByte() throws IOException {
    Path file = write("bin.csv", new byte[] {'a', ',', 'b', '\n', 1, 0, 2});
    refused(
        file,
        e -> {
          assertThat(e.offset()).isEqualTo(5);
          assertThat(e.getMessage()).endsWith("is not CSV text: it holds a NUL byte");
        });
  }

  @Test
  void aTruncatedArrowStreamIsRefusedAtTheMessageThatRunsOut() throws IOException {
    Path whole = dir.resolve("whole.arrows");
    try (BatchSet people = Tables.people(allocator, 0, 100, 100)) {
      ArrowFiles.write(people, whole, allocator);
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path file = write("cut.arrows", Arrays.copyOf(bytes, bytes.length - 100));
    refused(
        file,
        e -> {
          assertThat(e.offset()).isPositive();
          assertThat(e.getMessage())
              .contains("Arrow IPC stream is truncated: message 2 needs")
              .contains("body bytes");
        });
  }

  @Test
  void aStreamMessageClaimingAHugeLengthIsRefusedBeforeAllocating() throws IOException {
    Path whole = dir.resolve("whole.arrows");
    try (BatchSet people = Tables.people(allocator, 0, 10)) {
      ArrowFiles.write(people, whole, allocator);
    }
    byte[] bytes = Files.readAllBytes(whole);
    // The schema message's length prefix follows the continuation token.
    int schemaLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    int second = 8 + schemaLength;
    byte[] damaged = bytes.clone();
    ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putInt(second + 4, 2_000_000_000);
    Path file = write("huge.arrows", damaged);
    refused(
        file,
        e -> {
          assertThat(e.offset()).isEqualTo(second);
          assertThat(e.getMessage()).contains("claims 2000000000 metadata bytes");
        });
  }

  @Test
  void aTruncatedArrowFileIsRefused() throws IOException {
    Path whole = dir.resolve("whole.arrow");
    try (BatchSet people = Tables.people(allocator, 0, 100)) {
      ArrowFiles.write(people, whole, allocator);
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path file = write("cut.arrow", Arrays.copyOf(bytes, bytes.length - 3));
    refused(
        file,
        e ->
            assertThat(e.getMessage())
                .contains("starts like an Arrow IPC file but does not end with ARROW1"));
  }

  @Test
  void anArrowFileWhoseFooterListsABlockPastItsEndIsRefused() throws IOException {
    Path whole = dir.resolve("whole.arrow");
    try (BatchSet people = Tables.people(allocator, 0, 100)) {
      ArrowFiles.write(people, whole, allocator);
    }
    byte[] bytes = Files.readAllBytes(whole);
    // Cut a hole: drop bytes in the middle, keeping the footer and magic at the end, so the
    // footer's record batch block points past the data that is left.
    int footerLength =
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 10);
    int tail = footerLength + 10;
    byte[] holed = new byte[bytes.length - 64];
    System.arraycopy(bytes, 0, holed, 0, holed.length - tail);
    System.arraycopy(bytes, bytes.length - tail, holed, holed.length - tail, tail);
    Path file = write("holed.arrow", holed);
    refused(
        file, e -> assertThat(e.getMessage()).contains("record batch 0").contains("does not fit"));
  }

  @Test
  void aRaggedCsvRowIsRefusedWithItsLine() throws IOException {
    Path small = write("small.csv", "id,name\n1,a\n2,b\n3,c,extra\n4,d\n");
    refused(
        small,
        e -> {
          assertThat(e.line()).isEqualTo(4);
          assertThat(e.getMessage())
              .isEqualTo(small + ": line 4: expected 2 columns, found 3: \"3,c,extra\"");
        });
    // Past the rows DuckDB samples to detect the dialect: found while reading, batches later.
    StringBuilder big = new StringBuilder("id,name\n");
    for (int i = 0; i < 100_000; i++) {
      big.append(i).append(",n").append(i).append('\n');
    }
    big.append("100000,n,extra\n");
    Path late = write("late.csv", big.toString());
    refused(
        late,
        ReadOptions.defaults().withBatchRows(10_000),
        e -> {
          assertThat(e.line()).isEqualTo(100_002);
          assertThat(e.getMessage()).endsWith(": expected 2 columns, found 3: \"100000,n,extra\"");
        });
  }

  @Test
  void aValueThatDoesNotConvertIsRefusedWithItsLineAndColumn() throws IOException {
    StringBuilder text = new StringBuilder("id,name\n");
    for (int i = 0; i < 50_000; i++) {
      text.append(i).append(",n").append(i).append('\n');
    }
    text.append("oops,n\n");
    Path file = write("ints.csv", text.toString());
    refused(
        file,
        e -> {
          assertThat(e.line()).isEqualTo(50_002);
          assertThat(e.getMessage())
              .isEqualTo(
                  file
                      + ": line 50002: column \"id\": could not convert string \"oops\" to 'BIGINT'"
                      + " (the type was inferred from the first rows; set it with --schema):"
                      + " \"oops,n\"");
        });
    Path given = write("given.csv", "id,name\n1,a\nx,b\n");
    refused(
        given,
        ReadOptions.defaults().withColumnTypes("id:int32"),
        e ->
            assertThat(e.getMessage())
                .isEqualTo(
                    given
                        + ": line 3: column \"id\": could not convert string \"x\" to 'INTEGER':"
                        + " \"x,b\""));
  }

  @Test
  void columnTypesNamingAMissingColumnListTheFilesColumns() throws IOException {
    Path file = write("people.csv", "id,name\n1,a\n");
    refused(
        file,
        ReadOptions.defaults().withColumnTypes("age:int8"),
        e ->
            assertThat(e.getMessage())
                .isEqualTo(
                    file
                        + ": the column types name \"age\", which the file does not have (its"
                        + " columns: id, name)"));
  }

  @Test
  void badColumnTypesAreRefusedBeforeReading() throws IOException {
    Path file = write("people.csv", "id,name\n1,a\n");
    assertThatThrownBy(
            () -> DataFiles.open(file, ReadOptions.defaults().withColumnTypes("int64"), allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column type 'int64' has no column name: write NAME:TYPE, e.g. id:int64");
    assertThatThrownBy(
            () ->
                DataFiles.open(
                    file, ReadOptions.defaults().withColumnTypes("id:list<int64>"), allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("column 'id': List is not a CSV column type");
    assertThatThrownBy(
            () ->
                DataFiles.open(file, ReadOptions.defaults().withColumnTypes("id:int65"), allocator))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown type 'int65' at position 4 in 'id:int65'");
  }
}
