package dev.flightlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An earlier run's JSON results ({@code --baseline}): the median headline figure of each point and
 * phase, to compare a new run with.
 *
 * @param file where it was read from
 * @param op the baseline's workload
 * @param medians "point label|phase" to (unit, median)
 */
public record Baseline(Path file, String op, Map<String, Figure> medians) {

  /**
   * One figure of the baseline.
   *
   * @param unit MB/s or calls/s
   * @param median the median over its measured iterations
   */
  public record Figure(String unit, double median) {}

  /**
   * Reads a JSON result written by {@code --format json}.
   *
   * @throws IllegalArgumentException when the file is missing or not such a result
   */
  public static Baseline load(Path file) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read --baseline " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.has("flightlab_bench_format") || !root.has("points")) {
      throw new IllegalArgumentException(
          "--baseline " + file + " is not a flightlab bench JSON result (--format json)");
    }
    Map<String, Figure> medians = new LinkedHashMap<>();
    for (JsonNode point : root.get("points")) {
      String label = point.path("label").asText("");
      point
          .path("summary")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode s = e.getValue();
                if (s.path("n").asInt() > 0) {
                  medians.put(
                      key(label, e.getKey()),
                      new Figure(s.path("unit").asText(), s.path("median").asDouble()));
                }
              });
    }
    return new Baseline(file, root.path("options").path("op").asText("?"), medians);
  }

  private static String key(String point, String phase) {
    return point + "|" + phase;
  }

  /** Compares {@code run} with this baseline. */
  public Comparison compare(RunResult run, double maxRegression) {
    List<Comparison.Entry> entries = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();
    if (!op.equals(run.options().op().wireName())) {
      unmatched.add("the baseline measured --op " + op + ", this run --op " + run.options().op());
    }
    for (PointResult p : run.points()) {
      for (Phase phase : p.phases()) {
        Summary s = p.summary(phase);
        if (s.n() == 0) {
          continue;
        }
        Figure base =
            op.equals(run.options().op().wireName())
                ? medians.get(key(p.label(), phase.toString()))
                : null;
        String name = (p.label().isEmpty() ? "" : p.label() + " ") + phase;
        if (base == null || !base.unit().equals(p.primaryUnit(phase))) {
          unmatched.add(name);
          continue;
        }
        entries.add(new Comparison.Entry(p.label(), phase, base.unit(), base.median(), s.median()));
      }
    }
    return new Comparison(file.toString(), maxRegression, entries, unmatched);
  }
}
