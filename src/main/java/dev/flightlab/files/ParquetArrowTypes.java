package dev.flightlab.files;

import dev.flightlab.data.IpcSchemas;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow types Arrow C++ (pyarrow's {@code pq.read_table}) gives a Parquet file's columns, where
 * DuckDB's reader gives others, and a reader that converts DuckDB's batches to them.
 *
 * <p>Two sources, as in Arrow C++: the Parquet schema's logical types (a millisecond timestamp is
 * {@code timestamp[ms]}, not DuckDB's microseconds; {@code TIME(MILLIS)} is {@code time32[ms]};
 * {@code FLOAT16} is {@code halffloat}; a bare fixed-length byte array is {@code
 * fixed_size_binary}; a {@code REQUIRED} column is not nullable; a list's child is named as in the
 * file, not {@code l}), then the Arrow schema an Arrow writer stores in the file's {@code
 * ARROW:schema} key (a timestamp's own zone, durations, large strings and binaries, field
 * metadata).
 *
 * <p>Top-level columns only: a struct's or list's children keep DuckDB's types (but a list child's
 * name). What DuckDB reads as another layout stays as DuckDB reads it (dictionaries as their
 * values, large and fixed-size lists as lists, INT96 timestamps in microseconds).
 */
final class ParquetArrowTypes {
  private ParquetArrowTypes() {}

  /**
   * One element of a Parquet schema, as DuckDB's {@code parquet_schema()} lists them (depth first,
   * the root first).
   *
   * @param physical the physical type (INT64, FIXED_LEN_BYTE_ARRAY...), null for a group
   * @param logical DuckDB's text of the logical type ("TimestampType(isAdjustedToUTC=1, ...)"), or
   *     null
   * @param converted the legacy converted type (TIMESTAMP_MILLIS, UTF8...), or null
   * @param children how many elements the group holds, 0 for a leaf
   * @param precision a decimal's precision, or null
   */
  record Column(
      String name,
      String physical,
      Integer typeLength,
      String repetition,
      String logical,
      String converted,
      int children,
      Integer precision,
      Integer scale) {
    boolean required() {
      return "REQUIRED".equals(repetition);
    }
  }

  /**
   * A top-level column and, for a list in the standard three-level layout (a repeated group of one
   * field), that field: Arrow C++ names the list's child after it.
   */
  record Top(Column column, Column listElement) {
    Top(Column column) {
      this(column, null);
    }
  }

  /** The root's children in {@code elements} (all of {@code parquet_schema()}, root first). */
  static List<Top> topLevel(List<Column> elements) {
    List<Top> top = new ArrayList<>();
    if (elements.isEmpty()) {
      return top;
    }
    int at = 1;
    for (int i = 0; i < elements.get(0).children() && at < elements.size(); i++) {
      Column column = elements.get(at);
      Column element = null;
      boolean list =
          "LIST".equals(column.converted())
              || column.logical() != null && column.logical().startsWith("ListType");
      if (list && column.children() == 1 && at + 2 < elements.size()) {
        Column repeated = elements.get(at + 1);
        if ("REPEATED".equals(repeated.repetition())
            && repeated.physical() == null
            && repeated.children() == 1) {
          element = elements.get(at + 2);
        }
      }
      top.add(new Top(column, element));
      at = after(elements, at);
    }
    return top;
  }

  /** The index after element {@code at}'s subtree. */
  private static int after(List<Column> elements, int at) {
    int next = at + 1;
    for (int i = 0; i < elements.get(at).children() && next < elements.size(); i++) {
      next = after(elements, next);
    }
    return next;
  }

