package dev.flightlab.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Deterministic results for report tests: no clock, no machine, no randomness. */
public final class BenchFixtures {
  private BenchFixtures() {}

  /** A fixed environment. */
  public static Environment environment() {
    return new Environment(
        "17.0.15",
        "Test Vendor",
        "Test VM",
        "Linux 6.1",
        "amd64",
        2,
        1L << 30,
        1L << 30,
        List.of("-Xmx1g"),
        "test",
        "19.0.0");
  }

  /** Histogram of {@code n} samples spread evenly from {@code low} to {@code high} nanoseconds. */
  public static Histogram histogram(long low, long high, int n) {
    Histogram h = LatencyStats.newHistogram();
    for (int i = 0; i < n; i++) {
      h.recordValue(low + (high - low) * i / Math.max(1, n - 1));
    }
    return h;
  }

  /** A put phase that moved {@code bytes} IPC body bytes in {@code nanos}. */
  public static PhaseResult put(long nanos, long rows, long batches, long bytes, Histogram h) {
    return new PhaseResult(
        Phase.PUT,
        1,
        nanos,
        rows,
        batches,
        1,
        rows * 32,
        bytes,
        bytes,
        bytes + 1_000,
        nanos,
        LatencyStats.of(h),
        LatencyStats.of(histogram(5_000_000, 5_000_000, 1)),
        nanos / 2);
  }

  /** Options of the fixtures: put, 1,000,000 rows in 65,536-row batches, 1 warm-up, 3 measured. */
  public static BenchOptions options() {
    return BenchOptions.DEFAULTS
        .with(DataOptions.DEFAULTS.withRows(1_000_000))
        .with(new TimingOptions(Warmup.iterations(1), 3, null));
  }

  /** One point: one warm-up (slow), three measured iterations, on an embedded server. */
  public static RunResult putRun() {
    return putRun(false);
  }

  /**
   * {@link #putRun()}, on a flightlab server in its own JVM when {@code serverProcess}: then each
   * measured iteration has the server's CPU and JIT time too.
   */
  public static RunResult putRun(boolean serverProcess) {
    BenchOptions o = options();
    long bytes = 32_505_856;
    DataInfo data =
        new DataInfo(
            "generated",
            "int64x4",
            "int64x4",
            1,
            1_000_000,
            16,
            32_000_000,
            bytes,
            32_507_000,
            90_000_000);
    List<IterationResult> warm = new ArrayList<>();
    warm.add(
        new IterationResult(
            1,
            true,
            330_000_000,
            600_000_000,
            List.of(put(320_000_000, 1_000_000, 16, bytes, histogram(30_000_000, 80_000_000, 16))),
            null));
    Histogram merged = LatencyStats.newHistogram();
    List<IterationResult> measured = new ArrayList<>();
    long[] nanos = {130_000_000, 145_000_000, 140_000_000};
    for (int i = 0; i < 3; i++) {
      Histogram h = histogram(10_000_000 + i * 1_000_000, 30_000_000 + i * 2_000_000, 16);
      merged.add(h);
      measured.add(
          new IterationResult(
              i + 1,
              false,
              nanos[i] + 5_000_000,
              250_000_000,
              List.of(put(nanos[i], 1_000_000, 16, bytes, h)),
              null,
              4_000_000 + i * 1_000_000L,
              serverProcess ? 120_000_000 : -1,
              serverProcess ? 10_000_000 + i * 2_000_000L : -1));
    }
    Map<Phase, Histogram> latency = new LinkedHashMap<>();
    latency.put(Phase.PUT, merged);
    PointResult point = new PointResult(Map.of(), o, data, warm, measured, latency);
    return new RunResult(
        o,
        List.of("--rows", "1000000", "--warmup", "1", "--iterations", "3"),
        environment(),
        serverProcess
            ? new ServerInfo(
                "process", "grpc://127.0.0.1:50051", true, "a flightlab server in its own JVM")
            : new ServerInfo(
                "embedded",
                "grpc://127.0.0.1:50051",
                true,
                "embedded in the benchmark's own JVM: client and server share its heap, GC, JIT"
                    + " and cores; --server-process runs the server in its own JVM"),
        Instant.parse("2025-01-01T00:00:00Z"),
        2_000_000_000L,
        List.of(point),
        stats(0, 16_000_000),
        stats(67_108_864, 42_000_000),
        List.of(),
        null,
        null);
  }

