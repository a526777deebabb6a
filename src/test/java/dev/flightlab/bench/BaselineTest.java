package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.bench.report.JsonReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {
  @TempDir Path dir;

  private Path save(RunResult r) throws IOException {
    Path file = dir.resolve("old.json");
    try (Writer w = Files.newBufferedWriter(file)) {
      new JsonReport().write(r, w);
    }
    return file;
  }

  @Test
  void aRunComparedWithItselfDidNotRegress() throws IOException {
    RunResult r = BenchFixtures.putRun();
    Comparison c = Baseline.load(save(r)).compare(r, 0.10);
    assertThat(c.entries()).hasSize(1);
    Comparison.Entry e = c.entries().get(0);
    assertThat(e.phase()).isEqualTo(Phase.PUT);
    assertThat(e.changePercent()).isZero();
    assertThat(c.regressed()).isFalse();
    assertThat(c.unmatched()).isEmpty();
  }

  @Test
  void aDropBeyondTheThresholdIsARegressionAndWithinItIsNot() {
    Comparison.Entry e = new Comparison.Entry("", Phase.PUT, "MB/s", 1000, 880);
    assertThat(e.changePercent()).isEqualTo(-12.0);
    assertThat(e.regressed(0.10)).isTrue();
    assertThat(e.regressed(0.15)).isFalse();
    assertThat(new Comparison.Entry("", Phase.PUT, "MB/s", 1000, 1200).regressed(0.01)).isFalse();
  }

  @Test
  void sweepPointsAreMatchedByTheirParameters() throws IOException {
    RunResult sweep = BenchFixtures.sweepRun();
    Comparison c = Baseline.load(save(sweep)).compare(sweep, 0.05);
    assertThat(c.entries()).hasSize(4);
    assertThat(c.entries())
        .extracting(Comparison.Entry::point)
        .containsExactly(
            "batch-rows=16384 streams=1", "batch-rows=16384 streams=2",
            "batch-rows=65536 streams=1", "batch-rows=65536 streams=2");
    // The single-point run has no point the sweep's baseline knows.
    Comparison other = Baseline.load(save(sweep)).compare(BenchFixtures.putRun(), 0.05);
    assertThat(other.entries()).isEmpty();
    assertThat(other.unmatched()).containsExactly("put");
  }

  @Test
  void aFileThatIsNotAResultIsRefused() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"hello\": 1}");
    assertThatThrownBy(() -> Baseline.load(bad)).hasMessageContaining("not a flightlab bench JSON");
    assertThatThrownBy(() -> Baseline.load(dir.resolve("missing.json")))
        .hasMessageContaining("cannot read --baseline");
  }
}
