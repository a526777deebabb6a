package dev.flightlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Runs a benchmark: starts or finds the server, connects, then for each point of the parameter grid
 * prepares the data (untimed), warms up, and measures; finally drops what it wrote.
 *
 * <p>{@link #run} does not throw for a failing benchmark: the result carries the error and
 * everything measured before it, so that partial results can still be written.
 */
public final class BenchRunner {
  private final BenchOptions options;
  private final List<String> commandLine;
  private final Progress progress;

  /** A runner for {@code options}; {@code commandLine} is recorded in the result as given. */
  public BenchRunner(BenchOptions options, List<String> commandLine, Progress progress) {
    this.options = options;
    this.commandLine = commandLine;
    this.progress = progress;
  }

  /** Runs the benchmark; see the class comment. */
  public RunResult run() {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    Environment environment = Environment.current();
    List<PointResult> points = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Long> statsBefore = new LinkedHashMap<>();
    Map<String, Long> statsAfter = new LinkedHashMap<>();
    ServerInfo serverInfo = null;
    String error = null;
    ServerHandle server = null;
    List<FlightLabClient> clients = new ArrayList<>();
    Set<DatasetPath> created = new LinkedHashSet<>();
    boolean flightlab = false;
    ExecutorService streamThreads =
        Executors.newCachedThreadPool(daemons("flightlab-bench-stream"));
    ExecutorService helperThreads =
        Executors.newCachedThreadPool(daemons("flightlab-bench-reader"));
    // Exact-size allocation for large buffers: large received bodies do not churn Netty's pool
    // chunks, each of which is zeroed when new.
    RootAllocator root = Allocators.newRoot();
    try {
      progress.update("starting the " + options.target().serverMode() + " server", 0);
      server = ServerHandle.start(options.target());
      int maxConnections = maxConnections();
      for (int i = 0; i < maxConnections; i++) {
        clients.add(FlightLabClient.connect(clientOptions(server), root));
      }
      flightlab = isFlightlab(clients.get(0), server);
      serverInfo = new ServerInfo(server.mode(), server.uri().toString(), flightlab, server.note());
      if (flightlab) {
        statsBefore.putAll(stats(clients.get(0)));
      } else {
        notes.add("the server is not flightlab (no stats action): server memory not reported");
      }
      List<Map<String, String>> grid = Sweep.grid(options.sweeps());
      for (int p = 0; p < grid.size(); p++) {
        Map<String, String> parameters = grid.get(p);
        BenchOptions pointOptions = options.at(parameters);
        try (BufferAllocator data = root.newChildAllocator("bench-data", 0, Long.MAX_VALUE)) {
          BenchContext ctx =
              new BenchContext(
                  pointOptions,
                  clients.subList(0, pointOptions.concurrency().connections()),
                  data,
                  streamThreads,
                  helperThreads,
                  flightlab,
                  flightlab && !server.mode().equals("embedded"));
          runPoint(ctx, parameters, p, grid.size(), points, created);
        }
      }
      if (flightlab) {
        statsAfter.putAll(stats(clients.get(0)));
      }
    } catch (Exception | OutOfMemoryError e) {
      error = Concurrently.describe(e);
      String child = server == null ? null : server.childFailure();
      if (child != null) {
        error = error + " (" + child + ")";
      }
      if (serverInfo == null && server != null) {
        serverInfo = new ServerInfo(server.mode(), server.uri().toString(), false, server.note());
      }
    } finally {
      progress.done();
      if (!created.isEmpty() && !clients.isEmpty()) {
        cleanUp(clients.get(0), created, flightlab, notes);
      }
      closeAll(clients, notes);
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        notes.add("stopping the server: " + Concurrently.describe(e));
      }
      streamThreads.shutdownNow();
      helperThreads.shutdownNow();
      try {
        root.close();
      } catch (RuntimeException e) {
        notes.add("client memory still allocated at the end: " + e.getMessage());
      }
    }
    return new RunResult(
        options,
        commandLine,
        environment,
        serverInfo,
        startedAt,
        System.nanoTime() - start,
        points,
        statsBefore,
        statsAfter,
        notes,
        error,
        null);
  }

  private void runPoint(
      BenchContext ctx,
      Map<String, String> parameters,
      int pointIndex,
      int pointCount,
      List<PointResult> points,
      Set<DatasetPath> created)
      throws Exception {
    BenchOptions o = ctx.options();
    String where = o.op() + (pointCount > 1 ? " point " + (pointIndex + 1) + "/" + pointCount : "");
    List<IterationResult> warmups = new ArrayList<>();
    List<IterationResult> measured = new ArrayList<>();
    DataInfo data = null;
    Workload workload = Workload.create(ctx);
    try {
      progress.update(where + ": preparing data", (double) pointIndex / pointCount);
      try {
        data = workload.prepare();
      } catch (Exception e) {
        throw new BenchFailure(where + ", preparing: " + Concurrently.describe(e), e);
      }
      created.addAll(workload.createdDatasets());
      Warmup warmup = o.effectiveWarmup();
      long warmNanos = 0;
      long warmBytes = 0;
      while (warmup.wantsMore(warmups.size(), warmNanos, warmBytes, recentJitShare(warmups))) {
        progress.update(
            where + ": warm-up " + (warmups.size() + 1) + warmupProgress(warmup, warmBytes),
            (double) pointIndex / pointCount);
        IterationResult r = iterate(workload, where, warmups.size() + 1, true);
        warmups.add(r);
        warmNanos += r.elapsedNanos();
        warmBytes += r.ipcBodyBytes();
      }
      long measuredNanos = 0;
      TimingOptions timing = o.timing();
      while (wantsMore(timing, measured.size(), measuredNanos)) {
        double fraction =
            timing.duration() != null
                ? Math.min(1.0, (double) measuredNanos / timing.duration().toNanos())
                : (double) measured.size() / timing.iterations();
        progress.update(
            where + ": iteration " + (measured.size() + 1) + last(measured),
            (pointIndex + fraction) / pointCount);
        IterationResult r = iterate(workload, where, measured.size() + 1, false);
        measured.add(r);
        measuredNanos += r.elapsedNanos();
      }
    } finally {
      created.addAll(workload.createdDatasets());
      Map<Phase, Histogram> latency = workload.measuredLatency();
      if (data != null) {
        points.add(new PointResult(parameters, o, data, warmups, measured, latency));
      }
      workload.close();
    }
  }

  /** One iteration; a failure names the iteration it happened in. */
  private static IterationResult iterate(Workload w, String where, int index, boolean warmup)
      throws InterruptedException {
    try {
      return w.iterate(index, warmup);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new BenchFailure(
          where
              + ", "
              + (warmup ? "warm-up iteration w" : "iteration ")
              + index
              + ": "
              + Concurrently.describe(e),
          e);
    }
  }

  /**
   * The share of the last {@link Warmup#AUTO_JIT_WINDOW_NANOS} of warm-up (whole iterations) that
   * the busier JVM of each iteration spent compiling; -1 when no iteration tells.
   */
  static double recentJitShare(List<IterationResult> warmups) {
    long jit = 0;
    long wall = 0;
    boolean known = false;
    for (int i = warmups.size() - 1; i >= 0 && wall < Warmup.AUTO_JIT_WINDOW_NANOS; i--) {
      IterationResult it = warmups.get(i);
      long most = Math.max(it.jitNanos(), it.serverJitNanos());
      if (most >= 0) {
        known = true;
        jit += most;
      }
      wall += it.elapsedNanos();
    }
    return known && wall > 0 ? (double) jit / wall : -1;
  }

  private static boolean wantsMore(TimingOptions t, int done, long elapsedNanos) {
    if (t.duration() != null) {
      return done == 0 || elapsedNanos < t.duration().toNanos();
    }
    return done < t.iterations();
  }

  private static String warmupProgress(Warmup w, long bytes) {
    if (w.kind() == Warmup.Kind.BYTES || w.kind() == Warmup.Kind.BYTES_AND_TIME) {
      return String.format(Locale.ROOT, " (%.2f of %.2f GB)", bytes / 1e9, w.amount() / 1e9);
    }
    return "";
  }

  private static String last(List<IterationResult> done) {
    if (done.isEmpty()) {
      return "";
    }
    PhaseResult p = done.get(done.size() - 1).phases().get(0);
    return String.format(Locale.ROOT, " (last: %.1f %s)", p.primary(), p.primaryUnit());
  }

  /** The most connections any point of the grid uses. */
  private int maxConnections() {
    int max = options.concurrency().connections();
    for (Map<String, String> point : Sweep.grid(options.sweeps())) {
      max = Math.max(max, options.at(point).concurrency().connections());
    }
    return max;
  }

  private ClientOptions clientOptions(ServerHandle server) {
    TargetOptions target = options.target();
    ClientOptions c = ClientOptions.of(server.uri()).withAuthToken(target.authToken());
    if (target.server() != null && target.tlsCert() != null) {
      // A running server: the certificate is the client's own (mutual TLS).
      c = c.withClientCertificate(target.tlsCert(), target.tlsKey());
    }
    Path trusted =
        target.tlsTrustedCerts() != null || target.server() != null
            ? target.tlsTrustedCerts()
            : target.tlsCert();
    return trusted == null ? c : c.withTrustedCertificates(trusted);
  }

  /** True when the server answers flightlab's actions; fails when it cannot be reached. */
  private static boolean isFlightlab(FlightLabClient client, ServerHandle server) {
    try {
      boolean stats = false;
      boolean health = false;
      for (ActionType t : client.listActions()) {
        stats |= t.getType().equals("stats");
        health |= t.getType().equals("health");
      }
      return stats && health;
    } catch (FlightRuntimeException e) {
      if (e.status().code() == FlightStatusCode.UNIMPLEMENTED) {
        return false;
      }
      String what =
          e.status().code() == FlightStatusCode.UNAVAILABLE
              ? "cannot reach the server at "
              : "the server at " + server.uri() + " refused ListActions: ";
      throw new BenchFailure(
          (what.startsWith("cannot") ? what + server.uri() + ": " : what)
              + Concurrently.describe(e),
          e);
    }
  }

  /** The server's numeric stats. */
  static Map<String, Long> stats(FlightLabClient client) {
    Map<String, Long> out = new LinkedHashMap<>();
    JsonNode node = client.stats();
    node.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asLong());
              }
            });
    return out;
  }

  private void cleanUp(
      FlightLabClient client, Set<DatasetPath> created, boolean flightlab, List<String> notes) {
    if (options.target().keep()) {
      notes.add("kept " + created.size() + " dataset(s) on the server (--keep): " + created);
      return;
    }
    if (!flightlab) {
      notes.add(
          "left "
              + created.size()
              + " dataset(s) on the server, which has no drop action: "
              + created);
      return;
    }
    for (DatasetPath path : created) {
      try {
        client.drop(path);
      } catch (FlightRuntimeException e) {
        if (e.status().code() != FlightStatusCode.NOT_FOUND) {
          notes.add("could not drop '" + path + "': " + Concurrently.describe(e));
        }
      } catch (RuntimeException e) {
        notes.add("could not drop '" + path + "': " + Concurrently.describe(e));
      }
    }
  }

  private static void closeAll(List<FlightLabClient> clients, List<String> notes) {
    for (FlightLabClient c : clients) {
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        notes.add("closing a connection: " + Concurrently.describe(e));
      }
    }
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
