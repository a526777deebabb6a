package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.bench.report.JsonReport;
import dev.flightlab.wire.IpcCompression;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(c.noMatch()).isNull();
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
    // A single-point run is compared with the sweep's point of the same workload, whatever
    // the labels say; a workload the sweep did not cover has no point in it.
    RunResult single = BenchFixtures.putRun();
    Comparison same = Baseline.load(save(sweep)).compare(single, 0.05);
    assertThat(same.entries())
        .singleElement()
        .extracting(Comparison.Entry::baselineMedian)
        .isEqualTo(sweep.points().get(2).summary(Phase.PUT).median());
    BenchOptions notSwept = single.options().with(single.options().data().withBatchRows(4_096));
    Comparison other =
        Baseline.load(save(sweep)).compare(BenchFixtures.withOptions(single, notSwept), 0.05);
    assertThat(other.entries()).isEmpty();
    assertThat(other.unmatched()).containsExactly("put");
  }

  @Test
  void onlyPointsOfTheSameWorkloadAreCompared() throws IOException {
    RunResult base = BenchFixtures.putRun();
    Baseline baseline = Baseline.load(save(base));
    BenchOptions o = base.options();
    DataOptions d = o.data();
    TransferOptions t = o.transfer();
    List<BenchOptions> others =
        List.of(
            o.with(d.withRows(100_000)),
            o.with(d.withBatchRows(4_096)),
            o.with(d.withSchema("int64,utf8")),
            o.with(new DataOptions("int64x4", 1_000_000, 65_536, 42, 0.1, 16, 0, null, false)),
            o.with(new DataOptions("int64x4", 1_000_000, 65_536, 42, 0, 32, 0, null, false)),
            o.with(new DataOptions("int64x4", 1_000_000, 65_536, 42, 0, 16, 100, null, false)),
            o.with(new DataOptions("int64x4", 1_000_000, 65_536, 42, 0, 16, 0, null, true)),
            o.with(new ConcurrencyOptions(2, 1)),
            o.with(new ConcurrencyOptions(2, 2)),
            o.with(t.withCompression(IpcCompression.parse("zstd"))),
            o.with(t.withClient(ClientKind.ARROW)),
            o.with(t.withBatchLatency(false)),
            o.with(Op.EXCHANGE),
            o.with(
                new TargetOptions(
                    null, true, 0, null, null, null, null, "/flightlab-bench", null, false, null)));
    for (BenchOptions other : others) {
      Comparison c = baseline.compare(BenchFixtures.withOptions(base, other), 0.10);
      assertThat(c.entries()).as(other.toString()).isEmpty();
      assertThat(c.regressed()).isFalse();
      assertThat(c.noMatch()).startsWith("nothing in baseline " + dir.resolve("old.json"));
    }
    assertThat(
            baseline
                .compare(BenchFixtures.withOptions(base, o.with(d.withRows(100_000))), 0.10)
                .noMatch())
        .endsWith(" matches this run (data.rows: 1000000 there, 100000 here)");
    // How long or how often it measured does not change what it measured.
    BenchOptions longer = o.with(new TimingOptions(Warmup.parse("10s"), 20, null));
    assertThat(baseline.compare(BenchFixtures.withOptions(base, longer), 0.10).entries())
        .hasSize(1);
  }

  @Test
  void aBaselineFromBeforeBatchLatencyWasAnOptionMatchesRunsThatTimeBatches() throws IOException {
    RunResult r = BenchFixtures.putRun();
    Path file = save(r);
    // Such a file has no transfer.batch_latency: every upload then was timed batch by batch.
    String json = Files.readString(file);
    String old = json.replaceAll(",\\s*\"batch_latency\"\\s*:\\s*true", "");
    assertThat(old).isNotEqualTo(json).doesNotContain("batch_latency");
    Files.writeString(file, old);
    Baseline baseline = Baseline.load(file);
    assertThat(baseline.compare(r, 0.10).entries()).hasSize(1);
    BenchOptions untimed = r.options().with(r.options().transfer().withBatchLatency(false));
    assertThat(baseline.compare(BenchFixtures.withOptions(r, untimed), 0.10).entries()).isEmpty();
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
