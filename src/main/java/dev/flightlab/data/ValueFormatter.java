package dev.flightlab.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.RunEndEncodedVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.UnionVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;

/**
 * Formats one value of a vector as pyarrow's {@code str()} of the same scalar: {@code 65} for a
 * uint16, {@code 1.5} for a float16, {@code 2024-01-15} for a date, {@code b'ab'} for binary, the
 * dictionary's value for a dictionary-encoded column, {@code 2024-01-15 11:30:00+01:00} for a
 * timestamp in Europe/Paris, {@code None} for null.
 *
 * <p>pyarrow's {@code str()} of a scalar is {@code str()} of its Python value, so values inside
 * lists, structs, maps and unions print as Python's {@code repr} of theirs: {@code
 * [datetime.date(2024, 1, 15)]}, {@code [datetime.datetime(2024, 1, 15, 11, 30,
 * tzinfo=zoneinfo.ZoneInfo(key='Europe/Paris'))]}, {@code [Decimal('1.50')]}, a struct inside a
 * list as a dict. A struct column itself prints as pyarrow's struct scalar does, a list of (name,
 * value) pairs; a union, run-end encoded or dictionary column prints its value as {@code str()} of
 * that value. Where pyarrow's {@code str()} fails (nanoseconds that do not fit Python's
 * microseconds, years outside 1..9999, the month and day-time intervals) it prints what pyarrow
 * prints for the value inside an array. The expected strings of the tests come from pyarrow 25
 * itself (python/formatter_cases.py).
 */
public final class ValueFormatter {
  private final DictionaryProvider dictionaries;

  /** A formatter that decodes dictionary-encoded fields with {@code dictionaries} (may be null). */
  public ValueFormatter(DictionaryProvider dictionaries) {
    this.dictionaries = dictionaries;
  }

  /** The value at {@code index} of {@code vector}, as pyarrow's {@code str()} prints it. */
  public String format(ValueVector vector, int index) {
    return format(vector, index, Mode.SCALAR);
  }

  /** What pyarrow prints a value as: the three differ only for some types. */
  private enum Mode {
    /** {@code str()} of the scalar: a struct as a list of (name, value) pairs. */
    SCALAR,
    /** {@code str()} of the Python value: a struct as a dict. */
    STR,
    /** {@code repr()} of the Python value, as inside a list or a dict. */
    REPR
  }

