package dev.flightlab.wire;

import java.util.List;
import java.util.function.LongUnaryOperator;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Checks a received, uncompressed record batch against its schema as strictly as Arrow C++ checks
 * what it reads over IPC ({@code arrow/ipc/reader.cc}, then {@code ValidateFull} of {@code
 * arrow/array/validate.cc}): node and buffer counts, buffer sizes against lengths, null counts
 * against validity bitmaps, offsets rising and inside their data, list, view and union children
 * long enough for what addresses them, run ends rising, dictionary indices inside their dictionary,
 * nesting at most {@link #MAX_NESTING_DEPTH} deep.
 *
 * <p>What it does not check, as Arrow C++ does not on read: UTF-8 in string data, buffer alignment,
 * bytes under null slots.
 */
public final class BatchValidator {
  /** Arrow C++'s {@code kMaxNestingDepth}: deeper fields are refused. */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Reports a dictionary's length by id, or -1 when the dictionary has not been received. */
  @FunctionalInterface
  public interface DictionaryLengths extends LongUnaryOperator {
    /** No dictionaries at all. */
    DictionaryLengths NONE = id -> -1;
  }

  private final List<ArrowFieldNode> nodes;
  private final List<ArrowBuf> buffers;
  private final List<Long> variadicCounts;
  private final DictionaryLengths dictionaries;
  private int node;
  private int buffer;
  private int variadic;

  private BatchValidator(ArrowRecordBatch batch, DictionaryLengths dictionaries) {
    this.nodes = batch.getNodes();
    this.buffers = batch.getBuffers();
    List<Long> counts = batch.getVariadicBufferCounts();
    this.variadicCounts = counts == null ? List.of() : counts;
    this.dictionaries = dictionaries;
  }

  /**
   * Checks {@code batch} (uncompressed) against {@code fields}, the schema in memory form
   * (dictionary-encoded fields hold their index type and their encoding).
   *
   * @throws InvalidFlightDataException naming the field and the rule broken
   */
  public static void validate(
      List<Field> fields, ArrowRecordBatch batch, DictionaryLengths dictionaries) {
    if (batch.getLength() < 0) {
      throw new InvalidFlightDataException("negative record batch length " + batch.getLength());
    }
    BatchValidator v = new BatchValidator(batch, dictionaries);
    for (Field field : fields) {
      long length = v.field(field, field.getName(), 1);
      if (length != batch.getLength()) {
        throw new InvalidFlightDataException(
            "column '"
                + field.getName()
                + "' has "
                + length
                + " rows but the record batch says "
                + batch.getLength());
      }
    }
    if (v.node != v.nodes.size()) {
      throw new InvalidFlightDataException(
          "the record batch has " + v.nodes.size() + " field nodes, the schema needs " + v.node);
    }
    if (v.buffer != v.buffers.size()) {
      throw new InvalidFlightDataException(
          "the record batch has " + v.buffers.size() + " buffers, the schema needs " + v.buffer);
    }
    if (v.variadic != v.variadicCounts.size()) {
      throw new InvalidFlightDataException(
          "the record batch has "
              + v.variadicCounts.size()
              + " variadic buffer counts, the schema needs "
              + v.variadic);
    }
  }

  /** Checks one field (and its children); returns the length of its node. */
  private long field(Field field, String name, int depth) {
    if (depth > MAX_NESTING_DEPTH) {
      throw new InvalidFlightDataException(
          "field '"
              + name
              + "' is nested deeper than "
              + MAX_NESTING_DEPTH
              + " levels (Arrow's kMaxNestingDepth)");
    }
    if (node >= nodes.size()) {
      throw new InvalidFlightDataException(
          "the record batch has " + nodes.size() + " field nodes, too few for the schema");
    }
    ArrowFieldNode n = nodes.get(node++);
    long length = n.getLength();
    long nulls = n.getNullCount();
    if (length < 0 || nulls < 0 || nulls > length) {
      throw invalid(name, "length " + length + " and null count " + nulls + " are inconsistent");
    }
    ArrowType type = field.getType();
    if (type instanceof ArrowType.ExtensionType ext) {
      type = ext.storageType();
    }
    DictionaryEncoding encoding = field.getDictionary();
    if (encoding != null) {
      ArrowType.Int indexType = encoding.getIndexType();
      if (!(type instanceof ArrowType.Int)) {
        type = indexType;
      }
      ArrowBuf data = fixedWidth(name, length, nulls, bitWidth(type));
      checkIndices(name, (ArrowType.Int) type, data, length, nulls, encoding.getId());
      return length;
    }
    switch (type.getTypeID()) {
      case Null -> {
        return length;
      }
      case Bool,
          Int,
          FloatingPoint,
          Decimal,
          Date,
          Time,
          Timestamp,
          Duration,
          Interval,
          FixedSizeBinary -> {
        if (type instanceof ArrowType.Decimal d && d.getBitWidth() < 128) {
          narrowDecimals(name, d, length, nulls);
        } else {
          fixedWidth(name, length, nulls, bitWidth(type));
        }
        return length;
      }
      case Utf8, Binary -> {
        variableWidth(name, length, nulls, 4);
        return length;
      }
      case LargeUtf8, LargeBinary -> {
        variableWidth(name, length, nulls, 8);
        return length;
      }
      case Utf8View, BinaryView -> {
        views(name, length, nulls);
        return length;
      }
      case List, Map -> {
        list(field, name, length, nulls, 4, depth);
        return length;
      }
      case LargeList -> {
        list(field, name, length, nulls, 8, depth);
        return length;
      }
      case ListView -> {
        listView(field, name, length, nulls, 4, depth);
        return length;
      }
      case LargeListView -> {
        listView(field, name, length, nulls, 8, depth);
        return length;
      }
      case FixedSizeList -> {
        validity(name, length, nulls);
        long need = length * ((ArrowType.FixedSizeList) type).getListSize();
        long got = onlyChild(field, name, depth);
        if (got < need) {
          throw invalid(
              name,
              "child has "
                  + got
                  + " values, fewer than length "
                  + length
                  + " times list size "
                  + ((ArrowType.FixedSizeList) type).getListSize());
        }
        return length;
      }
      case Struct -> {
        validity(name, length, nulls);
        for (Field child : field.getChildren()) {
          String childName = name + "." + child.getName();
          long got = field(child, childName, depth + 1);
          if (got < length) {
            throw invalid(childName, "has " + got + " rows, fewer than its struct's " + length);
          }
        }
        return length;
      }
      case Union -> {
        union(field, (ArrowType.Union) type, name, length, nulls, depth);
        return length;
      }
      case RunEndEncoded -> {
        runEndEncoded(field, name, length, nulls, depth);
        return length;
      }
      default -> throw invalid(name, "type " + type + " cannot be received");
    }
  }

  private static int bitWidth(ArrowType type) {
    return switch (type.getTypeID()) {
      case Bool -> 1;
      case Int -> ((ArrowType.Int) type).getBitWidth();
      case FloatingPoint ->
          switch (((ArrowType.FloatingPoint) type).getPrecision()) {
            case HALF -> 16;
            case SINGLE -> 32;
            case DOUBLE -> 64;
          };
      case Decimal -> ((ArrowType.Decimal) type).getBitWidth();
      case Date ->
          ((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? 32 : 64;
      case Time -> ((ArrowType.Time) type).getBitWidth();
      case Timestamp, Duration -> 64;
      case Interval ->
          switch (((ArrowType.Interval) type).getUnit()) {
            case YEAR_MONTH -> 32;
            case DAY_TIME -> 64;
            case MONTH_DAY_NANO -> 128;
          };
      case FixedSizeBinary -> ((ArrowType.FixedSizeBinary) type).getByteWidth() * 8;
      default -> throw new IllegalStateException("not fixed-width: " + type);
    };
  }

  private ArrowBuf next(String name) {
    if (buffer >= buffers.size()) {
      throw new InvalidFlightDataException(
          "the record batch has " + buffers.size() + " buffers, too few for the schema");
    }
    return buffers.get(buffer++);
  }

  /** The validity buffer: read only when there are nulls (as Arrow C++ does), then counted. */
  private ArrowBuf validity(String name, long length, long nulls) {
    ArrowBuf bitmap = next(name);
    if (nulls == 0) {
      return null;
    }
    long need = (length + 7) / 8;
    if (bitmap.readableBytes() < need) {
      throw tooSmall(name, "validity", need, bitmap.readableBytes());
    }
    long valid = 0;
    long full = length / 64;
    long address = bitmap.memoryAddress();
    for (long i = 0; i < full; i++) {
      valid += Long.bitCount(MemoryUtil.getLong(address + i * 8));
    }
    for (long i = full * 64; i < length; i++) {
      valid += (bitmap.getByte(i >> 3) >> (i & 7)) & 1;
    }
    if (length - valid != nulls) {
      throw invalid(
          name,
          "null count "
              + nulls
              + " does not match the validity bitmap's "
              + (length - valid)
              + " nulls");
    }
    return bitmap;
  }

  private static boolean isNull(ArrowBuf validity, long i) {
    return validity != null && ((validity.getByte(i >> 3) >> (i & 7)) & 1) == 0;
  }

  private ArrowBuf fixedWidth(String name, long length, long nulls, int bits) {
    validity(name, length, nulls);
    ArrowBuf data = next(name);
    long need = (length * bits + 7) / 8;
    if (data.readableBytes() < need) {
      throw tooSmall(name, "data", need, data.readableBytes());
    }
    return data;
  }

  /**
   * A decimal32 or decimal64 column: its buffers as any fixed-width column's, and each valid value
   * within its precision, as Arrow C++'s ValidateFull checks ("Decimal value ... does not fit in
   * precision of ...").
   */
  private void narrowDecimals(String name, ArrowType.Decimal type, long length, long nulls) {
    ArrowBuf bitmap = validity(name, length, nulls);
    ArrowBuf data = next(name);
    int bytes = type.getBitWidth() / 8;
    if (data.readableBytes() < length * bytes) {
      throw tooSmall(name, "data", length * bytes, data.readableBytes());
    }
    long bound = 1;
    for (int i = 0; i < type.getPrecision(); i++) {
      bound *= 10;
    }
    for (long i = 0; i < length; i++) {
      long value = bytes == 4 ? data.getInt(i * 4) : data.getLong(i * 8);
      if ((value >= bound || value <= -bound) && !isNull(bitmap, i)) {
        throw invalid(
            name,
            "decimal value "
                + value
                + " does not fit in precision of decimal"
                + type.getBitWidth()
                + "("
                + type.getPrecision()
                + ", "
                + type.getScale()
                + ")");
      }
    }
  }

  /** Checks an offsets buffer; returns the last offset (0 for an empty array). */
  private long offsets(String name, ArrowBuf offsets, long length, int width) {
    if (length == 0) {
      if (offsets.readableBytes() >= width) {
        long first = width == 4 ? offsets.getInt(0) : offsets.getLong(0);
        if (first < 0) {
          throw invalid(name, "first offset " + first + " is negative");
        }
        return first;
      }
      return 0;
    }
    long need = (length + 1) * width;
    if (offsets.readableBytes() < need) {
      throw tooSmall(name, "offsets", need, offsets.readableBytes());
    }
    long previous = width == 4 ? offsets.getInt(0) : offsets.getLong(0);
    if (previous < 0) {
      throw invalid(name, "first offset " + previous + " is negative");
    }
    // Sizes are checked above: the loops read without a bounds check per value, one loop per
    // width (C1, which compiles the server's code, does not hoist the width test out of a loop).
    long address = offsets.memoryAddress();
    long fall = width == 4 ? fall32(address, length) : fall64(address, length);
    if (fall > 0) {
      long before =
          width == 4
              ? MemoryUtil.getInt(address + (fall - 1) * 4)
              : MemoryUtil.getLong(address + (fall - 1) * 8);
      long o =
          width == 4
              ? MemoryUtil.getInt(address + fall * 4)
              : MemoryUtil.getLong(address + fall * 8);
      throw invalid(name, "offsets fall at slot " + (fall - 1) + " (" + before + " to " + o + ")");
    }
    return width == 4
        ? MemoryUtil.getInt(address + length * 4)
        : MemoryUtil.getLong(address + length * 8);
  }

  /** The first index in 1..length whose 32-bit offset is below the one before it, or 0. */
  private static long fall32(long address, long length) {
    // Branch-free and four offsets a step: the sign of the differences' OR says whether any
    // offset falls (int differences cannot overflow a long), and only then is the slot looked
    // for. C1, which compiles the server's code, neither unrolls nor vectorises a loop, and a
    // compare and branch per value cost 7 % of a warm server's network thread under pyarrow's
    // uploads.
    long end = address + (length << 2);
    long p = address;
    long previous = MemoryUtil.getInt(p);
    long falls = 0;
    for (; p + 16 <= end; p += 16) {
      long a = MemoryUtil.getInt(p + 4);
      long b = MemoryUtil.getInt(p + 8);
      long c = MemoryUtil.getInt(p + 12);
      long d = MemoryUtil.getInt(p + 16);
      falls |= (a - previous) | (b - a) | (c - b) | (d - c);
      previous = d;
    }
    for (; p < end; p += 4) {
      long a = MemoryUtil.getInt(p + 4);
      falls |= a - previous;
      previous = a;
    }
    return falls < 0 ? firstFall(address, length, 4) : 0;
  }

  /** The slow path, once a fall is known to exist: the first index whose offset falls. */
  private static long firstFall(long address, long length, int width) {
    long previous = width == 4 ? MemoryUtil.getInt(address) : MemoryUtil.getLong(address);
    for (long i = 1; i <= length; i++) {
      long o =
          width == 4
              ? MemoryUtil.getInt(address + (i << 2))
              : MemoryUtil.getLong(address + (i << 3));
      if (o < previous) {
        return i;
      }
      previous = o;
    }
    return 0;
  }

  /** The first index in 1..length whose 64-bit offset is below the one before it, or 0. */
  private static long fall64(long address, long length) {
    // As fall32; the offsets themselves go into the OR too: when none is negative (the first is
    // checked to be 0 or more), no difference overflows, and a negative one is a fall anyway.
    long end = address + (length << 3);
    long p = address;
    long previous = MemoryUtil.getLong(p);
    long falls = 0;
    for (; p + 32 <= end; p += 32) {
      long a = MemoryUtil.getLong(p + 8);
      long b = MemoryUtil.getLong(p + 16);
      long c = MemoryUtil.getLong(p + 24);
      long d = MemoryUtil.getLong(p + 32);
      falls |= a | b | c | d | (a - previous) | (b - a) | (c - b) | (d - c);
      previous = d;
    }
    for (; p < end; p += 8) {
      long a = MemoryUtil.getLong(p + 8);
      falls |= a | (a - previous);
      previous = a;
    }
    return falls < 0 ? firstFall(address, length, 8) : 0;
  }

  private void variableWidth(String name, long length, long nulls, int width) {
    validity(name, length, nulls);
    ArrowBuf offsets = next(name);
    ArrowBuf data = next(name);
    long last = offsets(name, offsets, length, width);
    if (last > data.readableBytes()) {
      throw invalid(
          name,
          "last offset " + last + " is past the end of its " + data.readableBytes() + "-byte data");
    }
  }

  private void views(String name, long length, long nulls) {
    ArrowBuf validity = validity(name, length, nulls);
    ArrowBuf views = next(name);
    if (variadic >= variadicCounts.size()) {
      throw invalid(name, "the record batch has no variadic buffer count for this view column");
    }
    long count = variadicCounts.get(variadic++);
    if (count < 0 || count > buffers.size() - buffer) {
      throw invalid(name, "variadic buffer count " + count + " is more than the batch holds");
    }
    ArrowBuf[] data = new ArrowBuf[(int) count];
    for (int i = 0; i < count; i++) {
      data[i] = next(name);
    }
    long need = length * 16;
    if (views.readableBytes() < need) {
      throw tooSmall(name, "views", need, views.readableBytes());
    }
    long address = views.memoryAddress();
    for (long i = 0; i < length; i++) {
      if (isNull(validity, i)) {
        continue;
      }
      int size = MemoryUtil.getInt(address + i * 16);
      if (size < 0) {
        throw invalid(name, "view " + i + " has negative length " + size);
      }
      if (size <= 12) {
        // As Arrow C++'s full validation: the bytes after an inline value are zero.
        for (int b = 4 + size; b < 16; b++) {
          if (MemoryUtil.getByte(address + i * 16 + b) != 0) {
            throw invalid(
                name,
                "view " + i + " is inline with length " + size + " but its padding is not zero");
          }
        }
        continue;
      }
      int index = MemoryUtil.getInt(address + i * 16 + 8);
      int offset = MemoryUtil.getInt(address + i * 16 + 12);
      if (index < 0 || index >= count) {
        throw invalid(name, "view " + i + " points at data buffer " + index + " of " + count);
      }
      if (offset < 0 || (long) offset + size > data[index].readableBytes()) {
        throw invalid(
            name,
            "view "
                + i
                + " ("
                + offset
                + "+"
                + size
                + ") is past the end of its "
                + data[index].readableBytes()
                + "-byte data buffer");
      }
      if (MemoryUtil.getInt(address + i * 16 + 4) != data[index].getInt(offset)) {
        throw invalid(
            name, "view " + i + "'s prefix is not the first 4 bytes of its out-of-line data");
      }
    }
  }

  private long onlyChild(Field field, String name, int depth) {
    if (field.getChildren().size() != 1) {
      throw invalid(name, "has " + field.getChildren().size() + " children, needs 1");
    }
    Field child = field.getChildren().get(0);
    return field(child, name + "." + child.getName(), depth + 1);
  }

  private void list(Field field, String name, long length, long nulls, int width, int depth) {
    validity(name, length, nulls);
    long last = offsets(name, next(name), length, width);
    long got = onlyChild(field, name, depth);
    if (got < last) {
      throw invalid(name, "last offset " + last + " is past its child's " + got + " values");
    }
  }

  private void listView(Field field, String name, long length, long nulls, int width, int depth) {
    ArrowBuf validity = validity(name, length, nulls);
    ArrowBuf offsets = next(name);
    ArrowBuf sizes = next(name);
    long need = length * width;
    if (offsets.readableBytes() < need) {
      throw tooSmall(name, "offsets", need, offsets.readableBytes());
    }
    if (sizes.readableBytes() < need) {
      throw tooSmall(name, "sizes", need, sizes.readableBytes());
    }
    long got = onlyChild(field, name, depth);
    for (long i = 0; i < length; i++) {
      if (isNull(validity, i)) {
        continue;
      }
      long o = width == 4 ? offsets.getInt(i * 4) : offsets.getLong(i * 8);
      long s = width == 4 ? sizes.getInt(i * 4) : sizes.getLong(i * 8);
      if (o < 0 || s < 0 || o > got - s) {
        throw invalid(
            name, "list view " + i + " (" + o + "+" + s + ") is outside its child's " + got);
      }
    }
  }

  private void union(
      Field field, ArrowType.Union type, String name, long length, long nulls, int depth) {
    if (nulls != 0) {
      throw invalid(name, "a union has no validity bitmap, so its null count must be 0");
    }
    ArrowBuf types = next(name);
    ArrowBuf offsets = type.getMode() == UnionMode.Dense ? next(name) : null;
    if (types.readableBytes() < length) {
      throw tooSmall(name, "type ids", length, types.readableBytes());
    }
    if (offsets != null && offsets.readableBytes() < length * 4) {
      throw tooSmall(name, "offsets", length * 4, offsets.readableBytes());
    }
    List<Field> children = field.getChildren();
    int[] ids = type.getTypeIds();
    if (ids != null && ids.length != children.size()) {
      throw invalid(name, "has " + ids.length + " type ids for " + children.size() + " children");
    }
    int[] childOf = new int[128];
    java.util.Arrays.fill(childOf, -1);
    for (int i = 0; i < children.size(); i++) {
      int id = ids == null ? i : ids[i];
      if (id < 0 || id > 127) {
        throw invalid(name, "type id " + id + " is outside 0..127");
      }
      childOf[id] = i;
    }
    long[] childLengths = new long[children.size()];
    for (int i = 0; i < children.size(); i++) {
      Field child = children.get(i);
      String childName = name + "." + child.getName();
      childLengths[i] = field(child, childName, depth + 1);
      if (offsets == null && childLengths[i] < length) {
        throw invalid(
            childName, "has " + childLengths[i] + " rows, fewer than its sparse union's " + length);
      }
    }
    for (long i = 0; i < length; i++) {
      int id = types.getByte(i);
      int child = id < 0 ? -1 : childOf[id];
      if (child < 0) {
        throw invalid(name, "slot " + i + " has type id " + id + ", not one of the union's");
      }
      if (offsets != null) {
        int o = offsets.getInt(i * 4);
        if (o < 0 || o >= childLengths[child]) {
          throw invalid(
              name,
              "slot "
                  + i
                  + " has offset "
                  + o
                  + " outside its child's "
                  + childLengths[child]
                  + " values");
        }
      }
    }
  }

  private void runEndEncoded(Field field, String name, long length, long nulls, int depth) {
    if (nulls != 0) {
      throw invalid(name, "a run-end encoded array has no validity bitmap: null count must be 0");
    }
    if (field.getChildren().size() != 2) {
      throw invalid(name, "run-end encoded needs 2 children, has " + field.getChildren().size());
    }
    Field runEndsField = field.getChildren().get(0);
    if (!(runEndsField.getType() instanceof ArrowType.Int runEndType)
        || !runEndType.getIsSigned()
        || runEndType.getBitWidth() < 16) {
      throw invalid(name, "run ends must be int16, int32 or int64");
    }
    int runEndsNode = node;
    int runEndsBuffer = buffer;
    long runs = field(runEndsField, name + "." + runEndsField.getName(), depth + 1);
    long values = field(field.getChildren().get(1), name + ".values", depth + 1);
    if (nodes.get(runEndsNode).getNullCount() != 0) {
      throw invalid(name, "run ends must not be null");
    }
    if (length > 0 && runs == 0) {
      throw invalid(name, "has " + length + " rows but no runs");
    }
    if (values < runs) {
      throw invalid(name, "has " + runs + " runs but only " + values + " values");
    }
    ArrowBuf ends = buffers.get(runEndsBuffer + 1);
    int width = runEndType.getBitWidth() / 8;
    long previous = 0;
    for (long i = 0; i < runs; i++) {
      long end =
          switch (width) {
            case 2 -> ends.getShort(i * 2);
            case 4 -> ends.getInt(i * 4);
            default -> ends.getLong(i * 8);
          };
      if (end <= previous) {
        throw invalid(name, "run ends must be positive and rise strictly (run " + i + ")");
      }
      previous = end;
    }
    if (length > 0 && previous < length) {
      throw invalid(name, "last run end " + previous + " is short of length " + length);
    }
  }

  private void checkIndices(
      String name, ArrowType.Int type, ArrowBuf data, long length, long nulls, long id) {
    long size = dictionaries.applyAsLong(id);
    if (size < 0) {
      throw invalid(
          name,
          "dictionary "
              + id
              + " has not been received: send each dictionary before the first record batch");
    }
    ArrowBuf validity = nulls == 0 ? null : buffers.get(buffer - 2);
    int width = type.getBitWidth() / 8;
    boolean signed = type.getIsSigned();
    long address = data.memoryAddress();
    for (long i = 0; i < length; i++) {
      if (isNull(validity, i)) {
        continue;
      }
      long at = address + i * width;
      long index =
          switch (width) {
            case 1 -> signed ? MemoryUtil.getByte(at) : MemoryUtil.getByte(at) & 0xFF;
            case 2 -> signed ? MemoryUtil.getShort(at) : MemoryUtil.getShort(at) & 0xFFFF;
            case 4 -> signed ? MemoryUtil.getInt(at) : MemoryUtil.getInt(at) & 0xFFFFFFFFL;
            default -> MemoryUtil.getLong(at);
          };
      if (index < 0 || index >= size) {
        throw invalid(
            name,
            "index "
                + (width == 8 && !signed ? Long.toUnsignedString(index) : index)
                + " at slot "
                + i
                + " is outside dictionary "
                + id
                + " of "
                + size
                + " values");
      }
    }
  }

  private static InvalidFlightDataException invalid(String name, String rule) {
    return new InvalidFlightDataException("column '" + name + "': " + rule);
  }

  private static InvalidFlightDataException tooSmall(
      String name, String buffer, long need, long got) {
    return invalid(
        name, "the " + buffer + " buffer holds " + got + " bytes, its length needs " + need);
  }
}
