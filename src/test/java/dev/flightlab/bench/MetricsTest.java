package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void megabytesAreDecimalAndMebibytesBinary() {
    // 2^20 bytes in one second: 1.048576 MB/s, exactly 1 MiB/s.
    assertThat(Metrics.megabytesPerSecond(1 << 20, 1_000_000_000L)).isEqualTo(1.048576);
    assertThat(Metrics.mebibytesPerSecond(1 << 20, 1_000_000_000L)).isEqualTo(1.0);
    assertThat(Metrics.megabytesPerSecond(500_000_000L, 250_000_000L)).isEqualTo(2000.0);
  }

  @Test
  void ratesOverZeroTimeAreZeroNotInfinite() {
    assertThat(Metrics.perSecond(100, 0)).isZero();
    assertThat(Metrics.megabytesPerSecond(100, -5)).isZero();
    assertThat(Metrics.seedMegabytesPerSecond(100, 0)).isZero();
  }

  @Test
  void seedMetricIsMebibytesOfIpcStreamOverSummedCallTime() {
    // The original README: 212.54 MiB in 0.1406 s would be 1512 "MB/s".
    long bytes = (long) (212.54 * Metrics.MIB);
    assertThat(Metrics.seedMegabytesPerSecond(bytes, 140_569_000L)).isCloseTo(1512.0, within(0.5));
  }

  @Test
  void phaseRatesComeFromItsBytesRowsBatchesAndWallTime() {
    PhaseResult p =
        new PhaseResult(
            Phase.PUT,
            2,
            2_000_000_000L,
            4_000,
            40,
            2,
            3_000_000,
            4_000_000,
            1_000_000,
            0,
            0,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            0);
    assertThat(p.seconds()).isEqualTo(2.0);
    assertThat(p.ipcMBps()).isEqualTo(2.0);
    assertThat(p.ipcMiBps()).isCloseTo(1.9073, within(1e-4));
    assertThat(p.logicalMBps()).isEqualTo(1.5);
    assertThat(p.wireMBps()).isEqualTo(0.5);
    assertThat(p.rowsPerSecond()).isEqualTo(2_000.0);
    assertThat(p.batchesPerSecond()).isEqualTo(20.0);
    assertThat(p.callsPerSecond()).isEqualTo(1.0);
    assertThat(p.primary()).isEqualTo(p.ipcMBps());
    assertThat(p.primaryUnit()).isEqualTo("MB/s");
  }

  @Test
  void phasesWithoutDataReportCallsPerSecond() {
    PhaseResult p =
        new PhaseResult(
            Phase.INFO,
            1,
            500_000_000L,
            0,
            0,
            100,
            0,
            0,
            0,
            0,
            0,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            0);
    assertThat(p.movesData()).isFalse();
    assertThat(p.primary()).isEqualTo(200.0);
    assertThat(p.primaryUnit()).isEqualTo("calls/s");
  }

  @Test
  void summaryTakesTheMiddleOfAnOddCount() {
    Summary s = Summary.of(List.of(300.0, 100.0, 200.0));
    assertThat(s.n()).isEqualTo(3);
    assertThat(s.median()).isEqualTo(200.0);
    assertThat(s.min()).isEqualTo(100.0);
    assertThat(s.max()).isEqualTo(300.0);
    assertThat(s.mean()).isEqualTo(200.0);
    assertThat(s.stddev()).isEqualTo(100.0);
    assertThat(s.spreadPercent()).isEqualTo(100.0);
  }

  @Test
  void summaryAveragesTheMiddleTwoOfAnEvenCount() {
    Summary s = Summary.of(List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(s.spreadPercent()).isEqualTo(120.0);
  }

  @Test
  void summaryOfOneValueHasNoSpread() {
    Summary s = Summary.of(List.of(7.0));
    assertThat(s.median()).isEqualTo(7.0);
    assertThat(s.stddev()).isZero();
    assertThat(s.spreadPercent()).isZero();
    assertThat(Summary.of(List.of())).isEqualTo(Summary.EMPTY);
  }

  @Test
  void latencyStatsReadPercentilesWithinHdrPrecision() {
    Histogram h = LatencyStats.newHistogram();
    for (long v = 1; v <= 10_000; v++) {
      h.recordValue(v * 1_000); // 1 us .. 10 ms
    }
    LatencyStats l = LatencyStats.of(h);
    assertThat(l.count()).isEqualTo(10_000);
    assertThat(l.minNanos()).isEqualTo(1_000);
    assertThat((double) l.p50Nanos()).isCloseTo(5_000_000, within(5_000_000 * 0.001));
    assertThat((double) l.p90Nanos()).isCloseTo(9_000_000, within(9_000_000 * 0.001));
    assertThat((double) l.p99Nanos()).isCloseTo(9_900_000, within(9_900_000 * 0.001));
    assertThat((double) l.p999Nanos()).isCloseTo(9_990_000, within(9_990_000 * 0.001));
    assertThat((double) l.maxNanos()).isCloseTo(10_000_000, within(10_000_000 * 0.001));
    assertThat(l.meanNanos()).isCloseTo(5_000_500, within(5_000_500 * 0.001));
  }

  @Test
  void emptyHistogramGivesEmptyStatsAndNoDistribution() {
    assertThat(LatencyStats.of(LatencyStats.newHistogram())).isEqualTo(LatencyStats.EMPTY);
    assertThat(LatencyStats.EMPTY.present()).isFalse();
    assertThat(LatencyStats.distribution(null)).isEmpty();
  }

  @Test
  void distributionRisesToTheMaximumAtOneHundredPercent() {
    Histogram h = BenchFixtures.histogram(1_000, 1_000_000, 1_000);
    List<double[]> d = LatencyStats.distribution(h);
    assertThat(d.get(0)[0]).isZero();
    assertThat(d.get(d.size() - 1)[0]).isEqualTo(100.0);
    for (int i = 1; i < d.size(); i++) {
      assertThat(d.get(i)[0]).isGreaterThan(d.get(i - 1)[0]);
      assertThat(d.get(i)[1]).isGreaterThanOrEqualTo(d.get(i - 1)[1]);
    }
    assertThat(d.get(d.size() - 1)[1])
        .isEqualTo((double) h.highestEquivalentValue(h.getMaxValue()));
  }

  @Test
  void streamOutcomesMergeIntoOnePhaseTimedFromTheGate() {
    StreamOutcome a = new StreamOutcome();
    a.endNanos = 1_000 + 3_000_000_000L;
    a.rows = 10;
    a.batches = 2;
    a.ipcBodyBytes = 100;
    a.latency.recordValue(5_000);
    StreamOutcome b = new StreamOutcome();
    b.endNanos = 1_000 + 4_000_000_000L;
    b.rows = 20;
    b.batches = 3;
    b.ipcBodyBytes = 300;
    b.latency.recordValue(7_000);
    b.firstBatch.recordValue(9_000);
    Histogram sink = LatencyStats.newHistogram();
    PhaseResult p = StreamOutcome.merge(Phase.GET, 1_000, List.of(a, b), sink);
    assertThat(p.elapsedNanos()).isEqualTo(4_000_000_000L);
    assertThat(p.streams()).isEqualTo(2);
    assertThat(p.rows()).isEqualTo(30);
    assertThat(p.batches()).isEqualTo(5);
    assertThat(p.ipcBodyBytes()).isEqualTo(400);
    assertThat(p.latency().count()).isEqualTo(2);
    assertThat(p.firstBatch().count()).isEqualTo(1);
    assertThat(sink.getTotalCount()).isEqualTo(2);
    assertThat(p.ipcMBps()).isEqualTo(400 / 4.0 / 1e6);
  }
}
