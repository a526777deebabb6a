package dev.flightlab.bench;

import java.util.List;

/**
 * One iteration: every stream ran the workload once.
 *
 * @param index 1-based, counted separately for warm-up and measured iterations
 * @param warmup true for a warm-up iteration (never mixed into summaries)
 * @param elapsedNanos the whole iteration's wall-clock time, all phases
 * @param processCpuNanos CPU time of this whole JVM during the iteration (includes an embedded
 *     server)
 * @param phases what each phase measured
 * @param verified true when the content was checked and matched; null when not checked
 * @param jitNanos time this JVM's JIT compiler threads spent compiling during the iteration (summed
 *     over them), or -1 when the JVM does not tell
 * @param serverCpuNanos CPU time of the server's JVM during the iteration, or -1 when unknown (not
 *     flightlab, or embedded: then {@code processCpuNanos} includes it)
 * @param serverJitNanos compile time of the server's JVM during the iteration, or -1 when unknown
 */
public record IterationResult(
    int index,
    boolean warmup,
    long elapsedNanos,
    long processCpuNanos,
    List<PhaseResult> phases,
    Boolean verified,
    long jitNanos,
    long serverCpuNanos,
    long serverJitNanos) {

  public IterationResult {
    phases = List.copyOf(phases);
  }

  /** An iteration whose JIT and server times are unknown. */
  public IterationResult(
      int index,
      boolean warmup,
      long elapsedNanos,
      long processCpuNanos,
      List<PhaseResult> phases,
      Boolean verified) {
    this(index, warmup, elapsedNanos, processCpuNanos, phases, verified, -1, -1, -1);
  }

  /** The result of {@code phase}, or null. */
  public PhaseResult phase(Phase phase) {
    for (PhaseResult p : phases) {
      if (p.phase() == phase) {
        return p;
      }
    }
    return null;
  }

  /** "w1", "w2"... for warm-ups, "1", "2"... for measured iterations. */
  public String label() {
    return (warmup ? "w" : "") + index;
  }

  /** IPC body bytes moved in all phases. */
  public long ipcBodyBytes() {
    long sum = 0;
    for (PhaseResult p : phases) {
      sum += p.ipcBodyBytes();
    }
    return sum;
  }
}
