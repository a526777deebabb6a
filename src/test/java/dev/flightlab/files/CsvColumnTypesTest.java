package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CsvColumnTypesTest {
  @Test
  void everyAcceptedTypeHasItsDuckDbName() {
    CsvColumnTypes types =
        CsvColumnTypes.parse(
            "b:bool, i8:int8, i16:int16, i32:int32, i64:int64, u8:uint8, u16:uint16, u32:uint32,"
                + " u64:uint64, f:float32, d:float64, dec:decimal128(10,2), s:utf8, bin:binary,"
                + " day:date32, s0:timestamp(s), ms:timestamp(ms), us:timestamp(us),"
                + " ns:timestamp(ns), at:timestamp(us,UTC)");
    assertThat(types.duckDbStruct())
        .isEqualTo(
            "{'b': 'BOOLEAN', 'i8': 'TINYINT', 'i16': 'SMALLINT', 'i32': 'INTEGER', 'i64':"
                + " 'BIGINT', 'u8': 'UTINYINT', 'u16': 'USMALLINT', 'u32': 'UINTEGER', 'u64':"
                + " 'UBIGINT', 'f': 'FLOAT', 'd': 'DOUBLE', 'dec': 'DECIMAL(10,2)', 's': 'VARCHAR',"
                + " 'bin': 'BLOB', 'day': 'DATE', 's0': 'TIMESTAMP_S', 'ms': 'TIMESTAMP_MS', 'us':"
                + " 'TIMESTAMP', 'ns': 'TIMESTAMP_NS', 'at': 'TIMESTAMPTZ'}");
    assertThat(types.timeZone()).isEqualTo("UTC");
    assertThat(CsvColumnTypes.parse("x:int8").timeZone()).isNull();
  }

  @Test
  void namesAreQuotedAsSqlStrings() {
    assertThat(CsvColumnTypes.parse("it's:utf8").duckDbStruct()).isEqualTo("{'it''s': 'VARCHAR'}");
  }

  @Test
  void whatACsvColumnCannotBeIsRefused() {
    assertThatThrownBy(() -> CsvColumnTypes.parse("a:int8, decimal128(10,2)"))
        .hasMessage(
            "column type 'decimal128(10,2)' has no column name: write NAME:TYPE, e.g. id:int64");
    assertThatThrownBy(() -> CsvColumnTypes.parse("a:large_utf8"))
        .hasMessageStartingWith("column 'a': LargeUtf8 is not a CSV column type");
    assertThatThrownBy(() -> CsvColumnTypes.parse("a:dictionary<utf8>"))
        .hasMessageStartingWith("column 'a': dictionary<utf8> is not a CSV column type");
    assertThatThrownBy(() -> CsvColumnTypes.parse("a:timestamp(ms,UTC)"))
        .hasMessageStartingWith("column 'a': a timestamp with a time zone must be in microseconds");
    assertThatThrownBy(() -> CsvColumnTypes.parse("a:timestamp(us,UTC), b:timestamp(us,+01:00)"))
        .hasMessageStartingWith("column 'b': every zoned timestamp of a CSV file must use one");
  }
}
