package dev.flightlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * Runs one phase on every stream at once: each stream's thread gets ready, then all are released
 * together by one gate, and the phase's time runs from the gate to the last stream's end.
 */
final class Concurrently {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Concurrently() {}

  /** The timed part of one stream's phase. */
  interface StreamBody {
    void run(int stream, StreamOutcome out) throws Exception;
  }

  /**
   * The streams' outcomes and when the gate opened.
   *
   * @param gateNanos System.nanoTime() when the streams were released
   * @param streams one outcome per stream, by stream index
   */
  record Outcomes(long gateNanos, List<StreamOutcome> streams) {}

  /**
   * Runs {@code body} on {@code streams} threads of {@code pool} at once and waits for all.
   *
   * @throws BenchFailure naming the first stream that failed, after every stream has ended
   */
  static Outcomes run(ExecutorService pool, int streams, StreamBody body)
      throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(streams);
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<StreamOutcome>> futures = new ArrayList<>(streams);
    for (int i = 0; i < streams; i++) {
      int stream = i;
      futures.add(
          pool.submit(
              () -> {
                StreamOutcome out = new StreamOutcome();
                ready.countDown();
                gate.await();
                long cpu = cpuNanos();
                out.startNanos = System.nanoTime();
                try {
                  body.run(stream, out);
                } finally {
                  out.endNanos = System.nanoTime();
                  out.cpuNanos = cpuNanos() - cpu;
                }
                return out;
              }));
    }
    ready.await();
    long gateNanos = System.nanoTime();
    gate.countDown();
    List<StreamOutcome> outcomes = new ArrayList<>(streams);
    BenchFailure failure = null;
    for (int i = 0; i < streams; i++) {
      try {
        outcomes.add(futures.get(i).get());
      } catch (ExecutionException e) {
        if (failure == null) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          String where = streams == 1 ? "" : "stream " + (i + 1) + " of " + streams + ": ";
          failure = new BenchFailure(where + describe(cause), cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return new Outcomes(gateNanos, outcomes);
  }

  /** This thread's CPU time, or 0 where the JVM cannot tell. */
  static long cpuNanos() {
    long t = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    return Math.max(0, t);
  }

  /**
   * One line saying what went wrong: the Flight status and its message, or the exception's, with
   * the root cause when the message alone says little ("UNAVAILABLE: io exception").
   */
  static String describe(Throwable t) {
    String line = null;
    for (Throwable c = t; c != null && line == null; c = c.getCause()) {
      if (c instanceof BenchFailure b) {
        return b.getMessage();
      }
      if (c instanceof FlightRuntimeException f) {
        String d = f.status().description();
        line = f.status().code() + (d == null || d.isEmpty() ? "" : ": " + d);
      }
    }
    if (line == null) {
      line = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootMessage = root.getMessage();
    if (root != t && rootMessage != null && !line.contains(rootMessage)) {
      line = line + " (" + rootMessage + ")";
    }
    return line;
  }
}
