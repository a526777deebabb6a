package dev.flightlab.data;

import com.google.flatbuffers.Table;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.Type;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Schemas with the types Arrow C++ reads and Arrow Java 19 does not: 32- and 64-bit decimals.
 *
 * <p>Arrow Java refuses them only where it parses a schema flatbuffer ("Library only supports
 * 128-bit and 256-bit decimal values") and where it makes vectors (a {@code DecimalVector} is 16
 * bytes wide whatever the type says). Its {@code ArrowType.Decimal} holds any bit width, and writes
 * it back to a flatbuffer as it is. So the schemas here hold the true types ({@code Decimal(7, 2,
 * 32)}): {@link #read} parses them, everything that writes a schema (FlightInfo, GetSchema, DoGet,
 * segment files, Arrow IPC files) writes them exactly, and {@link #createRoot} / {@link
 * #createVector} make their vectors as {@code FixedSizeBinary} of the same width (the same buffers:
 * validity and 4- or 8-byte values), whose field carries a {@link #STAND_IN} metadata entry that
 * {@link #original} turns back into the true type.
 */
public final class IpcSchemas {
  /**
   * The field metadata key of a vector field standing in for a type Arrow Java has no vector for;
   * its value is {@code decimal:BITS:PRECISION:SCALE}.
   */
  public static final String STAND_IN = "flightlab.stand_in";

  private IpcSchemas() {}

  /**
   * The schema an IPC schema message carries, 32- and 64-bit decimals included, checked as Arrow
   * C++ checks it on read (decimal bit widths and precisions).
   *
   * @throws IllegalArgumentException naming the field and the rule broken
   */
  public static Schema read(Message message) {
    if (message.headerType() != MessageHeader.Schema) {
      throw new IllegalArgumentException("not a schema message");
    }
    Position schema = new Position();
    if (message.header(schema) == null) {
      throw new IllegalArgumentException("the schema message has no schema");
    }
    return read(message.getByteBuffer(), schema.position());
  }

  /**
   * The schema of an Arrow IPC file's footer flatbuffer (the bytes of the {@code Footer} table,
   * root first).
   */
  public static Schema readFooter(ByteBuffer footer) {
    Position root = Position.root(footer);
    int schema = root.table(6);
    if (schema == 0) {
      throw new IllegalArgumentException("the footer has no schema");
    }
    return read(root.bb(), schema);
  }

  /**
   * The schema of an encapsulated IPC schema message, as FlightInfo and SchemaResult carry it (an
   * empty array is the empty schema).
   */
  public static Schema readMessage(byte[] bytes) {
    if (bytes.length == 0) {
      return new Schema(List.of());
    }
    MessageMetadataResult header;
    try {
      header =
          MessageSerializer.readMessage(
              new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the schema is not an Arrow IPC message", e);
    }
    if (header == null) {
      throw new IllegalArgumentException("the schema is not an Arrow IPC message");
    }
    return read(header.getMessage());
  }

  private static Schema read(ByteBuffer bb, int schemaPosition) {
    org.apache.arrow.flatbuf.Schema flat =
        new org.apache.arrow.flatbuf.Schema().__assign(schemaPosition, bb);
    // Pre-order index of each narrow decimal field -> its bit width; positions of their bitWidth.
    Map<Integer, Integer> narrow = new HashMap<>();
    List<Integer> bitWidthPositions = new ArrayList<>();
    int[] index = {0};
    for (int i = 0; i < flat.fieldsLength(); i++) {
      check(flat.fields(i), narrow, bitWidthPositions, index);
    }
    if (narrow.isEmpty()) {
      return Schema.convertSchema(flat);
    }
    // Arrow Java reads a copy in which they are 128 bits wide; their widths are put back after.
    ByteBuffer copy = ByteBuffer.allocate(bb.capacity()).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(bb.duplicate().clear());
    for (int position : bitWidthPositions) {
      copy.putInt(position, 128);
    }
    Schema wide =
        Schema.convertSchema(new org.apache.arrow.flatbuf.Schema().__assign(schemaPosition, copy));
    int[] at = {0};
    List<Field> fields = new ArrayList<>();
    for (Field f : wide.getFields()) {
      fields.add(narrowed(f, narrow, at));
    }
    return new Schema(fields, wide.getCustomMetadata());
  }

  /** Checks one field's decimal types as Arrow C++ does, noting the narrow ones. */
  private static void check(
      org.apache.arrow.flatbuf.Field field,
      Map<Integer, Integer> narrow,
      List<Integer> bitWidthPositions,
      int[] index) {
    if (field == null) {
      throw new IllegalArgumentException("the schema has a missing field");
    }
    int me = index[0]++;
    if (field.typeType() == Type.Decimal) {
      Position type = new Position();
      if (field.type(type) == null) {
        throw new IllegalArgumentException("field '" + field.name() + "' has no type table");
      }
      org.apache.arrow.flatbuf.Decimal decimal =
          new org.apache.arrow.flatbuf.Decimal().__assign(type.position(), type.bb());
      int bits = decimal.bitWidth();
      int max =
          switch (bits) {
            case 32 -> 9;
            case 64 -> 18;
            case 128 -> 38;
            case 256 -> 76;
            default ->
                throw new IllegalArgumentException(
                    "field '"
                        + field.name()
                        + "': a "
                        + bits
                        + "-bit decimal (Arrow supports 32/64/128/256-bit decimal values)");
          };
      int precision = decimal.precision();
      if (precision < 1 || precision > max) {
        throw new IllegalArgumentException(
            "field '"
                + field.name()
                + "': decimal"
                + bits
                + " precision out of range [1, "
                + max
                + "]: "
                + precision);
      }
      if (bits < 128) {
        // A width other than the default (128) is always written: the field is there to patch.
        int position = type.field(8);
        if (position == 0) {
          throw new IllegalArgumentException(
              "field '" + field.name() + "': malformed decimal type");
        }
        bitWidthPositions.add(position);
        narrow.put(me, bits);
      }
    }
    for (int i = 0; i < field.childrenLength(); i++) {
      check(field.children(i), narrow, bitWidthPositions, index);
    }
  }

  /** {@code field} with the narrow decimals noted by pre-order index given their widths back. */
  private static Field narrowed(Field field, Map<Integer, Integer> narrow, int[] at) {
    Integer bits = narrow.get(at[0]++);
    List<Field> children = new ArrayList<>();
    for (Field child : field.getChildren()) {
      children.add(narrowed(child, narrow, at));
    }
    ArrowType type = field.getType();
    if (bits != null && type instanceof ArrowType.Decimal d) {
      type = new ArrowType.Decimal(d.getPrecision(), d.getScale(), bits);
    }
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), type, field.getDictionary(), field.getMetadata()),
        children);
  }

  /** True for the types Arrow Java has no vector for (32- and 64-bit decimals). */
  public static boolean hasNoJavaVector(ArrowType type) {
    return type instanceof ArrowType.Decimal d && d.getBitWidth() < 128;
  }

  /** True when {@code schema} holds a type Arrow Java has no vector for, at any depth. */
  public static boolean hasStandIns(Schema schema) {
    return schema.getFields().stream().anyMatch(IpcSchemas::hasStandIns);
  }

  /** True when {@code field} or a child holds a type Arrow Java has no vector for. */
  public static boolean hasStandIns(Field field) {
    return hasNoJavaVector(field.getType())
        || field.getMetadata().containsKey(STAND_IN)
        || field.getChildren().stream().anyMatch(IpcSchemas::hasStandIns);
  }

  /**
   * The first field holding a type Arrow Java has no vector for, as {@code column 'a.b' is
   * decimal32(7, 2)}, or null.
   */
  public static String firstStandIn(Schema schema) {
    return firstStandIn(original(schema).getFields(), "");
  }

  private static String firstStandIn(List<Field> fields, String prefix) {
    for (Field f : fields) {
      if (hasNoJavaVector(f.getType())) {
        return "column '" + prefix + f.getName() + "' is " + typeName(f.getType());
      }
      String child = firstStandIn(f.getChildren(), prefix + f.getName() + ".");
      if (child != null) {
        return child;
      }
    }
    return null;
  }

  /**
   * The field Arrow Java makes vectors for: each 32- or 64-bit decimal, at any depth, as a {@code
   * FixedSizeBinary} of its width marked with {@link #STAND_IN}; {@code field} itself when it has
   * none.
   */
  public static Field forVectors(Field field) {
    if (!hasStandIns(field)) {
      return field;
    }
    List<Field> children = field.getChildren().stream().map(IpcSchemas::forVectors).toList();
    if (field.getType() instanceof ArrowType.Decimal d && hasNoJavaVector(d)) {
      Map<String, String> metadata = new HashMap<>(field.getMetadata());
      metadata.put(
          STAND_IN, "decimal:" + d.getBitWidth() + ":" + d.getPrecision() + ":" + d.getScale());
      return new Field(
          field.getName(),
          new FieldType(
              field.isNullable(),
              new ArrowType.FixedSizeBinary(d.getBitWidth() / 8),
              field.getDictionary(),
              metadata),
          children);
    }
    return new Field(field.getName(), field.getFieldType(), children);
  }

  /** {@link #forVectors(Field)} over every field. */
  public static Schema forVectors(Schema schema) {
    if (!hasStandIns(schema)) {
      return schema;
    }
    return new Schema(
        schema.getFields().stream().map(IpcSchemas::forVectors).toList(),
        schema.getCustomMetadata());
  }

  /** The true field of a vector's field: every stand-in given back its type, at any depth. */
  public static Field original(Field field) {
    if (!hasStandIns(field)) {
      return field;
    }
    List<Field> children = field.getChildren().stream().map(IpcSchemas::original).toList();
    String standIn = field.getMetadata().get(STAND_IN);
    if (standIn == null) {
      return new Field(field.getName(), field.getFieldType(), children);
    }
    // A dictionary's index field keeps the mark Arrow's readers copy from its value field: dropped.
    Map<String, String> metadata = new HashMap<>(field.getMetadata());
    metadata.remove(STAND_IN);
    ArrowType type = field.getType();
    if (type instanceof ArrowType.FixedSizeBinary) {
      type = standInType(field).orElse(type);
    }
    return new Field(
        field.getName(),
        new FieldType(
            field.isNullable(), type, field.getDictionary(), metadata.isEmpty() ? null : metadata),
        children);
  }

  /** {@link #original(Field)} over every field. */
  public static Schema original(Schema schema) {
    if (!hasStandIns(schema)) {
      return schema;
    }
    return new Schema(
        schema.getFields().stream().map(IpcSchemas::original).toList(), schema.getCustomMetadata());
  }

  /** The type a stand-in vector field holds the values of, if it is one. */
  public static java.util.Optional<ArrowType> standInType(Field vectorField) {
    String standIn = vectorField.getMetadata().get(STAND_IN);
    if (standIn == null || !standIn.startsWith("decimal:")) {
      return java.util.Optional.empty();
    }
    String[] parts = standIn.split(":");
    return java.util.Optional.of(
        new ArrowType.Decimal(
            Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[1])));
  }

  /** A vector for {@code field} (stand-ins for the types Arrow Java has no vector for). */
  public static FieldVector createVector(Field field, BufferAllocator allocator) {
    return forVectors(field).createVector(allocator);
  }

  /**
   * An empty root for {@code schema}: its schema is {@code schema} as given (so writers write the
   * true types), its vectors those of {@link #forVectors(Schema)}.
   */
  public static VectorSchemaRoot createRoot(Schema schema, BufferAllocator allocator) {
    if (!hasStandIns(schema)) {
      return VectorSchemaRoot.create(schema, allocator);
    }
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (Field f : schema.getFields()) {
        vectors.add(createVector(f, allocator));
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    return new VectorSchemaRoot(original(schema), vectors, 0);
  }

  /**
   * A message-format field in memory format, as Arrow's {@code DictionaryUtility.toMemoryFormat}
   * makes it (a dictionary-encoded field holds its index type), with its dictionaries' empty
   * vectors made by {@link #createVector} and put in {@code dictionaries}.
   */
  public static Field toMemoryFormat(
      Field field, BufferAllocator allocator, Map<Long, Dictionary> dictionaries) {
    List<Field> children = new ArrayList<>();
    for (Field child : field.getChildren()) {
      children.add(toMemoryFormat(child, allocator, dictionaries));
    }
    DictionaryEncoding encoding = field.getDictionary();
    if (encoding == null) {
      return new Field(field.getName(), field.getFieldType(), children);
    }
    if (!dictionaries.containsKey(encoding.getId())) {
      Field values =
          new Field(
              field.getName(),
              new FieldType(field.isNullable(), field.getType(), null, null),
              children);
      dictionaries.put(encoding.getId(), new Dictionary(createVector(values, allocator), encoding));
    }
    ArrowType index =
        encoding.getIndexType() == null ? new ArrowType.Int(32, true) : encoding.getIndexType();
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), index, encoding, field.getMetadata()),
        List.of());
  }

  /**
   * A memory-format field in message format, as Arrow's {@code DictionaryUtility.toMessageFormat}
   * makes it (a dictionary-encoded field shows its values' type), with the true type of stand-in
   * dictionary vectors; the ids used go into {@code used}.
   */
  public static Field toMessageFormat(Field field, DictionaryProvider provider, Set<Long> used) {
    DictionaryEncoding encoding = field.getDictionary();
    ArrowType type = field.getType();
    List<Field> children = field.getChildren();
    if (encoding != null) {
      Dictionary dictionary = provider.lookup(encoding.getId());
      if (dictionary == null) {
        throw new IllegalArgumentException("no dictionary " + encoding.getId());
      }
      Field values = original(dictionary.getVector().getField());
      type = values.getType();
      children = values.getChildren();
      used.add(encoding.getId());
    }
    List<Field> messageChildren = new ArrayList<>();
    for (Field child : children) {
      messageChildren.add(toMessageFormat(child, provider, used));
    }
    return new Field(
        field.getName(),
        new FieldType(field.isNullable(), type, encoding, field.getMetadata()),
        messageChildren);
  }

  /**
   * {@code dictionaries} as Arrow's writers ask them for their value types ({@code
   * Dictionary.getVectorType}): the true type of stand-in vectors, which Arrow's writers otherwise
   * write as FixedSizeBinary. Refuses stand-ins nested inside dictionary values, which the writers
   * take from the vectors' fields.
   */
  public static DictionaryProvider trueValueTypes(DictionaryProvider dictionaries) {
    Set<Long> ids = dictionaries.getDictionaryIds();
    boolean any = false;
    for (long id : ids) {
      Field values = dictionaries.lookup(id).getVector().getField();
      if (values.getChildren().stream().anyMatch(IpcSchemas::hasStandIns)) {
        throw new IllegalArgumentException(
            "dictionary "
                + id
                + " holds "
                + describe(values)
                + ", which flightlab cannot write to an Arrow IPC file yet");
      }
      any |= values.getMetadata().containsKey(STAND_IN);
    }
    if (!any) {
      return dictionaries;
    }
    DictionaryProvider.MapDictionaryProvider out = new DictionaryProvider.MapDictionaryProvider();
    for (long id : ids) {
      Dictionary d = dictionaries.lookup(id);
      ArrowType type = original(d.getVector().getField()).getType();
      out.put(
          new Dictionary(d.getVector(), d.getEncoding()) {
            @Override
            public ArrowType getVectorType() {
              return type;
            }
          });
    }
    return out;
  }

  /**
   * A type as pyarrow names it where Arrow Java's name differs for the types here ({@code
   * decimal32(7, 2)} for Java's {@code Decimal(7, 2, 32)}), else as Arrow Java names it.
   */
  public static String typeName(ArrowType type) {
    if (type instanceof ArrowType.Decimal d) {
      return "decimal" + d.getBitWidth() + "(" + d.getPrecision() + ", " + d.getScale() + ")";
    }
    return type.toString();
  }

  /** A field as Arrow Java's {@code Field.toString} prints it, with types as {@link #typeName}. */
  public static String describe(Field field) {
    Field f = original(field);
    StringBuilder out = new StringBuilder();
    if (f.getName() != null) {
      out.append(f.getName()).append(": ");
    }
    out.append(typeName(f.getType()));
    if (f.getDictionary() != null) {
      out.append("[dictionary: ").append(f.getDictionary().getId()).append("]");
    }
    if (!f.getChildren().isEmpty()) {
      out.append(
          f.getChildren().stream()
              .map(IpcSchemas::describe)
              .collect(Collectors.joining(", ", "<", ">")));
    }
    if (!f.isNullable()) {
      out.append(" not null");
    }
    return out.toString();
  }

  /**
   * A schema as Arrow Java's {@code Schema.toString} prints it, with fields as {@link #describe}.
   */
  public static String describe(Schema schema) {
    String fields =
        schema.getFields().stream().map(IpcSchemas::describe).collect(Collectors.joining(", "));
    return "Schema<"
        + fields
        + ">"
        + (schema.getCustomMetadata().isEmpty()
            ? ""
            : "(metadata: " + schema.getCustomMetadata() + ")");
  }

  /**
   * An Arrow reader's dictionaries with stand-in vectors (marked, see {@link #forVectors}) for the
   * dictionaries of {@code schema} (the message-format schema as read) whose values hold types
   * Arrow Java has no vectors for: Arrow's reader makes them without the mark. The replaced
   * vectors, still empty, are closed.
   */
  public static Map<Long, Dictionary> withStandInDictionaries(
      Schema schema, Map<Long, Dictionary> dictionaries, BufferAllocator allocator) {
    Map<Long, Dictionary> out = new HashMap<>(dictionaries);
    boolean changed = false;
    List<Field> pending = new ArrayList<>(schema.getFields());
    while (!pending.isEmpty()) {
      Field f = pending.remove(pending.size() - 1);
      pending.addAll(f.getChildren());
      DictionaryEncoding encoding = f.getDictionary();
      if (encoding == null || !dictionaries.containsKey(encoding.getId())) {
        continue;
      }
      Field values =
          new Field(
              f.getName(), new FieldType(f.isNullable(), f.getType(), null, null), f.getChildren());
      if (hasStandIns(values)) {
        Dictionary old = out.get(encoding.getId());
        old.getVector().close();
        out.put(
            encoding.getId(), new Dictionary(createVector(values, allocator), old.getEncoding()));
        changed = true;
      }
    }
    return changed ? java.util.Collections.unmodifiableMap(out) : dictionaries;
  }

  /**
   * An Arrow reader's root (stand-in vectors under a schema that says so) shown with the true
   * types: a root over the same vectors, kept in step by {@link #sync}.
   */
  public static final class TrueTypedRoot {
    private VectorSchemaRoot view;

    /** The root to hand out for {@code root}: {@code root} itself when it has no stand-ins. */
    public VectorSchemaRoot of(VectorSchemaRoot root) {
      if (!hasStandIns(root.getSchema())) {
        return root;
      }
      if (view == null) {
        // Shares the reader's vectors, which the reader closes.
        view =
            new VectorSchemaRoot(
                original(root.getSchema()), root.getFieldVectors(), root.getRowCount());
      }
      return view;
    }

    /** Gives the view the row count the reader's root has now (after each load). */
    public void sync(VectorSchemaRoot root) {
      if (view != null) {
        view.setRowCount(root.getRowCount());
      }
    }
  }

  /** A flatbuffer table position, to reach fields the generated accessors do not expose. */
  private static final class Position extends Table {
    static Position root(ByteBuffer bb) {
      ByteBuffer le = bb.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      Position p = new Position();
      p.__reset(le.getInt(le.position()) + le.position(), le);
      return p;
    }

    ByteBuffer bb() {
      return bb;
    }

    int position() {
      return bb_pos;
    }

    /** The absolute position of a scalar field, 0 when absent. */
    int field(int vtableOffset) {
      int o = __offset(vtableOffset);
      return o == 0 ? 0 : bb_pos + o;
    }

    /** The position of the table a field refers to, 0 when absent. */
    int table(int vtableOffset) {
      int o = __offset(vtableOffset);
      return o == 0 ? 0 : __indirect(bb_pos + o);
    }
  }
}
