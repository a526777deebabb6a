package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * An in-memory DuckDB for tests: writes the Parquet and CSV files tests read (with DuckDB's own
 * {@code COPY ... TO}), and compares files row for row.
 */
public final class DuckDb implements AutoCloseable {
  /** "name type" of each column of {@link #typesQuery} as Arrow reads it back from Parquet. */
  public static final List<String> ARROW_TYPES =
      List.of(
          "int8 " + new ArrowType.Int(8, true),
          "int16 " + new ArrowType.Int(16, true),
          "int32 " + new ArrowType.Int(32, true),
          "int64 " + new ArrowType.Int(64, true),
          "uint8 " + new ArrowType.Int(8, false),
          "uint64 " + new ArrowType.Int(64, false),
          "float32 " + new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
          "float64 " + new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
          "dec10_2 " + new ArrowType.Decimal(10, 2, 128),
          "dec38_6 " + new ArrowType.Decimal(38, 6, 128),
          "utf8 " + ArrowType.Utf8.INSTANCE,
          "text " + ArrowType.Utf8.INSTANCE,
          "bool " + ArrowType.Bool.INSTANCE,
          "date " + new ArrowType.Date(DateUnit.DAY),
          "ts " + new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
          "tstz " + new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
          "bin " + ArrowType.Binary.INSTANCE);

  /**
   * One column of every scalar type the tests round-trip, each null in some rows, over {@code
   * range(rows) t(i)}.
   */
  public static String typesQuery(int rows) {
    return query(rows, false);
  }

  /** {@link #typesQuery} plus a list and a struct column (Parquet and Arrow carry them). */
  public static String nestedTypesQuery(int rows) {
    return query(rows, true);
  }

  private static String query(int rows, boolean nested) {
    List<String> columns =
        new ArrayList<>(
            List.of(
                nullable(0, "(i % 256 - 128)::TINYINT", "int8"),
                nullable(1, "(i * 7 % 65536 - 32768)::SMALLINT", "int16"),
                nullable(2, "(i * 100003 % 4294967296 - 2147483648)::INTEGER", "int32"),
                nullable(3, "(i * 1000000007)::BIGINT", "int64"),
                nullable(4, "(i % 256)::UTINYINT", "uint8"),
                nullable(5, "(i * 3000000000)::UBIGINT", "uint64"),
                nullable(6, "(i / 7)::FLOAT", "float32"),
                nullable(0, "(i / 3)::DOUBLE", "float64"),
                nullable(1, "(i * 1.25)::DECIMAL(10,2)", "dec10_2"),
                nullable(2, "(i * 12345.678901)::DECIMAL(38,6)", "dec38_6"),
                nullable(3, "'name-' || i", "utf8"),
                nullable(4, "CASE WHEN i % 4 = 0 THEN '' ELSE 'ünï, \"q\" ' || i END", "text"),
                nullable(5, "i % 2 = 0", "bool"),
                nullable(6, "DATE '2024-01-01' + i::INTEGER", "date"),
                nullable(0, "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND", "ts"),
                nullable(1, "TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) MINUTE", "tstz"),
                nullable(2, "('blob' || i)::BLOB", "bin")));
    if (nested) {
      columns.add(nullable(3, "[i, i + 1, NULL]", "list"));
      columns.add(nullable(4, "{'a': i, 'b': 'x' || i}", "struct"));
    }
    return "SELECT " + String.join(", ", columns) + " FROM range(" + rows + ") t(i)";
  }

  private static String nullable(int column, String expression, String name) {
    return "CASE WHEN (i + "
        + column
        + ") % 7 = 3 THEN NULL ELSE "
        + expression
        + " END AS "
        + name;
  }

  private final DuckDBConnection connection;

  private DuckDb() throws SQLException {
    Properties p = new Properties();
    connection = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", p);
    execute("SET TimeZone = 'UTC'");
  }

  /** A new in-memory database. */
  public static DuckDb open() throws SQLException {
    return new DuckDb();
  }

  /** Runs {@code sql}. */
  public void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** Writes what {@code query} returns to {@code file} with DuckDB's COPY and {@code options}. */
  public Path copy(String query, Path file, String options) throws SQLException {
    execute("COPY (" + query + ") TO '" + file + "' (" + options + ")");
    return file;
  }

  /** Every row of {@code sql}, each value as DuckDB renders it (null as "NULL"). */
  public List<List<String>> rows(String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int c = 1; c <= columns; c++) {
          String v = r.getString(c);
          row.add(v == null ? "NULL" : v);
        }
        out.add(row);
      }
    }
    return out;
  }

  /** The single value {@code sql} returns. */
  public String value(String sql) throws SQLException {
    return rows(sql).get(0).get(0);
  }

  /** "name TYPE" for each column of {@code source}, a table expression. */
  public List<String> columns(String source) throws SQLException {
    List<String> out = new ArrayList<>();
    for (List<String> row : rows("DESCRIBE SELECT * FROM " + source)) {
      out.add(row.get(0) + " " + row.get(1));
    }
    return out;
  }

  /**
   * Asserts {@code a} and {@code b} (table expressions) hold the same rows, counting duplicates.
   */
  public void assertSameRows(String a, String b) throws SQLException {
    assertThat(value("SELECT count(*) FROM " + b))
        .as("rows of %s", b)
        .isEqualTo(value("SELECT count(*) FROM " + a));
    assertThat(rows("SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b))
        .as("rows of %s missing from %s", a, b)
        .isEmpty();
    assertThat(rows("SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a))
        .as("rows of %s not in %s", b, a)
        .isEmpty();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
