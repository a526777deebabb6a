package dev.flightlab.data;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Parses a schema spec such as {@code "int64x4"} or {@code "id:int64, tags:list<utf8>"} into an
 * Arrow {@link Schema}, and renders a schema back as a spec.
 *
 * <p>Grammar (case-insensitive for type names and units, whitespace allowed between tokens):
 *
 * <pre>
 * spec   := field ("," field)*
 * field  := [name ":"] type ["x" N]          N &gt;= 1 repeats the field N times
 * type   := bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64
 *         | float16 | float32 | float64
 *         | decimal32(P,S) | decimal64(P,S) | decimal128(P,S) | decimal256(P,S)
 *         | utf8 | large_utf8 | utf8_view | binary | large_binary | binary_view
 *         | fixed_size_binary(N) | date32 | date64 | time32(s|ms) | time64(us|ns)
 *         | timestamp(UNIT[,TZ])               UNIT is s, ms, us or ns; TZ an IANA zone or offset
 *         | duration(UNIT) | interval(year_month|day_time|month_day_nano)
 *         | list&lt;type&gt; | large_list&lt;type&gt; | list_view&lt;type&gt; | large_list_view&lt;type&gt;
 *         | fixed_size_list&lt;type,N&gt; | map&lt;type,type&gt;
 *         | struct&lt;field ("," field)*&gt;
 *         | sparse_union&lt;field ("," field)*&gt; | dense_union&lt;field ("," field)*&gt;
 *         | run_end_encoded&lt;[int16|int32|int64,]type&gt;     int32 run ends by default
 *         | dictionary&lt;type[,int8|int16|int32|int64]&gt;      int32 indices by default
 * </pre>
 *
 * <p>Aliases (pyarrow's names and spellings): {@code boolean} = bool, {@code string} = utf8, {@code
 * large_string} = large_utf8, {@code string_view} = utf8_view, {@code halffloat} = float16, {@code
 * float} = float32, {@code double} = float64, {@code binary(N)} = fixed_size_binary(N), {@code
 * year_month_interval}, {@code day_time_interval} and {@code month_day_nano_interval} =
 * interval(...), {@code ree} = run_end_encoded. Commas inside {@code <>} or {@code ()} belong to
 * the nested type, not to the field list.
 *
 * <p>Names: a field without a name is called {@code c<i>}, {@code i} being its position in its
 * field list (top level, one struct or one union) after repeats are expanded; so {@code int64x4} is
 * c0..c3. A named, repeated field {@code p:float64x3} becomes p_0, p_1, p_2. Names must be unique
 * within a field list. Every field is nullable but a map's entries and keys and a run-end encoded
 * field's run ends (Arrow requires those). Children are named as pyarrow names them: {@code item}
 * in lists, {@code entries}, {@code key}, {@code value} in maps, {@code run_ends} and {@code
 * values} in run-end encoded fields. A union's type ids are 0..n-1 in member order. Dictionary
 * fields have the in-memory form: the field's type is the index type and its {@link
 * DictionaryEncoding} (ids 0, 1, 2... in field order, not ordered) names the dictionary, whose
 * value field {@link #parseWithDictionaries} returns beside the schema.
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the bad token and its 1-based character
 * position, e.g. {@code unknown type 'int65' at position 7 in 'int64,int65'}.
 */
public final class SchemaSpec {
  /** The default spec: four int64 columns, like Arrow C++'s flight benchmark. */
  public static final String DEFAULT_SPEC = "int64x4";

  /** The largest repeat count {@code xN} accepted. */
  public static final int MAX_REPEAT = 10_000;

  /** The name given to a list's child field. */
  public static final String LIST_ITEM_NAME = "item";

  /** The name of a map's entries field, as pyarrow and Arrow Java name it. */
  public static final String MAP_ENTRIES_NAME = "entries";

  /** The name of a map's key field. */
  public static final String MAP_KEY_NAME = "key";

  /** The name of a map's value field. */
  public static final String MAP_VALUE_NAME = "value";

  /** The name of a run-end encoded field's run ends. */
  public static final String RUN_ENDS_NAME = "run_ends";

  /** The name of a run-end encoded field's values. */
  public static final String RUN_END_VALUES_NAME = "values";

  /** The largest N of {@code fixed_size_binary(N)} and {@code fixed_size_list<T,N>}. */
  public static final int MAX_FIXED_SIZE = 1 << 20;

  /** The most members a union holds: its type ids are 0..127. */
  public static final int MAX_UNION_MEMBERS = 128;

  private static final Pattern REPEAT = Pattern.compile("(.*?)[xX]([0-9]+)");
  private static final String DELIMITERS = ",:<>()";

  private SchemaSpec() {}

  /**
   * Parses a schema spec.
   *
   * @throws IllegalArgumentException naming the bad token and its position
   */
  public static Schema parse(String spec) {
    return parseWithDictionaries(spec).schema();
  }

  /**
   * Parses a schema spec into its in-memory schema and the value field of each of its dictionaries,
   * which the in-memory schema does not hold.
   *
   * @throws IllegalArgumentException naming the bad token and its position
   */
  public static SchemaWithDictionaries parseWithDictionaries(String spec) {
    Objects.requireNonNull(spec, "spec");
    Parser parser = new Parser(spec);
    List<Field> fields = parser.parseSpec();
    return new SchemaWithDictionaries(new Schema(fields), parser.dictionaryValues);
  }

  /**
   * A short spec-like rendering of {@code schema}, e.g. {@code "int64x4"}; {@code
   * parse(describe(s))} equals {@code s} for every schema {@link #parse} returns.
   *
   * <p>Default names ({@code c<i>}) are left out and runs of equal types collapse to {@code xN}.
   * Dictionary fields render as {@code dictionary<utf8>} (with their index type unless int32): an
   * in-memory schema does not hold the value type; {@link #describe(SchemaWithDictionaries)} and
   * {@link #describe(Schema, DictionaryProvider)} render it. Types outside the grammar render as
   * Arrow's own {@code toString()}, and names holding whitespace or one of {@code ,:<>()} are
   * written as they are; neither parses back.
   */
  public static String describe(Schema schema) {
    return new Describer(id -> null).fields(schema.getFields());
  }

  /**
   * A spec of {@code schema} with its dictionaries' value types: {@code
   * parseWithDictionaries(describe(s))} equals {@code s} for every {@code s} that {@link
   * #parseWithDictionaries} returns.
   */
  public static String describe(SchemaWithDictionaries schema) {
    return new Describer(schema.dictionaryValues()::get).fields(schema.schema().getFields());
  }

  /** A spec of an in-memory schema whose dictionaries {@code dictionaries} holds (may be null). */
  public static String describe(Schema schema, DictionaryProvider dictionaries) {
    return new Describer(
            id -> {
              Dictionary d = dictionaries == null ? null : dictionaries.lookup(id);
              // a stand-in dictionary (decimal32/64 values) is described by its true type
              return d == null ? null : IpcSchemas.original(d.getVector().getField());
            })
        .fields(schema.getFields());
  }

  /** Renders fields as spec text, looking dictionary value fields up by id. */
  private static final class Describer {
    private final LongFunction<Field> dictionaryValues;

    Describer(LongFunction<Field> dictionaryValues) {
      this.dictionaryValues = dictionaryValues;
    }

    String fields(List<Field> fields) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < fields.size()) {
        String type = type(fields.get(i));
        String name = fields.get(i).getName();
        int run = 1;
        String spec;
        if (name.equals(defaultName(i))) {
          while (i + run < fields.size()
              && fields.get(i + run).getName().equals(defaultName(i + run))
              && type(fields.get(i + run)).equals(type)) {
            run++;
          }
          spec = run > 1 ? type + "x" + run : type;
        } else if (name.endsWith("_0") && name.length() > 2) {
          String base = name.substring(0, name.length() - 2);
          while (i + run < fields.size()
              && fields.get(i + run).getName().equals(base + "_" + run)
              && type(fields.get(i + run)).equals(type)) {
            run++;
          }
          spec = run > 1 ? base + ":" + type + "x" + run : name + ":" + type;
        } else {
          spec = name + ":" + type;
        }
        if (out.length() > 0) {
          out.append(',');
        }
        out.append(spec);
        i += run;
      }
      return out.toString();
    }

    String type(Field field) {
      DictionaryEncoding encoding = field.getDictionary();
      if (encoding != null) {
        Field values = dictionaryValues.apply(encoding.getId());
        int bits = encoding.getIndexType().getBitWidth();
        return "dictionary<"
            + (values == null ? "utf8" : type(values))
            + (bits == 32 ? "" : ",int" + bits)
            + ">";
      }
      ArrowType type = field.getType();
      switch (type.getTypeID()) {
        case Bool:
          return "bool";
        case Int:
          ArrowType.Int i = (ArrowType.Int) type;
          return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
        case FloatingPoint:
          switch (((ArrowType.FloatingPoint) type).getPrecision()) {
            case HALF:
              return "float16";
            case SINGLE:
              return "float32";
            default:
              return "float64";
          }
        case Decimal:
          ArrowType.Decimal d = (ArrowType.Decimal) type;
          return "decimal" + d.getBitWidth() + "(" + d.getPrecision() + "," + d.getScale() + ")";
        case Utf8:
          return "utf8";
        case LargeUtf8:
          return "large_utf8";
        case Utf8View:
          return "utf8_view";
        case Binary:
          return "binary";
        case LargeBinary:
          return "large_binary";
        case BinaryView:
          return "binary_view";
        case FixedSizeBinary:
          return "fixed_size_binary(" + ((ArrowType.FixedSizeBinary) type).getByteWidth() + ")";
        case Date:
          return ((ArrowType.Date) type).getUnit() == DateUnit.DAY ? "date32" : "date64";
        case Time:
          ArrowType.Time time = (ArrowType.Time) type;
          return "time" + time.getBitWidth() + "(" + unitName(time.getUnit()) + ")";
        case Timestamp:
          ArrowType.Timestamp t = (ArrowType.Timestamp) type;
          String unit = unitName(t.getUnit());
          return t.getTimezone() == null
              ? "timestamp(" + unit + ")"
              : "timestamp(" + unit + "," + t.getTimezone() + ")";
        case Duration:
          return "duration(" + unitName(((ArrowType.Duration) type).getUnit()) + ")";
        case Interval:
          return "interval("
              + ((ArrowType.Interval) type).getUnit().name().toLowerCase(Locale.ROOT)
              + ")";
        case List:
          return "list<" + type(field.getChildren().get(0)) + ">";
        case LargeList:
          return "large_list<" + type(field.getChildren().get(0)) + ">";
        case ListView:
          return "list_view<" + type(field.getChildren().get(0)) + ">";
        case LargeListView:
          return "large_list_view<" + type(field.getChildren().get(0)) + ">";
        case FixedSizeList:
          return "fixed_size_list<"
              + type(field.getChildren().get(0))
              + ","
              + ((ArrowType.FixedSizeList) type).getListSize()
              + ">";
        case Map:
          List<Field> entry = field.getChildren().get(0).getChildren();
          return "map<" + type(entry.get(0)) + "," + type(entry.get(1)) + ">";
        case Struct:
          return "struct<" + fields(field.getChildren()) + ">";
        case Union:
          ArrowType.Union union = (ArrowType.Union) type;
          return (union.getMode() == UnionMode.Sparse ? "sparse_union<" : "dense_union<")
              + fields(field.getChildren())
              + ">";
        case RunEndEncoded:
          return "run_end_encoded<"
              + type(field.getChildren().get(0))
              + ","
              + type(field.getChildren().get(1))
              + ">";
        default:
          return type.toString();
      }
    }
  }

  /** The unit a spec names s, ms, us or ns (any case); null for anything else. */
  private static TimeUnit timeUnit(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "s":
        return TimeUnit.SECOND;
      case "ms":
        return TimeUnit.MILLISECOND;
      case "us":
        return TimeUnit.MICROSECOND;
      case "ns":
        return TimeUnit.NANOSECOND;
      default:
        return null;
    }
  }

  private static String unitName(TimeUnit unit) {
    switch (unit) {
      case SECOND:
        return "s";
      case MILLISECOND:
        return "ms";
      case MICROSECOND:
        return "us";
      default:
        return "ns";
    }
  }

  private static String defaultName(int index) {
    return "c" + index;
  }

  /** A parsed type before it becomes a field: dictionary ids are assigned per expanded field. */
  private static final class Node {
    final ArrowType type; // the index type for a dictionary
    final List<Named> children;
    final Node dictionaryValues; // null unless a dictionary
    final boolean holdsDictionary; // this node or one below it is a dictionary

    Node(ArrowType type, List<Named> children) {
      this(type, children, null);
    }

    Node(ArrowType type, List<Named> children, Node dictionaryValues) {
      this.type = type;
      this.children = children;
      this.dictionaryValues = dictionaryValues;
      this.holdsDictionary =
          dictionaryValues != null || children.stream().anyMatch(c -> c.node.holdsDictionary);
    }
  }

  /** A child whose nullability Arrow fixes: map entries and keys, run ends. */
  private static Named required(String name, Node node) {
    return new Named(name, node, false);
  }

  private static final class Named {
    final String name;
    final Node node;
    final boolean nullable;

    Named(String name, Node node) {
      this(name, node, true);
    }

    Named(String name, Node node, boolean nullable) {
      this.name = name;
      this.node = node;
      this.nullable = nullable;
    }
  }

  /** A recursive-descent parser over the spec's characters; positions are 0-based inside. */
  private static final class Parser {
    private final String src;
    private int pos;
    private long nextDictionaryId;
    final Map<Long, Field> dictionaryValues = new LinkedHashMap<>();

    Parser(String src) {
      this.src = src;
    }

    List<Field> parseSpec() {
      skipWhitespace();
      if (atEnd()) {
        throw new IllegalArgumentException("empty schema spec '" + src + "'");
      }
      List<Named> fields = parseFieldList(-1, -1);
      List<Field> out = new ArrayList<>(fields.size());
      for (Named f : fields) {
        out.add(toField(f));
      }
      return out;
    }

    private Field toField(Named named) {
      Node node = named.node;
      if (node.dictionaryValues != null) {
        ArrowType.Int index = (ArrowType.Int) node.type;
        long id = nextDictionaryId++;
        DictionaryEncoding encoding = new DictionaryEncoding(id, false, index);
        dictionaryValues.put(id, toField(new Named(named.name, node.dictionaryValues)));
        return new Field(named.name, new FieldType(named.nullable, index, encoding), null);
      }
      List<Field> children = new ArrayList<>(node.children.size());
      for (Named c : node.children) {
        children.add(toField(c));
      }
      return new Field(named.name, new FieldType(named.nullable, node.type, null), children);
    }

    /**
     * Parses fields up to the end of the spec (structAt &lt; 0) or up to, not including, the {@code
     * >} closing the struct whose name starts at {@code structAt} and whose {@code <} is at {@code
     * open}.
     */
    private List<Named> parseFieldList(int structAt, int open) {
      List<Named> fields = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      while (true) {
        skipWhitespace();
        parseField(fields, seen);
        skipWhitespace();
        if (atEnd()) {
          if (structAt >= 0) {
            throw error("unclosed", structAt, src.substring(structAt, open + 1));
          }
          return fields;
        }
        char c = src.charAt(pos);
        if (c == ',') {
          pos++;
        } else if (c == '>' && structAt >= 0) {
          return fields;
        } else {
          throw error("expected ',' but found", pos);
        }
      }
    }

    private void parseField(List<Named> out, Map<String, Integer> seen) {
      int start = pos;
      String word = readWord();
      String name = null;
      int nameAt = -1;
      skipWhitespace();
      if (!word.isEmpty() && peek() == ':') {
        name = word;
        nameAt = start;
        pos++;
        skipWhitespace();
        start = pos;
        word = readWord();
      }
      if (word.isEmpty()) {
        throw error("expected a type but found", pos);
      }
      int repeat = 1;
      int repeatAt = -1;
      Matcher m = REPEAT.matcher(word);
      skipWhitespace();
      boolean takesArguments = peek() == '<' || peek() == '(';
      if (!takesArguments && m.matches() && !m.group(1).isEmpty()) {
        repeatAt = start + m.start(2) - 1;
        repeat = parseRepeat(m.group(2), repeatAt);
        word = m.group(1);
      }
      Node node = parseTypeAfterWord(word, start);
      if (repeatAt < 0) {
        skipWhitespace();
        if (peek() == 'x' || peek() == 'X') {
          int at = pos;
          String rep = readWord();
          if (!rep.matches("[xX][0-9]+")) {
            throw error("expected a repeat count like 'x4' but found", at);
          }
          repeat = parseRepeat(rep.substring(1), at);
        }
      }
      int namedAt = name != null ? nameAt : start;
      for (int k = 0; k < repeat; k++) {
        String fieldName;
        if (name == null) {
          fieldName = defaultName(out.size());
        } else {
          fieldName = repeat == 1 ? name : name + "_" + k;
        }
        Integer previous = seen.putIfAbsent(fieldName, namedAt);
        if (previous != null) {
          throw new IllegalArgumentException(
              "duplicate field name '"
                  + fieldName
                  + "' at position "
                  + (namedAt + 1)
                  + " (first at position "
                  + (previous + 1)
                  + ") in '"
                  + src
                  + "'");
        }
        out.add(new Named(fieldName, node));
      }
    }

    private int parseRepeat(String digits, int at) {
      long n;
      try {
        n = digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
      } catch (NumberFormatException e) {
        n = Long.MAX_VALUE;
      }
      if (n < 1 || n > MAX_REPEAT) {
        throw error("repeat count must be 1.." + MAX_REPEAT + ", not", at);
      }
      return (int) n;
    }

    /**
     * Parses a type used where no repeat is allowed (inside list&lt;&gt; or dictionary&lt;&gt;).
     */
    private Node parseNestedType() {
      skipWhitespace();
      int start = pos;
      String word = readWord();
      if (word.isEmpty()) {
        throw error("expected a type but found", pos);
      }
      return parseTypeAfterWord(word, start);
    }

    private Node parseTypeAfterWord(String word, int start) {
      String type = word.toLowerCase(Locale.ROOT);
      switch (type) {
        case "bool":
        case "boolean":
          return leaf(ArrowType.Bool.INSTANCE);
        case "int8":
          return leaf(new ArrowType.Int(8, true));
        case "int16":
          return leaf(new ArrowType.Int(16, true));
        case "int32":
          return leaf(new ArrowType.Int(32, true));
        case "int64":
          return leaf(new ArrowType.Int(64, true));
        case "uint8":
          return leaf(new ArrowType.Int(8, false));
        case "uint16":
          return leaf(new ArrowType.Int(16, false));
        case "uint32":
          return leaf(new ArrowType.Int(32, false));
        case "uint64":
          return leaf(new ArrowType.Int(64, false));
        case "float32":
          return leaf(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
        case "float64":
          return leaf(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        case "utf8":
        case "string":
          return leaf(ArrowType.Utf8.INSTANCE);
        case "large_utf8":
        case "large_string":
          return leaf(ArrowType.LargeUtf8.INSTANCE);
        case "binary":
          skipWhitespace();
          return peek() == '('
              ? leaf(new ArrowType.FixedSizeBinary(parseSize(word, start)))
              : leaf(ArrowType.Binary.INSTANCE);
        case "date32":
          return leaf(new ArrowType.Date(DateUnit.DAY));
        case "decimal32", "decimal64", "decimal128", "decimal256":
          return parseDecimal(word, start);
        case "timestamp":
          return parseTimestamp(word, start);
        case "list":
          {
            int open = expect('<', word, start);
            Node child = parseNestedType();
            expectClose('>', start, open);
            return new Node(ArrowType.List.INSTANCE, List.of(new Named(LIST_ITEM_NAME, child)));
          }
        case "struct":
          {
            int open = expect('<', word, start);
            List<Named> children = parseFieldList(start, open);
            pos++; // the '>' parseFieldList stopped at
            return new Node(ArrowType.Struct.INSTANCE, children);
          }
        case "dictionary":
          return parseDictionary(word, start);
        case "float16":
        case "halffloat":
          return leaf(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF));
        case "float":
          return leaf(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
        case "double":
          return leaf(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        case "utf8_view":
        case "string_view":
          return leaf(ArrowType.Utf8View.INSTANCE);
        case "large_binary":
          return leaf(ArrowType.LargeBinary.INSTANCE);
        case "binary_view":
          return leaf(ArrowType.BinaryView.INSTANCE);
        case "fixed_size_binary":
          return leaf(new ArrowType.FixedSizeBinary(parseSize(word, start)));
        case "date64":
          return leaf(new ArrowType.Date(DateUnit.MILLISECOND));
        case "time32":
          return leaf(
              new ArrowType.Time(
                  parseUnit(word, start, TimeUnit.SECOND, TimeUnit.MILLISECOND), 32));
        case "time64":
          return leaf(
              new ArrowType.Time(
                  parseUnit(word, start, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND), 64));
        case "duration":
          return leaf(new ArrowType.Duration(parseUnit(word, start, TimeUnit.values())));
        case "interval":
          return parseInterval(word, start);
        case "year_month_interval":
          return leaf(new ArrowType.Interval(IntervalUnit.YEAR_MONTH));
        case "day_time_interval":
          return leaf(new ArrowType.Interval(IntervalUnit.DAY_TIME));
        case "month_day_nano_interval":
          return leaf(new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO));
        case "large_list":
          return parseList(ArrowType.LargeList.INSTANCE, word, start);
        case "list_view":
          return parseList(ArrowType.ListView.INSTANCE, word, start);
        case "large_list_view":
          return parseList(ArrowType.LargeListView.INSTANCE, word, start);
        case "fixed_size_list":
          return parseFixedSizeList(word, start);
        case "map":
          return parseMap(word, start);
        case "sparse_union":
          return parseUnion(UnionMode.Sparse, word, start);
        case "dense_union":
          return parseUnion(UnionMode.Dense, word, start);
        case "run_end_encoded":
        case "ree":
          return parseRunEndEncoded(word, start);
        default:
          Matcher m = REPEAT.matcher(word);
          if (m.matches() && !m.group(1).isEmpty() && isKnownType(m.group(1))) {
            throw error("repeat count not allowed here:", start);
          }
          throw error("unknown type", start, word);
      }
    }

    private static boolean isKnownType(String word) {
      try {
        Parser probe = new Parser(word);
        probe.parseTypeAfterWord(word, 0);
        return true;
      } catch (IllegalArgumentException e) {
        return !e.getMessage().startsWith("unknown type");
      }
    }

    private Node parseList(ArrowType type, String word, int start) {
      int open = expect('<', word, start);
      Node child = parseNestedType();
      expectClose('>', start, open);
      return new Node(type, List.of(new Named(LIST_ITEM_NAME, child)));
    }

    private Node parseFixedSizeList(String word, int start) {
      int open = expect('<', word, start);
      Node child = parseNestedType();
      expectComma(word + "<type,N>", start, open);
      skipWhitespace();
      int sizeAt = pos;
      String size = readWord();
      if (size.isEmpty()) {
        throw error("expected a list size but found", sizeAt);
      }
      int n = sizeArgument(word, size, sizeAt);
      expectClose('>', start, open);
      return new Node(new ArrowType.FixedSizeList(n), List.of(new Named(LIST_ITEM_NAME, child)));
    }

    private Node parseMap(String word, int start) {
      int open = expect('<', word, start);
      Node key = parseNestedType();
      expectComma("map<key,value>", start, open);
      Node value = parseNestedType();
      expectClose('>', start, open);
      Node entries =
          new Node(
              ArrowType.Struct.INSTANCE,
              List.of(required(MAP_KEY_NAME, key), new Named(MAP_VALUE_NAME, value)));
      return new Node(new ArrowType.Map(false), List.of(required(MAP_ENTRIES_NAME, entries)));
    }

    private Node parseUnion(UnionMode mode, String word, int start) {
      int open = expect('<', word, start);
      List<Named> members = parseFieldList(start, open);
      pos++; // the '>' parseFieldList stopped at
      if (members.size() > MAX_UNION_MEMBERS) {
        throw error(
            word + " holds at most " + MAX_UNION_MEMBERS + " members, not " + members.size() + ":",
            start,
            src.substring(start, pos));
      }
      int[] typeIds = new int[members.size()];
      for (int i = 0; i < typeIds.length; i++) {
        typeIds[i] = i;
      }
      return new Node(new ArrowType.Union(mode, typeIds), members);
    }

    private Node parseRunEndEncoded(String word, int start) {
      int open = expect('<', word, start);
      skipWhitespace();
      int firstAt = pos;
      Node first = parseNestedType();
      skipWhitespace();
      Node runEnds = leaf(new ArrowType.Int(32, true));
      Node values = first;
      if (peek() == ',') {
        pos++;
        String runEndType = src.substring(firstAt, pos - 1).strip().toLowerCase(Locale.ROOT);
        if (!(runEndType.equals("int16")
            || runEndType.equals("int32")
            || runEndType.equals("int64"))) {
          throw error(
              word + " run ends must be int16, int32 or int64, not",
              firstAt,
              src.substring(firstAt, pos - 1).strip());
        }
        runEnds = first;
        values = parseNestedType();
      }
      expectClose('>', start, open);
      return new Node(
          ArrowType.RunEndEncoded.INSTANCE,
          List.of(required(RUN_ENDS_NAME, runEnds), new Named(RUN_END_VALUES_NAME, values)));
    }

    private Node parseDictionary(String word, int start) {
      int open = expect('<', word, start);
      skipWhitespace();
      int valueAt = pos;
      Node value = parseNestedType();
      if (value.holdsDictionary) {
        throw error(
            "dictionary values cannot hold a dictionary:", valueAt, src.substring(valueAt, pos));
      }
      skipWhitespace();
      ArrowType.Int index = new ArrowType.Int(32, true);
      if (peek() == ',') {
        pos++;
        skipWhitespace();
        int indexAt = pos;
        String indexType = readWord();
        switch (indexType.toLowerCase(Locale.ROOT)) {
          case "int8":
            index = new ArrowType.Int(8, true);
            break;
          case "int16":
            index = new ArrowType.Int(16, true);
            break;
          case "int32":
            break;
          case "int64":
            index = new ArrowType.Int(64, true);
            break;
          default:
            throw error("dictionary index type must be int8, int16, int32 or int64, not", indexAt);
        }
      }
      expectClose('>', start, open);
      return new Node(index, List.of(), value);
    }

    /** The N of {@code word(N)}. */
    private int parseSize(String word, int start) {
      int open = expect('(', word, start);
      List<int[]> args = readArguments(start, open);
      if (args.size() != 1) {
        throw error(word + " takes (N), not", start, src.substring(start, pos));
      }
      return sizeArgument(word, text(args.get(0)), args.get(0)[0]);
    }

    private int sizeArgument(String word, String text, int at) {
      if (!text.matches("[0-9]{1,9}")
          || Integer.parseInt(text) < 1
          || Integer.parseInt(text) > MAX_FIXED_SIZE) {
        throw error(word + " size must be 1.." + MAX_FIXED_SIZE + ", not", at, text);
      }
      return Integer.parseInt(text);
    }

    /** The unit of {@code word(UNIT)}: one of {@code allowed}. */
    private TimeUnit parseUnit(String word, int start, TimeUnit... allowed) {
      int open = expect('(', word, start);
      List<int[]> args = readArguments(start, open);
      if (args.size() != 1) {
        throw error(word + " takes (unit), not", start, src.substring(start, pos));
      }
      String unitText = text(args.get(0));
      TimeUnit unit = timeUnit(unitText);
      if (unit == null || !List.of(allowed).contains(unit)) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < allowed.length; i++) {
          names.append(i == 0 ? "" : i == allowed.length - 1 ? " or " : ", ");
          names.append(unitName(allowed[i]));
        }
        throw error(word + " unit must be " + names + ", not", args.get(0)[0], unitText);
      }
      return unit;
    }

    private Node parseInterval(String word, int start) {
      int open = expect('(', word, start);
      List<int[]> args = readArguments(start, open);
      if (args.size() != 1) {
        throw error("interval takes (unit), not", start, src.substring(start, pos));
      }
      String unitText = text(args.get(0));
      for (IntervalUnit unit : IntervalUnit.values()) {
        if (unit.name().equalsIgnoreCase(unitText)) {
          return leaf(new ArrowType.Interval(unit));
        }
      }
      throw error(
          "interval unit must be year_month, day_time or month_day_nano, not",
          args.get(0)[0],
          unitText);
    }

    private void expectComma(String form, int typeAt, int open) {
      skipWhitespace();
      if (atEnd()) {
        throw error("unclosed", typeAt, src.substring(typeAt, open + 1));
      }
      if (peek() != ',') {
        throw error(form + " expects ',' but found", pos);
      }
      pos++;
    }

    /** decimal32/64/128/256(P,S): P within Arrow's bounds for the width, 0 <= S <= P. */
    private Node parseDecimal(String word, int start) {
      int bits = Integer.parseInt(word.substring("decimal".length()));
      int maxPrecision =
          switch (bits) {
            case 32 -> 9;
            case 64 -> 18;
            case 128 -> 38;
            default -> 76;
          };
      int open = expect('(', word, start);
      List<int[]> args = readArguments(start, open);
      if (args.size() != 2) {
        throw error(word + " takes (precision,scale), not", start, src.substring(start, pos));
      }
      int precision = intArgument(args.get(0), word + " precision");
      int scale = intArgument(args.get(1), word + " scale");
      if (precision < 1 || precision > maxPrecision) {
        throw error(word + " precision must be 1.." + maxPrecision + ", not", args.get(0)[0]);
      }
      if (scale < 0 || scale > precision) {
        throw error(word + " scale must be 0..precision, not", args.get(1)[0]);
      }
      return leaf(new ArrowType.Decimal(precision, scale, bits));
    }

    private Node parseTimestamp(String word, int start) {
      int open = expect('(', word, start);
      List<int[]> args = readArguments(start, open);
      if (args.size() > 2) {
        throw error("timestamp takes (unit[,tz]), not", start, src.substring(start, pos));
      }
      int[] unitArg = args.get(0);
      String unitText = text(unitArg);
      TimeUnit unit;
      switch (unitText.toLowerCase(Locale.ROOT)) {
        case "s":
          unit = TimeUnit.SECOND;
          break;
        case "ms":
          unit = TimeUnit.MILLISECOND;
          break;
        case "us":
          unit = TimeUnit.MICROSECOND;
          break;
        case "ns":
          unit = TimeUnit.NANOSECOND;
          break;
        default:
          throw error("timestamp unit must be s, ms, us or ns, not", unitArg[0], unitText);
      }
      String tz = null;
      if (args.size() == 2) {
        tz = text(args.get(1));
        try {
          ZoneId.of(tz);
        } catch (DateTimeException e) {
          throw error("unknown time zone", args.get(1)[0], tz);
        }
      }
      return leaf(new ArrowType.Timestamp(unit, tz));
    }

    /** Reads comma-separated arguments up to ')'; each as {start, end} of its trimmed text. */
    private List<int[]> readArguments(int typeAt, int open) {
      List<int[]> args = new ArrayList<>();
      while (true) {
        skipWhitespace();
        int begin = pos;
        while (!atEnd() && src.charAt(pos) != ',' && src.charAt(pos) != ')') {
          pos++;
        }
        int end = pos;
        while (end > begin && Character.isWhitespace(src.charAt(end - 1))) {
          end--;
        }
        if (end == begin) {
          throw error("missing argument before", begin);
        }
        args.add(new int[] {begin, end});
        if (atEnd()) {
          throw error("unclosed", typeAt, src.substring(typeAt, open + 1));
        }
        if (src.charAt(pos++) == ')') {
          return args;
        }
      }
    }

    private int intArgument(int[] arg, String what, String typeName) {
      String t = text(arg);
      if (!t.matches("[0-9]{1,9}")) {
        throw error(typeName + " " + what + " must be a number, not", arg[0], t);
      }
      return Integer.parseInt(t);
    }

    private int intArgument(int[] arg, String what) {
      String t = text(arg);
      if (!t.matches("[0-9]{1,9}")) {
        throw error(what + " must be a number, not", arg[0], t);
      }
      return Integer.parseInt(t);
    }

    private String text(int[] arg) {
      return src.substring(arg[0], arg[1]);
    }

    private int expect(char open, String word, int start) {
      skipWhitespace();
      if (peek() != open) {
        throw error(word + " needs '" + open + "' but found", pos);
      }
      return pos++;
    }

    private void expectClose(char close, int typeAt, int open) {
      String opener = src.substring(typeAt, open + 1);
      skipWhitespace();
      if (atEnd()) {
        throw error("unclosed", typeAt, opener);
      }
      if (peek() != close) {
        throw error("expected '" + close + "' to close '" + opener + "' but found", pos);
      }
      pos++;
    }

    private static Node leaf(ArrowType type) {
      return new Node(type, List.of());
    }

    /** A run of characters that are neither whitespace nor delimiters. */
    private String readWord() {
      int begin = pos;
      while (!atEnd() && isWordChar(src.charAt(pos))) {
        pos++;
      }
      return src.substring(begin, pos);
    }

    private static boolean isWordChar(char c) {
      return !Character.isWhitespace(c) && DELIMITERS.indexOf(c) < 0;
    }

    private void skipWhitespace() {
      while (!atEnd() && Character.isWhitespace(src.charAt(pos))) {
        pos++;
      }
    }

    private boolean atEnd() {
      return pos >= src.length();
    }

    private char peek() {
      return atEnd() ? '\0' : src.charAt(pos);
    }

    /** The token starting at {@code at}: a word, one delimiter, or "end of spec". */
    private String tokenAt(int at) {
      if (at >= src.length()) {
        return null;
      }
      int end = at;
      while (end < src.length() && isWordChar(src.charAt(end))) {
        end++;
      }
      return end == at ? src.substring(at, at + 1) : src.substring(at, end);
    }

    private IllegalArgumentException error(String problem, int at) {
      return error(problem, at, tokenAt(at));
    }

    private IllegalArgumentException error(String problem, int at, String token) {
      String what = token == null ? " end of spec" : " '" + token + "'";
      return new IllegalArgumentException(
          problem + what + " at position " + (at + 1) + " in '" + src + "'");
    }
  }
}
