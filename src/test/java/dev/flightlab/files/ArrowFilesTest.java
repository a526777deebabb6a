package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArrowFilesTest {
  @TempDir Path dir;

  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertThat(allocator.getAllocatedMemory()).as(allocator.toVerboseString()).isZero();
    allocator.close();
  }

  @ParameterizedTest
  @EnumSource(ArrowFiles.Format.class)
  void writeThenReadKeepsEveryTypeBatchBoundariesAndDictionaries(ArrowFiles.Format format)
      throws IOException {
    Path file = dir.resolve("all-types." + (format == ArrowFiles.Format.FILE ? "arrow" : "arrows"));
    try (BatchSet written = AllTypes.table(allocator, null, 9, 0, 15, 1)) {
      long bytes = ArrowFiles.write(written, file, allocator);
      assertThat(bytes).isEqualTo(Files.size(file));
      try (BatchSet read = ArrowFiles.read(file, allocator)) {
        Tables.assertSameTable(written, read, allocator);
        assertThat(read.dictionaries().getDictionaryIds()).containsExactlyInAnyOrder(1L, 2L);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ArrowFiles.Format.class)
  void aTableReadFromAFileCanBeWrittenAgain(ArrowFiles.Format format) throws IOException {
    // Batch 1 is empty: Arrow Java writes its list and map offsets as zero bytes.
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    try (BatchSet written = AllTypes.table(allocator, null, 3, 0, 4)) {
      ArrowFiles.write(written, first, format, allocator);
      try (BatchSet read = ArrowFiles.read(first, allocator)) {
        ArrowFiles.write(read, second, format, allocator);
      }
      try (BatchSet again = ArrowFiles.read(second, allocator)) {
        Tables.assertSameTable(written, again, allocator);
      }
    }
  }

  @Test
  void formatFollowsTheFileName() {
    assertThat(ArrowFiles.Format.forName(Path.of("a.arrow"))).isEqualTo(ArrowFiles.Format.FILE);
    assertThat(ArrowFiles.Format.forName(Path.of("a.feather"))).isEqualTo(ArrowFiles.Format.FILE);
    assertThat(ArrowFiles.Format.forName(Path.of("A.ARROWS"))).isEqualTo(ArrowFiles.Format.STREAM);
    assertThat(ArrowFiles.Format.forName(Path.of("a.stream"))).isEqualTo(ArrowFiles.Format.STREAM);
    assertThat(ArrowFiles.Format.forName(Path.of("a.ipc"))).isEqualTo(ArrowFiles.Format.STREAM);
  }

  @Test
  void readTellsFileFromStreamByMagicBytesNotByName() throws IOException {
    Path streamNamedLikeFile = dir.resolve("really-a-stream.arrow");
    Path fileNamedLikeStream = dir.resolve("really-a-file.arrows");
    try (BatchSet table = Tables.people(allocator, 0, 3, 4)) {
      ArrowFiles.write(table, streamNamedLikeFile, ArrowFiles.Format.STREAM, allocator);
      ArrowFiles.write(table, fileNamedLikeStream, ArrowFiles.Format.FILE, allocator);
      try (BatchSet a = ArrowFiles.read(streamNamedLikeFile, allocator);
          BatchSet b = ArrowFiles.read(fileNamedLikeStream, allocator)) {
        Tables.assertSameTable(table, a, allocator);
        Tables.assertSameTable(table, b, allocator);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ArrowFiles.Format.class)
  void emptyTableKeepsItsSchema(ArrowFiles.Format format) throws IOException {
    Path file = dir.resolve("empty");
    try (BatchSet table = Tables.people(allocator, 0)) {
      ArrowFiles.write(table, file, format, allocator);
      try (BatchSet read = ArrowFiles.read(file, allocator)) {
        assertThat(read.schema()).isEqualTo(Tables.PEOPLE);
        assertThat(read.batches()).isEmpty();
      }
    }
  }

  @Test
  void writeReplacesAnExistingFile() throws IOException {
    Path file = dir.resolve("t.arrows");
    try (BatchSet big = Tables.people(allocator, 0, 1000);
        BatchSet small = Tables.people(allocator, 7, 2)) {
      ArrowFiles.write(big, file, allocator);
      long bytes = ArrowFiles.write(small, file, allocator);
      assertThat(Files.size(file)).isEqualTo(bytes);
      try (BatchSet read = ArrowFiles.read(file, allocator)) {
        Tables.assertSameTable(small, read, allocator);
      }
    }
  }

  @Test
  void readRejectsAnEmptyFile() throws IOException {
    Path file = Files.createFile(dir.resolve("empty.arrow"));
    assertThatThrownBy(() -> ArrowFiles.read(file, allocator))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void readRejectsAFileThatIsNotArrow() throws IOException {
    Path file = dir.resolve("notes.arrow");
    Files.writeString(file, "id,name\n1,alice\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ArrowFiles.read(file, allocator)).isInstanceOf(IOException.class);
  }
}
