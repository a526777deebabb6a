package dev.flightlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the bench's records look in its JSON results: component by component in snake_case; enums and
 * values with a text form (paths, warm-ups, compression specs, durations, sweeps) as that text.
 */
public final class RecordJson {
  /** The mapper that writes them (thread-safe). */
  public static final ObjectMapper MAPPER =
      Json.MAPPER
          .copy()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
          .registerModule(
              new SimpleModule()
                  .addSerializer(Path.class, ToStringSerializer.instance)
                  .addSerializer(Warmup.class, ToStringSerializer.instance)
                  .addSerializer(IpcCompression.class, ToStringSerializer.instance)
                  .addSerializer(Duration.class, ToStringSerializer.instance)
                  .addSerializer(Sweep.class, ToStringSerializer.instance));

  private RecordJson() {}

  /** A tree's values by dotted name ({@code data.rows}): null as "-", arrays as JSON text. */
  public static Map<String, String> flatten(JsonNode tree) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", tree, out);
    return out;
  }

  private static void flatten(String name, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      name.isEmpty() ? e.getKey() : name + "." + e.getKey(), e.getValue(), out));
    } else {
      out.put(name, node.isNull() ? "-" : node.isValueNode() ? node.asText() : node.toString());
    }
  }
}