  private String format(ValueVector vector, int index, Mode mode) {
    if (vector.isNull(index)) {
      return "None";
    }
    boolean nested = mode == Mode.REPR;
    Mode inner = mode == Mode.SCALAR ? Mode.STR : mode;
    Field field = vector.getField();
    if (field.getDictionary() != null && vector instanceof BaseIntVector indices) {
      Dictionary dictionary =
          dictionaries == null ? null : dictionaries.lookup(field.getDictionary().getId());
      if (dictionary != null) {
        return format(dictionary.getVector(), (int) indices.getValueAsLong(index), inner);
      }
    }
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Null -> "None";
      case Int -> integer((ArrowType.Int) type, (FieldVector) vector, index);
      case FloatingPoint -> floating((ArrowType.FloatingPoint) type, (FieldVector) vector, index);
      case Bool -> ((BitVector) vector).get(index) == 1 ? "True" : "False";
      case Utf8, LargeUtf8, Utf8View -> {
        Object o = vector.getObject(index);
        String s = o instanceof Text t ? t.toString() : String.valueOf(o);
        yield nested ? pythonString(s) : s;
      }
      case Binary, LargeBinary, BinaryView -> pythonBytes((byte[]) vector.getObject(index));
      case FixedSizeBinary -> {
        if (IpcSchemas.standInType(field).orElse(null) instanceof ArrowType.Decimal d) {
          yield pythonDecimal(narrowDecimal(d, vector, index), nested);
        }
        byte[] bytes = (byte[]) vector.getObject(index);
        String extension = field.getMetadata().get("ARROW:extension:name");
        if ("arrow.uuid".equals(extension) && bytes.length == 16) {
          yield nested ? "UUID('" + uuid(bytes) + "')" : uuid(bytes);
        }
        yield pythonBytes(bytes);
      }
      case Decimal -> pythonDecimal((BigDecimal) vector.getObject(index), nested);
      case Date -> date((ArrowType.Date) type, (FieldVector) vector, index, nested);
      case Time -> time((ArrowType.Time) type, (FieldVector) vector, index, nested);
      case Timestamp -> timestamp((ArrowType.Timestamp) type, (FieldVector) vector, index, nested);
      case Duration -> {
        TimeUnit unit = ((ArrowType.Duration) type).getUnit();
        long value = dataBuffer(vector).getLong(index * 8L);
        yield nested ? pythonTimedelta(unit, value) : duration(unit, value);
      }
      case Interval -> interval((ArrowType.Interval) type, (FieldVector) vector, index);
      case List, LargeList, FixedSizeList, ListView, LargeListView -> list(vector, index);
      case Struct ->
          mode == Mode.SCALAR
              ? struct((StructVector) vector, index)
              : dict((StructVector) vector, index);
      case Map -> map((MapVector) vector, index);
      case Union -> union(vector, index, inner);
      case RunEndEncoded -> {
        RunEndEncodedVector ree = (RunEndEncodedVector) vector;
        yield format(ree.getValuesVector(), ree.getPhysicalIndex(index), inner);
      }
      default -> {
        Object o = vector.getObject(index);
        if (o instanceof byte[] bytes) {
          yield pythonBytes(bytes);
        }
        String s = String.valueOf(o);
        yield nested && o instanceof Text ? pythonString(s) : s;
      }
    };
  }

  private String union(ValueVector vector, int index, Mode mode) {
    if (vector instanceof DenseUnionVector dense) {
      byte typeId = dense.getTypeId(index);
      return format(dense.getVectorByType(typeId), dense.getOffset(index), mode);
    }
    return format(((UnionVector) vector).getVector(index), index, mode);
  }

  /** A 32- or 64-bit decimal, kept in a FixedSizeBinary stand-in ({@link IpcSchemas}). */
  private static BigDecimal narrowDecimal(ArrowType.Decimal type, ValueVector vector, int index) {
    long unscaled =
        type.getBitWidth() == 32
            ? dataBuffer(vector).getInt(index * 4L)
            : dataBuffer(vector).getLong(index * 8L);
    return BigDecimal.valueOf(unscaled, type.getScale());
  }

  /** Python's str() of a decimal.Decimal, or its repr inside a list, struct or map. */
  private static String pythonDecimal(BigDecimal value, boolean nested) {
    return nested ? "Decimal('" + value + "')" : value.toString();
  }

  private static ArrowBuf dataBuffer(ValueVector vector) {
    return ((FieldVector) vector).getDataBuffer();
  }

  private static String integer(ArrowType.Int type, FieldVector vector, int index) {
    ArrowBuf data = vector.getDataBuffer();
    long at = (long) index * (type.getBitWidth() / 8);
    return switch (type.getBitWidth()) {
      case 8 ->
          type.getIsSigned()
              ? Byte.toString(data.getByte(at))
              : Integer.toString(Byte.toUnsignedInt(data.getByte(at)));
      case 16 ->
          type.getIsSigned()
              ? Short.toString(data.getShort(at))
              : Integer.toString(Short.toUnsignedInt(data.getShort(at)));
      case 32 ->
          type.getIsSigned()
              ? Integer.toString(data.getInt(at))
              : Integer.toUnsignedString(data.getInt(at));
      default ->
          type.getIsSigned()
              ? Long.toString(data.getLong(at))
              : Long.toUnsignedString(data.getLong(at));
    };
  }

  private static String floating(ArrowType.FloatingPoint type, FieldVector vector, int index) {
    ArrowBuf data = vector.getDataBuffer();
    double value =
        switch (type.getPrecision()) {
          case HALF -> Float16.toFloat(data.getShort(index * 2L));
          case SINGLE -> data.getFloat(index * 4L);
          case DOUBLE -> data.getDouble(index * 8L);
        };
    return pythonFloat(value);
  }

  /** Python's {@code repr} of a float: shortest digits, exponent outside 1e-4 to 1e16. */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal decimal = shortest(Math.abs(d));
    String digits = decimal.unscaledValue().toString();
    int exponent = digits.length() - 1 - decimal.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      int e = Math.abs(exponent);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    String plain = decimal.toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /** The fewest significant digits that read back as {@code d} (JDK 17's toString may use more). */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int digits = 1; digits < 17; digits++) {
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.HALF_UP}) {
        BigDecimal rounded = exact.round(new MathContext(digits, mode));
        if (rounded.doubleValue() == d) {
          return rounded.stripTrailingZeros();
        }
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  private static String date(ArrowType.Date type, FieldVector vector, int index, boolean nested) {
    ArrowBuf data = vector.getDataBuffer();
    long days =
        switch (type.getUnit()) {
          case DAY -> data.getInt(index * 4L);
          case MILLISECOND -> Math.floorDiv(data.getLong(index * 8L), 86_400_000L);
        };
    LocalDate date = LocalDate.ofEpochDay(days);
    if (nested) {
      return "datetime.date("
          + date.getYear()
          + ", "
          + date.getMonthValue()
          + ", "
          + date.getDayOfMonth()
          + ")";
    }
    return date.toString();
  }

  private static long unitsPerSecond(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1L;
      case MILLISECOND -> 1_000L;
      case MICROSECOND -> 1_000_000L;
      case NANOSECOND -> 1_000_000_000L;
    };
  }

  /** Whole days since the epoch (or of a duration), floored: no overflow for any unit. */
  private static long days(TimeUnit unit, long value) {
    return Math.floorDiv(value, 86_400L * unitsPerSecond(unit));
  }

  /** Nanoseconds into the day of {@link #days}. */
  private static long nanosOfDay(TimeUnit unit, long value) {
    long perSecond = unitsPerSecond(unit);
    return Math.floorMod(value, 86_400L * perSecond) * (1_000_000_000L / perSecond);
  }

  private static String time(ArrowType.Time type, FieldVector vector, int index, boolean nested) {
    ArrowBuf data = vector.getDataBuffer();
    long value = type.getBitWidth() == 32 ? data.getInt(index * 4L) : data.getLong(index * 8L);
    long nanos = nanosOfDay(type.getUnit(), value);
    if (nested && nanos % 1000 == 0) {
      long seconds = nanos / 1_000_000_000L;
      return "datetime.time("
          + pythonClockArguments(seconds / 3600, (seconds / 60) % 60, seconds % 60, nanos)
          + ")";
    }
    return clock(nanos, true);
  }

  /** hour, minute[, second[, microsecond]]: the arguments Python's repr of a time shows. */
  private static String pythonClockArguments(
      long hour, long minute, long second, long nanosOfSecondOrDay) {
    long micros = (nanosOfSecondOrDay % 1_000_000_000L) / 1000;
    StringBuilder out = new StringBuilder().append(hour).append(", ").append(minute);
    if (second != 0 || micros != 0) {
      out.append(", ").append(second);
    }
    if (micros != 0) {
      out.append(", ").append(micros);
    }
    return out.toString();
  }

  /** HH:MM:SS, then .ffffff when there are microseconds (.fffffffff for sub-microseconds). */
  private static String clock(long nanosOfDay, boolean padHours) {
    long seconds = nanosOfDay / 1_000_000_000L;
    long fraction = nanosOfDay % 1_000_000_000L;
    String hours = Long.toString(seconds / 3600);
    StringBuilder out = new StringBuilder();
    out.append(padHours && hours.length() < 2 ? "0" + hours : hours);
    out.append(String.format(":%02d:%02d", (seconds / 60) % 60, seconds % 60));
    if (fraction % 1000 != 0) {
      out.append(String.format(".%09d", fraction));
    } else if (fraction != 0) {
      out.append(String.format(".%06d", fraction / 1000));
    }
    return out.toString();
  }

  private static String timestamp(
      ArrowType.Timestamp type, FieldVector vector, int index, boolean nested) {
    long value = vector.getDataBuffer().getLong(index * 8L);
    long nanosOfDay = nanosOfDay(type.getUnit(), value);
    Instant instant =
        Instant.ofEpochSecond(
            days(type.getUnit(), value) * 86_400L + nanosOfDay / 1_000_000_000L,
            nanosOfDay % 1_000_000_000L);
    String zone = type.getTimezone();
    LocalDateTime local;
    String offset = "";
    if (zone == null || zone.isEmpty()) {
      local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    } else {
      ZonedDateTime zoned = instant.atZone(ZoneId.of(zone));
      local = zoned.toLocalDateTime();
      offset = pythonOffset(zoned.getOffset());
    }
    if (nested && local.getNano() % 1000 == 0 && local.getYear() >= 1 && local.getYear() <= 9999) {
      return "datetime.datetime("
          + local.getYear()
          + ", "
          + local.getMonthValue()
          + ", "
          + local.getDayOfMonth()
          + ", "
          + pythonClockArguments(
              local.getHour(), local.getMinute(), local.getSecond(), local.getNano())
          + (zone == null || zone.isEmpty() ? "" : ", tzinfo=" + pythonZone(zone))
          + ")";
    }
    return local.toLocalDate() + " " + clock(local.toLocalTime().toNanoOfDay(), true) + offset;
  }

  /**
   * The tzinfo pyarrow gives a timestamp's zone: a fixed offset as datetime.timezone, a zone name
   * as zoneinfo.ZoneInfo.
   */
  private static String pythonZone(String zone) {
    if (zone.startsWith("+") || zone.startsWith("-")) {
      int seconds = ZoneOffset.of(zone).getTotalSeconds();
      return seconds == 0
          ? "datetime.timezone.utc"
          : "datetime.timezone(datetime.timedelta("
              + timedeltaArguments(
                  Math.floorDiv(seconds, 86_400), Math.floorMod(seconds, 86_400), 0)
              + "))";
    }
    return "zoneinfo.ZoneInfo(key=" + pythonString(zone) + ")";
  }

  /** Python's repr of a timedelta, microseconds truncated as pyarrow converts nanoseconds. */
  private static String pythonTimedelta(TimeUnit unit, long value) {
    long days = days(unit, value);
    long nanos = nanosOfDay(unit, value);
    return "datetime.timedelta("
        + timedeltaArguments(days, nanos / 1_000_000_000L, (nanos % 1_000_000_000L) / 1000)
        + ")";
  }

  /** days=D, seconds=S, microseconds=U, the zero ones left out; "0" when all are. */
  private static String timedeltaArguments(long days, long seconds, long micros) {
    List<String> parts = new ArrayList<>();
    if (days != 0) {
      parts.add("days=" + days);
    }
    if (seconds != 0) {
      parts.add("seconds=" + seconds);
    }
    if (micros != 0) {
      parts.add("microseconds=" + micros);
    }
    return parts.isEmpty() ? "0" : String.join(", ", parts);
  }

  private static String pythonOffset(ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    int abs = Math.abs(total);
    String out = String.format("%s%02d:%02d", total < 0 ? "-" : "+", abs / 3600, (abs / 60) % 60);
    return abs % 60 == 0 ? out : out + String.format(":%02d", abs % 60);
  }

  /** Python's {@code str} of a timedelta: [D day[s], ]H:MM:SS[.ffffff]. */
  private static String duration(TimeUnit unit, long value) {
    long days = days(unit, value);
    String clock = clock(nanosOfDay(unit, value), false);
    if (days == 0) {
      return clock;
    }
    return days + (Math.abs(days) == 1 ? " day, " : " days, ") + clock;
  }

  private static String interval(ArrowType.Interval type, FieldVector vector, int index) {
    ArrowBuf data = vector.getDataBuffer();
    return switch (type.getUnit()) {
      case YEAR_MONTH -> data.getInt(index * 4L) + "M";
      case DAY_TIME -> data.getInt(index * 8L) + "d" + data.getInt(index * 8L + 4) + "ms";
      case MONTH_DAY_NANO ->
          "MonthDayNano(months="
              + data.getInt(index * 16L)
              + ", days="
              + data.getInt(index * 16L + 4)
              + ", nanoseconds="
              + data.getLong(index * 16L + 8)
              + ")";
    };
  }

  private String list(ValueVector vector, int index) {
    ValueVector values = ListElements.child(vector);
    List<String> items = new ArrayList<>();
    long end = ListElements.end(vector, index);
    for (long i = ListElements.start(vector, index); i < end; i++) {
      items.add(format(values, (int) i, Mode.REPR));
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** A struct scalar as pyarrow prints it: a list of (name, value) pairs. */
  private String struct(StructVector vector, int index) {
    List<String> items = new ArrayList<>();
    for (FieldVector child : vector.getChildrenFromFields()) {
      items.add("(" + pythonString(child.getName()) + ", " + format(child, index, Mode.REPR) + ")");
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** A struct's Python value: a dict. */
  private String dict(StructVector vector, int index) {
    List<String> items = new ArrayList<>();
    for (FieldVector child : vector.getChildrenFromFields()) {
      items.add(pythonString(child.getName()) + ": " + format(child, index, Mode.REPR));
    }
    return "{" + String.join(", ", items) + "}";
  }

  private String map(MapVector vector, int index) {
    StructVector entries = (StructVector) vector.getDataVector();
    FieldVector keys = entries.getChildrenFromFields().get(0);
    FieldVector items = entries.getChildrenFromFields().get(1);
    List<String> pairs = new ArrayList<>();
    for (int i = vector.getElementStartIndex(index); i < vector.getElementEndIndex(index); i++) {
      pairs.add("(" + format(keys, i, Mode.REPR) + ", " + format(items, i, Mode.REPR) + ")");
    }
    return "[" + String.join(", ", pairs) + "]";
  }

  private static String uuid(byte[] bytes) {
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (bytes[i] & 0xff);
      low = (low << 8) | (bytes[i + 8] & 0xff);
    }
    return new UUID(high, low).toString();
  }

  /** Python's {@code repr} of a str. */
  static String pythonString(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    s.codePoints()
        .forEach(
            c -> {
              if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append(quote).toString();
  }

  /** Python's {@code repr} of bytes: b'...', printable ASCII as is, the rest escaped. */
  static String pythonBytes(byte[] bytes) {
    String ascii = new String(bytes, StandardCharsets.ISO_8859_1);
    char quote = ascii.indexOf('\'') >= 0 && ascii.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder("b").append(quote);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == quote || c == '\\') {
        out.append('\\').append((char) c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.append((char) c);
      }
    }
    return out.append(quote).toString();
  }
}