  /** What happens to one column of each batch. */
  enum Conversion {
    /** DuckDB's vector as it is. */
    SAME,
    /** DuckDB's buffers under another field: same layout, another type, name or nullability. */
    RELABEL,
    /** Microsecond timestamps to milliseconds. */
    TIMESTAMP_MILLIS,
    /** time64[us] to time32[ms]. */
    TIME32_MILLIS,
    /** float32 to float16 (the values came from float16: exact). */
    HALF_FLOAT,
    /** Variable-length binary to fixed-size binary of the Parquet type's length. */
    FIXED_SIZE_BINARY,
    /** Utf8 to LargeUtf8, Binary to LargeBinary. */
    LARGE,
    /** float16 to float32 (exact), for DuckDB, which cannot write float16. */
    SINGLE_FLOAT
  }

  /** The schema to upload and, per column of DuckDB's schema, how to get there. */
  record Plan(Schema target, List<Conversion> conversions) {
    boolean changesNothing() {
      return conversions.stream().allMatch(c -> c == Conversion.SAME);
    }
  }

  /**
   * The plan for DuckDB's schema {@code duck} of a file whose top-level Parquet columns are {@code
   * columns} and whose stored Arrow schema is {@code stored} (null when it has none or it cannot be
   * read).
   */
  static Plan plan(Schema duck, List<Top> columns, Schema stored) {
    List<Field> fields = duck.getFields();
    if (columns.size() != fields.size()) {
      // Not the columns DuckDB read: trust DuckDB's types.
      return new Plan(duck, fields.stream().map(f -> Conversion.SAME).toList());
    }
    boolean storedMatches =
        stored != null
            && stored.getFields().size() == fields.size()
            && sameNames(stored.getFields(), fields);
    List<Field> target = new ArrayList<>();
    List<Conversion> conversions = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      Field from = fields.get(i);
      Field inferred = inferred(from, columns.get(i).column(), columns.get(i).listElement());
      Field to = storedMatches ? overlaid(inferred, stored.getFields().get(i)) : inferred;
      Conversion conversion = conversion(from, to);
      target.add(conversion == Conversion.SAME ? from : to);
      conversions.add(conversion);
    }
    return new Plan(new Schema(target, duck.getCustomMetadata()), List.copyOf(conversions));
  }

  private static boolean sameNames(List<Field> a, List<Field> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).getName().equals(b.get(i).getName())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The field Arrow C++ infers from the Parquet column (a list's child named after {@code
   * listElement}, when not null), where DuckDB read {@code from}.
   */
  static Field inferred(Field from, Column column, Column listElement) {
    ArrowType type = from.getType();
    String logical = column.logical() == null ? "" : column.logical();
    String converted = column.converted() == null ? "" : column.converted();
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MICROSECOND) {
      if (logical.startsWith("TimestampType(") && logical.contains("MILLIS=MilliSeconds()")) {
        type = new ArrowType.Timestamp(TimeUnit.MILLISECOND, adjusted(logical) ? "UTC" : null);
      } else if (logical.isEmpty() && converted.equals("TIMESTAMP_MILLIS")) {
        // A legacy converted type is normalised to UTC.
        type = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
      } else if (logical.isEmpty() && converted.equals("TIMESTAMP_MICROS")) {
        type = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      }
    } else if (type instanceof ArrowType.Time t && t.getUnit() == TimeUnit.MICROSECOND) {
      boolean millis =
          logical.startsWith("TimeType(")
              ? logical.contains("MILLIS=MilliSeconds()")
              : logical.isEmpty() && converted.equals("TIME_MILLIS");
      if (millis) {
        type = new ArrowType.Time(TimeUnit.MILLISECOND, 32);
      }
    } else if (type instanceof ArrowType.FloatingPoint p
        && p.getPrecision() == FloatingPointPrecision.SINGLE
        && logical.startsWith("Float16Type")) {
      type = new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
    } else if (type instanceof ArrowType.Binary
        && "FIXED_LEN_BYTE_ARRAY".equals(column.physical())
        && logical.isEmpty()
        && converted.isEmpty()
        && column.typeLength() != null) {
      type = new ArrowType.FixedSizeBinary(column.typeLength());
    }
    List<Field> children = from.getChildren();
    if (type instanceof ArrowType.List && listElement != null && children.size() == 1) {
      Field child = children.get(0);
      children =
          List.of(
              new Field(
                  listElement.name(),
                  new FieldType(
                      child.isNullable() && !listElement.required(),
                      child.getType(),
                      child.getDictionary(),
                      child.getMetadata()),
                  child.getChildren()));
    }
    boolean nullable = !column.required() && from.isNullable();
    return new Field(
        from.getName(),
        new FieldType(nullable, type, from.getDictionary(), from.getMetadata()),
        children);
  }

  private static boolean adjusted(String logical) {
    return logical.contains("isAdjustedToUTC=1") || logical.contains("isAdjustedToUTC=true");
  }

  /**
   * {@code inferred} with what the stored Arrow field restores: a timestamp's zone, a duration, a
   * large string or binary, and field metadata. A stored field of any other type is ignored, as
   * Arrow C++ ignores one it cannot apply.
   */
  static Field overlaid(Field inferred, Field stored) {
    ArrowType have = inferred.getType();
    ArrowType want = stored.getType();
    ArrowType type = have;
    if (have instanceof ArrowType.Timestamp h
        && want instanceof ArrowType.Timestamp w
        && h.getUnit() == w.getUnit()
        && "UTC".equals(h.getTimezone())
        && w.getTimezone() != null) {
      type = want;
    } else if (want instanceof ArrowType.Duration
        && have instanceof ArrowType.Int i
        && i.getBitWidth() == 64
        && i.getIsSigned()) {
      type = want;
    } else if (want instanceof ArrowType.LargeUtf8 && have instanceof ArrowType.Utf8
        || want instanceof ArrowType.LargeBinary && have instanceof ArrowType.Binary) {
      type = want;
    }
    return new Field(
        inferred.getName(),
        new FieldType(
            inferred.isNullable(),
            type,
            inferred.getDictionary(),
            stored.getMetadata().isEmpty() ? inferred.getMetadata() : stored.getMetadata()),
        inferred.getChildren());
  }

  /** How to make a vector of {@code to} from one of {@code from}. */
  static Conversion conversion(Field from, Field to) {
    if (from.equals(to)) {
      return Conversion.SAME;
    }
    ArrowType a = from.getType();
    ArrowType b = to.getType();
    if (a instanceof ArrowType.Timestamp ta
        && b instanceof ArrowType.Timestamp tb
        && ta.getUnit() == TimeUnit.MICROSECOND
        && tb.getUnit() == TimeUnit.MILLISECOND) {
      return Conversion.TIMESTAMP_MILLIS;
    }
    if (a instanceof ArrowType.Time ta
        && b instanceof ArrowType.Time tb
        && ta.getUnit() == TimeUnit.MICROSECOND
        && tb.getUnit() == TimeUnit.MILLISECOND) {
      return Conversion.TIME32_MILLIS;
    }
    if (a instanceof ArrowType.FloatingPoint
        && b instanceof ArrowType.FloatingPoint p
        && p.getPrecision() == FloatingPointPrecision.HALF) {
      return Conversion.HALF_FLOAT;
    }
    if (a instanceof ArrowType.Binary && b instanceof ArrowType.FixedSizeBinary) {
      return Conversion.FIXED_SIZE_BINARY;
    }
    if (a instanceof ArrowType.Utf8 && b instanceof ArrowType.LargeUtf8
        || a instanceof ArrowType.Binary && b instanceof ArrowType.LargeBinary) {
      return Conversion.LARGE;
    }
    return sameLayout(from, to) ? Conversion.RELABEL : Conversion.SAME;
  }

  /**
   * Whether vectors of the two fields hold the same buffers: equal types, but for a timestamp's
   * zone and int64 against a duration, at every level, names and nullability aside.
   */
  static boolean sameLayout(Field a, Field b) {
    if (a.getDictionary() != null || b.getDictionary() != null) {
      return false;
    }
    if (!sameLayout(a.getType(), b.getType()) || a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameLayout(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameLayout(ArrowType a, ArrowType b) {
    if (a instanceof ArrowType.Timestamp ta && b instanceof ArrowType.Timestamp tb) {
      return ta.getUnit() == tb.getUnit();
    }
    return a.equals(b) || isInt64OrDuration(a) && isInt64OrDuration(b);
  }

  private static boolean isInt64OrDuration(ArrowType t) {
    return t instanceof ArrowType.Duration
        || t instanceof ArrowType.Int i && i.getBitWidth() == 64 && i.getIsSigned();
  }

  /**
   * The first element of {@code elements} (nested ones too) that is a decimal of precision over 38,
   * which DuckDB reads as DOUBLE and so rounds, as "column 'x' is DECIMAL(40, 2)...", or null.
   */
  static String wideDecimal(List<Column> elements) {
    for (Column c : elements) {
      if (c.precision() != null && c.precision() > 38) {
        return String.format(
            Locale.ROOT,
            "column '%s' is DECIMAL(%d, %d), which DuckDB reads as DOUBLE, rounding it (Arrow C++"
                + " reads it as decimal256): convert the file to Arrow IPC with pyarrow and put that",
            c.name(),
            c.precision(),
            c.scale() == null ? 0 : c.scale());
      }
    }
    return null;
  }

  /** The schema stored under {@code ARROW:schema} (base64 of an IPC schema message), or null. */
  static Schema storedSchema(byte[] base64) {
    if (base64 == null) {
      return null;
    }
    try {
      return IpcSchemas.readMessage(java.util.Base64.getDecoder().decode(stripped(base64)));
    } catch (IllegalArgumentException e) {
      // Arrow C++ fails the read here; DuckDB's types are still right, so read on with them.
      return null;
    }
  }

  /**
   * {@code schema} as Arrow C++ stores it under {@code ARROW:schema}: base64 of its IPC message.
   */
  static String storedSchemaValue(Schema schema) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.arrow.vector.ipc.message.MessageSerializer.serialize(
        new org.apache.arrow.vector.ipc.WriteChannel(java.nio.channels.Channels.newChannel(bytes)),
        schema);
    return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static byte[] stripped(byte[] base64) {
    int end = base64.length;
    while (end > 0 && Character.isWhitespace(base64[end - 1])) {
      end--;
    }
    return end == base64.length ? base64 : java.util.Arrays.copyOf(base64, end);
  }

  /**
   * {@code reader} (DuckDB's, read into {@code allocator}) with every batch converted to {@code
   * plan}'s schema, or {@code reader} itself when the plan changes nothing. Closing the result
   * closes {@code reader}.
   */
  static ArrowReader converting(
      ArrowReader reader, Plan plan, Path file, BufferAllocator allocator) {
    return plan.changesNothing()
        ? reader
        : new ConvertingReader(reader, plan, file, allocator, true);
  }

  /**
   * The plan that makes {@code schema}'s top-level columns writable by DuckDB: a float16 as float32
   * (DuckDB cannot write float16; exact), and for {@code parquet} a duration as its int64 count, as
   * Arrow C++ writes it (DuckDB would write an INTERVAL, which cannot be negative).
   */
  static Plan forDuckDbWriter(Schema schema, boolean parquet) {
    List<Field> target = new ArrayList<>();
    List<Conversion> conversions = new ArrayList<>();
    for (Field f : schema.getFields()) {
      ArrowType type = f.getType();
      ArrowType to = type;
      Conversion conversion = Conversion.SAME;
      if (parquet && type instanceof ArrowType.Duration && f.getDictionary() == null) {
        to = new ArrowType.Int(64, true);
        conversion = Conversion.RELABEL;
      } else if (type instanceof ArrowType.FloatingPoint p
          && p.getPrecision() == FloatingPointPrecision.HALF
          && f.getDictionary() == null) {
        to = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        conversion = Conversion.SINGLE_FLOAT;
      }
      target.add(
          new Field(
              f.getName(),
              new FieldType(f.isNullable(), to, f.getDictionary(), f.getMetadata()),
              f.getChildren()));
      conversions.add(conversion);
    }
    return new Plan(new Schema(target, schema.getCustomMetadata()), List.copyOf(conversions));
  }

  /**
   * {@code source} with every batch converted to {@code plan}'s schema, or {@code source} itself
   * when the plan changes nothing. Closing the result leaves {@code source} open.
   */
  static ArrowReader borrowing(
      ArrowReader source, Plan plan, Path file, BufferAllocator allocator) {
    return plan.changesNothing()
        ? source
        : new ConvertingReader(source, plan, file, allocator, false);
  }

  /** A reader's batches, each column moved or converted into a root of the plan's schema. */
  private static final class ConvertingReader extends ForwardingReader {
    private final Plan plan;
    private final Path file;
    private final VectorSchemaRoot root;
    private final boolean ownsDelegate;

    ConvertingReader(
        ArrowReader delegate,
        Plan plan,
        Path file,
        BufferAllocator allocator,
        boolean ownsDelegate) {
      super(delegate, allocator);
      this.plan = plan;
      this.file = file;
      this.ownsDelegate = ownsDelegate;
      this.root = VectorSchemaRoot.create(plan.target(), allocator);
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return root;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      if (!delegate.loadNextBatch()) {
        return false;
      }
      VectorSchemaRoot from = delegate.getVectorSchemaRoot();
      int rows = from.getRowCount();
      for (int i = 0; i < plan.conversions().size(); i++) {
        FieldVector source = from.getVector(i);
        FieldVector target = root.getVector(i);
        switch (plan.conversions().get(i)) {
          case SAME, RELABEL -> move(source, target, rows);
          case TIMESTAMP_MILLIS -> timestampMillis((TimeStampVector) source, target, rows);
          case TIME32_MILLIS -> time32Millis((TimeMicroVector) source, target, rows);
          case HALF_FLOAT -> halfFloat((Float4Vector) source, (Float2Vector) target, rows);
          case FIXED_SIZE_BINARY ->
              fixedSize((VarBinaryVector) source, (FixedSizeBinaryVector) target, rows);
          case LARGE -> large(source, target, rows);
          case SINGLE_FLOAT -> singleFloat((Float2Vector) source, (Float4Vector) target, rows);
        }
      }
      root.setRowCount(rows);
      return true;
    }

    /** DuckDB's buffers into {@code target} (shared, not copied), under target's field. */
    private static void move(FieldVector source, FieldVector target, int rows) {
      VectorSchemaRoot one = new VectorSchemaRoot(List.of(source));
      one.setRowCount(rows);
      // The batch holds a reference to each buffer until the target has its own.
      try (ArrowRecordBatch batch = new VectorUnloader(one).getRecordBatch()) {
        new VectorLoader(new VectorSchemaRoot(List.of(target))).load(batch);
      }
    }

    private void timestampMillis(TimeStampVector source, FieldVector target, int rows)
        throws DataFileException {
      millis(source, (TimeStampVector) target, Long.BYTES, rows);
    }

    private void time32Millis(TimeMicroVector source, FieldVector target, int rows)
        throws DataFileException {
      millis(source, (TimeMilliVector) target, Integer.BYTES, rows);
    }

    /**
     * Microseconds to milliseconds, written {@code width} bytes wide; the values of the file's
     * milliseconds are whole numbers of them, which is checked.
     */
    private void millis(BaseFixedWidthVector source, BaseFixedWidthVector to, int width, int rows)
        throws DataFileException {
      to.allocateNew(rows);
      copyValidity(source, to, rows);
      ArrowBuf in = source.getDataBuffer();
      ArrowBuf out = to.getDataBuffer();
      for (int r = 0; r < rows; r++) {
        long micros = in.getLong((long) r * Long.BYTES);
        if (micros % 1000 != 0 && (source.getNullCount() == 0 || !source.isNull(r))) {
          throw DataFileException.of(
              file,
              "column '"
                  + source.getName()
                  + "' is stored in milliseconds, yet DuckDB read "
                  + micros
                  + " microseconds");
        }
        if (width == Long.BYTES) {
          out.setLong((long) r * width, micros / 1000);
        } else {
          out.setInt((long) r * width, (int) (micros / 1000));
        }
      }
      to.setValueCount(rows);
    }

    /** {@code source}'s validity bits for its first {@code rows} rows, into {@code to}'s. */
    private static void copyValidity(FieldVector source, FieldVector to, int rows) {
      long bytes = BitVectorHelper.getValidityBufferSizeFromCount(rows);
      if (source.getNullCount() == 0) {
        // Bits past the last row are ignored.
        to.getValidityBuffer().setOne(0, bytes);
      } else {
        to.getValidityBuffer().setBytes(0, source.getValidityBuffer(), 0, bytes);
      }
    }

    private static void halfFloat(Float4Vector source, Float2Vector to, int rows) {
      to.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (source.isNull(r)) {
          to.setNull(r);
        } else {
          to.setWithPossibleTruncate(r, source.get(r));
        }
      }
      to.setValueCount(rows);
    }

    private static void singleFloat(Float2Vector source, Float4Vector to, int rows) {
      to.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (source.isNull(r)) {
          to.setNull(r);
        } else {
          to.set(r, source.getValueAsFloat(r));
        }
      }
      to.setValueCount(rows);
    }

    private void fixedSize(VarBinaryVector source, FixedSizeBinaryVector to, int rows)
        throws DataFileException {
      to.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (source.isNull(r)) {
          to.setNull(r);
          continue;
        }
        byte[] value = source.get(r);
        if (value.length != to.getByteWidth()) {
          throw DataFileException.of(
              file,
              "column '"
                  + source.getName()
                  + "' holds "
                  + to.getByteWidth()
                  + "-byte values, yet DuckDB read one of "
                  + value.length);
        }
        to.set(r, value);
      }
      to.setValueCount(rows);
    }

    /** Utf8 or Binary into LargeUtf8 or LargeBinary: the bytes copied at once, offsets widened. */
    private static void large(FieldVector source, FieldVector target, int rows) {
      BaseVariableWidthVector from = (BaseVariableWidthVector) source;
      BaseLargeVariableWidthVector to = (BaseLargeVariableWidthVector) target;
      ArrowBuf offsets = from.getOffsetBuffer();
      long first = rows == 0 ? 0 : offsets.getInt(0);
      long bytes = rows == 0 ? 0 : offsets.getInt((long) rows * Integer.BYTES) - first;
      to.allocateNew(Math.max(bytes, 1), rows);
      copyValidity(from, to, rows);
      to.getDataBuffer().setBytes(0, from.getDataBuffer(), first, bytes);
      ArrowBuf wide = to.getOffsetBuffer();
      for (int r = 0; r <= rows; r++) {
        wide.setLong(
            (long) r * BaseLargeVariableWidthVector.OFFSET_WIDTH,
            offsets.getInt((long) r * Integer.BYTES) - first);
      }
      // Every offset is set: nothing left for setValueCount to fill.
      to.setLastSet(rows - 1);
      to.setValueCount(rows);
    }

    @Override
    protected void closeReadSource() throws IOException {
      try {
        root.close();
      } finally {
        if (ownsDelegate) {
          delegate.close();
        }
      }
    }

    @Override
    protected Schema readSchema() {
      return plan.target();
    }
  }
}
