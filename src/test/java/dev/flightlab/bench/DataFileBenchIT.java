package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.testing.Cli;
import dev.flightlab.testing.Cli.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --data-file} sends Parquet and CSV files too, cut into --batch-rows batches. */
class DataFileBenchIT {
  @TempDir Path dir;

  @Test
  void aCsvFileIsSentInBatchRowsBatches() throws IOException {
    StringBuilder csv = new StringBuilder("id,name\n");
    for (int i = 0; i < 2500; i++) {
      csv.append(i).append(",n").append(i).append('\n');
    }
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    Path json = dir.resolve("run.json");
    Run run =
        Cli.run(
            "bench",
            "--op",
            "roundtrip",
            "--data-file",
            file.toString(),
            "--batch-rows",
            "1000",
            "--warmup",
            "0",
            "--iterations",
            "1",
            "--quiet",
            "--format",
            "json",
            "--output",
            json.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    String report = Files.readString(json);
    assertThat(report).contains("rows.csv").contains("\"rows\" : 2500");
  }
}
