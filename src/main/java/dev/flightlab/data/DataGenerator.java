package dev.flightlab.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Makes deterministic synthetic tables for a schema: the same schema, options, row count and batch
 * size always give the same bytes.
 *
 * <p>Every column of every batch draws from its own {@link SplittableRandom}, seeded from (seed,
 * the column's position in the schema, the batch index), so a batch does not depend on the batches
 * before it and a column does not depend on the other columns' types. Nulls come from a second
 * stream per column, so changing {@link GeneratorOptions#nullFraction()} changes which values are
 * null, not the values themselves. Buffers are written directly (no per-value vector calls) and
 * wrapped in {@link ArrowRecordBatch}es.
 *
 * <p>Values: integers cover their type's whole range; floats are uniform in [-10^6, 10^6); decimals
 * have up to min(precision - 1, 18) digits (at least 1) of either sign; dates and timestamps lie in
 * the year before {@link #EPOCH_SECONDS} (fixed, not the clock); utf8 values are ASCII letters,
 * digits, '-' and '_'; binary values are arbitrary bytes; lists hold 0..{@link #MAX_LIST_LENGTH}
 * elements (mean 4); dictionary fields get uniform int32 indices into a dictionary of distinct utf8
 * values, built once per field and shared by all batches. With a cardinality N &gt; 0 each column
 * draws its values from N keys fixed per column (so at most N distinct values, across all batches).
 */
public final class DataGenerator {
  /** Dates and timestamps lie in the year before this instant, 2025-01-01T00:00:00Z. */
  public static final long EPOCH_SECONDS = 1_735_689_600L;

  /** The most elements a generated list value holds; lengths are uniform in 0..this. */
  public static final int MAX_LIST_LENGTH = 8;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long NULL_SALT = 0x5DEECE66DL;
  private static final long LENGTH_SALT = 0xC2B2AE3D27D4EB4FL;
  private static final long DICTIONARY_SALT = 0x165667B19E3779F9L;
  private static final long SECONDS_PER_DAY = 86_400;
  private static final long DAYS_PER_YEAR = 365;
  private static final int CHUNK = 4096; // a multiple of 64
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);

  /** Two ALPHABET characters per entry, little-endian, indexed by 12 random bits. */
  private static final long[] PAIRS = new long[4096];

  static {
    for (int i = 0; i < PAIRS.length; i++) {
      PAIRS[i] = (ALPHABET[i & 63] & 0xFFL) | (ALPHABET[i >>> 6] & 0xFFL) << 8;
    }
  }

  private DataGenerator() {}

  /**
   * Generates {@code rows} rows split into batches of {@code batchRows} (the last one shorter; no
   * batches at all when rows is 0), plus one dictionary per dictionary-encoded field.
   *
   * <p>The caller owns the result and must close it. Buffers come from {@code allocator}; if
   * generation fails, everything allocated so far is freed before the exception propagates.
   *
   * @throws IllegalArgumentException for negative rows, batchRows &lt; 1 or a field type the
   *     generator does not know
   */
  public static BatchSet generate(
      Schema schema,
      long rows,
      int batchRows,
      GeneratorOptions options,
      BufferAllocator allocator) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(allocator, "allocator");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, not " + rows);
    }
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be >= 1, not " + batchRows);
    }
    BatchSet.Builder out = BatchSet.builder(schema);
    try {
      Map<Long, Integer> dictionarySizes = new HashMap<>();
      addDictionaries(schema.getFields(), options, allocator, out, dictionarySizes);
      long batchCount = (rows + batchRows - 1) / batchRows;
      for (long b = 0; b < batchCount; b++) {
        int n = (int) Math.min(batchRows, rows - b * batchRows);
        // the set takes ownership of the batch
        out.add(generateBatch(schema, b, n, options, dictionarySizes, allocator), null);
      }
      return out.build();
    } catch (RuntimeException | Error e) {
      try {
        out.build().close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** One batch; independent of every other batch. The caller owns the result. */
  static ArrowRecordBatch generateBatch(
      Schema schema,
      long batchIndex,
      int rows,
      GeneratorOptions options,
      Map<Long, Integer> dictionarySizes,
      BufferAllocator allocator) {
    BatchWriter writer = new BatchWriter(options, allocator, dictionarySizes, batchIndex);
    try {
      List<Field> fields = schema.getFields();
      for (int i = 0; i < fields.size(); i++) {
        writer.write(fields.get(i), rows, childSalt(mix(options.seed()), i));
      }
      // the batch retains every buffer; the finally block drops the writer's own references
      return new ArrowRecordBatch(rows, writer.nodes, writer.buffers);
    } finally {
      writer.releaseBuffers();
    }
  }

  private static long childSalt(long parentSalt, int childIndex) {
    return mix(parentSalt + GOLDEN * (childIndex + 1L));
  }

  /** SplitMix64's finaliser: a bijective 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void addDictionaries(
      List<Field> fields,
      GeneratorOptions options,
      BufferAllocator allocator,
      BatchSet.Builder out,
      Map<Long, Integer> sizes) {
    for (Field field : fields) {
      DictionaryEncoding encoding = field.getDictionary();
      if (encoding != null && !sizes.containsKey(encoding.getId())) {
        int size = dictionarySize(field, encoding, options);
        sizes.put(encoding.getId(), size);
        // the builder owns the dictionary's vector from here on
        out.dictionary(
            new Dictionary(dictionaryVector(field, encoding, size, options, allocator), encoding));
      }
      addDictionaries(field.getChildren(), options, allocator, out, sizes);
    }
  }

  private static int dictionarySize(
      Field field, DictionaryEncoding encoding, GeneratorOptions options) {
    int size = options.dictionarySize();
    int bits = encoding.getIndexType().getBitWidth();
    if (bits < 32) {
      size = Math.min(size, 1 << (bits - 1));
    }
    if (size < 1) {
      throw new IllegalArgumentException("dictionary for field '" + field.getName() + "' is empty");
    }
    return size;
  }

  /** Distinct utf8 values: random letters ending in the entry's zero-padded base-36 number. */
  private static VarCharVector dictionaryVector(
      Field field,
      DictionaryEncoding encoding,
      int size,
      GeneratorOptions options,
      BufferAllocator allocator) {
    int digits = Long.toString(size - 1, 36).length();
    long salt = mix(options.seed() ^ DICTIONARY_SALT) + GOLDEN * encoding.getId();
    StringGen strings = new StringGen(options.stringLength());
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += Math.max(strings.length(mix(salt + GOLDEN * i)), digits);
    }
    VarCharVector vector =
        new VarCharVector(
            new Field(field.getName(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            allocator);
    try {
      vector.allocateNew(total, size);
      byte[] value = new byte[0];
      for (int i = 0; i < size; i++) {
        long key = mix(salt + GOLDEN * i);
        int length = Math.max(strings.length(key), digits);
        if (value.length != length) {
          value = new byte[length];
        }
        strings.fillText(key, value, length - digits);
        String number = Long.toString(i, 36);
        for (int d = 0; d < digits; d++) {
          int from = d - (digits - number.length());
          value[length - digits + d] = from < 0 ? (byte) '0' : (byte) number.charAt(from);
        }
        vector.set(i, value);
      }
      vector.setValueCount(size);
      return vector;
    } catch (RuntimeException | Error e) {
      vector.close();
      throw e;
    }
  }

  /** The value kinds the generator writes, resolved once per field. */
  private enum Kind {
    BOOL,
    INT8,
    INT16,
    INT32,
    INT64,
    FLOAT32,
    FLOAT64,
    DECIMAL,
    DATE32,
    TIMESTAMP,
    UTF8,
    LARGE_UTF8,
    BINARY,
    LIST,
    STRUCT,
    DICTIONARY
  }

  private static Kind kindOf(Field field) {
    if (field.getDictionary() != null) {
      return Kind.DICTIONARY;
    }
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return Kind.BOOL;
      case Int:
        switch (((ArrowType.Int) type).getBitWidth()) {
          case 8:
            return Kind.INT8;
          case 16:
            return Kind.INT16;
          case 32:
            return Kind.INT32;
          default:
            return Kind.INT64;
        }
      case FloatingPoint:
        switch (((ArrowType.FloatingPoint) type).getPrecision()) {
          case SINGLE:
            return Kind.FLOAT32;
          case DOUBLE:
            return Kind.FLOAT64;
          default:
            break;
        }
        break;
      case Decimal:
        return Kind.DECIMAL;
      case Date:
        if (((ArrowType.Date) type).getUnit() == DateUnit.DAY) {
          return Kind.DATE32;
        }
        break;
      case Timestamp:
        return Kind.TIMESTAMP;
      case Utf8:
        return Kind.UTF8;
      case LargeUtf8:
        return Kind.LARGE_UTF8;
      case Binary:
        return Kind.BINARY;
      case List:
        return Kind.LIST;
      case Struct:
        return Kind.STRUCT;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "cannot generate field '" + field.getName() + "' of type " + type);
  }

  /** Writes one batch's buffers, in the pre-order an {@link ArrowRecordBatch} lists them. */
  private static final class BatchWriter {
    final List<ArrowFieldNode> nodes = new ArrayList<>();
    final List<ArrowBuf> buffers = new ArrayList<>();
    private final GeneratorOptions options;
    private final BufferAllocator allocator;
    private final Map<Long, Integer> dictionarySizes;
    private final long batchIndex;
    private final long[] raw = new long[CHUNK];
    private final StringGen strings;

    BatchWriter(
        GeneratorOptions options,
        BufferAllocator allocator,
        Map<Long, Integer> dictionarySizes,
        long batchIndex) {
      this.options = options;
      this.allocator = allocator;
      this.dictionarySizes = dictionarySizes;
      this.batchIndex = batchIndex;
      this.strings = new StringGen(options.stringLength());
    }

    void releaseBuffers() {
      for (ArrowBuf b : buffers) {
        b.close();
      }
    }

    /** A buffer of exactly {@code bytes} readable bytes, listed in this batch's buffers. */
    private ArrowBuf allocate(long bytes) {
      ArrowBuf buf = allocator.buffer(bytes);
      buffers.add(buf);
      buf.writerIndex(bytes);
      return buf;
    }

    /**
     * Writes {@code count} values of {@code field}. {@code salt} identifies the column (seed and
     * position) independently of the batch; values drawn under a cardinality limit depend on it
     * alone, so they repeat across batches.
     */
    void write(Field field, int count, long salt) {
      Kind kind = kindOf(field);
      long streamSeed = mix(salt ^ mix(batchIndex + GOLDEN));
      ArrowBuf validity = allocate((count + 7L) / 8);
      boolean hasNulls = field.isNullable() && options.nullFraction() > 0;
      int nullCount = writeValidity(validity, count, hasNulls, streamSeed);
      nodes.add(new ArrowFieldNode(count, nullCount));
      SplittableRandom random = new SplittableRandom(streamSeed);
      switch (kind) {
        case UTF8:
        case LARGE_UTF8:
        case BINARY:
          writeVariableWidth(kind, count, streamSeed, salt, hasNulls ? validity : null);
          break;
        case LIST:
          writeList(field, count, random, salt, hasNulls ? validity : null);
          break;
        case STRUCT:
          for (int c = 0; c < field.getChildren().size(); c++) {
            write(field.getChildren().get(c), count, childSalt(salt, c));
          }
          break;
        case DICTIONARY:
          writeIndices(field, count, random);
          break;
        default:
          writeFixedWidth(field, kind, count, random, salt);
      }
    }

    private int writeValidity(ArrowBuf validity, int count, boolean hasNulls, long streamSeed) {
      int fullBytes = count / 8;
      int tail = count % 8;
      if (!hasNulls) {
        validity.setOne(0L, fullBytes);
        if (tail > 0) {
          validity.setByte(fullBytes, (1 << tail) - 1);
        }
        return 0;
      }
      SplittableRandom nulls = new SplittableRandom(mix(streamSeed ^ NULL_SALT));
      double fraction = options.nullFraction();
      int nullCount = 0;
      for (int i = 0; i < count; i += 8) {
        int bits = 0;
        int n = Math.min(8, count - i);
        for (int b = 0; b < n; b++) {
          if (nulls.nextDouble() >= fraction) {
            bits |= 1 << b;
          } else {
            nullCount++;
          }
        }
        validity.setByte(i >>> 3, bits);
      }
      return nullCount;
    }

    /** Fills raw[0..n) with this column's next n draws: random bits, or keys under a limit. */
    private void fillRaw(int n, SplittableRandom random, long salt) {
      long cardinality = options.cardinality();
      if (cardinality == 0) {
        for (int j = 0; j < n; j++) {
          raw[j] = random.nextLong();
        }
      } else {
        for (int j = 0; j < n; j++) {
          raw[j] = mix(salt + GOLDEN * random.nextLong(cardinality));
        }
      }
    }

    private long nextRaw(SplittableRandom random, long salt) {
      long cardinality = options.cardinality();
      return cardinality == 0
          ? random.nextLong()
          : mix(salt + GOLDEN * random.nextLong(cardinality));
    }

    private void writeFixedWidth(
        Field field, Kind kind, int count, SplittableRandom random, long salt) {
      ArrowType type = field.getType();
      long unitsPerSecond = 1;
      int decimalDigits = 0;
      if (kind == Kind.TIMESTAMP) {
        unitsPerSecond = unitsPerSecond((ArrowType.Timestamp) type);
      } else if (kind == Kind.DECIMAL) {
        // one digit short of the precision: Arrow Java's DecimalVector.validateScalars rejects a
        // value whose precision equals the type's (DecimalUtility.checkPrecisionAndScaleNoThrow)
        int precision = ((ArrowType.Decimal) type).getPrecision();
        decimalDigits = Math.max(1, Math.min(18, precision - 1));
      }
      long width =
          kind == Kind.DECIMAL ? ((ArrowType.Decimal) type).getBitWidth() / 8 : byteWidth(kind);
      ArrowBuf data = allocate(kind == Kind.BOOL ? (count + 7L) / 8 : count * width);
      long decimalBound = pow10(decimalDigits);
      long epochUnits = EPOCH_SECONDS * unitsPerSecond;
      long yearUnits = DAYS_PER_YEAR * SECONDS_PER_DAY * unitsPerSecond;
      long epochDays = EPOCH_SECONDS / SECONDS_PER_DAY;
      for (int base = 0; base < count; base += CHUNK) {
        int n = Math.min(CHUNK, count - base);
        fillRaw(n, random, salt);
        long index = base;
        switch (kind) {
          case BOOL:
            for (int j = 0; j < n; j += 8) {
              int bits = 0;
              int m = Math.min(8, n - j);
              for (int b = 0; b < m; b++) {
                bits |= (int) (raw[j + b] & 1) << b;
              }
              data.setByte((base + j) >>> 3, bits);
            }
            break;
          case INT8:
            for (int j = 0; j < n; j++) {
              data.setByte(index + j, (byte) raw[j]);
            }
            break;
          case INT16:
            for (int j = 0; j < n; j++) {
              data.setShort((index + j) * 2, (short) raw[j]);
            }
            break;
          case INT32:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 4, (int) raw[j]);
            }
            break;
          case INT64:
            for (int j = 0; j < n; j++) {
              data.setLong((index + j) * 8, raw[j]);
            }
            break;
          case FLOAT32:
            for (int j = 0; j < n; j++) {
              data.setFloat((index + j) * 4, (float) toDouble(raw[j]));
            }
            break;
          case FLOAT64:
            for (int j = 0; j < n; j++) {
              data.setDouble((index + j) * 8, toDouble(raw[j]));
            }
            break;
          case DECIMAL:
            for (int j = 0; j < n; j++) {
              long unscaled = raw[j] % decimalBound;
              long at = (index + j) * width;
              if (width == 4) {
                data.setInt(at, (int) unscaled); // decimal32: at most 8 digits
              } else {
                data.setLong(at, unscaled); // little-endian low word
                for (long word = 8; word < width; word += 8) {
                  data.setLong(at + word, unscaled >> 63); // sign extension
                }
              }
            }
            break;
          case DATE32:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 4, (int) (epochDays - Math.floorMod(raw[j], 365)));
            }
            break;
          case TIMESTAMP:
            for (int j = 0; j < n; j++) {
              data.setLong((index + j) * 8, epochUnits - Math.floorMod(raw[j], yearUnits));
            }
            break;
          default:
            throw new IllegalStateException("not fixed-width: " + kind);
        }
      }
    }

    private void writeIndices(Field field, int count, SplittableRandom random) {
      DictionaryEncoding encoding = field.getDictionary();
      int size = dictionarySizes.get(encoding.getId());
      int width = encoding.getIndexType().getBitWidth() / 8;
      ArrowBuf data = allocate((long) count * width);
      for (int i = 0; i < count; i++) {
        int index = random.nextInt(size);
        switch (width) {
          case 1:
            data.setByte(i, index);
            break;
          case 2:
            data.setShort((long) i * 2, (short) index);
            break;
          case 4:
            data.setInt((long) i * 4, index);
            break;
          default:
            data.setLong((long) i * 8, index);
        }
      }
    }

    private void writeList(
        Field field, int count, SplittableRandom random, long salt, ArrowBuf validity) {
      ArrowBuf offsets = allocate((count + 1L) * 4);
      long total = 0;
      offsets.setInt(0, 0);
      for (int i = 0; i < count; i++) {
        int length = random.nextInt(MAX_LIST_LENGTH + 1);
        if (validity == null || isValid(validity, i)) {
          total += length;
        }
        if (total > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "list field '" + field.getName() + "' would exceed 2^31 elements in one batch");
        }
        offsets.setInt((i + 1L) * 4, (int) total);
      }
      write(field.getChildren().get(0), (int) total, childSalt(salt, 0));
    }

    private void writeVariableWidth(
        Kind kind, int count, long streamSeed, long salt, ArrowBuf validity) {
      boolean large = kind == Kind.LARGE_UTF8;
      boolean binary = kind == Kind.BINARY;
      // pass 1: the data size, from the same draws pass 2 makes
      SplittableRandom random = new SplittableRandom(streamSeed);
      long total = 0;
      for (int i = 0; i < count; i++) {
        long key = nextRaw(random, salt);
        if (validity == null || isValid(validity, i)) {
          total += strings.length(key);
        }
      }
      if (!large && total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "a batch of "
                + count
                + " "
                + (binary ? "binary" : "utf8")
                + " values averaging "
                + options.stringLength()
                + " bytes exceeds 2 GiB; use smaller batches or large_utf8");
      }
      ArrowBuf offsets = allocate((count + 1L) * (large ? 8 : 4));
      ArrowBuf data = allocate(total);
      random = new SplittableRandom(streamSeed);
      long offset = 0;
      if (large) {
        offsets.setLong(0, 0);
      } else {
        offsets.setInt(0, 0);
      }
      for (int i = 0; i < count; i++) {
        long key = nextRaw(random, salt);
        if (validity == null || isValid(validity, i)) {
          int length = strings.length(key);
          if (binary) {
            strings.writeBytes(key, data, offset, length);
          } else {
            strings.writeText(key, data, offset, length);
          }
          offset += length;
        }
        if (large) {
          offsets.setLong((i + 1L) * 8, offset);
        } else {
          offsets.setInt((i + 1L) * 4, (int) offset);
        }
      }
    }
  }

  private static boolean isValid(ArrowBuf validity, int index) {
    return ((validity.getByte(index >>> 3) >>> (index & 7)) & 1) != 0;
  }

  private static long byteWidth(Kind kind) {
    switch (kind) {
      case INT8:
        return 1;
      case INT16:
        return 2;
      case INT32:
      case FLOAT32:
      case DATE32:
        return 4;
      case DECIMAL:
        return 16;
      default:
        return 8;
    }
  }

  private static long unitsPerSecond(ArrowType.Timestamp type) {
    switch (type.getUnit()) {
      case SECOND:
        return 1;
      case MILLISECOND:
        return 1_000;
      case MICROSECOND:
        return 1_000_000;
      default:
        return 1_000_000_000;
    }
  }

  private static long pow10(int digits) {
    long p = 1;
    for (int i = 0; i < digits; i++) {
      p *= 10;
    }
    return p;
  }

  /** Uniform in [-10^6, 10^6). */
  private static double toDouble(long raw) {
    return (raw >>> 11) * 0x1.0p-53 * 2e6 - 1e6;
  }

  /** String lengths and contents as pure functions of a 64-bit key. */
  private static final class StringGen {
    private final int averageLength;
    private final int spread;

    StringGen(int averageLength) {
      this.averageLength = averageLength;
      this.spread = averageLength / 4;
    }

    /** averageLength +- a quarter of it, uniform, so the mean is averageLength. */
    int length(long key) {
      if (spread == 0) {
        return averageLength;
      }
      return averageLength - spread + (int) Math.floorMod(mix(key ^ LENGTH_SALT), 2 * spread + 1);
    }

    /** Writes {@code length} characters at {@code at}, eight per store where it can. */
    void writeText(long key, ArrowBuf data, long at, int length) {
      long state = key;
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        long z = mix(state += GOLDEN);
        long packed =
            PAIRS[(int) z & 4095]
                | PAIRS[(int) (z >>> 12) & 4095] << 16
                | PAIRS[(int) (z >>> 24) & 4095] << 32
                | PAIRS[(int) (z >>> 36) & 4095] << 48;
        data.setLong(at + i, packed); // little-endian: character k is byte k
      }
      if (i < length) {
        long z = mix(state += GOLDEN);
        for (int k = 0; i < length; k++, i++) {
          data.setByte(at + i, ALPHABET[(int) (z >>> (6 * k)) & 63]);
        }
      }
    }

    /** Writes {@code length} random bytes at {@code at}. */
    void writeBytes(long key, ArrowBuf data, long at, int length) {
      long state = key;
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        data.setLong(at + i, mix(state += GOLDEN));
      }
      if (i < length) {
        long z = mix(state += GOLDEN);
        for (int k = 0; i < length; k++, i++) {
          data.setByte(at + i, (byte) (z >>> (8 * k)));
        }
      }
    }

    /** Text for {@code value[0..length)}, the same characters writeText gives. */
    void fillText(long key, byte[] value, int length) {
      long state = key;
      for (int i = 0; i < length; i += 8) {
        long z = mix(state += GOLDEN);
        for (int k = 0; k < 8 && i + k < length; k++) {
          value[i + k] = ALPHABET[(int) (z >>> (6 * k)) & 63];
        }
      }
    }
  }
}
