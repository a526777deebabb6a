package dev.flightlab.files;

import dev.flightlab.data.IpcSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryHashTable;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow types Arrow C++ (pyarrow's {@code pq.read_table}) gives a Parquet file's columns, where
 * DuckDB's reader gives others, and a reader that converts DuckDB's batches to them.
 *
 * <p>Two sources, as in Arrow C++: the Parquet schema's logical types, at every depth (a
 * millisecond timestamp is {@code timestamp[ms]}, not DuckDB's microseconds; {@code TIME(MILLIS)}
 * is {@code time32[ms]}; {@code FLOAT16} is {@code halffloat}; a bare fixed-length byte array is
 * {@code fixed_size_binary}; a {@code REQUIRED} field is not nullable; a list's child is named as
 * in the file, not {@code l}), then the Arrow schema an Arrow writer stores in the file's {@code
 * ARROW:schema} key, at every depth too (a timestamp's own zone, durations, large strings and
 * binaries, field metadata). The file's other key-value pairs become the schema's metadata.
 *
 * <p>A converted column shares DuckDB's buffers wherever the layout is the same and converts only
 * the fields whose layout differs. A dictionary column gets one dictionary for the whole file, read
 * before the upload. What DuckDB reads as another shape stays as DuckDB reads it (large and
 * fixed-size lists as lists).
 *
 * <p>On the way out, {@link #forDuckDbWriter} turns the types DuckDB cannot write as Arrow C++
 * would write them (float16 to float32, durations to int64 in Parquet).
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

  /** An element of the Parquet schema and the elements it groups. */
  record Node(Column column, List<Node> children) {
    Node(Column column) {
      this(column, List.of());
    }

    boolean annotated(String converted, String logical) {
      return converted.equals(column.converted())
          || column.logical() != null && column.logical().startsWith(logical);
    }

    /** A list's element in the standard three-level layout (a repeated group of one), or null. */
    Node listElement() {
      if (!annotated("LIST", "ListType") || children.size() != 1) {
        return null;
      }
      Node repeated = children.get(0);
      boolean group =
          "REPEATED".equals(repeated.column().repetition())
              && repeated.column().physical() == null
              && repeated.children().size() == 1;
      return group ? repeated.children().get(0) : null;
    }

    /** A map's repeated key-value group of two, or null. */
    Node keyValue() {
      if (!annotated("MAP", "MapType") || children.size() != 1) {
        return null;
      }
      Node repeated = children.get(0);
      return "REPEATED".equals(repeated.column().repetition()) && repeated.children().size() == 2
          ? repeated
          : null;
    }
  }

  /** The root's children in {@code elements} (all of {@code parquet_schema()}, root first). */
  static List<Node> topLevel(List<Column> elements) {
    if (elements.isEmpty()) {
      return List.of();
    }
    int[] at = {0};
    return node(elements, at).children();
  }

  private static Node node(List<Column> elements, int[] at) {
    Column column = elements.get(at[0]++);
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < column.children() && at[0] < elements.size(); i++) {
      children.add(node(elements, at));
    }
    return new Node(column, List.copyOf(children));
  }

  /** How a top-level column of each batch becomes the target's. */
  enum Conversion {
    /** DuckDB's vector as it is. */
    SAME,
    /**
     * Its buffers under the target's field, those of the leaves whose types differ converted
     * ({@link Leaf}), the others shared.
     */
    CONVERT,
    /**
     * Strings or bytes encoded against the column's dictionary, read from the whole file ({@link
     * Plan#dictionaries}): the column {@code ARROW:schema} says is dictionary-encoded.
     */
    DICTIONARY
  }

  /** Past this many distinct values a dictionary column is uploaded as its values. */
  static final int MAX_DICTIONARY_VALUES = 1 << 20;

  /** What happens to the buffers of one field (at any depth) of a converted column. */
  enum Leaf {
    /** Shared as they are: the same layout (a timestamp's zone, int64 and duration, names). */
    SAME_LAYOUT,
    /** Microsecond timestamps to milliseconds. */
    TIMESTAMP_MILLIS,
    /** Microsecond timestamps to nanoseconds (an INT96 column: DuckDB reads microseconds). */
    TIMESTAMP_NANOS,
    /** time64[us] to time32[ms]. */
    TIME32_MILLIS,
    /** float32 to float16 (the values came from float16: exact). */
    HALF_FLOAT,
    /** float16 to float32 (exact), for DuckDB, which cannot write float16. */
    SINGLE_FLOAT,
    /** Variable-length binary to fixed-size binary of the Parquet type's length. */
    FIXED_SIZE_BINARY,
    /** Utf8 to LargeUtf8, Binary to LargeBinary: offsets widened, the bytes shared. */
    LARGE
  }

  /**
   * The schema to upload and, per column of DuckDB's schema, how to get there; {@code dictionaries}
   * holds the values of each {@link Conversion#DICTIONARY} column, by its index (its dictionary's
   * id).
   */
  record Plan(
      Schema target, List<Conversion> conversions, Map<Integer, List<byte[]>> dictionaries) {
    Plan(Schema target, List<Conversion> conversions) {
      this(target, conversions, Map.of());
    }

    boolean changesNothing() {
      return conversions.stream().allMatch(c -> c == Conversion.SAME);
    }
  }

  /** The key under which Arrow writers store the Arrow schema in a Parquet file. */
  static final String ARROW_SCHEMA = "ARROW:schema";

  /**
   * The plan for DuckDB's schema {@code duck} of a file whose top-level Parquet elements are {@code
   * columns}, whose stored Arrow schema is {@code stored} (null when it has none or it cannot be
   * read), and whose key-value metadata is {@code keyValues}: the pairs but {@value #ARROW_SCHEMA}
   * are the schema's metadata, as Arrow C++ gives them; {@code dictionaries} holds the values read
   * for the {@link #dictionaryColumns}.
   */
  static Plan plan(
      Schema duck,
      List<Node> columns,
      Schema stored,
      Map<String, String> keyValues,
      Map<Integer, List<byte[]>> dictionaries) {
    Map<String, String> metadata = new LinkedHashMap<>(keyValues);
    metadata.remove(ARROW_SCHEMA);
    Plan plan = plan(duck, columns, stored);
    List<Field> target = new ArrayList<>(plan.target().getFields());
    List<Conversion> conversions = new ArrayList<>(plan.conversions());
    Map<Integer, List<byte[]>> used = new LinkedHashMap<>();
    for (var e : dictionaries.entrySet()) {
      int i = e.getKey();
      Field from = duck.getFields().get(i);
      if (from.getType() instanceof ArrowType.Utf8 || from.getType() instanceof ArrowType.Binary) {
        Field values = target.get(i);
        ArrowType.Int indices = new ArrowType.Int(32, true);
        target.set(
            i,
            new Field(
                values.getName(),
                new FieldType(
                    values.isNullable(),
                    indices,
                    new DictionaryEncoding(i, false, indices),
                    values.getMetadata()),
                List.of()));
        conversions.set(i, Conversion.DICTIONARY);
        used.put(i, e.getValue());
      }
    }
    return new Plan(
        new Schema(target, metadata.isEmpty() ? duck.getCustomMetadata() : metadata),
        List.copyOf(conversions),
        used);
  }

  /**
   * The top-level columns whose field in the stored Arrow schema is a dictionary of strings or
   * bytes, and which Parquet holds as plain byte arrays: the ones to read a dictionary for.
   */
  static List<Integer> dictionaryColumns(List<Node> columns, Schema stored) {
    List<Integer> out = new ArrayList<>();
    if (stored == null || stored.getFields().size() != columns.size()) {
      return out;
    }
    for (int i = 0; i < columns.size(); i++) {
      Field field = stored.getFields().get(i);
      Column column = columns.get(i).column();
      boolean values =
          field.getType() instanceof ArrowType.Utf8 || field.getType() instanceof ArrowType.Binary;
      if (field.getDictionary() != null
          && values
          && field.getName().equals(column.name())
          && "BYTE_ARRAY".equals(column.physical())) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * The plan for DuckDB's schema {@code duck} of a file whose top-level Parquet elements are {@code
   * columns} and whose stored Arrow schema is {@code stored} (null when it has none or it cannot be
   * read).
   */
  static Plan plan(Schema duck, List<Node> columns, Schema stored) {
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
    for (int i = 0; i < fields.size(); i++) {
      Field inferred = inferred(fields.get(i), columns.get(i));
      target.add(storedMatches ? overlaid(inferred, stored.getFields().get(i)) : inferred);
    }
    return plan(duck, target);
  }

  /**
   * The key-value metadata Arrow C++ writes to a Parquet file for {@code schema} (memory format,
   * its dictionaries in {@code dictionaries}): the schema's own metadata, and the schema itself, in
   * message format, under {@value #ARROW_SCHEMA}.
   */
  static Map<String, String> keyValueMetadata(Schema schema, DictionaryProvider dictionaries)
      throws IOException {
    Map<String, String> keyValues = new LinkedHashMap<>();
    if (schema.getCustomMetadata() != null) {
      keyValues.putAll(schema.getCustomMetadata());
    }
    Set<Long> used = new HashSet<>();
    List<Field> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      fields.add(IpcSchemas.toMessageFormat(f, dictionaries, used));
    }
    keyValues.put(ARROW_SCHEMA, storedSchemaValue(new Schema(fields, schema.getCustomMetadata())));
    return keyValues;
  }

  /** Each field of {@code from} converted to {@code to}'s where it can be, kept where not. */
  private static Plan plan(Schema from, List<Field> to) {
    List<Field> target = new ArrayList<>();
    List<Conversion> conversions = new ArrayList<>();
    for (int i = 0; i < to.size(); i++) {
      Field a = from.getFields().get(i);
      Field b = to.get(i);
      boolean convert = !a.equals(b) && convertible(a, b);
      target.add(convert ? b : a);
      conversions.add(convert ? Conversion.CONVERT : Conversion.SAME);
    }
    return new Plan(new Schema(target, from.getCustomMetadata()), List.copyOf(conversions));
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
   * The field Arrow C++ infers from the Parquet element {@code node}, where DuckDB read {@code
   * from}: at every depth, the logical type's unit, float16, fixed-size binary, REQUIRED as not
   * nullable, and a list's child named after the file's element.
   */
  static Field inferred(Field from, Node node) {
    Column column = node.column();
    ArrowType type = node.children().isEmpty() ? leafType(from.getType(), column) : from.getType();
    List<Field> children = from.getChildren();
    if (type instanceof ArrowType.Struct && node.children().size() == children.size()) {
      List<Field> inferred = new ArrayList<>();
      for (int i = 0; i < children.size(); i++) {
        inferred.add(inferred(children.get(i), node.children().get(i)));
      }
      children = inferred;
    } else if (type instanceof ArrowType.List && children.size() == 1) {
      Node element = node.listElement();
      if (element != null) {
        children = List.of(renamed(inferred(children.get(0), element), element.column().name()));
      }
    } else if (type instanceof ArrowType.Map
        && children.size() == 1
        && children.get(0).getChildren().size() == 2) {
      Node keyValue = node.keyValue();
      if (keyValue != null) {
        Field entries = children.get(0);
        List<Field> pair =
            List.of(
                inferred(entries.getChildren().get(0), keyValue.children().get(0)),
                inferred(entries.getChildren().get(1), keyValue.children().get(1)));
        children = List.of(new Field(entries.getName(), entries.getFieldType(), pair));
      }
    }
    boolean nullable = !column.required() && from.isNullable();
    return new Field(
        from.getName(),
        new FieldType(nullable, type, from.getDictionary(), from.getMetadata()),
        children);
  }

  private static Field renamed(Field field, String name) {
    return new Field(name, field.getFieldType(), field.getChildren());
  }

  /** The type Arrow C++ gives a primitive Parquet column that DuckDB read as {@code type}. */
  private static ArrowType leafType(ArrowType type, Column column) {
    String logical = column.logical() == null ? "" : column.logical();
    String converted = column.converted() == null ? "" : column.converted();
    if (type instanceof ArrowType.Timestamp t && t.getUnit() == TimeUnit.MICROSECOND) {
      if (logical.startsWith("TimestampType(") && logical.contains("MILLIS=MilliSeconds()")) {
        return new ArrowType.Timestamp(TimeUnit.MILLISECOND, adjusted(logical) ? "UTC" : null);
      } else if (logical.isEmpty() && converted.equals("TIMESTAMP_MILLIS")) {
        // A legacy converted type is normalised to UTC.
        return new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
      } else if (logical.isEmpty() && converted.equals("TIMESTAMP_MICROS")) {
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      }
      if ("INT96".equals(column.physical()) && t.getTimezone() == null) {
        // Arrow C++ reads INT96 as nanoseconds; DuckDB has already dropped what is below the
        // microsecond.
        return new ArrowType.Timestamp(TimeUnit.NANOSECOND, null);
      }
    } else if (type instanceof ArrowType.Time t && t.getUnit() == TimeUnit.MICROSECOND) {
      boolean millis =
          logical.startsWith("TimeType(")
              ? logical.contains("MILLIS=MilliSeconds()")
              : logical.isEmpty() && converted.equals("TIME_MILLIS");
      if (millis) {
        return new ArrowType.Time(TimeUnit.MILLISECOND, 32);
      }
    } else if (type instanceof ArrowType.FloatingPoint p
        && p.getPrecision() == FloatingPointPrecision.SINGLE
        && logical.startsWith("Float16Type")) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
    } else if (type instanceof ArrowType.Binary
        && "FIXED_LEN_BYTE_ARRAY".equals(column.physical())
        && logical.isEmpty()
        && converted.isEmpty()
        && column.typeLength() != null) {
      return new ArrowType.FixedSizeBinary(column.typeLength());
    }
    return type;
  }

  private static boolean adjusted(String logical) {
    return logical.contains("isAdjustedToUTC=1") || logical.contains("isAdjustedToUTC=true");
  }

  /**
   * {@code inferred} with what the stored Arrow field restores, at every depth: a timestamp's zone,
   * a duration, a large string or binary, and field metadata. A stored field of any other type is
   * ignored, as Arrow C++ ignores one it cannot apply.
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
    } else if (want instanceof ArrowType.Duration && isInt64(have)) {
      type = want;
    } else if (want instanceof ArrowType.LargeUtf8 && have instanceof ArrowType.Utf8
        || want instanceof ArrowType.LargeBinary && have instanceof ArrowType.Binary) {
      type = want;
    }
    List<Field> children = inferred.getChildren();
    if (children.size() == stored.getChildren().size()) {
      List<Field> overlaid = new ArrayList<>();
      for (int i = 0; i < children.size(); i++) {
        overlaid.add(overlaid(children.get(i), stored.getChildren().get(i)));
      }
      children = overlaid;
    }
    return new Field(
        inferred.getName(),
        new FieldType(
            inferred.isNullable(),
            type,
            inferred.getDictionary(),
            stored.getMetadata().isEmpty() ? inferred.getMetadata() : stored.getMetadata()),
        children);
  }

  /**
   * Whether a vector of {@code from} converts to one of {@code to}: the same shape, each field's
   * type the same or one {@link #leaf} converts, and no dictionaries.
   */
  static boolean convertible(Field from, Field to) {
    if (from.getDictionary() != null
        || to.getDictionary() != null
        || leaf(from.getType(), to.getType()) == null
        || from.getChildren().size() != to.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < from.getChildren().size(); i++) {
      if (!convertible(from.getChildren().get(i), to.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** What turns a field of type {@code from} into one of {@code to}, or null when nothing does. */
  static Leaf leaf(ArrowType from, ArrowType to) {
    if (from.equals(to)
        || from instanceof ArrowType.Timestamp a
            && to instanceof ArrowType.Timestamp b
            && a.getUnit() == b.getUnit()
        || isInt64(from) && to instanceof ArrowType.Duration
        || from instanceof ArrowType.Duration && isInt64(to)) {
      return Leaf.SAME_LAYOUT;
    }
    if (from instanceof ArrowType.Timestamp a
        && to instanceof ArrowType.Timestamp b
        && a.getUnit() == TimeUnit.MICROSECOND
        && b.getUnit() == TimeUnit.MILLISECOND) {
      return Leaf.TIMESTAMP_MILLIS;
    }
    if (from instanceof ArrowType.Timestamp a
        && to instanceof ArrowType.Timestamp b
        && a.getUnit() == TimeUnit.MICROSECOND
        && b.getUnit() == TimeUnit.NANOSECOND) {
      return Leaf.TIMESTAMP_NANOS;
    }
    if (from instanceof ArrowType.Time a
        && to instanceof ArrowType.Time b
        && a.getUnit() == TimeUnit.MICROSECOND
        && a.getBitWidth() == 64
        && b.getUnit() == TimeUnit.MILLISECOND
        && b.getBitWidth() == 32) {
      return Leaf.TIME32_MILLIS;
    }
    if (from instanceof ArrowType.FloatingPoint a && to instanceof ArrowType.FloatingPoint b) {
      if (a.getPrecision() == FloatingPointPrecision.SINGLE
          && b.getPrecision() == FloatingPointPrecision.HALF) {
        return Leaf.HALF_FLOAT;
      }
      if (a.getPrecision() == FloatingPointPrecision.HALF
          && b.getPrecision() == FloatingPointPrecision.SINGLE) {
        return Leaf.SINGLE_FLOAT;
      }
    }
    if (from instanceof ArrowType.Binary && to instanceof ArrowType.FixedSizeBinary) {
      return Leaf.FIXED_SIZE_BINARY;
    }
    if (from instanceof ArrowType.Utf8 && to instanceof ArrowType.LargeUtf8
        || from instanceof ArrowType.Binary && to instanceof ArrowType.LargeBinary) {
      return Leaf.LARGE;
    }
    return null;
  }

  private static boolean isInt64(ArrowType t) {
    return t instanceof ArrowType.Int i && i.getBitWidth() == 64 && i.getIsSigned();
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

  /**
   * The schema stored under {@value #ARROW_SCHEMA} in a file's {@code keyValues} (base64 of an IPC
   * schema message), or null.
   */
  static Schema storedSchema(Map<String, String> keyValues) {
    String base64 = keyValues.get(ARROW_SCHEMA);
    if (base64 == null) {
      return null;
    }
    try {
      return IpcSchemas.readMessage(Base64.getDecoder().decode(base64.stripTrailing()));
    } catch (IllegalArgumentException e) {
      // Arrow C++ fails the read here; DuckDB's types are still right, so read on with them.
      return null;
    }
  }

  /**
   * {@code schema} (message format) as Arrow C++ stores it under {@code ARROW:schema}: base64 of
   * its IPC message.
   */
  static String storedSchemaValue(Schema schema) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MessageSerializer.serialize(new WriteChannel(Channels.newChannel(bytes)), schema);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /**
   * {@code reader} (DuckDB's, read into {@code allocator}) with every batch converted to {@code
   * plan}'s schema, or {@code reader} itself when that is its schema. Closing the result closes
   * {@code reader}.
   */
  static ArrowReader converting(ArrowReader reader, Plan plan, Path file, BufferAllocator allocator)
      throws IOException {
    if (plan.changesNothing() && plan.target().equals(reader.getVectorSchemaRoot().getSchema())) {
      return reader;
    }
    return new ConvertingReader(reader, plan, file, allocator, true);
  }

  /**
   * The plan that makes {@code schema}'s columns writable by DuckDB: a float16 as float32 (DuckDB
   * cannot write float16; exact), and for {@code parquet} a duration as its int64 count, as Arrow
   * C++ writes it (DuckDB would write an INTERVAL, which cannot be negative). Columns holding a
   * dictionary stay as they are.
   */
  static Plan forDuckDbWriter(Schema schema, boolean parquet) {
    List<Field> target = new ArrayList<>();
    for (Field f : schema.getFields()) {
      target.add(hasDictionary(f) ? f : writable(f, parquet));
    }
    return plan(schema, target);
  }

  private static boolean hasDictionary(Field field) {
    return field.getDictionary() != null
        || field.getChildren().stream().anyMatch(ParquetArrowTypes::hasDictionary);
  }

  private static Field writable(Field field, boolean parquet) {
    ArrowType type = field.getType();
    if (parquet && type instanceof ArrowType.Duration) {
      type = new ArrowType.Int(64, true);
    } else if (type instanceof ArrowType.FloatingPoint p
        && p.getPrecision() == FloatingPointPrecision.HALF) {
      type = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    }
    List<Field> children = new ArrayList<>();
    for (Field child : field.getChildren()) {
      children.add(writable(child, parquet));
    }
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), type, null, field.getMetadata()),
        children);
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
    private final Map<Long, Dictionary> dictionaries = new LinkedHashMap<>();
    private final Map<Integer, DictionaryHashTable> hashTables = new LinkedHashMap<>();

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
      try {
        for (var e : plan.dictionaries().entrySet()) {
          int i = e.getKey();
          Field values = Field.nullable(plan.target().getFields().get(i).getName(), valueType(i));
          BaseVariableWidthVector vector = (BaseVariableWidthVector) values.createVector(allocator);
          // Owned by the dictionary from here; closed with the reader.
          dictionaries.put(
              (long) i, new Dictionary(vector, plan.target().getFields().get(i).getDictionary()));
          vector.allocateNew();
          List<byte[]> all = e.getValue();
          for (int j = 0; j < all.size(); j++) {
            vector.setSafe(j, all.get(j));
          }
          vector.setValueCount(all.size());
          hashTables.put(i, new DictionaryHashTable(vector));
        }
      } catch (IOException e) {
        closeDictionaries();
        root.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        closeDictionaries();
        root.close();
        throw e;
      }
    }

    /** The values' type of column {@code i}, as DuckDB reads it (Utf8 or Binary). */
    private ArrowType valueType(int i) throws IOException {
      return delegate.getVectorSchemaRoot().getSchema().getFields().get(i).getType();
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return root;
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
      return dictionaries.isEmpty() ? delegate.getDictionaryVectors() : dictionaries;
    }

    @Override
    public Dictionary lookup(long id) {
      return dictionaries.isEmpty() ? delegate.lookup(id) : dictionaries.get(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
      return dictionaries.isEmpty() ? delegate.getDictionaryIds() : dictionaries.keySet();
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
          case SAME -> move(source, target, rows);
          case CONVERT -> convert(source, target, rows);
          case DICTIONARY -> encode(source, (IntVector) target, hashTables.get(i), rows);
        }
      }
      root.setRowCount(rows);
      return true;
    }

    /** The index of each of {@code source}'s values in its dictionary, into {@code indices}. */
    private void encode(
        FieldVector source, IntVector indices, DictionaryHashTable dictionary, int rows)
        throws DataFileException {
      indices.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (source.isNull(r)) {
          indices.setNull(r);
          continue;
        }
        int index = dictionary.getIndex(r, source);
        if (index < 0) {
          throw DataFileException.of(
              file,
              "column '" + source.getName() + "' holds a value its dictionary, read first, lacks");
        }
        indices.set(r, index);
      }
      indices.setValueCount(rows);
    }

    /** {@code source}'s buffers into {@code target} (shared, not copied), under target's field. */
    private static void move(FieldVector source, FieldVector target, int rows) {
      VectorSchemaRoot one = new VectorSchemaRoot(List.of(source));
      one.setRowCount(rows);
      // The batch holds a reference to each buffer until the target has its own.
      try (ArrowRecordBatch batch = new VectorUnloader(one).getRecordBatch()) {
        new VectorLoader(new VectorSchemaRoot(List.of(target))).load(batch);
      }
    }

    /**
     * {@code source}'s buffers into {@code target}: those of each field whose type differs
     * converted into new buffers, the others shared.
     */
    private void convert(FieldVector source, FieldVector target, int rows)
        throws DataFileException {
      VectorSchemaRoot one = new VectorSchemaRoot(List.of(source));
      one.setRowCount(rows);
      List<ArrowBuf> made = new ArrayList<>();
      try (ArrowRecordBatch batch = new VectorUnloader(one).getRecordBatch()) {
        List<ArrowBuf> buffers = new ArrayList<>();
        int[] at = {0, 0, 0};
        convert(source.getField(), target.getField(), batch, at, buffers, made);
        // The converted batch holds its own reference to each buffer, shared or made here.
        try (ArrowRecordBatch converted =
            new ArrowRecordBatch(
                rows,
                batch.getNodes(),
                buffers,
                NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
                batch.getVariadicBufferCounts(),
                true)) {
          new VectorLoader(new VectorSchemaRoot(List.of(target))).load(converted);
        }
      } finally {
        for (ArrowBuf b : made) {
          b.close();
        }
      }
    }

    /**
     * Adds the buffers of field {@code from} (node {@code at[0]}, buffers from {@code at[1]} of
     * {@code batch}, and for a view type its variadic buffer count {@code at[2]}) and its children,
     * as {@code to} holds them, to {@code out}.
     */
    private void convert(
        Field from,
        Field to,
        ArrowRecordBatch batch,
        int[] at,
        List<ArrowBuf> out,
        List<ArrowBuf> made)
        throws DataFileException {
      ArrowFieldNode node = batch.getNodes().get(at[0]++);
      int count = TypeLayout.getTypeBufferCount(from.getType());
      if (!TypeLayout.getTypeLayout(from.getType()).isFixedBufferCount()) {
        // A view type's data buffers, whose number the batch records per such field.
        count += Math.toIntExact(batch.getVariadicBufferCounts().get(at[2]++));
      }
      List<ArrowBuf> in = batch.getBuffers().subList(at[1], at[1] + count);
      at[1] += count;
      Leaf leaf = leaf(from.getType(), to.getType());
      if (leaf == Leaf.SAME_LAYOUT) {
        out.addAll(in);
      } else {
        int n = node.getLength();
        ArrowBuf validity = in.get(0);
        out.add(validity);
        out.add(
            switch (leaf) {
              case TIMESTAMP_MILLIS -> millis(from, node, validity, in.get(1), Long.BYTES, made);
              case TIMESTAMP_NANOS -> nanos(from, node, validity, in.get(1), made);
              case TIME32_MILLIS -> millis(from, node, validity, in.get(1), Integer.BYTES, made);
              case HALF_FLOAT -> halfFloats(in.get(1), n, made);
              case SINGLE_FLOAT -> singleFloats(in.get(1), n, made);
              case FIXED_SIZE_BINARY -> fixedSize(from, to, node, validity, in, made);
              case LARGE -> wideOffsets(in.get(1), n, made);
              case SAME_LAYOUT -> throw new IllegalStateException();
            });
        if (leaf == Leaf.LARGE) {
          out.add(in.get(2));
        }
      }
      for (int i = 0; i < from.getChildren().size(); i++) {
        convert(from.getChildren().get(i), to.getChildren().get(i), batch, at, out, made);
      }
    }

    private ArrowBuf allocate(long bytes, List<ArrowBuf> made) {
      ArrowBuf b = allocator.buffer(bytes);
      made.add(b);
      b.setZero(0, b.capacity());
      return b;
    }

    private static boolean valid(ArrowFieldNode node, ArrowBuf validity, int row) {
      return node.getNullCount() == 0 || BitVectorHelper.get(validity, row) == 1;
    }

    /**
     * Microseconds to milliseconds, {@code width} bytes wide; the file's milliseconds are whole
     * numbers of them, which is checked.
     */
    private ArrowBuf millis(
        Field field,
        ArrowFieldNode node,
        ArrowBuf validity,
        ArrowBuf micros,
        int width,
        List<ArrowBuf> made)
        throws DataFileException {
      int n = node.getLength();
      ArrowBuf out = allocate((long) n * width, made);
      for (int r = 0; r < n; r++) {
        long value = micros.getLong((long) r * Long.BYTES);
        if (value % 1000 != 0 && valid(node, validity, r)) {
          throw DataFileException.of(
              file,
              "column '"
                  + field.getName()
                  + "' is stored in milliseconds, yet DuckDB read "
                  + value
                  + " microseconds");
        }
        if (width == Long.BYTES) {
          out.setLong((long) r * width, value / 1000);
        } else {
          out.setInt((long) r * width, (int) (value / 1000));
        }
      }
      return out;
    }

    /**
     * Microseconds to nanoseconds; a value nanoseconds cannot hold (before 1677 or after 2262)
     * fails the read, naming the column.
     */
    private ArrowBuf nanos(
        Field field, ArrowFieldNode node, ArrowBuf validity, ArrowBuf micros, List<ArrowBuf> made)
        throws DataFileException {
      int n = node.getLength();
      ArrowBuf out = allocate((long) n * Long.BYTES, made);
      for (int r = 0; r < n; r++) {
        long value = micros.getLong((long) r * Long.BYTES);
        long nanos = value * 1000;
        if (nanos / 1000 != value && valid(node, validity, r)) {
          throw DataFileException.of(
              file,
              "column '"
                  + field.getName()
                  + "' is an INT96 timestamp, read as nanoseconds as Arrow C++ reads it, and "
                  + value
                  + " microseconds is outside their range (years 1677-2262)");
        }
        out.setLong((long) r * Long.BYTES, nanos);
      }
      return out;
    }

    private ArrowBuf halfFloats(ArrowBuf singles, int n, List<ArrowBuf> made) {
      ArrowBuf out = allocate((long) n * Short.BYTES, made);
      for (int r = 0; r < n; r++) {
        out.setShort((long) r * Short.BYTES, Float16.toFloat16(singles.getFloat((long) r * 4)));
      }
      return out;
    }

    private ArrowBuf singleFloats(ArrowBuf halves, int n, List<ArrowBuf> made) {
      ArrowBuf out = allocate((long) n * Float.BYTES, made);
      for (int r = 0; r < n; r++) {
        out.setFloat((long) r * Float.BYTES, Float16.toFloat(halves.getShort((long) r * 2)));
      }
      return out;
    }

    private ArrowBuf fixedSize(
        Field from,
        Field to,
        ArrowFieldNode node,
        ArrowBuf validity,
        List<ArrowBuf> in,
        List<ArrowBuf> made)
        throws DataFileException {
      int width = ((ArrowType.FixedSizeBinary) to.getType()).getByteWidth();
      int n = node.getLength();
      ArrowBuf offsets = in.get(1);
      ArrowBuf data = in.get(2);
      ArrowBuf out = allocate((long) n * width, made);
      for (int r = 0; r < n; r++) {
        if (!valid(node, validity, r)) {
          continue;
        }
        int start = offsets.getInt((long) r * Integer.BYTES);
        int length = offsets.getInt((long) (r + 1) * Integer.BYTES) - start;
        if (length != width) {
          throw DataFileException.of(
              file,
              "column '"
                  + from.getName()
                  + "' holds "
                  + width
                  + "-byte values, yet DuckDB read one of "
                  + length);
        }
        out.setBytes((long) r * width, data, start, width);
      }
      return out;
    }

    /** 32-bit offsets widened to 64: the bytes they point into are shared as they are. */
    private ArrowBuf wideOffsets(ArrowBuf offsets, int n, List<ArrowBuf> made) {
      ArrowBuf out = allocate((long) (n + 1) * Long.BYTES, made);
      if (offsets.capacity() >= (long) (n + 1) * Integer.BYTES) {
        for (int r = 0; r <= n; r++) {
          out.setLong((long) r * Long.BYTES, offsets.getInt((long) r * Integer.BYTES));
        }
      }
      return out;
    }

    private void closeDictionaries() {
      for (Dictionary d : dictionaries.values()) {
        d.getVector().close();
      }
      dictionaries.clear();
    }

    @Override
    protected void closeReadSource() throws IOException {
      try {
        closeDictionaries();
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
