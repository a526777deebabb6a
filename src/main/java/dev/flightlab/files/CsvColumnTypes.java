package dev.flightlab.files;

import dev.flightlab.data.SchemaSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Column types that override the ones DuckDB infers for a CSV file, written as a schema spec of
 * named fields ({@code "id:int64, price:decimal128(10,2), at:timestamp(us,UTC)"}; see
 * docs/schema-spec.md), and their DuckDB names.
 *
 * <p>Only the types a CSV reader can produce exactly are accepted: bool, int8..int64,
 * uint8..uint64, float32, float64, decimal128(P,S), utf8, binary, date32 and timestamp(UNIT) with
 * no zone, or timestamp(us,ZONE), all zoned columns sharing one zone.
 */
final class CsvColumnTypes {
  private final Map<String, ArrowType> arrowTypes;
  private final Map<String, String> duckDbTypes;
  private final String timeZone;

  private CsvColumnTypes(
      Map<String, ArrowType> arrowTypes, Map<String, String> duckDbTypes, String timeZone) {
    this.arrowTypes = arrowTypes;
    this.duckDbTypes = duckDbTypes;
    this.timeZone = timeZone;
  }

  /**
   * Parses a spec of named fields.
   *
   * @throws IllegalArgumentException naming the bad field or type
   */
  static CsvColumnTypes parse(String spec) {
    for (String part : topLevelFields(spec)) {
      if (!hasName(part)) {
        throw new IllegalArgumentException(
            "column type '"
                + part.strip()
                + "' has no column name: write NAME:TYPE, e.g. id:int64");
      }
    }
    Schema schema = SchemaSpec.parse(spec);
    Map<String, ArrowType> arrow = new LinkedHashMap<>();
    Map<String, String> duck = new LinkedHashMap<>();
    String zone = null;
    for (Field field : schema.getFields()) {
      ArrowType type = field.getType();
      if (field.getDictionary() != null) {
        throw unsupported(field, "dictionary<utf8>");
      }
      if (type instanceof ArrowType.Timestamp t && t.getTimezone() != null) {
        if (t.getUnit() != org.apache.arrow.vector.types.TimeUnit.MICROSECOND) {
          throw new IllegalArgumentException(
              "column '"
                  + field.getName()
                  + "': a timestamp with a time zone must be in microseconds for CSV, e.g."
                  + " timestamp(us,"
                  + t.getTimezone()
                  + ")");
        }
        if (zone != null && !zone.equals(t.getTimezone())) {
          throw new IllegalArgumentException(
              "column '"
                  + field.getName()
                  + "': every zoned timestamp of a CSV file must use one time zone, not both "
                  + zone
                  + " and "
                  + t.getTimezone());
        }
        zone = t.getTimezone();
      }
      arrow.put(field.getName(), type);
      duck.put(field.getName(), duckDbType(field));
    }
    return new CsvColumnTypes(arrow, duck, zone);
  }

  /** DuckDB's {@code types} argument: {@code {'id': 'BIGINT', ...}}. */
  String duckDbStruct() {
    List<String> entries = new ArrayList<>();
    duckDbTypes.forEach(
        (name, type) -> entries.add(DuckDbFiles.literal(name) + ": " + DuckDbFiles.literal(type)));
    return "{" + String.join(", ", entries) + "}";
  }

  /** The time zone the zoned timestamp columns use, or null when there are none. */
  String timeZone() {
    return timeZone;
  }

  /** The column names given a type. */
  List<String> names() {
    return List.copyOf(arrowTypes.keySet());
  }

  /**
   * Checks that every overridden column of {@code read} has exactly the type asked for.
   *
   * @throws DataFileException naming the first column that does not
   */
  void check(Path file, Schema read) throws DataFileException {
    for (Map.Entry<String, ArrowType> e : arrowTypes.entrySet()) {
      Field got = null;
      for (Field f : read.getFields()) {
        if (f.getName().equals(e.getKey())) {
          got = f;
        }
      }
      if (got == null) {
        throw DataFileException.of(file, "column types name '" + e.getKey() + "', not in the file");
      }
      if (!got.getType().equals(e.getValue())) {
        throw DataFileException.of(
            file,
            "column '"
                + e.getKey()
                + "' was read as "
                + got.getType()
                + ", not the "
                + e.getValue()
                + " asked for");
      }
    }
  }

  private static String duckDbType(Field field) {
    ArrowType type = field.getType();
    if (type instanceof ArrowType.Bool) {
      return "BOOLEAN";
    }
    if (type instanceof ArrowType.Int i) {
      String base =
          switch (i.getBitWidth()) {
            case 8 -> "TINYINT";
            case 16 -> "SMALLINT";
            case 32 -> "INTEGER";
            default -> "BIGINT";
          };
      return i.getIsSigned() ? base : "U" + base;
    }
    if (type instanceof ArrowType.FloatingPoint f) {
      if (f.getPrecision() == FloatingPointPrecision.SINGLE) {
        return "FLOAT";
      }
      if (f.getPrecision() == FloatingPointPrecision.DOUBLE) {
        return "DOUBLE";
      }
    }
    if (type instanceof ArrowType.Decimal d && d.getBitWidth() == 128) {
      return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    if (type instanceof ArrowType.Utf8) {
      return "VARCHAR";
    }
    if (type instanceof ArrowType.Binary) {
      return "BLOB";
    }
    if (type instanceof ArrowType.Date date
        && date.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY) {
      return "DATE";
    }
    if (type instanceof ArrowType.Timestamp t) {
      if (t.getTimezone() != null) {
        return "TIMESTAMPTZ";
      }
      return switch (t.getUnit()) {
        case SECOND -> "TIMESTAMP_S";
        case MILLISECOND -> "TIMESTAMP_MS";
        case MICROSECOND -> "TIMESTAMP";
        case NANOSECOND -> "TIMESTAMP_NS";
      };
    }
    throw unsupported(field, type.toString());
  }

  private static IllegalArgumentException unsupported(Field field, String type) {
    return new IllegalArgumentException(
        "column '"
            + field.getName()
            + "': "
            + type
            + " is not a CSV column type (use bool, int8..int64, uint8..uint64, float32, float64,"
            + " decimal128(P,S), utf8, binary, date32, timestamp(UNIT) or timestamp(us,ZONE))");
  }

  /** The spec's top-level fields as written: commas inside () and <> belong to a type. */
  private static List<String> topLevelFields(String spec) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '(' || c == '<') {
        depth++;
      } else if ((c == ')' || c == '>') && depth > 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(spec.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(spec.substring(start));
    return parts;
  }

  private static boolean hasName(String field) {
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == ':') {
        return i > 0 && !field.substring(0, i).isBlank();
      }
      if (c == '(' || c == '<') {
        return false;
      }
    }
    return false;
  }
}
