package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pyarrow uploads streams with dictionary deltas and replacements (python/dictionary_files.py);
 * {@code flightlab get -o} writes them to every format, in order and with {@code --parallel}, and
 * pyarrow reads each file back to the rows it sent.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class DictionaryFilesIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir Path temp;
  private ServerFixture fx;

  @BeforeEach
  void upload() {
    fx = server.fixture();
    Pyarrow.Run put = Pyarrow.run("dictionary_files.py", "put", "--server", fx.uri().toString());
    assertThat(put.exit()).as(put.toString()).isZero();
    // pyarrow did send what the cases are about.
    assertThat(put.out())
        .contains("PUT deltas: 3 batches, 2 deltas, 0 replacements")
        .contains("PUT mixed: 4 batches, 2 deltas, 1 replacements");
  }

  private List<String> get(String name, String... extensions) {
    List<String> files = new ArrayList<>();
    for (String ext : extensions) {
      for (String parallel : List.of("1", "2")) {
        Path file = temp.resolve(name + "-p" + parallel + "." + ext);
        Cli.Run run =
            Cli.against(
                fx.uri().toString(),
                "get",
                "/dict/" + name,
                "-o",
                file.toString(),
                "--parallel",
                parallel);
        assertThat(run.exit()).as("get -o %s: %s", file, run.err()).isZero();
        files.add(file.toString());
      }
    }
    return files;
  }

  private void assertPyarrowReadsWhatWasSent(String name, List<String> files) {
    List<String> args = new ArrayList<>(List.of("check", name));
    args.addAll(files);
    Pyarrow.Run check = Pyarrow.run("dictionary_files.py", args.toArray(String[]::new));
    assertThat(check.exit()).as(check.out() + check.err()).isZero();
    assertThat(check.out().lines().filter(l -> l.startsWith("OK "))).hasSize(files.size());
  }

  @Test
  void deltasComeOutRightInEveryFormat() {
    assertPyarrowReadsWhatWasSent("deltas", get("deltas", "arrow", "arrows", "parquet", "csv"));
  }

  @Test
  void replacementsAndDeltasComeOutRightInStreamsParquetAndCsv() {
    assertPyarrowReadsWhatWasSent("mixed", get("mixed", "arrows", "parquet", "csv"));
  }

  @Test
  void anArrowFileRefusesAReplacementAndLeavesNoFile() throws Exception {
    Path file = temp.resolve("mixed.arrow");
    Cli.Run run = Cli.against(fx.uri().toString(), "get", "/dict/mixed", "-o", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("dictionary 0", "write a stream (.arrows)");
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aWholeDownloadKeepsEachBatchsOwnDictionary() {
    try (BatchSet mixed = fx.client().get(DatasetPath.parse("/dict/mixed"))) {
      assertThat(Tables.decodedColumn(mixed, "v", fx.allocator()))
          .containsExactly("b", "a", "c", "c", "a", "y", "x", null, "w", "x");
    }
  }

  @Test
  void thePreviewShowsEachBatchWithItsOwnDictionary() {
    Cli.Run run = Cli.against(fx.uri().toString(), "get", "/dict/mixed", "--limit", "20");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.outLines())
        .containsSubsequence(
            "0\tb",
            "1\ta",
            "2\tc",
            "3\tc",
            "4\ta",
            "5\ty",
            "6\tx",
            "7\tNone",
            "8\tw",
            "9\tx",
            "(10 of 10 rows shown)");
  }
}
