package dev.flightlab.bench;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run produced: what every report writer renders. A failed run keeps what it measured
 * before the failure.
 *
 * @param options the options as given (before sweeps)
 * @param commandLine the arguments as typed, for reproducing the run (the auth token masked)
 * @param environment the machine and JVM
 * @param server the server measured, or null when it never started
 * @param startedAt when the run started
 * @param elapsedNanos how long the whole run took, setup included
 * @param points the grid's points, in order (the last may be incomplete when the run failed)
 * @param serverStatsBefore the server's stats before the run (flightlab servers), else empty
 * @param serverStatsAfter the server's stats after the run, else empty
 * @param notes remarks for the reader (things skipped, things that could not be done)
 * @param error why the run failed, or null when it completed
 * @param comparison the comparison with --baseline, or null
 */
public record RunResult(
    BenchOptions options,
    List<String> commandLine,
    Environment environment,
    ServerInfo server,
    Instant startedAt,
    long elapsedNanos,
    List<PointResult> points,
    Map<String, Long> serverStatsBefore,
    Map<String, Long> serverStatsAfter,
    List<String> notes,
    String error,
    Comparison comparison) {

  public RunResult {
    commandLine = List.copyOf(commandLine);
    points = List.copyOf(points);
    serverStatsBefore = Collections.unmodifiableMap(new LinkedHashMap<>(serverStatsBefore));
    serverStatsAfter = Collections.unmodifiableMap(new LinkedHashMap<>(serverStatsAfter));
    notes = List.copyOf(notes);
  }

  /** True when the run completed. */
  public boolean ok() {
    return error == null;
  }

  /** A copy with a comparison attached. */
  public RunResult withComparison(Comparison c) {
    return new RunResult(
        options,
        commandLine,
        environment,
        server,
        startedAt,
        elapsedNanos,
        points,
        serverStatsBefore,
        serverStatsAfter,
        notes,
        error,
        c);
  }
}
