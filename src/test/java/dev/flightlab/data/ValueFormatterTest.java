package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One value per type against pyarrow 25's {@code str()} of the same scalar (the expected strings
 * were printed by pyarrow: {@code str(pa.scalar(value, type))}).
 */
class ValueFormatterTest {
  private BufferAllocator allocator;
  private final ValueFormatter formatter = new ValueFormatter(null);

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void stop() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  /** Formats the first value of a one-value vector of {@code type}, written raw by {@code fill}. */
  private String first(ArrowType type, int width, Consumer<org.apache.arrow.memory.ArrowBuf> fill) {
    try (FieldVector v =
        IpcSchemas.createVector(new Field("v", FieldType.nullable(type), null), allocator)) {
      v.setInitialCapacity(1);
      v.allocateNew();
      fill.accept(v.getDataBuffer());
      v.getValidityBuffer().setByte(0, 1);
      v.setValueCount(1);
      return formatter.format(v, 0);
    }
  }

  private String ofLong(ArrowType type, long value) {
    return first(type, 8, b -> b.setLong(0, value));
  }

  private String ofInt(ArrowType type, int value) {
    return first(type, 4, b -> b.setInt(0, value));
  }

  @Test
  void uint16PrintsItsNumberNotAChar() {
    assertThat(first(new ArrowType.Int(16, false), 2, b -> b.setShort(0, 65))).isEqualTo("65");
  }

  @Test
  void uint8AboveTheSignedRange() {
    assertThat(first(new ArrowType.Int(8, false), 1, b -> b.setByte(0, 200))).isEqualTo("200");
  }

  @Test
  void uint64Max() {
    assertThat(ofLong(new ArrowType.Int(64, false), -1L)).isEqualTo("18446744073709551615");
  }

  @Test
  void int8Negative() {
    assertThat(first(new ArrowType.Int(8, true), 1, b -> b.setByte(0, -5))).isEqualTo("-5");
  }

  @Test
  void float16FromItsBits() {
    ArrowType half = new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
    assertThat(first(half, 2, b -> b.setShort(0, Float16.toFloat16(1.5f)))).isEqualTo("1.5");
    assertThat(first(half, 2, b -> b.setShort(0, Float16.toFloat16(65504f)))).isEqualTo("65504.0");
    assertThat(first(half, 2, b -> b.setShort(0, (short) 1))).isEqualTo("5.960464477539063e-08");
  }

  @Test
  void float32PrintsTheDoubleItWidensTo() {
    ArrowType single = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    assertThat(first(single, 4, b -> b.setFloat(0, 0.1f))).isEqualTo("0.10000000149011612");
    assertThat(first(single, 4, b -> b.setFloat(0, Float.POSITIVE_INFINITY))).isEqualTo("inf");
  }

