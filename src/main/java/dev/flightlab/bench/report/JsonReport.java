package dev.flightlab.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Metrics;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RecordJson;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.Summary;
import dev.flightlab.wire.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The whole run as JSON: every option, the environment, the server, each point's data, summary,
 * latency distribution and every iteration (warm-ups included, flagged). Readable by {@code
 * --baseline}. Durations are in nanoseconds, latencies in microseconds, bytes in bytes; rates carry
 * their unit in their name (MBps = 10^6 bytes/s, MiBps = 2^20 bytes/s).
 *
 * <p>The options, the environment, the server and each point's data are their records as they are
 * ({@link RecordJson}); the figures are laid out here.
 */
public final class JsonReport implements ReportWriter {
  /** The version of this layout; bumped when a field changes meaning or place. */
  public static final int FORMAT_VERSION = 2;

  @Override
  public void write(RunResult r, Writer out) throws IOException {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    Json.MAPPER
        .writer(printer)
        .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .writeValue(out, toJson(r));
    out.write("\n");
    out.flush();
  }

  /** The run as a JSON tree. */
  public static ObjectNode toJson(RunResult r) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("flightlab_bench_format", FORMAT_VERSION);
    root.put("status", r.ok() ? "ok" : "failed");
    root.put("error", r.error());
    root.put("started_at", r.startedAt().toString());
    root.put("elapsed_nanos", r.elapsedNanos());
    ArrayNode cmd = root.putArray("command_line");
    r.commandLine().forEach(cmd::add);
    root.set("options", RecordJson.MAPPER.valueToTree(r.options()));
    root.set("environment", RecordJson.MAPPER.valueToTree(r.environment()));
    root.set(
        "server",
        r.server() == null
            ? RecordJson.MAPPER.createObjectNode()
            : RecordJson.MAPPER.valueToTree(r.server()));
    root.set("server_stats_before", stats(r.serverStatsBefore()));
    root.set("server_stats_after", stats(r.serverStatsAfter()));
    ObjectNode units = root.putObject("units");
    units.put("MB", (long) Metrics.MB);
    units.put("MiB", (long) Metrics.MIB);
    units.put("latency", "microseconds");
    units.put("durations", "nanoseconds");
    units.put(
        "ipc_body_bytes",
        "sum of ArrowRecordBatch.computeBodyLength: buffers padded to 8 bytes, uncompressed; no"
            + " message headers or gRPC framing");
    units.put(
        "logical_bytes",
        "value bytes: fixed-width values, string/binary bytes; no validity bitmaps or offsets");
    ArrayNode points = root.putArray("points");
    for (PointResult p : r.points()) {
      points.add(point(p));
    }
    if (r.comparison() != null) {
      root.set("comparison", comparison(r.comparison()));
    }
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  private static ObjectNode stats(Map<String, Long> stats) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    stats.forEach(n::put);
    return n;
  }

  private static ObjectNode point(PointResult p) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("label", p.label());
    ObjectNode params = n.putObject("parameters");
    p.parameters().forEach(params::put);
    n.set("workload", RecordJson.MAPPER.valueToTree(p.options().shape()));
    n.set("data", RecordJson.MAPPER.valueToTree(p.data()));
    ObjectNode summary = n.putObject("summary");
    ObjectNode dist = n.putObject("latency_distribution");
    for (Phase phase : p.phases()) {
      ObjectNode s = summary.putObject(phase.toString());
      Summary primary = p.summary(phase);
      s.put("unit", p.primaryUnit(phase));
      summaryFields(s, primary);
      s.set("ipc_MiBps", summaryNode(p.summarise(phase, PhaseResult::ipcMiBps)));
      s.set("logical_MBps", summaryNode(p.summarise(phase, PhaseResult::logicalMBps)));
      s.set("rows_per_s", summaryNode(p.summarise(phase, PhaseResult::rowsPerSecond)));
      s.set("batches_per_s", summaryNode(p.summarise(phase, PhaseResult::batchesPerSecond)));
      if (phase == Phase.SEED) {
        s.set("seed_MBps", summaryNode(p.summarise(phase, PhaseResult::seedMBps)));
      }
      s.set("latency", latency(p.latencyStats(phase)));
      ArrayNode d = dist.putArray(phase.toString());
      for (double[] point : LatencyStats.distribution(p.latency().get(phase))) {
        ArrayNode pair = d.addArray();
        pair.add(point[0]);
        pair.add(Metrics.micros(point[1]));
      }
    }
    ArrayNode warmups = n.putArray("warmups");
    p.warmups().forEach(it -> warmups.add(iteration(it)));
    ArrayNode iterations = n.putArray("iterations");
    p.iterations().forEach(it -> iterations.add(iteration(it)));
    return n;
  }

  private static void summaryFields(ObjectNode n, Summary s) {
    n.put("n", s.n());
    n.put("median", s.median());
    n.put("min", s.min());
    n.put("max", s.max());
    n.put("mean", s.mean());
    n.put("stddev", s.stddev());
    n.put("spread_percent", s.spreadPercent());
  }

  private static ObjectNode summaryNode(Summary s) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    summaryFields(n, s);
    return n;
  }

  private static ObjectNode latency(LatencyStats l) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("count", l.count());
    n.put("min_us", Metrics.micros(l.minNanos()));
    n.put("mean_us", Metrics.micros(l.meanNanos()));
    n.put("p50_us", Metrics.micros(l.p50Nanos()));
    n.put("p90_us", Metrics.micros(l.p90Nanos()));
    n.put("p95_us", Metrics.micros(l.p95Nanos()));
    n.put("p99_us", Metrics.micros(l.p99Nanos()));
    n.put("p99_9_us", Metrics.micros(l.p999Nanos()));
    n.put("max_us", Metrics.micros(l.maxNanos()));
    return n;
  }

  private static ObjectNode iteration(IterationResult it) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("index", it.index());
    n.put("warmup", it.warmup());
    n.put("elapsed_nanos", it.elapsedNanos());
    n.put("process_cpu_nanos", it.processCpuNanos());
    if (it.jitNanos() >= 0) {
      n.put("jit_compile_nanos", it.jitNanos());
    }
    if (it.serverCpuNanos() >= 0) {
      n.put("server_cpu_nanos", it.serverCpuNanos());
    }
    if (it.serverJitNanos() >= 0) {
      n.put("server_jit_compile_nanos", it.serverJitNanos());
    }
    if (it.verified() != null) {
      n.put("verified", it.verified());
    }
    ArrayNode phases = n.putArray("phases");
    for (PhaseResult p : it.phases()) {
      ObjectNode ph = phases.addObject();
      ph.put("phase", p.phase().toString());
      ph.put("streams", p.streams());
      ph.put("elapsed_nanos", p.elapsedNanos());
      ph.put("rows", p.rows());
      ph.put("batches", p.batches());
      ph.put("calls", p.calls());
      ph.put("logical_bytes", p.logicalBytes());
      ph.put("ipc_body_bytes", p.ipcBodyBytes());
      ph.put("wire_body_bytes", p.wireBodyBytes());
      ph.put("ipc_stream_bytes", p.ipcStreamBytes());
      ph.put("call_nanos_sum", p.callNanosSum());
      ph.put("ipc_MBps", p.ipcMBps());
      ph.put("ipc_MiBps", p.ipcMiBps());
      ph.put("logical_MBps", p.logicalMBps());
      ph.put("logical_MiBps", p.logicalMiBps());
      ph.put("wire_MBps", p.wireMBps());
      ph.put("rows_per_s", p.rowsPerSecond());
      ph.put("batches_per_s", p.batchesPerSecond());
      ph.put("calls_per_s", p.callsPerSecond());
      if (p.phase() == Phase.SEED) {
        ph.put("seed_MBps", p.seedMBps());
      }
      ph.put("latency_kind", p.latencyKind());
      ph.set("latency", latency(p.latency()));
      ph.set("first_batch", latency(p.firstBatch()));
      ph.put("stream_cpu_nanos", p.streamCpuNanos());
    }
    return n;
  }

  private static ObjectNode comparison(Comparison c) {
    ObjectNode n = RecordJson.MAPPER.valueToTree(c);
    n.put("regressed", c.regressed());
    for (int i = 0; i < c.entries().size(); i++) {
      Comparison.Entry e = c.entries().get(i);
      ((ObjectNode) n.get("entries").get(i))
          .put("change_percent", e.changePercent())
          .put("regressed", e.regressed(c.maxRegression()));
    }
    return n;
  }
}
