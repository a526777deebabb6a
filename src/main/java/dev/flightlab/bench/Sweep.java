package dev.flightlab.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code --sweep PARAM=V1,V2,...}: a parameter and the values it takes across the run.
 *
 * <p>Values are separated by commas, except for {@code schema}, whose specs hold commas: there they
 * are separated by semicolons ({@code schema=int64x4;utf8x4}).
 *
 * @param parameter the option swept, named as on the command line without dashes
 * @param values the values, in order
 */
public record Sweep(String parameter, List<String> values) {
  /** Parameters a sweep may vary. */
  public static final List<String> PARAMETERS =
      List.of("batch-rows", "rows", "streams", "connections", "compression", "client", "schema");

  public Sweep {
    values = List.copyOf(values);
    if (!PARAMETERS.contains(parameter)) {
      throw new IllegalArgumentException(
          "cannot sweep '" + parameter + "' (sweepable: " + String.join(", ", PARAMETERS) + ")");
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("--sweep " + parameter + "= has no values");
    }
  }

  /** Parses {@code batch-rows=1024,4096,65536}. */
  public static Sweep parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "bad --sweep '" + text + "' (expected PARAM=V1,V2,..., e.g. batch-rows=1024,65536)");
    }
    String parameter = text.substring(0, eq).trim().replaceFirst("^--", "");
    String separator = parameter.equals("schema") ? ";" : ",";
    List<String> values = new ArrayList<>();
    for (String v : text.substring(eq + 1).split(separator)) {
      if (!v.isBlank()) {
        values.add(v.trim());
      }
    }
    return new Sweep(parameter, values);
  }

  /**
   * The grid of sweeps: every combination of their values, the first sweep outermost.
   *
   * @return one map (parameter to value, in sweep order) per point; one empty map without sweeps
   */
  public static List<Map<String, String>> grid(List<Sweep> sweeps) {
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Sweep s : sweeps) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> p : points) {
        for (String v : s.values) {
          Map<String, String> q = new LinkedHashMap<>(p);
          q.put(s.parameter, v);
          next.add(q);
        }
      }
      points = next;
    }
    return points;
  }

  @Override
  public String toString() {
    return parameter + "=" + String.join(parameter.equals("schema") ? ";" : ",", values);
  }
}