  /** A 2 x 2 sweep (batch-rows x streams) of put, two measured iterations per point. */
  public static RunResult sweepRun() {
    BenchOptions base = options();
    BenchOptions o =
        new BenchOptions(
            Op.PUT,
            base.data(),
            base.concurrency(),
            new TimingOptions(Warmup.none(), 2, null),
            base.target(),
            base.transfer(),
            base.output(),
            List.of(Sweep.parse("batch-rows=16384,65536"), Sweep.parse("streams=1,2")),
            base.metadataCalls());
    List<PointResult> points = new ArrayList<>();
    for (Map<String, String> params : Sweep.grid(o.sweeps())) {
      BenchOptions p = o.at(params);
      int batchRows = p.data().batchRows();
      int streams = p.concurrency().streams();
      long batches = (1_000_000 + batchRows - 1) / batchRows * streams;
      long bytes = 32_505_856L * streams;
      DataInfo data =
          new DataInfo(
              "generated",
              "int64x4",
              "int64x4",
              streams,
              1_000_000L * streams,
              batches,
              32_000_000L * streams,
              bytes,
              bytes + 1_000,
              80_000_000);
      Histogram merged = LatencyStats.newHistogram();
      List<IterationResult> measured = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        long nanos =
            (100_000_000L + i * 10_000_000L) * streams * 65_536 / batchRows / 2 + 50_000_000L;
        Histogram h =
            histogram(1_000_000L * batchRows / 16_384, 4_000_000L * batchRows / 16_384, 8);
        merged.add(h);
        measured.add(
            new IterationResult(
                i + 1,
                false,
                nanos,
                nanos,
                List.of(put(nanos, 1_000_000L * streams, batches, bytes, h)),
                null));
      }
      Map<Phase, Histogram> latency = new LinkedHashMap<>();
      latency.put(Phase.PUT, merged);
      points.add(new PointResult(params, p, data, List.of(), measured, latency));
    }
    return new RunResult(
        o,
        List.of("--sweep", "batch-rows=16384,65536", "--sweep", "streams=1,2"),
        environment(),
        new ServerInfo("process", "grpc://127.0.0.1:40000", true, "a separate JVM"),
        Instant.parse("2025-01-01T00:00:00Z"),
        5_000_000_000L,
        points,
        Map.of(),
        Map.of(),
        List.of("left nothing behind"),
        null,
        null);
  }

  /** {@code r} as if run with options {@code o} (every point too; a run without sweeps). */
  public static RunResult withOptions(RunResult r, BenchOptions o) {
    return new RunResult(
        o,
        r.commandLine(),
        r.environment(),
        r.server(),
        r.startedAt(),
        r.elapsedNanos(),
        r.points().stream()
            .map(
                p ->
                    new PointResult(
                        p.parameters(), o, p.data(), p.warmups(), p.iterations(), p.latency()))
            .toList(),
        r.serverStatsBefore(),
        r.serverStatsAfter(),
        r.notes(),
        r.error(),
        r.comparison());
  }

  private static Map<String, Long> stats(long used, long heap) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("datasets", used == 0 ? 0L : 1L);
    m.put("memory_used_bytes", used);
    m.put("memory_peak_bytes", used * 2);
    m.put("memory_limit_bytes", 805_306_368L);
    m.put("jvm_heap_used_bytes", heap);
    return m;
  }
}
