package dev.flightlab.data;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
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
 *         | float32 | float64 | decimal32(P,S) | decimal64(P,S) | decimal128(P,S)
 *         | decimal256(P,S) | utf8 | large_utf8 | binary | date32
 *         | timestamp(UNIT[,TZ])               UNIT is s, ms, us or ns; TZ an IANA zone or offset
 *         | list&lt;type&gt;
 *         | struct&lt;field ("," field)*&gt;
 *         | dictionary&lt;utf8&gt;                   int32 indices
 * </pre>
 *
 * <p>Aliases: {@code boolean} = bool, {@code string} = utf8, {@code large_string} = large_utf8.
 * Commas inside {@code <>} or {@code ()} belong to the nested type, not to the field list.
 *
 * <p>Names: a field without a name is called {@code c<i>}, {@code i} being its position in its
 * field list (top level or one struct) after repeats are expanded; so {@code int64x4} is c0..c3. A
 * named, repeated field {@code p:float64x3} becomes p_0, p_1, p_2. Names must be unique within a
 * field list. Every field is nullable. A list's child is called {@code item}. Dictionary fields
 * have the in-memory form: the field's type is the int32 index type and its {@link
 * DictionaryEncoding} (ids 0, 1, 2... in field order, not ordered) names the dictionary, whose
 * values are utf8.
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

  private static final Pattern REPEAT = Pattern.compile("(.*?)[xX]([0-9]+)");
  private static final String DELIMITERS = ",:<>()";

  private SchemaSpec() {}

  /**
   * Parses a schema spec.
   *
   * @throws IllegalArgumentException naming the bad token and its position
   */
  public static Schema parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    return new Schema(new Parser(spec).parseSpec());
  }

  /**
   * A short spec-like rendering of {@code schema}, e.g. {@code "int64x4"}; {@code
   * parse(describe(s))} equals {@code s} for every schema {@link #parse} returns.
   *
   * <p>Default names ({@code c<i>}) are left out and runs of equal types collapse to {@code xN}.
   * Dictionary fields render as {@code dictionary<utf8>} (an in-memory schema does not hold the
   * value type; utf8 is the only one specs produce). Types outside the grammar render as Arrow's
   * own {@code toString()}, and names holding whitespace or one of {@code ,:<>()} are written as
   * they are; neither parses back.
   */
  public static String describe(Schema schema) {
    return describeFields(schema.getFields());
  }

  private static String describeFields(List<Field> fields) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < fields.size()) {
      String type = describeType(fields.get(i));
      String name = fields.get(i).getName();
      int run = 1;
      String spec;
      if (name.equals(defaultName(i))) {
        while (i + run < fields.size()
            && fields.get(i + run).getName().equals(defaultName(i + run))
            && describeType(fields.get(i + run)).equals(type)) {
          run++;
        }
        spec = run > 1 ? type + "x" + run : type;
      } else if (name.endsWith("_0") && name.length() > 2) {
        String base = name.substring(0, name.length() - 2);
        while (i + run < fields.size()
            && fields.get(i + run).getName().equals(base + "_" + run)
            && describeType(fields.get(i + run)).equals(type)) {
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

  private static String describeType(Field field) {
    if (field.getDictionary() != null) {
      return "dictionary<utf8>";
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
      case Binary:
        return "binary";
      case Date:
        return ((ArrowType.Date) type).getUnit() == DateUnit.DAY ? "date32" : "date64";
      case Timestamp:
        ArrowType.Timestamp t = (ArrowType.Timestamp) type;
        String unit = unitName(t.getUnit());
        return t.getTimezone() == null
            ? "timestamp(" + unit + ")"
            : "timestamp(" + unit + "," + t.getTimezone() + ")";
      case List:
        return "list<" + describeType(field.getChildren().get(0)) + ">";
      case Struct:
        return "struct<" + describeFields(field.getChildren()) + ">";
      default:
        return type.toString();
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
    final ArrowType type; // null for dictionary<utf8>
    final List<Named> children;

    Node(ArrowType type, List<Named> children) {
      this.type = type;
      this.children = children;
    }
  }

  private static final class Named {
    final String name;
    final Node node;

    Named(String name, Node node) {
      this.name = name;
      this.node = node;
    }
  }

  /** A recursive-descent parser over the spec's characters; positions are 0-based inside. */
  private static final class Parser {
    private final String src;
    private int pos;
    private long nextDictionaryId;

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
        out.add(toField(f.name, f.node));
      }
      return out;
    }

    private Field toField(String name, Node node) {
      if (node.type == null) {
        ArrowType.Int index = new ArrowType.Int(32, true);
        DictionaryEncoding encoding = new DictionaryEncoding(nextDictionaryId++, false, index);
        return new Field(name, new FieldType(true, index, encoding), null);
      }
      List<Field> children = new ArrayList<>(node.children.size());
      for (Named c : node.children) {
        children.add(toField(c.name, c.node));
      }
      return new Field(name, FieldType.nullable(node.type), children);
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
          return leaf(ArrowType.Binary.INSTANCE);
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
          {
            int open = expect('<', word, start);
            skipWhitespace();
            int valueAt = pos;
            Node value = parseNestedType();
            if (!(value.type instanceof ArrowType.Utf8)) {
              throw error(
                  "dictionary values must be utf8, not", valueAt, src.substring(valueAt, pos));
            }
            expectClose('>', start, open);
            return new Node(null, List.of());
          }
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
