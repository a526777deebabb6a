package dev.flightlab.files;

import dev.flightlab.data.IpcSchemas;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.duckdb.DuckDBResultSet;

/**
 * Parquet and CSV in and out through DuckDB's JDBC driver, batches crossing to and from Arrow Java
 * through the Arrow C Data Interface (no row-by-row conversion, no copy of the data on our side).
 *
 * <p>The only class that touches DuckDB: its native library (about 70 MB, unpacked to the temporary
 * directory) loads when this class first opens a connection, so commands that never read or write
 * Parquet or CSV do not pay for it.
 *
 * <p>Reading runs {@code SELECT * FROM read_parquet(...)} or {@code read_csv(...)} with streamed
 * results and imports DuckDB's Arrow stream ({@code DuckDBResultSet.arrowExportStream}). Writing
 * exports the source as an Arrow stream, registers it as a view ({@code registerArrowStream}) and
 * runs {@code COPY (SELECT * FROM view) TO file}; DuckDB's threads pull the source's batches.
 */
final class DuckDbFiles {
  private static final String SOURCE_VIEW = "flightlab_source";

  /** How much decoded data DuckDB keeps ready ahead of a streamed read. */
  private static final String READ_AHEAD = "64MiB";

  private DuckDbFiles() {}

  /**
   * Opens a Parquet file to read in batches of {@code batchRows} rows, in the Arrow types Arrow C++
   * reads it as ({@link ParquetArrowTypes}).
   */
  static ArrowReader readParquet(Path file, int batchRows, BufferAllocator allocator)
      throws IOException {
    Source source = new Source(file, FileFormat.PARQUET, sqlPath(file), ',', true, null);
    ParquetSchema schema = new ParquetSchema();
    ArrowReader reader = query(source, batchRows, allocator, schema);
    try {
      String wide = ParquetArrowTypes.wideDecimal(schema.elements);
      if (wide != null) {
        throw DataFileException.of(file, wide);
      }
      ParquetArrowTypes.Plan plan =
          ParquetArrowTypes.plan(
              reader.getVectorSchemaRoot().getSchema(),
              schema.top,
              schema.stored,
              schema.keyValues,
              schema.dictionaries);
      return ParquetArrowTypes.converting(reader, plan, file, allocator);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * A Parquet file's schema elements, key-value metadata and the values of the columns its Arrow
   * schema says are dictionary-encoded, as DuckDB reads them.
   */
  private static final class ParquetSchema {
    final List<ParquetArrowTypes.Column> elements = new ArrayList<>();
    final Map<String, String> keyValues = new LinkedHashMap<>();
    final Map<Integer, List<byte[]>> dictionaries = new LinkedHashMap<>();

    /** The root's children among {@link #elements}. */
    List<ParquetArrowTypes.Node> top = List.of();

    /** The schema under ARROW:schema, or null. */
    Schema stored;

    /**
     * Reads them on {@code connection}. A file DuckDB cannot read leaves both empty: the query that
     * reads the file reports why.
     */
    void read(DuckDBConnection connection, String path) {
      try (Statement statement = connection.createStatement()) {
        try (ResultSet r =
            statement.executeQuery(
                "SELECT name, type, type_length, repetition_type, logical_type, converted_type,"
                    + " num_children, precision, scale FROM parquet_schema("
                    + literal(path)
                    + ")")) {
          while (r.next()) {
            elements.add(
                new ParquetArrowTypes.Column(
                    r.getString(1),
                    r.getString(2),
                    integer(r.getString(3)),
                    r.getString(4),
                    r.getString(5),
                    r.getString(6),
                    r.getString(7) == null ? 0 : integer(r.getString(7)),
                    integer(r.getString(8)),
                    integer(r.getString(9))));
          }
        }
        try (ResultSet r =
            statement.executeQuery(
                "SELECT key, value FROM parquet_kv_metadata(" + literal(path) + ")")) {
          while (r.next()) {
            byte[] value = r.getBytes(2);
            keyValues.put(
                new String(r.getBytes(1), StandardCharsets.UTF_8),
                value == null ? "" : new String(value, StandardCharsets.UTF_8));
          }
        }
        top = ParquetArrowTypes.topLevel(elements);
        stored = ParquetArrowTypes.storedSchema(keyValues);
        for (int i : ParquetArrowTypes.dictionaryColumns(top, stored)) {
          String column = top.get(i).column().name();
          List<byte[]> values = distinctValues(statement, path, column);
          if (values.size() <= ParquetArrowTypes.MAX_DICTIONARY_VALUES) {
            dictionaries.put(i, values);
          }
        }
      } catch (SQLException | RuntimeException e) {
        elements.clear();
        keyValues.clear();
        dictionaries.clear();
        top = List.of();
        stored = null;
      }
    }

    /**
     * The distinct non-null values of {@code column}, in the order they first appear, up to one
     * past {@link ParquetArrowTypes#MAX_DICTIONARY_VALUES}.
     */
    private static List<byte[]> distinctValues(Statement statement, String path, String column)
        throws SQLException {
      String name = "\"" + column.replace("\"", "\"\"") + "\"";
      List<byte[]> values = new ArrayList<>();
      try (ResultSet r =
          statement.executeQuery(
              "SELECT "
                  + name
                  + " FROM read_parquet("
                  + literal(path)
                  + ", file_row_number=true) WHERE "
                  + name
                  + " IS NOT NULL GROUP BY "
                  + name
                  + " ORDER BY min(file_row_number) LIMIT "
                  + (ParquetArrowTypes.MAX_DICTIONARY_VALUES + 1))) {
        boolean text = "VARCHAR".equals(r.getMetaData().getColumnTypeName(1));
        while (r.next()) {
          values.add(text ? r.getString(1).getBytes(StandardCharsets.UTF_8) : r.getBytes(1));
        }
      }
      return values;
    }
  }

  /** Opens a CSV or TSV file (header, delimiter and types from {@code options}) to read. */
  static ArrowReader readCsv(
      Path file, FileFormat format, ReadOptions options, BufferAllocator allocator)
      throws IOException {
    char delimiter = options.delimiter() != null ? options.delimiter() : format.defaultDelimiter();
    CsvColumnTypes types =
        options.columnTypes() == null ? null : CsvColumnTypes.parse(options.columnTypes());
    Source source = new Source(file, format, sqlPath(file), delimiter, options.header(), types);
    ArrowReader reader = query(source, options.batchRows(), allocator, null);
    if (types != null) {
      try {
        types.check(file, reader.getVectorSchemaRoot().getSchema());
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    }
    return reader;
  }

  /** A file as a DuckDB table function: read_parquet(...) or read_csv(...). */
  private record Source(
      Path file,
      FileFormat format,
      String path,
      char delimiter,
      boolean header,
      CsvColumnTypes types) {
    String sql() {
      return format == FileFormat.PARQUET
          ? "read_parquet(" + literal(path) + ")"
          : csv(types == null ? "" : ", types=" + types.duckDbStruct());
    }

    /**
     * read_csv with the delimiter and header, and {@code more} arguments.
     *
     * <p>Settings DuckDB would otherwise guess, each of which lost data silently: no lines skipped
     * at the start (its sniffer took a short file's first rows for a preamble when a later row was
     * ragged), no comment lines (it dropped rows starting with '#'), strict parsing, and a quoted
     * empty field read as an empty string, an unquoted one as null, as DuckDB and pyarrow write
     * them (it read both as null).
     */
    String csv(String more) {
      return "read_csv("
          + literal(path)
          + ", header="
          + header
          + ", delim="
          + literal(String.valueOf(delimiter))
          + ", skip=0, comment='', strict_mode=true, allow_quoted_nulls=false"
          + more
          + ")";
    }

    String timeZone() {
      return types == null ? null : types.timeZone();
    }
  }

  /**
   * Runs {@code source}'s query, streamed; {@code parquet}, when not null, first reads the Parquet
   * file's schema on the same connection.
   */
  private static ArrowReader query(
      Source source, int batchRows, BufferAllocator allocator, ParquetSchema parquet)
      throws IOException {
    List<AutoCloseable> opened = new ArrayList<>();
    Reader reader;
    try {
      DuckDBConnection connection = connect(true, source.timeZone());
      opened.add(connection);
      if (parquet != null) {
        parquet.read(connection, source.path());
      }
      Statement statement = connection.createStatement();
      opened.add(statement);
      ArrowReader arrow;
      try {
        DuckDBResultSet result =
            (DuckDBResultSet) statement.executeQuery("SELECT * FROM " + source.sql());
        opened.add(result);
        arrow = (ArrowReader) result.arrowExportStream(allocator, batchRows);
      } catch (SQLException e) {
        throw explain(source, e);
      }
      // The reader owns the result, which DuckDB moved into the Arrow stream, and closes it first.
      opened.add(arrow);
      reader = new Reader(source.file(), arrow, allocator, reverse(opened));
      opened.clear();
    } catch (SQLException e) {
      throw DataFileException.of(source.file(), "DuckDB could not start: " + e.getMessage(), e);
    } finally {
      closeQuietly(reverse(opened));
    }
    try {
      reader.getVectorSchemaRoot();
      return reader;
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * Writes every batch {@code source} reads to {@code target} as Parquet or CSV/TSV.
   *
   * <p>{@code source} is read on DuckDB's threads, one call at a time, and is not closed.
   */
  static WriteOutcome write(
      ArrowReader source,
      Path target,
      Path named,
      FileFormat format,
      WriteOptions options,
      BufferAllocator allocator)
      throws IOException {
    Schema original = source.getVectorSchemaRoot().getSchema();
    ParquetArrowTypes.Plan plan =
        ParquetArrowTypes.forDuckDbWriter(original, format == FileFormat.PARQUET);
    String unsupported = unsupportedColumn(plan.target().getFields(), "");
    if (unsupported != null) {
      throw DataFileException.of(
          named,
          unsupported
              + ", which DuckDB cannot write as "
              + format.description()
              + " (write Arrow IPC instead)");
    }
    ArrowReader input = ParquetArrowTypes.borrowing(source, plan, named, allocator);
    try {
      return write(input, original, target, named, format, options, allocator);
    } finally {
      if (input != source) {
        // Closes the converted batches only: the caller closes the source.
        input.close();
      }
    }
  }

  private static WriteOutcome write(
      ArrowReader input,
      Schema original,
      Path target,
      Path named,
      FileFormat format,
      WriteOptions options,
      BufferAllocator allocator)
      throws IOException {
    Export export = new Export(input, allocator);
    try (DuckDBConnection connection = connect(false, null);
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      // The stream owns the export from here: DuckDB releases it when the scan ends.
      Data.exportArrayStream(allocator, export, stream);
      try (Statement statement = connection.createStatement()) {
        connection.registerArrowStream(SOURCE_VIEW, stream);
        statement.execute(
            "COPY (SELECT * FROM "
                + SOURCE_VIEW
                + ") TO "
                + literal(sqlPath(target))
                + " ("
                + copyOptions(format, options, original, input)
                + ")");
        statement.execute("DROP VIEW IF EXISTS " + SOURCE_VIEW);
      } catch (SQLException | RuntimeException e) {
        export.rethrowFailure();
        Throwable cause = e instanceof SQLException || e.getCause() == null ? e : e.getCause();
        throw DataFileException.of(
            named,
            "cannot write "
                + format.description()
                + ": "
                + DuckDbErrors.firstLine(String.valueOf(cause.getMessage())),
            e);
      } finally {
        // When DuckDB never took the stream, this closes the export; otherwise it does nothing.
        stream.release();
      }
    } catch (SQLException e) {
      throw DataFileException.of(named, "DuckDB could not start: " + e.getMessage(), e);
    }
    export.rethrowFailure();
    return new WriteOutcome(export.rows, export.batches, Files.size(target));
  }

  /**
   * The first column (nested ones named a.b) of a type DuckDB's Arrow scan does not take, as
   * "column 'a' is TYPE", or null. Found by trying each of Arrow Java's types with DuckDB 2.0.
   */
  static String unsupportedColumn(List<Field> fields, String prefix) {
    for (Field f : fields) {
      ArrowType type = f.getType();
      boolean unsupported =
          type instanceof ArrowType.FloatingPoint p
                  && p.getPrecision() == FloatingPointPrecision.HALF
              || type instanceof ArrowType.Decimal d && d.getBitWidth() != 128
              || type instanceof ArrowType.Union;
      if (unsupported) {
        return "column '" + prefix + f.getName() + "' is " + IpcSchemas.typeName(type);
      }
      String child = unsupportedColumn(f.getChildren(), prefix + f.getName() + ".");
      if (child != null) {
        return child;
      }
    }
    return null;
  }

  /**
   * COPY's options; a Parquet file also gets the dataset's Arrow schema under {@code ARROW:schema},
   * as Arrow C++ stores it, from which pyarrow (and {@code put}) restore the types Parquet does not
   * carry (time zones, durations, large strings, dictionaries), and the schema's metadata as its
   * own key-value pairs.
   */
  private static String copyOptions(
      FileFormat format, WriteOptions options, Schema schema, ArrowReader dictionaries)
      throws IOException {
    if (format == FileFormat.PARQUET) {
      StringBuilder keyValues = new StringBuilder();
      for (var e : ParquetArrowTypes.keyValueMetadata(schema, dictionaries).entrySet()) {
        keyValues.append(keyValues.isEmpty() ? "" : ", ");
        keyValues.append(literal(e.getKey())).append(": ").append(literal(e.getValue()));
      }
      return "FORMAT parquet, KV_METADATA {" + keyValues + "}";
    }
    char delimiter = options.delimiter() != null ? options.delimiter() : format.defaultDelimiter();
    return "FORMAT csv, HEADER "
        + options.header()
        + ", DELIMITER "
        + literal(String.valueOf(delimiter));
  }

  /**
   * An in-memory DuckDB that never goes to the network (no extension installs or loads), renders
   * and reads zoned timestamps in UTC (or {@code timeZone}), and spills to the temporary directory.
   *
   * <p>Reading (streamed results), DuckDB's threads decode up to {@link #READ_AHEAD} ahead of the
   * batch being uploaded (its default, 10 MiB, is under three 65,536-row batches). Writing, one
   * thread: the source is one stream read in order, and a second thread only made DuckDB hold
   * batches out of order (a 2.1 GB CSV download peaked at 1.2 GB resident with two, 0.36 GB with
   * one, in the same time); and no asynchronous I/O threads (see below).
   */
  private static DuckDBConnection connect(boolean streamResults, String timeZone)
      throws SQLException {
    NativeLibrary.require();
    Properties properties = new Properties();
    properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, String.valueOf(streamResults));
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty(
        "temp_directory",
        Path.of(System.getProperty("java.io.tmpdir"), "flightlab-duckdb").toString());
    DuckDBConnection connection =
        (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = " + literal(timeZone == null ? "UTC" : timeZone));
      if (streamResults) {
        statement.execute("SET streaming_buffer_size = " + literal(READ_AHEAD));
      } else {
        statement.execute("SET threads = 1");
        // No asynchronous file writes: DuckDB 2.0.0.1 deadlocks in about one COPY in twenty whose
        // source fails mid-way (the aborting writer holds its queue's lock while it waits for a
        // write task that needs that lock). Written synchronously, a 3.2 GB Parquet or CSV write
        // took the same time.
        statement.execute("SET async_threads = 0");
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /**
   * The exception for a query that failed before its first batch, with DuckDB's own message.
   *
   * <p>DuckDB's JDBC driver loses the message of a streamed query that fails in its first rows
   * ("Invalid result set"), and its CSV sniffer reports a ragged row as a dialect it cannot detect,
   * without the line: both are asked again, unstreamed, to get the message with the line.
   */
  private static IOException explain(Source source, SQLException e) {
    Path file = source.file();
    String message = e.getMessage() == null ? "" : e.getMessage();
    try {
      if (message.contains("Invalid result set")) {
        String again =
            unstreamedError(
                "SELECT bit_xor(hash(COLUMNS(*))) FROM " + source.sql(), source.timeZone());
        if (again != null) {
          message = again;
        }
      }
      if (source.format().isDelimitedText() && message.contains("Error when sniffing file")) {
        String ragged = raggedRowError(source);
        message =
            ragged != null
                ? ragged
                : "DuckDB cannot work out how to read it as "
                    + source.format().description()
                    + " with delimiter "
                    + literal(String.valueOf(source.delimiter()))
                    + " (check the delimiter and the quoting)";
      }
      if (message.contains("COLUMN_TYPES error")) {
        return DataFileException.of(file, columnTypesError(message, source), e);
      }
    } catch (RuntimeException | SQLException diagnosis) {
      e.addSuppressed(diagnosis);
    }
    return DuckDbErrors.toException(file, message, e);
  }

  /** Runs {@code query} unstreamed; its error message, or null when it succeeds. */
  private static String unstreamedError(String query, String timeZone) throws SQLException {
    try (DuckDBConnection connection = connect(false, timeZone);
        Statement statement = connection.createStatement()) {
      try {
        statement.executeQuery(query).close();
        return null;
      } catch (SQLException e) {
        return e.getMessage();
      }
    }
  }

  /**
   * Reads the CSV with the dialect fixed and as many text columns as its first line has: a ragged
   * row then fails with its line number. That error, or null.
   */
  private static String raggedRowError(Source source) throws SQLException {
    int columns;
    try {
      columns = firstLineFields(source.file(), source.delimiter());
    } catch (IOException e) {
      return null;
    }
    List<String> text = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      text.add("'c" + i + "': 'VARCHAR'");
    }
    String error =
        unstreamedError(
            "SELECT count(*) FROM "
                + source.csv(
                    ", auto_detect=false, quote='\"', escape='\"', columns={"
                        + String.join(", ", text)
                        + "}"),
            source.timeZone());
    return error != null && error.contains("CSV Error on Line") ? error : null;
  }

  private static String columnTypesError(String message, Source source) {
    String columns = "";
    try (DuckDBConnection connection = connect(false, null);
        Statement statement = connection.createStatement();
        ResultSet r = statement.executeQuery("DESCRIBE SELECT * FROM " + source.csv(""))) {
      List<String> names = new ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      columns = " (its columns: " + String.join(", ", names) + ")";
    } catch (SQLException e) {
      // Leave the column list out.
    }
    int at = message.indexOf("Columns with names:");
    String missing =
        at < 0 ? "" : message.substring(at + "Columns with names:".length()).split("do not")[0];
    return "the column types name " + missing.strip() + ", which the file does not have" + columns;
  }

  /** How many fields the first line of {@code file} has (double quotes respected). */
  static int firstLineFields(Path file, char delimiter) throws IOException {
    int fields = 1;
    boolean quoted = false;
    try (InputStream in = Files.newInputStream(file)) {
      String text = new String(in.readNBytes(FileSignatures.HEAD_BYTES), StandardCharsets.UTF_8);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (!quoted && c == delimiter) {
          fields++;
        } else if (!quoted && (c == '\n' || c == '\r')) {
          break;
        }
      }
    }
    return fields;
  }

  /** A path as DuckDB should see it: absolute, and not a pattern. */
  private static String sqlPath(Path file) throws DataFileException {
    String path = file.toAbsolutePath().toString();
    if (path.contains("*") || path.contains("?") || path.contains("[")) {
      throw DataFileException.of(
          file, "DuckDB reads a path holding * ? or [ as a pattern; rename or link the file");
    }
    return path;
  }

  /** A number parquet_schema() gives (as text or a number, by DuckDB version), or null. */
  private static Integer integer(String text) {
    return text == null || text.isBlank() ? null : Integer.valueOf(text.strip());
  }

  /** {@code text} as an SQL string literal. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static List<AutoCloseable> reverse(List<AutoCloseable> resources) {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  private static void closeQuietly(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // Already failing: the first error is the one to report.
      }
    }
  }

  /** DuckDB's Arrow stream as a reader that names the file in errors and owns the query. */
  private static final class Reader extends ForwardingReader {
    private final Path file;
    private final List<AutoCloseable> resources;

    Reader(Path file, ArrowReader arrow, BufferAllocator allocator, List<AutoCloseable> resources) {
      super(arrow, allocator);
      this.file = file;
      this.resources = resources;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
      try {
        return delegate.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        throw DuckDbErrors.toException(file, e.getMessage(), e);
      }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      try {
        return delegate.loadNextBatch();
      } catch (IOException | RuntimeException e) {
        throw DuckDbErrors.toException(file, cDataMessage(e), e);
      }
    }

    @Override
    protected void closeReadSource() throws IOException {
      // The Arrow stream (which holds DuckDB's result) first, then the result set, the
      // statement and the connection.
      Exception first = null;
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw new IOException("closing DuckDB's reader failed: " + first.getMessage(), first);
      }
    }
  }

  /** The message inside Arrow's CDataJniException text: "[errno -1] CDataJniException{..." */
  private static String cDataMessage(Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int at = message.indexOf("message=");
    return at < 0 ? message : message.substring(at + "message=".length());
  }

  /**
   * The source as DuckDB reads it: counts what it hands over, keeps the first failure (DuckDB would
   * only report its text, stack trace included), and leaves the source open.
   */
  private static final class Export extends ForwardingReader {
    private volatile long rows;
    private volatile long batches;
    private volatile Exception failure;

    Export(ArrowReader source, BufferAllocator allocator) {
      super(source, allocator);
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
      try {
        return delegate.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        remember(e);
        throw e;
      }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      try {
        boolean loaded = delegate.loadNextBatch();
        if (loaded) {
          // One DuckDB thread at a time calls this: DuckDB's scan holds a lock around it.
          rows = rows + delegate.getVectorSchemaRoot().getRowCount();
          batches = batches + 1;
        }
        return loaded;
      } catch (IOException | RuntimeException e) {
        remember(e);
        throw e;
      }
    }

    private void remember(Exception e) {
      if (failure == null) {
        failure = e;
      }
    }

    void rethrowFailure() throws IOException {
      Exception e = failure;
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
    }

    @Override
    protected void closeReadSource() {
      // Borrowed: the caller closes the source.
    }
  }

  /**
   * Where DuckDB's JNI library comes from, checked before DuckDB first loads it.
   *
   * <p>DuckDB's driver (2.0.0.1, {@code DuckDBNative}) looks in three places: a resource {@code
   * /libduckdb_java.so_<os>_<arch>} beside its classes, which it inflates into a new temporary file
   * and loads in every JVM (0.3 s and 71 MB written per command on linux_amd64); {@code
   * duckdb_java} on {@code java.library.path}; and a file of the resource's name in the directory
   * of the jar that holds its classes. flightlab's jar leaves the resource out and the build
   * unpacks the libraries beside the jar (pom.xml), so DuckDB loads the file where it is. A jar
   * copied without that file would make DuckDB print a stack trace and fail; this says instead what
   * is missing and where.
   */
  static final class NativeLibrary {
    private static volatile boolean found;

    private NativeLibrary() {}

    /**
     * Returns when DuckDB will find its library in one of its three places, and throws {@link
     * IllegalStateException} naming the file it needs otherwise.
     */
    static void require() {
      if (found) {
        return;
      }
      String name = "libduckdb_java.so_" + os() + "_" + arch();
      if (DuckDBDriver.class.getResource("/" + name) != null || onLibraryPath()) {
        found = true;
        return;
      }
      Path dir = codeDirectory();
      if (dir != null && Files.isRegularFile(dir.resolve(name))) {
        found = true;
        return;
      }
      throw new IllegalStateException(
          "DuckDB's native library, which reads and writes Parquet and CSV files, is missing: "
              + (dir == null ? name : dir.resolve(name))
              + " (./mvnw package unpacks it beside target/flightlab.jar: copy it with the jar)");
    }

    /** DuckDB's name for the operating system: windows, macos, linux or the name itself. */
    static String os() {
      String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).trim();
      if (os.startsWith("windows")) {
        return "windows";
      }
      if (os.startsWith("mac")) {
        return "macos";
      }
      if (os.startsWith("linux")) {
        return "linux";
      }
      return os.replaceAll("[^a-z0-9_\\-.]", "");
    }

    /** DuckDB's name for the processor: amd64, arm64 or the name itself. */
    static String arch() {
      String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT).trim();
      return switch (arch) {
        case "x86_64", "amd64" -> "amd64";
        case "aarch64", "arm64" -> "arm64";
        default -> arch.replaceAll("[^a-z0-9_\\-.]", "");
      };
    }

    private static boolean onLibraryPath() {
      String file = System.mapLibraryName("duckdb_java");
      for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, file))) {
          return true;
        }
      }
      return false;
    }

    /** The directory of the jar (or class directory's parent) holding DuckDB's classes, or null. */
    private static Path codeDirectory() {
      CodeSource source = DuckDBDriver.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      try {
        return Path.of(source.getLocation().toURI()).getParent();
      } catch (URISyntaxException | IllegalArgumentException e) {
        return null;
      }
    }
  }
}