  @Test
  void float64AsPythonRepr() {
    ArrowType dbl = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    assertThat(first(dbl, 8, b -> b.setDouble(0, 0.1))).isEqualTo("0.1");
    assertThat(first(dbl, 8, b -> b.setDouble(0, -0.0))).isEqualTo("-0.0");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 1e20))).isEqualTo("1e+20");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 1e16))).isEqualTo("1e+16");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 1e15))).isEqualTo("1000000000000000.0");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 1e-7))).isEqualTo("1e-07");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 0.0001))).isEqualTo("0.0001");
    assertThat(first(dbl, 8, b -> b.setDouble(0, 123456789.0))).isEqualTo("123456789.0");
    assertThat(first(dbl, 8, b -> b.setDouble(0, Double.NaN))).isEqualTo("nan");
  }

  @Test
  void boolAsPython() {
    assertThat(first(ArrowType.Bool.INSTANCE, 1, b -> b.setByte(0, 1))).isEqualTo("True");
  }

  @Test
  void datesAsIsoDates() {
    assertThat(ofInt(new ArrowType.Date(DateUnit.DAY), 19737)).isEqualTo("2024-01-15");
    assertThat(ofLong(new ArrowType.Date(DateUnit.MILLISECOND), 19737L * 86_400_000L))
        .isEqualTo("2024-01-15");
  }

  @Test
  void binaryAsPythonBytes() {
    try (org.apache.arrow.vector.VarBinaryVector v =
        new org.apache.arrow.vector.VarBinaryVector("b", allocator)) {
      v.allocateNew();
      v.setSafe(0, new byte[] {'a', 'b', 0, (byte) 0xff});
      v.setSafe(1, "it's".getBytes(StandardCharsets.US_ASCII));
      v.setSafe(2, new byte[] {'\t', '\n', '\\'});
      v.setValueCount(3);
      assertThat(formatter.format(v, 0)).isEqualTo("b'ab\\x00\\xff'");
      assertThat(formatter.format(v, 1)).isEqualTo("b\"it's\"");
      assertThat(formatter.format(v, 2)).isEqualTo("b'\\t\\n\\\\'");
    }
  }

  @Test
  void fixedSizeBinaryAsPythonBytes() {
    assertThat(first(new ArrowType.FixedSizeBinary(4), 4, b -> b.setInt(0, 0x64636261)))
        .isEqualTo("b'abcd'");
  }

  @Test
  void utf8AsIsAndNullAsNone() {
    try (VarCharVector v = new VarCharVector("s", allocator)) {
      v.allocateNew();
      v.setSafe(0, "héllo".getBytes(StandardCharsets.UTF_8));
      v.setNull(1);
      v.setValueCount(2);
      assertThat(formatter.format(v, 0)).isEqualTo("héllo");
      assertThat(formatter.format(v, 1)).isEqualTo("None");
    }
  }

  @Test
  void timestampsWithoutAZone() {
    long seconds = 1705314600L; // 2024-01-15 10:30:00 UTC
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.SECOND, null), seconds))
        .isEqualTo("2024-01-15 10:30:00");
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), seconds * 1000 + 123))
        .isEqualTo("2024-01-15 10:30:00.123000");
    assertThat(
            ofLong(
                new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), seconds * 1_000_000 + 123456))
        .isEqualTo("2024-01-15 10:30:00.123456");
    assertThat(
            ofLong(
                new ArrowType.Timestamp(TimeUnit.NANOSECOND, null),
                seconds * 1_000_000_000 + 123_456_000))
        .isEqualTo("2024-01-15 10:30:00.123456");
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.SECOND, null), -62135596800L))
        .isEqualTo("0001-01-01 00:00:00");
  }

  @Test
  void timestampsKeepTheirZone() {
    long seconds = 1705314600L;
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), seconds * 1_000_000))
        .isEqualTo("2024-01-15 10:30:00+00:00");
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.SECOND, "Europe/Paris"), seconds))
        .isEqualTo("2024-01-15 11:30:00+01:00");
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "+05:30"), seconds * 1000))
        .isEqualTo("2024-01-15 16:00:00+05:30");
    assertThat(
            ofLong(
                new ArrowType.Timestamp(TimeUnit.NANOSECOND, "America/New_York"),
                seconds * 1_000_000_000))
        .isEqualTo("2024-01-15 05:30:00-05:00");
  }

  @Test
  void nanosecondsPyarrowCannotMakeADatetimeOfPrintAsInAnArray() {
    // str(pa.scalar(...)) raises here; str(pa.array([...])) prints these digits.
    assertThat(ofLong(new ArrowType.Timestamp(TimeUnit.NANOSECOND, null), 1705314600123456789L))
        .isEqualTo("2024-01-15 10:30:00.123456789");
  }

  @Test
  void nestedValuesPythonCannotHoldPrintAsInAnArray() {
    // str() of such a list raises in pyarrow (nanoseconds a datetime cannot hold), so the
    // formatter falls back to the value's digits inside an array; whole microseconds stay repr.
    try (ListVector v = ListVector.empty("l", allocator)) {
      v.addOrGetVector(FieldType.nullable(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")));
      v.allocateNew();
      TimeStampNanoTZVector child = (TimeStampNanoTZVector) v.getDataVector();
      child.allocateNew(2);
      child.set(0, 1705314600123456789L);
      child.set(1, 1705314600123456000L);
      child.setValueCount(2);
      v.startNewValue(0);
      v.endValue(0, 2);
      v.setValueCount(1);
      assertThat(formatter.format(v, 0))
          .isEqualTo(
              "[2024-01-15 10:30:00.123456789+00:00, datetime.datetime(2024, 1, 15, 10, 30, 0,"
                  + " 123456, tzinfo=zoneinfo.ZoneInfo(key='UTC'))]");
    }
  }

  @Test
  void timesOfDay() {
    assertThat(ofInt(new ArrowType.Time(TimeUnit.SECOND, 32), 37805)).isEqualTo("10:30:05");
    assertThat(ofInt(new ArrowType.Time(TimeUnit.MILLISECOND, 32), 37805123))
        .isEqualTo("10:30:05.123000");
    assertThat(ofLong(new ArrowType.Time(TimeUnit.MICROSECOND, 64), 37805123456L))
        .isEqualTo("10:30:05.123456");
  }

  @Test
  void durationsAsPythonTimedeltas() {
    assertThat(ofLong(new ArrowType.Duration(TimeUnit.MICROSECOND), 86405000007L))
        .isEqualTo("1 day, 0:00:05.000007");
    assertThat(ofLong(new ArrowType.Duration(TimeUnit.SECOND), 5)).isEqualTo("0:00:05");
    assertThat(ofLong(new ArrowType.Duration(TimeUnit.SECOND), -5)).isEqualTo("-1 day, 23:59:55");
    assertThat(ofLong(new ArrowType.Duration(TimeUnit.MILLISECOND), (2 * 24 + 3) * 3_600_000L))
        .isEqualTo("2 days, 3:00:00");
    assertThat(ofLong(new ArrowType.Duration(TimeUnit.MICROSECOND), -1))
        .isEqualTo("-1 day, 23:59:59.999999");
  }

  @Test
  void decimalsAsPythonDecimals() {
    assertThat(
            first(
                new ArrowType.Decimal(7, 2, 128),
                16,
                b -> {
                  b.setLong(0, 1234567);
                  b.setLong(8, 0);
                }))
        .isEqualTo("12345.67");
    assertThat(first(new ArrowType.Decimal(38, 10, 128), 16, b -> b.setZero(0, 16)))
        .isEqualTo("0E-10");
    assertThat(new BigDecimal("-0.01").toString()).isEqualTo("-0.01");
  }

  @Test
  void narrowDecimalsAsPythonDecimals() {
    assertThat(ofInt(new ArrowType.Decimal(7, 2, 32), 1234567)).isEqualTo("12345.67");
    assertThat(ofInt(new ArrowType.Decimal(9, 0, 32), -999_999_999)).isEqualTo("-999999999");
    assertThat(ofLong(new ArrowType.Decimal(18, 5, 64), 123456789012345678L))
        .isEqualTo("1234567890123.45678");
    assertThat(ofLong(new ArrowType.Decimal(18, 7, 64), 1)).isEqualTo("1E-7");
  }

  @Test
  void decimalsInsideListsAsPythonReprs() {
    Field item = new Field("item", FieldType.nullable(new ArrowType.Decimal(6, 2, 32)), null);
    Field list = new Field("l", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
    try (ListVector v = (ListVector) IpcSchemas.createVector(list, allocator)) {
      v.allocateNew();
      v.startNewValue(0);
      FieldVector values = (FieldVector) v.getDataVector();
      values.setInitialCapacity(2);
      values.allocateNew();
      values.getDataBuffer().setInt(0, 125);
      values.getValidityBuffer().setByte(0, 1);
      values.setValueCount(2);
      v.endValue(0, 2);
      v.setValueCount(1);
      // pyarrow: str(pa.scalar([Decimal("1.25"), None], pa.list_(pa.decimal32(6, 2))))
      assertThat(formatter.format(v, 0)).isEqualTo("[Decimal('1.25'), None]");
    }
  }

  @Test
  void monthDayNanoInterval() {
    assertThat(
            first(
                new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO),
                16,
                b -> {
                  b.setInt(0, 1);
                  b.setInt(4, 2);
                  b.setLong(8, 3);
                }))
        .isEqualTo("MonthDayNano(months=1, days=2, nanoseconds=3)");
  }

  @Test
  void listsAsPythonLists() {
    try (ListVector v = ListVector.empty("l", allocator)) {
      UnionListWriter w = v.getWriter();
      w.startList();
      w.writeInt(1);
      w.writeNull();
      w.writeInt(3);
      w.endList();
      w.setValueCount(1);
      assertThat(formatter.format(v, 0)).isEqualTo("[1, None, 3]");
    }
  }

  @Test
  void structsAsPyarrowPrintsThem() {
    try (StructVector v = StructVector.empty("s", allocator)) {
      IntVector a =
          v.addOrGet("a", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
      VarCharVector b =
          v.addOrGet("b", FieldType.nullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
      v.allocateNew();
      a.setSafe(0, 1);
      b.setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
      v.setIndexDefined(0);
      a.setValueCount(1);
      b.setValueCount(1);
      v.setValueCount(1);
      assertThat(formatter.format(v, 0)).isEqualTo("[('a', 1), ('b', 'x')]");
    }
  }

  @Test
  void aDictionaryColumnPrintsItsValuesNotItsIndices() {
    DictionaryEncoding encoding = new DictionaryEncoding(0L, false, new ArrowType.Int(32, true));
    try (VarCharVector values = new VarCharVector("d", allocator);
        IntVector indices =
            new IntVector(
                "v", new FieldType(true, new ArrowType.Int(32, true), encoding), allocator)) {
      values.allocateNew();
      values.setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
      values.setSafe(1, "y".getBytes(StandardCharsets.UTF_8));
      values.setValueCount(2);
      indices.allocateNew(2);
      indices.set(0, 1);
      indices.set(1, 0);
      indices.setValueCount(2);
      ValueFormatter decoding =
          new ValueFormatter(
              new DictionaryProvider.MapDictionaryProvider(new Dictionary(values, encoding)));
      assertThat(List.of(decoding.format(indices, 0), decoding.format(indices, 1)))
          .containsExactly("y", "x");
    }
  }

  @Test
  void stringsInsideListsAreQuotedAsPythonReprDoes() {
    assertThat(ValueFormatter.pythonString("it's")).isEqualTo("\"it's\"");
    assertThat(ValueFormatter.pythonString("a\"b")).isEqualTo("'a\"b'");
    assertThat(ValueFormatter.pythonString("a\nb")).isEqualTo("'a\\nb'");
    assertThat(ValueFormatter.pythonString("\u0001")).isEqualTo("'\\x01'");
  }
}
