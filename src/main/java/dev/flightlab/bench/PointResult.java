package dev.flightlab.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * One point of the run's parameter grid (the whole run when nothing is swept): its data, its
 * warm-up and measured iterations, and the latency histograms of its measured iterations merged.
 *
 * @param parameters the swept parameters' values at this point (empty without --sweep)
 * @param options the options in force at this point
 * @param data what was sent
 * @param warmups warm-up iterations, in order
 * @param iterations measured iterations, in order
 * @param latency per phase, every measured iteration's latency samples merged
 */
public record PointResult(
    Map<String, String> parameters,
    BenchOptions options,
    DataInfo data,
    List<IterationResult> warmups,
    List<IterationResult> iterations,
    Map<Phase, Histogram> latency) {

  public PointResult {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    warmups = List.copyOf(warmups);
    iterations = List.copyOf(iterations);
    latency = Collections.unmodifiableMap(new LinkedHashMap<>(latency));
  }

  /** The phases of this point's iterations, in the order they ran. */
  public List<Phase> phases() {
    List<Phase> phases = new ArrayList<>();
    List<IterationResult> all = new ArrayList<>(iterations);
    all.addAll(warmups);
    for (IterationResult it : all) {
      for (PhaseResult p : it.phases()) {
        if (!phases.contains(p.phase())) {
          phases.add(p.phase());
        }
      }
    }
    return phases;
  }

  /** The headline figure (see {@link PhaseResult#primary}) of {@code phase} over measured runs. */
  public Summary summary(Phase phase) {
    return summarise(phase, PhaseResult::primary);
  }

  /** Any per-phase figure over the measured iterations. */
  public Summary summarise(Phase phase, ToDoubleFunction<PhaseResult> figure) {
    List<Double> values = new ArrayList<>();
    for (IterationResult it : iterations) {
      PhaseResult p = it.phase(phase);
      if (p != null) {
        values.add(figure.applyAsDouble(p));
      }
    }
    return Summary.of(values);
  }

  /** The unit of {@code phase}'s headline figure. */
  public String primaryUnit(Phase phase) {
    for (IterationResult it : iterations) {
      PhaseResult p = it.phase(phase);
      if (p != null) {
        return p.primaryUnit();
      }
    }
    return "";
  }

  /** The merged latency summary of {@code phase} over measured iterations. */
  public LatencyStats latencyStats(Phase phase) {
    return LatencyStats.of(latency.get(phase));
  }

  /** "batch-rows=1024 streams=2", or "" without sweeps. */
  public String label() {
    StringBuilder b = new StringBuilder();
    parameters.forEach(
        (k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return b.toString();
  }

  /** Warm-up totals: iterations, seconds and IPC body bytes. */
  public long warmupNanos() {
    long sum = 0;
    for (IterationResult it : warmups) {
      sum += it.elapsedNanos();
    }
    return sum;
  }

  /** IPC body bytes moved during warm-up. */
  public long warmupBytes() {
    long sum = 0;
    for (IterationResult it : warmups) {
      sum += it.ipcBodyBytes();
    }
    return sum;
  }

  /** The first result of {@code phase}: from a measured iteration, else a warm-up; or null. */
  public PhaseResult firstPhase(Phase phase) {
    for (IterationResult it : iterations()) {
      if (it.phase(phase) != null) {
        return it.phase(phase);
      }
    }
    for (IterationResult it : warmups()) {
      if (it.phase(phase) != null) {
        return it.phase(phase);
      }
    }
    return null;
  }
}
