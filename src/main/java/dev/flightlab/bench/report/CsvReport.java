package dev.flightlab.bench.report;

import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Metrics;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One CSV row per phase of every iteration (warm-ups included, flagged), for spreadsheets and
 * plotting. Fixed columns; RFC 4180 quoting; plain decimal numbers.
 */
public final class CsvReport implements ReportWriter {
  /** The columns, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "op",
          "point",
          "warmup",
          "iteration",
          "phase",
          "streams",
          "connections",
          "rows_per_stream",
          "batch_rows",
          "schema",
          "compression",
          "client",
          "elapsed_s",
          "rows",
          "batches",
          "calls",
          "logical_bytes",
          "ipc_body_bytes",
          "wire_body_bytes",
          "ipc_MBps",
          "ipc_MiBps",
          "logical_MBps",
          "logical_MiBps",
          "rows_per_s",
          "batches_per_s",
          "calls_per_s",
          "seed_MBps",
          "latency_count",
          "latency_mean_us",
          "latency_p50_us",
          "latency_p90_us",
          "latency_p95_us",
          "latency_p99_us",
          "latency_p99_9_us",
          "latency_max_us",
          "first_batch_p50_us",
          "first_batch_max_us",
          "stream_cpu_s",
          "process_cpu_s",
          "verified",
          "jit_compile_s",
          "server_cpu_s",
          "server_jit_compile_s");

  @Override
  public void write(RunResult r, Writer w) throws IOException {
    PrintWriter out = new PrintWriter(w);
    out.print(String.join(",", COLUMNS) + "\r\n");
    for (PointResult p : r.points()) {
      List<IterationResult> all = new ArrayList<>(p.warmups());
      all.addAll(p.iterations());
      for (IterationResult it : all) {
        for (PhaseResult ph : it.phases()) {
          out.print(String.join(",", row(p, it, ph)) + "\r\n");
        }
      }
    }
    out.flush();
  }

  private static List<String> row(PointResult p, IterationResult it, PhaseResult ph) {
    BenchOptions o = p.options();
    LatencyStats l = ph.latency();
    LatencyStats f = ph.firstBatch();
    List<String> c = new ArrayList<>();
    c.add(o.op().wireName());
    c.add(quote(p.label()));
    c.add(Boolean.toString(it.warmup()));
    c.add(Integer.toString(it.index()));
    c.add(ph.phase().toString());
    c.add(Integer.toString(ph.streams()));
    c.add(Integer.toString(o.concurrency().connections()));
    c.add(Long.toString(o.data().rows()));
    c.add(Integer.toString(o.data().batchRows()));
    c.add(quote(o.data().schema()));
    c.add(o.transfer().compression().toString());
    c.add(o.transfer().client().toString());
    c.add(num(Metrics.seconds(ph.elapsedNanos())));
    c.add(Long.toString(ph.rows()));
    c.add(Long.toString(ph.batches()));
    c.add(Long.toString(ph.calls()));
    c.add(Long.toString(ph.logicalBytes()));
    c.add(Long.toString(ph.ipcBodyBytes()));
    c.add(Long.toString(ph.wireBodyBytes()));
    c.add(num(ph.ipcMBps()));
    c.add(num(ph.ipcMiBps()));
    c.add(num(ph.logicalMBps()));
    c.add(num(ph.logicalMiBps()));
    c.add(num(ph.rowsPerSecond()));
    c.add(num(ph.batchesPerSecond()));
    c.add(num(ph.callsPerSecond()));
    c.add(ph.phase() == Phase.SEED ? num(ph.seedMBps()) : "");
    c.add(Long.toString(l.count()));
    c.add(l.present() ? num(Metrics.micros(l.meanNanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.p50Nanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.p90Nanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.p95Nanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.p99Nanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.p999Nanos())) : "");
    c.add(l.present() ? num(Metrics.micros(l.maxNanos())) : "");
    c.add(f.present() ? num(Metrics.micros(f.p50Nanos())) : "");
    c.add(f.present() ? num(Metrics.micros(f.maxNanos())) : "");
    c.add(num(Metrics.seconds(ph.streamCpuNanos())));
    c.add(num(Metrics.seconds(it.processCpuNanos())));
    c.add(it.verified() == null ? "" : it.verified().toString());
    c.add(it.jitNanos() < 0 ? "" : num(Metrics.seconds(it.jitNanos())));
    c.add(it.serverCpuNanos() < 0 ? "" : num(Metrics.seconds(it.serverCpuNanos())));
    c.add(it.serverJitNanos() < 0 ? "" : num(Metrics.seconds(it.serverJitNanos())));
    return c;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** RFC 4180: quote fields holding commas, quotes or line breaks. */
  static String quote(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
