package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaSpecTest {

  private static Field only(String spec) {
    Schema schema = SchemaSpec.parse(spec);
    assertThat(schema.getFields()).hasSize(1);
    return schema.getFields().get(0);
  }

  private static List<String> names(List<Field> fields) {
    return fields.stream().map(Field::getName).collect(Collectors.toList());
  }

  @Test
  void parsesEveryLeafType() {
    assertThat(only("bool").getType()).isEqualTo(ArrowType.Bool.INSTANCE);
    assertThat(only("int8").getType()).isEqualTo(new ArrowType.Int(8, true));
    assertThat(only("int16").getType()).isEqualTo(new ArrowType.Int(16, true));
    assertThat(only("int32").getType()).isEqualTo(new ArrowType.Int(32, true));
    assertThat(only("int64").getType()).isEqualTo(new ArrowType.Int(64, true));
    assertThat(only("uint8").getType()).isEqualTo(new ArrowType.Int(8, false));
    assertThat(only("uint16").getType()).isEqualTo(new ArrowType.Int(16, false));
    assertThat(only("uint32").getType()).isEqualTo(new ArrowType.Int(32, false));
    assertThat(only("uint64").getType()).isEqualTo(new ArrowType.Int(64, false));
    assertThat(only("float32").getType())
        .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    assertThat(only("float64").getType())
        .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
    assertThat(only("decimal128(10,2)").getType()).isEqualTo(new ArrowType.Decimal(10, 2, 128));
    assertThat(only("decimal32(7,2)").getType()).isEqualTo(new ArrowType.Decimal(7, 2, 32));
    assertThat(only("decimal64(18,4)").getType()).isEqualTo(new ArrowType.Decimal(18, 4, 64));
    assertThat(only("decimal256(76,10)").getType()).isEqualTo(new ArrowType.Decimal(76, 10, 256));
    assertThat(only("utf8").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    assertThat(only("large_utf8").getType()).isEqualTo(ArrowType.LargeUtf8.INSTANCE);
    assertThat(only("binary").getType()).isEqualTo(ArrowType.Binary.INSTANCE);
    assertThat(only("date32").getType()).isEqualTo(new ArrowType.Date(DateUnit.DAY));
    assertThat(only("timestamp(s)").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.SECOND, null));
    assertThat(only("timestamp(ms)").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null));
    assertThat(only("timestamp(us, UTC)").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    assertThat(only("timestamp(ns,America/New_York)").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "America/New_York"));
    assertThat(only("timestamp(ms,+05:30)").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "+05:30"));
  }

  @Test
  void parsesEveryOtherArrowType() {
    assertThat(only("float16").getType())
        .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF));
    assertThat(only("decimal256(76,10)").getType()).isEqualTo(new ArrowType.Decimal(76, 10, 256));
    assertThat(only("date64").getType()).isEqualTo(new ArrowType.Date(DateUnit.MILLISECOND));
    assertThat(only("time32(s)").getType()).isEqualTo(new ArrowType.Time(TimeUnit.SECOND, 32));
    assertThat(only("time32(MS)").getType())
        .isEqualTo(new ArrowType.Time(TimeUnit.MILLISECOND, 32));
    assertThat(only("time64(us)").getType())
        .isEqualTo(new ArrowType.Time(TimeUnit.MICROSECOND, 64));
    assertThat(only("time64(ns)").getType()).isEqualTo(new ArrowType.Time(TimeUnit.NANOSECOND, 64));
    assertThat(only("duration(ms)").getType())
        .isEqualTo(new ArrowType.Duration(TimeUnit.MILLISECOND));
    assertThat(only("interval(year_month)").getType())
        .isEqualTo(new ArrowType.Interval(IntervalUnit.YEAR_MONTH));
    assertThat(only("interval(DAY_TIME)").getType())
        .isEqualTo(new ArrowType.Interval(IntervalUnit.DAY_TIME));
    assertThat(only("interval(month_day_nano)").getType())
        .isEqualTo(new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO));
    assertThat(only("fixed_size_binary(16)").getType())
        .isEqualTo(new ArrowType.FixedSizeBinary(16));
    assertThat(only("large_binary").getType()).isEqualTo(ArrowType.LargeBinary.INSTANCE);
    assertThat(only("utf8_view").getType()).isEqualTo(ArrowType.Utf8View.INSTANCE);
    assertThat(only("binary_view").getType()).isEqualTo(ArrowType.BinaryView.INSTANCE);

    for (String spec : List.of("large_list", "list_view", "large_list_view")) {
      Field list = only(spec + "<int8>");
      assertThat(list.getChildren())
          .containsExactly(Field.nullable("item", new ArrowType.Int(8, true)));
    }
    assertThat(only("large_list<int8>").getType()).isEqualTo(ArrowType.LargeList.INSTANCE);
    assertThat(only("list_view<int8>").getType()).isEqualTo(ArrowType.ListView.INSTANCE);
    assertThat(only("large_list_view<int8>").getType()).isEqualTo(ArrowType.LargeListView.INSTANCE);
    Field fixed = only("fixed_size_list<float32, 4>");
    assertThat(fixed.getType()).isEqualTo(new ArrowType.FixedSizeList(4));
    assertThat(fixed.getChildren().get(0).getName()).isEqualTo("item");

    Field map = only("map<utf8,list<int64>>");
    assertThat(map.getType()).isEqualTo(new ArrowType.Map(false));
    Field entries = map.getChildren().get(0);
    assertThat(entries.getName()).isEqualTo("entries");
    assertThat(entries.isNullable()).isFalse();
    assertThat(entries.getChildren().get(0))
        .isEqualTo(Field.notNullable("key", ArrowType.Utf8.INSTANCE));
    assertThat(entries.getChildren().get(1).getName()).isEqualTo("value");
    assertThat(entries.getChildren().get(1).isNullable()).isTrue();
    assertThat(entries.getChildren().get(1).getType()).isEqualTo(ArrowType.List.INSTANCE);

    Field sparse = only("sparse_union<a:int32,utf8x2>");
    assertThat(sparse.getType())
        .isEqualTo(new ArrowType.Union(UnionMode.Sparse, new int[] {0, 1, 2}));
    assertThat(names(sparse.getChildren())).containsExactly("a", "c1", "c2");
    assertThat(only("dense_union<int8>").getType())
        .isEqualTo(new ArrowType.Union(UnionMode.Dense, new int[] {0}));

    Field ree = only("run_end_encoded<int16,utf8>");
    assertThat(ree.getType()).isEqualTo(ArrowType.RunEndEncoded.INSTANCE);
    assertThat(ree.getChildren())
        .containsExactly(
            Field.notNullable("run_ends", new ArrowType.Int(16, true)),
            Field.nullable("values", ArrowType.Utf8.INSTANCE));
    assertThat(only("ree<utf8>")).isEqualTo(only("run_end_encoded<int32,utf8>"));
  }

  @Test
  void aliasesUsePyarrowsNames() {
    assertThat(SchemaSpec.parse("halffloat,float,double,string_view,binary(3)"))
        .isEqualTo(SchemaSpec.parse("float16,float32,float64,utf8_view,fixed_size_binary(3)"));
    assertThat(SchemaSpec.parse("year_month_interval,day_time_interval,month_day_nano_interval"))
        .isEqualTo(
            SchemaSpec.parse("interval(year_month),interval(day_time),interval(month_day_nano)"));
  }

  @Test
  void dictionariesOfAnyValueTypeKeepTheirValueFieldBesideTheSchema() {
    SchemaWithDictionaries parsed =
        SchemaSpec.parseWithDictionaries(
            "a:dictionary<int64>,b:dictionary<struct<x:int8,y:utf8>,int8>,dictionary<utf8,int16>");
    List<Field> fields = parsed.schema().getFields();
    assertThat(fields.get(0).getType()).isEqualTo(new ArrowType.Int(32, true));
    assertThat(fields.get(1).getType()).isEqualTo(new ArrowType.Int(8, true));
    assertThat(fields.get(1).getDictionary())
        .isEqualTo(new DictionaryEncoding(1, false, new ArrowType.Int(8, true)));
    assertThat(fields.get(2).getDictionary().getIndexType()).isEqualTo(new ArrowType.Int(16, true));
    assertThat(parsed.dictionaryValues()).containsOnlyKeys(0L, 1L, 2L);
    assertThat(parsed.dictionaryValues().get(0L))
        .isEqualTo(Field.nullable("a", new ArrowType.Int(64, true)));
    assertThat(parsed.dictionaryValues().get(1L).getType()).isEqualTo(ArrowType.Struct.INSTANCE);
    assertThat(names(parsed.dictionaryValues().get(1L).getChildren())).containsExactly("x", "y");
    assertThat(parsed.dictionaryValues().get(2L).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "float16,decimal256(76,0),decimal256(1,1),date64",
        "time32(s),time32(ms),time64(us),time64(ns),duration(s),duration(ms),duration(us),duration(ns)",
        "interval(year_month),interval(day_time),interval(month_day_nano)",
        "fixed_size_binary(1),fixed_size_binary(1048576),large_binary,utf8_view,binary_view",
        "large_list<int8>,list_view<utf8>,large_list_view<list<int8>>,fixed_size_list<bool,3>",
        "m:map<utf8,struct<a:int8,list_view<date64>>>x2",
        "sparse_union<a:int32,b:utf8>,dense_union<int64x3,struct<float16>>",
        "run_end_encoded<int16,utf8>,run_end_encoded<int64,list<int8>>,run_end_encoded<int32,bool>",
        "dictionary<int64>,dictionary<utf8,int8>,dictionary<struct<a:utf8,b:date32>,int64>",
        "list<dictionary<float64,int16>>,map<dictionary<utf8>,dictionary<binary_view,int8>>",
      })
  void describeRoundTripsEveryTypeWithItsDictionaries(String spec) {
    SchemaWithDictionaries parsed = SchemaSpec.parseWithDictionaries(spec);
    String described = SchemaSpec.describe(parsed);
    assertThat(SchemaSpec.parseWithDictionaries(described)).isEqualTo(parsed);
    assertThat(SchemaSpec.parse(SchemaSpec.describe(parsed.schema()))).isEqualTo(parsed.schema());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "halffloat|float16",
        "ree<utf8>x2|run_end_encoded<int32,utf8>x2",
        "binary(4)|fixed_size_binary(4)",
        "dictionary<int64, int32>|dictionary<int64>",
        "dictionary<date32,INT8>|dictionary<date32,int8>",
        "month_day_nano_interval|interval(month_day_nano)",
        "Fixed_Size_List< int8 , 2 >|fixed_size_list<int8,2>",
      })
  void describeRendersEveryTypeByItsCanonicalName(String spec, String expected) {
    assertThat(SchemaSpec.describe(SchemaSpec.parseWithDictionaries(spec))).isEqualTo(expected);
  }

  @Test
  void describeWithoutTheDictionariesSaysUtf8AndKeepsTheIndexType() {
    assertThat(SchemaSpec.describe(SchemaSpec.parse("dictionary<int64,int8>")))
        .isEqualTo("dictionary<utf8,int8>");
  }

  @Test
  void everyFieldIsNullableAndAliasesMapToTheirTypes() {
    Schema schema = SchemaSpec.parse("boolean,string,large_string");
    assertThat(schema.getFields()).allMatch(Field::isNullable);
    assertThat(schema).isEqualTo(SchemaSpec.parse("bool,utf8,large_utf8"));
  }

  @Test
  void defaultSpecIsFourInt64ColumnsNamedByPosition() {
    Schema schema = SchemaSpec.parse(SchemaSpec.DEFAULT_SPEC);
    assertThat(names(schema.getFields())).containsExactly("c0", "c1", "c2", "c3");
    assertThat(schema.getFields())
        .allMatch(f -> f.getType().equals(new ArrowType.Int(64, true)) && f.isNullable());
  }

  @Test
  void namesAreOptionalAndDefaultsCountExpandedPositions() {
    Schema schema = SchemaSpec.parse("int64x2, id:utf8, float64, p:float32x3, bool");
    assertThat(names(schema.getFields()))
        .containsExactly("c0", "c1", "id", "c3", "p_0", "p_1", "p_2", "c7");
    assertThat(schema.getFields().get(5).getType())
        .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
  }

  @Test
  void namesKeepTheirCaseWhileTypesAreCaseInsensitive() {
    Schema schema = SchemaSpec.parse("UserId:INT64X2,Event:Utf8,ts:TIMESTAMP(MS,UTC)");
    assertThat(names(schema.getFields())).containsExactly("UserId_0", "UserId_1", "Event", "ts");
    assertThat(schema.getFields().get(3).getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));
  }

  @Test
  void whitespaceIsAllowedBetweenTokens() {
    assertThat(SchemaSpec.parse("  a : int64 ,\n\tlist < struct < x : utf8 , int32 > > x2 "))
        .isEqualTo(SchemaSpec.parse("a:int64,list<struct<x:utf8,int32>>x2"));
  }

  @Test
  void commasInsideBracketsDoNotSplitFields() {
    Schema schema =
        SchemaSpec.parse("decimal128(12,3),timestamp(us,UTC),struct<a:int8,b:list<utf8>>,int64");
    assertThat(names(schema.getFields())).containsExactly("c0", "c1", "c2", "c3");
  }

  @Test
  void parsesNestedListsAndStructs() {
    Field list = only("list<int32>");
    assertThat(list.getType()).isEqualTo(ArrowType.List.INSTANCE);
    assertThat(list.getChildren()).hasSize(1);
    assertThat(list.getChildren().get(0).getName()).isEqualTo(SchemaSpec.LIST_ITEM_NAME);
    assertThat(list.getChildren().get(0).getType()).isEqualTo(new ArrowType.Int(32, true));

    Field struct = only("struct<id:int64, tags:list<utf8>, inner:struct<bool,float64x2>>");
    assertThat(struct.getType()).isEqualTo(ArrowType.Struct.INSTANCE);
    assertThat(names(struct.getChildren())).containsExactly("id", "tags", "inner");
    Field tags = struct.getChildren().get(1);
    assertThat(tags.getChildren().get(0).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    Field inner = struct.getChildren().get(2);
    assertThat(names(inner.getChildren())).containsExactly("c0", "c1", "c2");

    Field deep = only("list<list<struct<a:list<int8>>>>");
    Field a = deep.getChildren().get(0).getChildren().get(0).getChildren().get(0);
    assertThat(a.getName()).isEqualTo("a");
    assertThat(a.getChildren().get(0).getType()).isEqualTo(new ArrowType.Int(8, true));
  }

  @Test
  void unnamedStructChildrenAreNamedByPosition() {
    assertThat(names(only("struct<int64,utf8>").getChildren())).containsExactly("c0", "c1");
  }

  @Test
  void dictionaryFieldsHoldInt32IndicesAndNumberedEncodings() {
    Schema schema =
        SchemaSpec.parse("dictionary<utf8>x2, s:struct<d:dictionary<UTF8>>, dictionary<string>");
    ArrowType.Int int32 = new ArrowType.Int(32, true);
    Field first = schema.getFields().get(0);
    assertThat(first.getType()).isEqualTo(int32);
    assertThat(first.getDictionary()).isEqualTo(new DictionaryEncoding(0, false, int32));
    assertThat(schema.getFields().get(1).getDictionary().getId()).isEqualTo(1);
    assertThat(schema.getFields().get(2).getChildren().get(0).getDictionary().getId()).isEqualTo(2);
    assertThat(schema.getFields().get(3).getDictionary().getId()).isEqualTo(3);
  }

  @Test
  void repeatsFollowParameterisedAndGenericTypes() {
    assertThat(SchemaSpec.parse("decimal128(10,2)x3").getFields())
        .hasSize(3)
        .allMatch(f -> f.getType().equals(new ArrowType.Decimal(10, 2, 128)));
    assertThat(SchemaSpec.parse("list<int64>X2").getFields()).hasSize(2);
    assertThat(SchemaSpec.parse("timestamp(ms)x2,int8").getFields()).hasSize(3);
    assertThat(SchemaSpec.parse("int64x1")).isEqualTo(SchemaSpec.parse("int64"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "int64x4|int64x4",
        "int64,int64|int64x2",
        "int64 , utf8 , int64|int64,utf8,int64",
        "a:int64,utf8|a:int64,utf8",
        "p:float64x3|p:float64x3",
        "p:float64x1|p:float64",
        "INT8X2,Bool|int8x2,bool",
        "string|utf8",
        "decimal128( 9 , 0 )x2|decimal128(9,0)x2",
        "timestamp(NS, UTC)|timestamp(ns,UTC)",
        "list<struct<a:int8,utf8x2>>|list<struct<a:int8,utf8x2>>",
        "dictionary<utf8>x3,date32|dictionary<utf8>x3,date32",
      })
  void describeRendersACompactSpec(String spec, String expected) {
    assertThat(SchemaSpec.describe(SchemaSpec.parse(spec))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "int64x4",
        "bool,int8,int16,int32,int64,uint8,uint16,uint32,uint64,float32,float64",
        "decimal128(38,10),utf8,large_utf8,binary,date32",
        "decimal32(7,2),decimal64(18,4),decimal256(40,3),list<decimal32(5,1)>",
        "timestamp(s),timestamp(ms,UTC),timestamp(us,Europe/Paris),timestamp(ns,-03:00)",
        "a:int64,b:int64,c2:int64,c0:utf8",
        "x_0:int32,x_1:int32,x_2:utf8,x_3:int32",
        "id:int64,tags:list<utf8>,s:struct<a:list<list<int8>>,b:struct<bool>>",
        "dictionary<utf8>x2,s:struct<d:dictionary<utf8>,list<dictionary<utf8>>>",
        "list<int64>x3,struct<int8,int8>x2",
      })
  void describeRoundTrips(String spec) {
    Schema schema = SchemaSpec.parse(spec);
    assertThat(SchemaSpec.parse(SchemaSpec.describe(schema))).isEqualTo(schema);
  }

  @Test
  void describeRendersSchemasNotMadeFromSpecs() {
    assertThat(SchemaSpec.describe(DemoTables.USER_SESSIONS))
        .isEqualTo("user_id:int64,event:utf8,timestamp:float64");
    assertThat(SchemaSpec.parse(SchemaSpec.describe(DemoTables.USER_SESSIONS)))
        .isEqualTo(DemoTables.USER_SESSIONS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "int64,int65|unknown type 'int65' at position 7 in 'int64,int65'",
        "int64,|expected a type but found end of spec at position 7",
        ",int64|expected a type but found ',' at position 1",
        ":int64|expected a type but found ':' at position 1",
        "a:|expected a type but found end of spec at position 3",
        "int64 utf8|expected ',' but found 'utf8' at position 7",
        "list<int64|unclosed 'list<' at position 1",
        "list<int64>>|expected ',' but found '>' at position 12",
        "list<int64,utf8>|expected '>' to close 'list<' but found ',' at position 11",
        "list(int64)|list needs '<' but found '(' at position 5",
        "list|list needs '<' but found end of spec at position 5",
        "list<>|expected a type but found '>' at position 6",
        "list<int64x2>|repeat count not allowed here: 'int64x2' at position 6",
        "struct<>|expected a type but found '>' at position 8",
        "struct<a:int64|unclosed 'struct<' at position 1",
        "struct<a:int64;b:int8>|unknown type 'int64;b' at position 10",
        "decimal128|decimal128 needs '(' but found end of spec at position 11",
        "decimal128(40,2)|precision must be 1..38, not '40' at position 12",
        "decimal128(10,11)|scale must be 0..precision, not '11' at position 15",
        "decimal128(10)|decimal128 takes (precision,scale), not 'decimal128(10)' at position 1",
        "decimal128(a,2)|precision must be a number, not 'a' at position 12",
        "decimal32(10,2)|decimal32 precision must be 1..9, not '10' at position 11",
        "decimal64(19,2)|decimal64 precision must be 1..18, not '19' at position 11",
        "decimal256(77,2)|decimal256 precision must be 1..76, not '77' at position 12",
        "decimal128(10,2|unclosed 'decimal128(' at position 1",
        "timestamp|timestamp needs '(' but found end of spec at position 10",
        "timestamp(xs)|unit must be s, ms, us or ns, not 'xs' at position 11",
        "timestamp()|missing argument before ')' at position 11",
        "timestamp(ms,)|missing argument before ')' at position 14",
        "timestamp(ms,Mars/Base)|unknown time zone 'Mars/Base' at position 14",
        "timestamp(ms,UTC,x)|timestamp takes (unit[,tz]), not 'timestamp(ms,UTC,x)' at position 1",
        "int64x0|repeat count must be 1..10000, not 'x0' at position 6",
        "int64x10001|repeat count must be 1..10000, not 'x10001' at position 6",
        "int64x99999999999999999999|repeat count must be 1..10000, not",
        "list<int64>x|expected a repeat count like 'x4' but found 'x' at position 12",
        "dictionary<utf8,uint8>|index type must be int8, int16, int32 or int64, not 'uint8' at position 17",
        "dictionary<list<dictionary<utf8>>>|dictionary values cannot hold a dictionary: 'list<dictionary<utf8>>' at position 12",
        "dictionary<utf8,int8|unclosed 'dictionary<' at position 1",
        "decimal256(77,2)|decimal256 precision must be 1..76, not '77' at position 12",
        "decimal256(10,11)|decimal256 scale must be 0..precision, not '11' at position 15",
        "decimal256(x,1)|decimal256 precision must be a number, not 'x' at position 12",
        "time32(us)|time32 unit must be s or ms, not 'us' at position 8",
        "time64(s)|time64 unit must be us or ns, not 's' at position 8",
        "time64|time64 needs '(' but found end of spec at position 7",
        "duration(m)|duration unit must be s, ms, us or ns, not 'm' at position 10",
        "duration(s,UTC)|duration takes (unit), not 'duration(s,UTC)' at position 1",
        "interval(week)|interval unit must be year_month, day_time or month_day_nano, not 'week' at position 10",
        "fixed_size_binary(0)|fixed_size_binary size must be 1..1048576, not '0' at position 19",
        "binary(-3)|binary size must be 1..1048576, not '-3' at position 8",
        "fixed_size_list<int8>|fixed_size_list<type,N> expects ',' but found '>' at position 21",
        "fixed_size_list<int8,n>|fixed_size_list size must be 1..1048576, not 'n' at position 22",
        "fixed_size_list<int8,3|unclosed 'fixed_size_list<' at position 1",
        "map<utf8>|map<key,value> expects ',' but found '>' at position 9",
        "map<utf8,int8,int8>|expected '>' to close 'map<' but found ',' at position 14",
        "large_list<int8x2>|repeat count not allowed here: 'int8x2' at position 12",
        "sparse_union<>|expected a type but found '>' at position 14",
        "dense_union<a:int8,a:utf8>|duplicate field name 'a' at position 20",
        "run_end_encoded<uint8,utf8>|run_end_encoded run ends must be int16, int32 or int64, not 'uint8' at position 17",
        "ree<int32,utf8,int8>|expected '>' to close 'ree<' but found ',' at position 15",
        "list_view|list_view needs '<' but found end of spec at position 10",
        "a:int64,a:utf8|duplicate field name 'a' at position 9 (first at position 1)",
        "p:int64x2,p_1:utf8|duplicate field name 'p_1' at position 11",
        "c1:utf8,int64|duplicate field name 'c1' at position 9 (first at position 1)",
        "struct<a:int8,a:int8>|duplicate field name 'a' at position 15",
        "\"   \"|empty schema spec '   '",
      })
  void badSpecsNameTheTokenAndItsPosition(String spec, String message) {
    assertThatThrownBy(() -> SchemaSpec.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void emptySpecIsRejected() {
    assertThatThrownBy(() -> SchemaSpec.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty schema spec ''");
  }
}
