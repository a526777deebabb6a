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
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
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
 * <p>Values: integers cover their type's whole range; floats are uniform in [-10^6, 10^6) (float16
 * in [-1000, 1000)); decimals have up to min(precision - 1, 18) digits (at least 1) of either sign;
 * dates and timestamps lie in the year before {@link #EPOCH_SECONDS} (fixed, not the clock; date64
 * at midnight); times anywhere in the day; durations within a year either way; intervals have
 * -120..120 months, -365..365 days and the day's milliseconds or nanoseconds; utf8 values (of every
 * kind) are ASCII letters, digits, '-' and '_'; binary values (of every kind, fixed-size too) are
 * arbitrary bytes; view values of up to 12 bytes lie inline, longer ones in one data buffer; lists
 * of every kind and maps hold 0..{@link #MAX_LIST_LENGTH} elements (mean 4); union slots pick a
 * member uniformly; run-end encoded fields have runs of 1..{@link #MAX_RUN_LENGTH} values;
 * dictionary fields get uniform indices into a dictionary of distinct utf8 values (or, with {@link
 * SchemaWithDictionaries}, of values of any type, drawn as above without nulls), built once per
 * field and shared by all batches. With a cardinality N &gt; 0 each leaf column draws its values
 * from N keys fixed per column (so at most N distinct values, across all batches).
 */
public final class DataGenerator {
  /** Dates and timestamps lie in the year before this instant, 2025-01-01T00:00:00Z. */
  public static final long EPOCH_SECONDS = 1_735_689_600L;

  /** The most elements a generated list value holds; lengths are uniform in 0..this. */
  public static final int MAX_LIST_LENGTH = 8;

  /** The longest run of a generated run-end encoded field; run lengths are uniform in 1..this. */
  public static final int MAX_RUN_LENGTH = 8;

  /** A view value of up to this many bytes lies inside its view (Arrow's columnar format). */
  private static final int VIEW_INLINE_BYTES = 12;

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
    return generate(SchemaWithDictionaries.of(schema), rows, batchRows, options, allocator);
  }

  /**
   * Like {@link #generate(Schema, long, int, GeneratorOptions, BufferAllocator)}, with each
   * dictionary's values of the type {@code spec} names ({@link SchemaSpec#parseWithDictionaries}).
   */
  public static BatchSet generate(
      SchemaWithDictionaries spec,
      long rows,
      int batchRows,
      GeneratorOptions options,
      BufferAllocator allocator) {
    Objects.requireNonNull(spec, "spec");
    Schema schema = spec.schema();
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
      addDictionaries(
          schema.getFields(), spec.dictionaryValues(), options, allocator, out, dictionarySizes);
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
      return writer.batch(rows);
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
      Map<Long, Field> values,
      GeneratorOptions options,
      BufferAllocator allocator,
      BatchSet.Builder out,
      Map<Long, Integer> sizes) {
    for (Field field : fields) {
      DictionaryEncoding encoding = field.getDictionary();
      if (encoding != null && !sizes.containsKey(encoding.getId())) {
        int size = dictionarySize(field, encoding, options);
        sizes.put(encoding.getId(), size);
        Field valueField = values.get(encoding.getId());
        FieldVector vector =
            valueField == null || valueField.getType() instanceof ArrowType.Utf8
                ? dictionaryVector(field, encoding, size, options, allocator)
                : valueVector(valueField, encoding, size, options, allocator);
        // the builder owns the dictionary's vector from here on
        out.dictionary(new Dictionary(vector, encoding));
      }
      addDictionaries(field.getChildren(), values, options, allocator, out, sizes);
    }
  }

  /**
   * {@code size} values of {@code valueField}'s type, drawn as one batch of a column of their own
   * (no nulls, no cardinality limit: null indices stand for nulls, and the dictionary's size is the
   * limit).
   */
  private static FieldVector valueVector(
      Field valueField,
      DictionaryEncoding encoding,
      int size,
      GeneratorOptions options,
      BufferAllocator allocator) {
    GeneratorOptions valueOptions = options.withNullFraction(0).withCardinality(0);
    BatchWriter writer = new BatchWriter(valueOptions, allocator, Map.of(), -1 - encoding.getId());
    FieldVector vector = IpcSchemas.createVector(valueField, allocator);
    try {
      long salt = mix(options.seed() ^ DICTIONARY_SALT) + GOLDEN * encoding.getId();
      writer.write(valueField, size, salt);
      try (ArrowRecordBatch batch = writer.batch(size)) {
        // the loader retains the batch's buffers into the vector
        new VectorLoader(new VectorSchemaRoot(List.of(vector))).load(batch);
      }
      return vector;
    } catch (RuntimeException | Error e) {
      vector.close();
      throw e;
    } finally {
      writer.releaseBuffers();
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
    DICTIONARY,
    FLOAT16,
    DATE64,
    TIME32,
    TIME64,
    DURATION,
    INTERVAL_YEAR_MONTH,
    INTERVAL_DAY_TIME,
    INTERVAL_MONTH_DAY_NANO,
    FIXED_SIZE_BINARY,
    LARGE_BINARY,
    UTF8_VIEW,
    BINARY_VIEW,
    LARGE_LIST,
    LIST_VIEW,
    LARGE_LIST_VIEW,
    FIXED_SIZE_LIST,
    MAP,
    SPARSE_UNION,
    DENSE_UNION,
    RUN_END_ENCODED
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
            return Kind.FLOAT16;
        }
      case Decimal:
        return Kind.DECIMAL;
      case Date:
        return ((ArrowType.Date) type).getUnit() == DateUnit.DAY ? Kind.DATE32 : Kind.DATE64;
      case Time:
        return ((ArrowType.Time) type).getBitWidth() == 32 ? Kind.TIME32 : Kind.TIME64;
      case Duration:
        return Kind.DURATION;
      case Interval:
        switch (((ArrowType.Interval) type).getUnit()) {
          case YEAR_MONTH:
            return Kind.INTERVAL_YEAR_MONTH;
          case DAY_TIME:
            return Kind.INTERVAL_DAY_TIME;
          default:
            return Kind.INTERVAL_MONTH_DAY_NANO;
        }
      case FixedSizeBinary:
        return Kind.FIXED_SIZE_BINARY;
      case LargeBinary:
        return Kind.LARGE_BINARY;
      case Utf8View:
        return Kind.UTF8_VIEW;
      case BinaryView:
        return Kind.BINARY_VIEW;
      case LargeList:
        return Kind.LARGE_LIST;
      case ListView:
        return Kind.LIST_VIEW;
      case LargeListView:
        return Kind.LARGE_LIST_VIEW;
      case FixedSizeList:
        return Kind.FIXED_SIZE_LIST;
      case Map:
        return Kind.MAP;
      case Union:
        return ((ArrowType.Union) type).getMode() == UnionMode.Sparse
            ? Kind.SPARSE_UNION
            : Kind.DENSE_UNION;
      case RunEndEncoded:
        return Kind.RUN_END_ENCODED;
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
    final List<Long> variadicBufferCounts = new ArrayList<>();
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

    /** What was written, as a batch of {@code rows} rows retaining every buffer. */
    ArrowRecordBatch batch(int rows) {
      return variadicBufferCounts.isEmpty()
          ? new ArrowRecordBatch(rows, nodes, buffers)
          : new ArrowRecordBatch(
              rows,
              nodes,
              buffers,
              NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
              variadicBufferCounts,
              true);
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
      SplittableRandom random = new SplittableRandom(streamSeed);
      switch (kind) {
        case SPARSE_UNION:
        case DENSE_UNION:
          // no validity bitmap: a union's nulls are its members' nulls
          nodes.add(new ArrowFieldNode(count, 0));
          writeUnion(field, kind == Kind.DENSE_UNION, count, random, salt);
          return;
        case RUN_END_ENCODED:
          // no buffers of its own: nulls are null values
          nodes.add(new ArrowFieldNode(count, 0));
          writeRunEndEncoded(field, count, random, salt);
          return;
        default:
          break;
      }
      ArrowBuf validity = allocate((count + 7L) / 8);
      boolean hasNulls = field.isNullable() && options.nullFraction() > 0;
      int nullCount = writeValidity(validity, count, hasNulls, streamSeed);
      nodes.add(new ArrowFieldNode(count, nullCount));
      switch (kind) {
        case UTF8:
        case LARGE_UTF8:
        case BINARY:
        case LARGE_BINARY:
          writeVariableWidth(kind, count, streamSeed, salt, hasNulls ? validity : null);
          break;
        case UTF8_VIEW:
        case BINARY_VIEW:
          writeViews(kind, count, streamSeed, salt, hasNulls ? validity : null);
          break;
        case LIST:
        case LARGE_LIST:
        case LIST_VIEW:
        case LARGE_LIST_VIEW:
        case MAP:
          writeList(field, kind, count, random, salt, hasNulls ? validity : null);
          break;
        case FIXED_SIZE_LIST:
          {
            long total = (long) count * ((ArrowType.FixedSizeList) field.getType()).getListSize();
            if (total > Integer.MAX_VALUE) {
              throw tooManyElements(field);
            }
            write(field.getChildren().get(0), (int) total, childSalt(salt, 0));
          }
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
      } else if (kind == Kind.TIME32 || kind == Kind.TIME64) {
        unitsPerSecond = unitsPerSecond(((ArrowType.Time) type).getUnit());
      } else if (kind == Kind.DURATION) {
        unitsPerSecond = unitsPerSecond(((ArrowType.Duration) type).getUnit());
      } else if (kind == Kind.DECIMAL) {
        // one digit short of the precision: Arrow Java's DecimalVector.validateScalars rejects a
        // value whose precision equals the type's (DecimalUtility.checkPrecisionAndScaleNoThrow)
        int precision = ((ArrowType.Decimal) type).getPrecision();
        decimalDigits = Math.max(1, Math.min(18, precision - 1));
      }
      long width =
          kind == Kind.FIXED_SIZE_BINARY
              ? ((ArrowType.FixedSizeBinary) type).getByteWidth()
              : kind == Kind.DECIMAL
                  ? ((ArrowType.Decimal) type).getBitWidth() / 8
                  : byteWidth(kind);
      ArrowBuf data = allocate(kind == Kind.BOOL ? (count + 7L) / 8 : count * width);
      long decimalBound = pow10(decimalDigits);
      long epochUnits = EPOCH_SECONDS * unitsPerSecond;
      long yearUnits = DAYS_PER_YEAR * SECONDS_PER_DAY * unitsPerSecond;
      long epochDays = EPOCH_SECONDS / SECONDS_PER_DAY;
      long dayUnits = SECONDS_PER_DAY * unitsPerSecond;
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
          case FLOAT16:
            for (int j = 0; j < n; j++) {
              data.setShort((index + j) * 2, Float16.toFloat16((float) (toDouble(raw[j]) / 1000)));
            }
            break;
          case DATE64:
            for (int j = 0; j < n; j++) {
              long days = epochDays - Math.floorMod(raw[j], 365);
              data.setLong((index + j) * 8, days * SECONDS_PER_DAY * 1000);
            }
            break;
          case TIME32:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 4, (int) Math.floorMod(raw[j], dayUnits));
            }
            break;
          case TIME64:
            for (int j = 0; j < n; j++) {
              data.setLong((index + j) * 8, Math.floorMod(raw[j], dayUnits));
            }
            break;
          case DURATION:
            for (int j = 0; j < n; j++) {
              data.setLong((index + j) * 8, Math.floorMod(raw[j], 2 * yearUnits) - yearUnits);
            }
            break;
          case INTERVAL_YEAR_MONTH:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 4, months(raw[j]));
            }
            break;
          case INTERVAL_DAY_TIME:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 8, days(raw[j]));
              data.setInt((index + j) * 8 + 4, (int) Math.floorMod(mix(raw[j]), 86_400_000L));
            }
            break;
          case INTERVAL_MONTH_DAY_NANO:
            for (int j = 0; j < n; j++) {
              data.setInt((index + j) * 16, months(raw[j]));
              data.setInt((index + j) * 16 + 4, days(raw[j]));
              data.setLong(
                  (index + j) * 16 + 8,
                  Math.floorMod(mix(raw[j]), SECONDS_PER_DAY * 1_000_000_000));
            }
            break;
          case FIXED_SIZE_BINARY:
            for (int j = 0; j < n; j++) {
              strings.writeBytes(raw[j], data, (index + j) * width, (int) width);
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

    /** Lists, large lists, list views, large list views and maps: 0..8 elements per slot. */
    private void writeList(
        Field field, Kind kind, int count, SplittableRandom random, long salt, ArrowBuf validity) {
      boolean large = kind == Kind.LARGE_LIST || kind == Kind.LARGE_LIST_VIEW;
      boolean view = kind == Kind.LIST_VIEW || kind == Kind.LARGE_LIST_VIEW;
      int width = large ? 8 : 4;
      ArrowBuf offsets = allocate((view ? count : count + 1L) * width);
      ArrowBuf sizes = view ? allocate((long) count * width) : null;
      long total = 0;
      if (!view) {
        putOffset(offsets, 0, width, 0);
      }
      for (int i = 0; i < count; i++) {
        int length = random.nextInt(MAX_LIST_LENGTH + 1);
        if (validity != null && !isValid(validity, i)) {
          length = 0;
        }
        if (view) {
          putOffset(offsets, i, width, total);
          putOffset(sizes, i, width, length);
        }
        total += length;
        if (total > Integer.MAX_VALUE) {
          throw tooManyElements(field);
        }
        if (!view) {
          putOffset(offsets, i + 1L, width, total);
        }
      }
      write(field.getChildren().get(0), (int) total, childSalt(salt, 0));
    }

    private static void putOffset(ArrowBuf buf, long index, int width, long value) {
      if (width == 4) {
        buf.setInt(index * 4, (int) value);
      } else {
        buf.setLong(index * 8, value);
      }
    }

    private IllegalArgumentException tooManyElements(Field field) {
      return new IllegalArgumentException(
          field.getType()
              + " field '"
              + field.getName()
              + "' would exceed 2^31 elements in one batch; use smaller batches");
    }

    /** Members drawn uniformly per slot; type ids from the union's type (0..n-1 from a spec). */
    private void writeUnion(
        Field field, boolean dense, int count, SplittableRandom random, long salt) {
      List<Field> members = field.getChildren();
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "cannot generate union field '" + field.getName() + "' without members");
      }
      int[] typeIds = ((ArrowType.Union) field.getType()).getTypeIds();
      ArrowBuf types = allocate(count);
      ArrowBuf offsets = dense ? allocate(count * 4L) : null;
      int[] lengths = new int[members.size()];
      for (int i = 0; i < count; i++) {
        int m = random.nextInt(members.size());
        types.setByte(i, typeIds == null ? m : typeIds[m]);
        if (dense) {
          offsets.setInt(i * 4L, lengths[m]);
        }
        lengths[m]++;
      }
      for (int c = 0; c < members.size(); c++) {
        write(members.get(c), dense ? lengths[c] : count, childSalt(salt, c));
      }
    }

    /** Runs of 1..{@link #MAX_RUN_LENGTH} equal values (mean 4.5); the last run is cut at count. */
    private void writeRunEndEncoded(Field field, int count, SplittableRandom random, long salt) {
      Field runEndsField = field.getChildren().get(0);
      int width = ((ArrowType.Int) runEndsField.getType()).getBitWidth() / 8;
      long maxEnd = width == 2 ? Short.MAX_VALUE : width == 4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
      if (count > maxEnd) {
        throw new IllegalArgumentException(
            "run-end encoded field '"
                + field.getName()
                + "' with int"
                + width * 8
                + " run ends holds at most "
                + maxEnd
                + " rows per batch, not "
                + count
                + "; use smaller batches");
      }
      int[] ends = new int[Math.max(count, 1)];
      int runs = 0;
      for (int end = 0; end < count; ) {
        end = Math.min(count, end + 1 + random.nextInt(MAX_RUN_LENGTH));
        ends[runs++] = end;
      }
      ArrowBuf validity = allocate((runs + 7L) / 8);
      writeValidity(validity, runs, false, 0);
      nodes.add(new ArrowFieldNode(runs, 0));
      ArrowBuf data = allocate((long) runs * width);
      for (int r = 0; r < runs; r++) {
        switch (width) {
          case 2:
            data.setShort(r * 2L, (short) ends[r]);
            break;
          case 4:
            data.setInt(r * 4L, ends[r]);
            break;
          default:
            data.setLong(r * 8L, ends[r]);
        }
      }
      write(field.getChildren().get(1), runs, childSalt(salt, 1));
    }

    /**
     * utf8_view and binary_view: values of up to 12 bytes inline in their 16-byte view, longer ones
     * in one data buffer the view points into (the same values utf8 and binary get).
     */
    private void writeViews(Kind kind, int count, long streamSeed, long salt, ArrowBuf validity) {
      boolean binary = kind == Kind.BINARY_VIEW;
      SplittableRandom random = new SplittableRandom(streamSeed);
      long total = 0;
      for (int i = 0; i < count; i++) {
        long key = nextRaw(random, salt);
        int length = strings.length(key);
        if ((validity == null || isValid(validity, i)) && length > VIEW_INLINE_BYTES) {
          total += length;
        }
      }
      if (total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "a batch of "
                + count
                + " view values averaging "
                + options.stringLength()
                + " bytes exceeds 2 GiB; use smaller batches");
      }
      ArrowBuf views = allocate(count * 16L);
      views.setZero(0, count * 16L);
      ArrowBuf data = total > 0 ? allocate(total) : null;
      variadicBufferCounts.add(data == null ? 0L : 1L);
      random = new SplittableRandom(streamSeed);
      long offset = 0;
      for (int i = 0; i < count; i++) {
        long key = nextRaw(random, salt);
        if (validity != null && !isValid(validity, i)) {
          continue;
        }
        int length = strings.length(key);
        long view = i * 16L;
        views.setInt(view, length);
        boolean inline = length <= VIEW_INLINE_BYTES;
        ArrowBuf target = inline ? views : data;
        long at = inline ? view + 4 : offset;
        if (binary) {
          strings.writeBytes(key, target, at, length);
        } else {
          strings.writeText(key, target, at, length);
        }
        if (!inline) {
          views.setInt(view + 4, data.getInt(offset)); // the value's first four bytes
          views.setInt(view + 8, 0); // data buffer 0
          views.setInt(view + 12, (int) offset);
          offset += length;
        }
      }
    }

    private void writeVariableWidth(
        Kind kind, int count, long streamSeed, long salt, ArrowBuf validity) {
      boolean large = kind == Kind.LARGE_UTF8 || kind == Kind.LARGE_BINARY;
      boolean binary = kind == Kind.BINARY || kind == Kind.LARGE_BINARY;
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
      case FLOAT16:
        return 2;
      case INT32:
      case FLOAT32:
      case DATE32:
      case TIME32:
      case INTERVAL_YEAR_MONTH:
        return 4;
      case DECIMAL:
      case INTERVAL_MONTH_DAY_NANO:
        return 16;
      default:
        return 8;
    }
  }

  /** An interval's months: -120..120 (ten years either way). */
  private static int months(long raw) {
    return (int) Math.floorMod(raw, 241) - 120;
  }

  /** An interval's days: -365..365, from other bits than {@link #months}. */
  private static int days(long raw) {
    return (int) Math.floorMod(raw >>> 16, 731) - 365;
  }

  private static long unitsPerSecond(ArrowType.Timestamp type) {
    return unitsPerSecond(type.getUnit());
  }

  private static long unitsPerSecond(TimeUnit unit) {
    switch (unit) {
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
