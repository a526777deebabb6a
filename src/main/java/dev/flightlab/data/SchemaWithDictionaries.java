package dev.flightlab.data;

import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An in-memory schema (dictionary-encoded fields hold their index type) and the value field of each
 * of its dictionaries, by dictionary id: what a schema spec names, and what {@link DataGenerator}
 * needs to build the dictionaries.
 *
 * @param schema the in-memory schema
 * @param dictionaryValues the value field of each dictionary id; a dictionary missing here holds
 *     utf8 values
 */
public record SchemaWithDictionaries(Schema schema, Map<Long, Field> dictionaryValues) {
  /** Copies the map. */
  public SchemaWithDictionaries {
    Objects.requireNonNull(schema, "schema");
    dictionaryValues = Map.copyOf(dictionaryValues);
  }

  /** A schema whose dictionaries (if any) hold utf8 values. */
  public static SchemaWithDictionaries of(Schema schema) {
    return new SchemaWithDictionaries(schema, Map.of());
  }
}
