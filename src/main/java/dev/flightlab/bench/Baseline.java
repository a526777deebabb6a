package dev.flightlab.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An earlier run's JSON results ({@code --baseline}): each point's workload and the median headline
 * figure of each of its phases, to compare a new run's points of the same workload with.
 *
 * @param file where it was read from
 * @param points its points, in order
 */
public record Baseline(Path file, List<Point> points) {

  /**
   * One point of the baseline.
   *
   * @param workload its {@link WorkloadShape} as the JSON results hold it
   * @param medians phase name to its median headline figure
   */
  public record Point(JsonNode workload, Map<String, Figure> medians) {}

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
    List<Point> points = new ArrayList<>();
    for (JsonNode point : root.get("points")) {
      if (!point.has("workload")) {
        throw new IllegalArgumentException(
            "--baseline "
                + file
                + " does not say what each point measured (an older flightlab bench wrote it):"
                + " make a new baseline");
      }
      Map<String, Figure> medians = new LinkedHashMap<>();
      point
          .path("summary")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode s = e.getValue();
                if (s.path("n").asInt() > 0) {
                  medians.put(
                      e.getKey(), new Figure(s.path("unit").asText(), s.path("median").asDouble()));
                }
              });
      points.add(new Point(withDefaults(point.get("workload")), medians));
    }
    return new Baseline(file, points);
  }

  /**
   * A baseline's workload with the options added since it was written at the values it ran with:
   * {@code transfer.batch_latency} (true: every upload was timed batch by batch).
   */
  private static JsonNode withDefaults(JsonNode workload) {
    JsonNode transfer = workload.path("transfer");
    if (transfer instanceof ObjectNode t && !t.has("batch_latency")) {
      t.put("batch_latency", true);
    }
    return workload;
  }

  /** Compares each point of {@code run} with the baseline's point of the same workload. */
  public Comparison compare(RunResult run, double maxRegression) {
    List<Comparison.Entry> entries = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();
    JsonNode firstShape = null;
    for (PointResult p : run.points()) {
      JsonNode shape = asRead(p.options().shape());
      firstShape = firstShape == null ? shape : firstShape;
      Point base = points.stream().filter(b -> b.workload().equals(shape)).findFirst().orElse(null);
      for (Phase phase : p.phases()) {
        Summary s = p.summary(phase);
        if (s.n() == 0) {
          continue;
        }
        Figure figure = base == null ? null : base.medians().get(phase.toString());
        if (figure == null || !figure.unit().equals(p.primaryUnit(phase))) {
          unmatched.add((p.label().isEmpty() ? "" : p.label() + " ") + phase);
          continue;
        }
        entries.add(
            new Comparison.Entry(p.label(), phase, figure.unit(), figure.median(), s.median()));
      }
    }
    String noMatch =
        !entries.isEmpty() || firstShape == null
            ? null
            : "nothing in baseline " + file + " matches this run" + difference(firstShape);
    return new Comparison(file.toString(), maxRegression, entries, unmatched, noMatch);
  }

  /** The shape as the JSON results hold it, read back, so that it equals what a file holds. */
  private static JsonNode asRead(WorkloadShape shape) {
    try {
      return Json.MAPPER.readTree(RecordJson.MAPPER.writeValueAsString(shape));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a workload shape as JSON", e);
    }
  }

  /** How the baseline's first point differs from {@code shape}, as " (rows: 4000 there, ...)". */
  private String difference(JsonNode shape) {
    if (points.isEmpty()) {
      return " (it has no points)";
    }
    Map<String, String> here = RecordJson.flatten(shape);
    Map<String, String> there = RecordJson.flatten(points.get(0).workload());
    List<String> differences = new ArrayList<>();
    there.forEach(
        (name, value) -> {
          if (!value.equals(here.getOrDefault(name, "-"))) {
            differences.add(
                name + ": " + value + " there, " + here.getOrDefault(name, "-") + " here");
          }
        });
    return differences.isEmpty() ? "" : " (" + String.join("; ", differences) + ")";
  }
}
