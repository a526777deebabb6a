package dev.flightlab.testing;

import dev.flightlab.data.BatchSet;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalDayVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.IntervalYearVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.LargeListViewVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.ListViewVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.RunEndEncodedVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.UnionVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * A deterministic table with one column of every Arrow type Arrow Java can carry over IPC, nulls in
 * each, two dictionary-encoded columns and an extension column. *
 *
 * <p>Row {@code g} (counted across batches) of column {@code c} is null when {@code (g + c) % 7 ==
 * 3}, so every batch of seven rows or more has a null in every column. Values depend only on {@code
 * g}, so the same arguments always build the same table.
 */
public final class AllTypes {
  /** The dictionary of the {@code color} column (int32 indices into utf8). */
  public static final DictionaryEncoding COLOR =
      new DictionaryEncoding(1L, false, new ArrowType.Int(32, true));

  /** The dictionary of the {@code size} column (int8 indices into large utf8, ordered). */
  public static final DictionaryEncoding SIZE =
      new DictionaryEncoding(2L, true, new ArrowType.Int(8, true));

  private static final String[] COLORS = {"red", "green", "blue", "cyan"};
  private static final String[] SIZES = {"S", "M", "L"};

  private AllTypes() {}

  /** The in-memory schema (dictionary-encoded fields hold their index type). */
  public static Schema schema() {
    TestUuidType.ensureRegistered();
    List<Field> fields = new ArrayList<>();
    fields.add(Field.nullable("int8", new ArrowType.Int(8, true)));
    fields.add(Field.nullable("int16", new ArrowType.Int(16, true)));
    fields.add(
        new Field(
            "int32",
            new FieldType(true, new ArrowType.Int(32, true), null, Map.of("unit", "count")),
            null));
    fields.add(Field.notNullable("int64_required", new ArrowType.Int(64, true)));
    fields.add(Field.nullable("int64", new ArrowType.Int(64, true)));
    fields.add(Field.nullable("uint8", new ArrowType.Int(8, false)));
    fields.add(Field.nullable("uint16", new ArrowType.Int(16, false)));
    fields.add(Field.nullable("uint32", new ArrowType.Int(32, false)));
    fields.add(Field.nullable("uint64", new ArrowType.Int(64, false)));
    fields.add(Field.nullable("float16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)));
    fields.add(
        Field.nullable("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    fields.add(
        Field.nullable("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    fields.add(Field.nullable("bool", ArrowType.Bool.INSTANCE));
    fields.add(Field.nullable("decimal128", new ArrowType.Decimal(38, 4, 128)));
    fields.add(Field.nullable("decimal256", new ArrowType.Decimal(76, 10, 256)));
    fields.add(Field.nullable("date32", new ArrowType.Date(DateUnit.DAY)));
    fields.add(Field.nullable("date64", new ArrowType.Date(DateUnit.MILLISECOND)));
    fields.add(Field.nullable("time32_s", new ArrowType.Time(TimeUnit.SECOND, 32)));
    fields.add(Field.nullable("time32_ms", new ArrowType.Time(TimeUnit.MILLISECOND, 32)));
    fields.add(Field.nullable("time64_us", new ArrowType.Time(TimeUnit.MICROSECOND, 64)));
    fields.add(Field.nullable("time64_ns", new ArrowType.Time(TimeUnit.NANOSECOND, 64)));
    fields.add(Field.nullable("ts_s", new ArrowType.Timestamp(TimeUnit.SECOND, null)));
    fields.add(Field.nullable("ts_ms_utc", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")));
    fields.add(
        Field.nullable(
            "ts_us_berlin", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Europe/Berlin")));
    fields.add(
        Field.nullable("ts_ns_offset", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "+05:30")));
    fields.add(Field.nullable("duration_s", new ArrowType.Duration(TimeUnit.SECOND)));
    fields.add(Field.nullable("duration_ns", new ArrowType.Duration(TimeUnit.NANOSECOND)));
    fields.add(Field.nullable("interval_ym", new ArrowType.Interval(IntervalUnit.YEAR_MONTH)));
    fields.add(Field.nullable("interval_dt", new ArrowType.Interval(IntervalUnit.DAY_TIME)));
    fields.add(Field.nullable("interval_mdn", new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO)));
    fields.add(Field.nullable("binary", ArrowType.Binary.INSTANCE));
    fields.add(Field.nullable("large_binary", ArrowType.LargeBinary.INSTANCE));
    fields.add(Field.nullable("fixed_binary", new ArrowType.FixedSizeBinary(5)));
    fields.add(Field.nullable("utf8", ArrowType.Utf8.INSTANCE));
    fields.add(Field.nullable("large_utf8", ArrowType.LargeUtf8.INSTANCE));
    fields.add(Field.nullable("utf8_view", ArrowType.Utf8View.INSTANCE));
    fields.add(Field.nullable("binary_view", ArrowType.BinaryView.INSTANCE));
    fields.add(Field.nullable("null", ArrowType.Null.INSTANCE));
    fields.add(
        new Field(
            "list",
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(Field.nullable("item", new ArrowType.Int(32, true)))));
    fields.add(
        new Field(
            "large_list",
            FieldType.nullable(ArrowType.LargeList.INSTANCE),
            List.of(Field.nullable("item", new ArrowType.Int(64, true)))));
    fields.add(
        new Field(
            "list_view",
            FieldType.nullable(ArrowType.ListView.INSTANCE),
            List.of(Field.nullable("item", new ArrowType.Int(32, true)))));
    fields.add(
        new Field(
            "large_list_view",
            FieldType.nullable(ArrowType.LargeListView.INSTANCE),
            List.of(Field.nullable("item", ArrowType.Utf8.INSTANCE))));
    fields.add(
        new Field(
            "fixed_list",
            FieldType.nullable(new ArrowType.FixedSizeList(3)),
            List.of(
                Field.nullable(
                    "item", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)))));
    fields.add(
        new Field(
            "struct",
            FieldType.nullable(ArrowType.Struct.INSTANCE),
            List.of(
                Field.nullable("a", new ArrowType.Int(32, true)),
                Field.nullable("b", ArrowType.Utf8.INSTANCE))));
    fields.add(
        new Field(
            "map",
            FieldType.nullable(new ArrowType.Map(false)),
            List.of(
                new Field(
                    MapVector.DATA_VECTOR_NAME,
                    FieldType.notNullable(ArrowType.Struct.INSTANCE),
                    List.of(
                        Field.notNullable(MapVector.KEY_NAME, new ArrowType.Int(32, true)),
                        Field.nullable(MapVector.VALUE_NAME, ArrowType.Utf8.INSTANCE))))));
    fields.add(
        new Field(
            "dense_union",
            FieldType.nullable(new ArrowType.Union(UnionMode.Dense, new int[] {0, 1})),
            List.of(
                Field.nullable("i", new ArrowType.Int(32, true)),
                Field.nullable("s", ArrowType.Utf8.INSTANCE))));
    fields.add(
        new Field(
            "sparse_union",
            FieldType.nullable(
                new ArrowType.Union(
                    UnionMode.Sparse,
                    new int[] {MinorType.INT.ordinal(), MinorType.VARCHAR.ordinal()})),
            List.of(
                Field.nullable("int", new ArrowType.Int(32, true)),
                Field.nullable("varchar", ArrowType.Utf8.INSTANCE))));
    fields.add(
        new Field(
            "run_end_encoded",
            FieldType.nullable(ArrowType.RunEndEncoded.INSTANCE),
            List.of(
                Field.notNullable("run_ends", new ArrowType.Int(32, true)),
                Field.nullable("values", ArrowType.Utf8.INSTANCE))));
    fields.add(new Field("color", new FieldType(true, COLOR.getIndexType(), COLOR), null));
    fields.add(new Field("size", new FieldType(true, SIZE.getIndexType(), SIZE), null));
    fields.add(Field.nullable("uuid", TestUuidType.INSTANCE));
    return new Schema(fields, Map.of("origin", "flightlab-tests", "generator", "AllTypes"));
  }

  /**
   * The table in batches of the given row counts with its two dictionaries, and app_metadata {@code
   * metadataPrefix + "-" + N} on batch N unless the prefix is null. The caller owns it.
   */
  public static BatchSet table(
      BufferAllocator allocator, String metadataPrefix, int... rowsPerBatch) {
    Schema schema;
    try (VectorSchemaRoot probe = VectorSchemaRoot.create(schema(), allocator)) {
      schema = probe.getSchema();
    }
    BatchSet.Builder out = BatchSet.builder(schema);
    long first = 0;
    for (int b = 0; b < rowsPerBatch.length; b++) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        fill(root, rowsPerBatch[b], first);
        out.add(
            root, metadataPrefix == null ? null : Tables.utf8(allocator, metadataPrefix + "-" + b));
      }
      first += rowsPerBatch[b];
    }
    out.dictionary(dictionary(allocator, COLOR, COLORS, false));
    out.dictionary(dictionary(allocator, SIZE, SIZES, true));
    return out.build();
  }

  /** Fills {@code root} with {@code rows} rows starting at global row {@code first}. */
  public static void fill(VectorSchemaRoot root, int rows, long first) {
    List<FieldVector> vectors = root.getFieldVectors();
    for (int c = 0; c < vectors.size(); c++) {
      FieldVector v = vectors.get(c);
      if (v instanceof DenseUnionVector || v instanceof UnionVector) {
        v.setInitialCapacity(rows);
        v.allocateNew();
      }
      for (int r = 0; r < rows; r++) {
        long g = first + r;
        boolean isNull = (g + c) % 7 == 3 && v.getField().isNullable();
        set(v, r, g, isNull);
      }
    }
    root.setRowCount(rows);
    for (FieldVector v : vectors) {
      // Arrow Java 19's validator rejects float16 and map vectors outright, asks fixed-size lists
      // for an offset buffer they do not have and wants extension names in the field metadata:
      // it checks the other columns, and the extension's storage.
      // List views and run-end encoded arrays it cannot visit at all.
      if (v instanceof TestUuidType.Vector x) {
        ValueVectorUtility.validateFull(x.getUnderlyingVector());
      } else if (v instanceof FixedSizeListVector) {
        ValueVectorUtility.validate(v);
      } else if (!(v instanceof Float2Vector
          || v instanceof MapVector
          || v instanceof ListViewVector
          || v instanceof LargeListViewVector
          || v instanceof RunEndEncodedVector)) {
        ValueVectorUtility.validateFull(v);
      }
    }
  }

  private static void set(FieldVector v, int r, long g, boolean isNull) {
    if (v instanceof NullVector) {
      return;
    }
    if (isNull && setNull(v, r)) {
      return;
    }
    int i = (int) g;
    DictionaryEncoding encoding = v.getField().getDictionary();
    if (encoding != null) {
      int size = encoding.getId() == COLOR.getId() ? COLORS.length : SIZES.length;
      ((BaseIntVector) v).setWithPossibleTruncate(r, g % size);
    } else if (v instanceof TinyIntVector x) {
      x.setSafe(r, (byte) (i * 37 - 128));
    } else if (v instanceof SmallIntVector x) {
      x.setSafe(r, (short) (i * 1009 - 32768));
    } else if (v instanceof IntVector x) {
      x.setSafe(r, i * 1_000_003 - Integer.MAX_VALUE);
    } else if (v instanceof BigIntVector x) {
      x.setSafe(r, g * 1_000_000_007L * (g % 2 == 0 ? 1 : -1) + Long.MIN_VALUE / 3);
    } else if (v instanceof UInt1Vector x) {
      x.setSafe(r, (byte) (255 - i % 256));
    } else if (v instanceof UInt2Vector x) {
      x.setSafe(r, (char) (65535 - i * 7));
    } else if (v instanceof UInt4Vector x) {
      x.setSafe(r, (int) (0xFFFF_FFF0L - g * 3));
    } else if (v instanceof UInt8Vector x) {
      x.setSafe(r, -1L - g);
    } else if (v instanceof Float2Vector x) {
      x.setSafeWithPossibleTruncate(r, 0.5f * i - 3);
    } else if (v instanceof Float4Vector x) {
      x.setSafe(r, g % 5 == 1 ? Float.NaN : i * 1.25f - 7);
    } else if (v instanceof Float8Vector x) {
      x.setSafe(r, g % 5 == 2 ? Double.NEGATIVE_INFINITY : g * Math.PI);
    } else if (v instanceof BitVector x) {
      x.setSafe(r, g % 3 == 0 ? 1 : 0);
    } else if (v instanceof DecimalVector x) {
      x.setSafe(r, BigDecimal.valueOf(g * 123_456_789L - 5_000, 4));
    } else if (v instanceof Decimal256Vector x) {
      x.setSafe(r, new BigDecimal(BigInteger.TEN.pow(60).add(BigInteger.valueOf(g)), 10));
    } else if (v instanceof DateDayVector x) {
      x.setSafe(r, 19_000 + i);
    } else if (v instanceof DateMilliVector x) {
      x.setSafe(r, (19_000L + g) * 86_400_000L);
    } else if (v instanceof TimeSecVector x) {
      x.setSafe(r, (i * 61) % 86_400);
    } else if (v instanceof TimeMilliVector x) {
      x.setSafe(r, (i * 61_001) % 86_400_000);
    } else if (v instanceof TimeMicroVector x) {
      x.setSafe(r, (g * 61_000_001L) % 86_400_000_000L);
    } else if (v instanceof TimeNanoVector x) {
      x.setSafe(r, (g * 61_000_000_001L) % 86_400_000_000_000L);
    } else if (v instanceof TimeStampVector x) {
      x.setSafe(r, 1_700_000_000L + g * 3_600);
    } else if (v instanceof DurationVector x) {
      x.setSafe(r, g * 1_000 - 500);
    } else if (v instanceof IntervalYearVector x) {
      x.setSafe(r, i - 12);
    } else if (v instanceof IntervalDayVector x) {
      x.setSafe(r, i, i * 1_000);
    } else if (v instanceof IntervalMonthDayNanoVector x) {
      x.setSafe(r, i % 12, i % 31, g * 1_000_000_001L);
    } else if (v instanceof FixedSizeBinaryVector x) {
      x.setSafe(r, new byte[] {(byte) i, (byte) (i >> 8), 0, (byte) 0xff, (byte) (i * 3)});
    } else if (v instanceof BaseVariableWidthVector x) {
      x.setSafe(r, text(g));
    } else if (v instanceof BaseLargeVariableWidthVector x) {
      x.setSafe(r, text(g));
    } else if (v instanceof BaseVariableWidthViewVector x) {
      x.setSafe(r, text(g));
    } else if (v instanceof FixedSizeListVector x) {
      setFixedList(x, r, g);
    } else if (v instanceof ListViewVector x) {
      IntVector items = (IntVector) x.getDataVector();
      int size = (int) (g % 3);
      int offset = x.startNewValue(r);
      for (int j = 0; j < size; j++) {
        items.setSafe(offset + j, i + j);
      }
      x.endValue(r, size);
    } else if (v instanceof LargeListViewVector x) {
      VarCharVector items = (VarCharVector) x.getDataVector();
      int size = (int) (g % 3) + 1;
      int offset = x.startNewValue(r);
      for (int j = 0; j < size; j++) {
        setText(items, offset + j, g + j, j == 2);
      }
      x.endValue(r, size);
    } else if (v instanceof RunEndEncodedVector x) {
      setRunEndEncoded(x, r, g, isNull);

    } else if (v instanceof MapVector x) {
      setMap(x, r, g);
    } else if (v instanceof ListVector x) {
      setList(x, r, g);
    } else if (v instanceof LargeListVector x) {
      setLargeList(x, r, g);
    } else if (v instanceof StructVector x) {
      x.setIndexDefined(r);
      x.getChild("a", IntVector.class).setSafe(r, i * 2);
      setText(x.getChild("b", VarCharVector.class), r, g, g % 3 == 0);
    } else if (v instanceof DenseUnionVector x) {
      setDenseUnion(x, r, g, isNull);
    } else if (v instanceof UnionVector x) {
      setSparseUnion(x, r, g, isNull);
    } else if (v instanceof TestUuidType.Vector x) {
      x.setSafe(r, new UUID(0x0123_4567_89ab_cdefL ^ g, g));
    } else {
      throw new IllegalStateException("no generator for " + v.getField());
    }
  }

  /** Sets a null where the vector type has its own validity; false when it has none. */
  private static boolean setNull(FieldVector v, int r) {
    if (v instanceof BaseFixedWidthVector x) {
      x.setNull(r);
    } else if (v instanceof BaseVariableWidthVector x) {
      x.setNull(r);
    } else if (v instanceof BaseLargeVariableWidthVector x) {
      x.setNull(r);
    } else if (v instanceof BaseVariableWidthViewVector x) {
      x.setNull(r);
    } else if (v instanceof FixedSizeListVector x) {
      x.setNull(r);
      Float8Vector items = (Float8Vector) x.getDataVector();
      for (int j = 0; j < x.getListSize(); j++) {
        items.setNull(r * x.getListSize() + j);
      }
    } else if (v instanceof ListVector x) {
      x.setNull(r);
    } else if (v instanceof ListViewVector x) {
      x.setNull(r);
    } else if (v instanceof LargeListViewVector x) {
      x.setNull(r);

    } else if (v instanceof LargeListVector x) {
      x.setNull(r);
    } else if (v instanceof StructVector x) {
      x.setNull(r);
      x.getChild("a", IntVector.class).setNull(r);
      x.getChild("b", VarCharVector.class).setNull(r);
    } else if (v instanceof TestUuidType.Vector x) {
      x.getUnderlyingVector().setNull(r);
    } else {
      return false;
    }
    return true;
  }

  private static byte[] text(long g) {
    // Every fifth value is longer than 12 bytes, so view vectors use their data buffers too.
    String s = g % 5 == 0 ? "a longer value number " + g + " with ünïcödé" : "v" + g;
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void setText(VarCharVector v, int r, long g, boolean isNull) {
    if (isNull) {
      v.setNull(r);
    } else {
      v.setSafe(r, text(g));
    }
  }

  private static void setList(ListVector v, int r, long g) {
    IntVector items = (IntVector) v.getDataVector();
    int size = (int) (g % 4);
    int offset = v.startNewValue(r);
    for (int j = 0; j < size; j++) {
      if ((g + j) % 5 == 4) {
        items.setNull(offset + j);
      } else {
        items.setSafe(offset + j, (int) g * 10 + j);
      }
    }
    v.endValue(r, size);
  }

  private static void setLargeList(LargeListVector v, int r, long g) {
    BigIntVector items = (BigIntVector) v.getDataVector();
    int size = (int) (g % 3) + 1;
    long offset = v.startNewValue(r);
    for (int j = 0; j < size; j++) {
      items.setSafe((int) offset + j, g * 100 + j);
    }
    v.endValue(r, size);
  }

  /** Runs of two rows: the value (or null) is set at each run's first row. */
  private static void setRunEndEncoded(RunEndEncodedVector v, int r, long g, boolean isNull) {
    IntVector runEnds = (IntVector) v.getRunEndsVector();
    VarCharVector values = (VarCharVector) v.getValuesVector();
    int run = r / 2;
    if (r % 2 == 0) {
      setText(values, run, g, isNull);
      values.setValueCount(run + 1);
    }
    runEnds.setSafe(run, r + 1);
    runEnds.setValueCount(run + 1);
  }

  private static void setFixedList(FixedSizeListVector v, int r, long g) {
    Float8Vector items = (Float8Vector) v.getDataVector();
    v.setNotNull(r);
    for (int j = 0; j < v.getListSize(); j++) {
      int k = r * v.getListSize() + j;
      if ((g + j) % 4 == 1) {
        items.setNull(k);
      } else {
        items.setSafe(k, g + j / 10.0);
      }
    }
  }

  private static void setMap(MapVector v, int r, long g) {
    StructVector entries = (StructVector) v.getDataVector();
    IntVector keys = entries.getChild(MapVector.KEY_NAME, IntVector.class);
    VarCharVector values = entries.getChild(MapVector.VALUE_NAME, VarCharVector.class);
    int size = (int) (g % 3);
    int offset = v.startNewValue(r);
    for (int j = 0; j < size; j++) {
      entries.setIndexDefined(offset + j);
      keys.setSafe(offset + j, j);
      setText(values, offset + j, g + j, j == 1);
    }
    v.endValue(r, size);
  }

  private static void setDenseUnion(DenseUnionVector v, int r, long g, boolean isNull) {
    byte type = (byte) (g % 2);
    int offset = 0;
    for (int k = 0; k < r; k++) {
      if (v.getTypeId(k) == type) {
        offset++;
      }
    }
    v.setTypeId(r, type);
    v.setOffset(r, offset);
    if (type == 0) {
      IntVector ints = (IntVector) v.getVectorByType(type);
      if (isNull) {
        ints.setNull(offset);
      } else {
        ints.setSafe(offset, (int) g);
      }
      ints.setValueCount(offset + 1);
    } else {
      VarCharVector strings = (VarCharVector) v.getVectorByType(type);
      setText(strings, offset, g, isNull);
      strings.setValueCount(offset + 1);
    }
  }

  private static void setSparseUnion(UnionVector v, int r, long g, boolean isNull) {
    // A sparse union has no validity of its own: a null is a null in the selected child.
    IntVector ints = v.getIntVector();
    VarCharVector strings = v.getVarCharVector();
    if (g % 2 == 0) {
      v.setType(r, MinorType.INT);
      if (isNull) {
        ints.setNull(r);
      } else {
        ints.setSafe(r, (int) -g);
      }
      strings.setNull(r);
    } else {
      v.setType(r, MinorType.VARCHAR);
      ints.setNull(r);
      setText(strings, r, g, isNull);
    }
  }

  private static Dictionary dictionary(
      BufferAllocator allocator, DictionaryEncoding encoding, String[] values, boolean large) {
    FieldVector vector;
    if (large) {
      LargeVarCharVector v = new LargeVarCharVector("size_dictionary", allocator);
      for (int i = 0; i < values.length; i++) {
        v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
      v.setValueCount(values.length);
      vector = v;
    } else {
      VarCharVector v = new VarCharVector("color_dictionary", allocator);
      for (int i = 0; i < values.length; i++) {
        v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
      v.setValueCount(values.length);
      vector = v;
    }
    return new Dictionary(vector, encoding);
  }
}
