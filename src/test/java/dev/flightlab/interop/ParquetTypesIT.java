package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files pyarrow writes (python/parquet_types.py), uploaded with {@code flightlab put}, come
 * back through pyarrow's Flight client as {@code pq.read_table} reads them: the same values, and
 * the same Arrow types but for the differences docs/files.md lists.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class ParquetTypesIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir static Path files;
  private ServerFixture fx;

  @BeforeAll
  static void write() {
    Pyarrow.Run write = Pyarrow.run("parquet_types.py", "write", files.toString());
    assertThat(write.exit()).as(write.toString()).isZero();
  }

  @BeforeEach
  void start() {
    fx = server.fixture();
  }

  /** {@code flightlab put FILE PATH more...} of one of the written files. */
  private Cli.Run put(String file, String path, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(files.resolve(file).toString(), path));
    args.addAll(List.of(more));
    return Cli.against(fx.uri().toString(), "put", args.toArray(String[]::new));
  }

  /** Puts FILE with flightlab and returns the lines of pyarrow's check, which must pass. */
  private List<String> putAndCheck(String file) {
    String path = "/parquet/" + file.replace(".parquet", "");
    Cli.Run put = put(file, path);
    assertThat(put.exit()).as(put.err()).isZero();
    Pyarrow.Run check =
        Pyarrow.run(
            "parquet_types.py",
            "check",
            "--server",
            fx.uri().toString(),
            path,
            files.resolve(file).toString());
    assertThat(check.exit()).as(check.toString()).isZero();
    assertThat(check.out()).contains("OK " + files.resolve(file));
    return check.out().lines().filter(l -> !l.startsWith("OK ")).toList();
  }

  /**
   * {@code get -o copy} of dataset {@code path}, then pyarrow's comparison of {@code copy} with
   * {@code original} (one of the written files), which must pass.
   */
  private Pyarrow.Run getAndCompare(String path, Path copy, String original) {
    Cli.Run get = Cli.against(fx.uri().toString(), "get", path, "-o", copy.toString());
    assertThat(get.exit()).as(get.err()).isZero();
    Pyarrow.Run check =
        Pyarrow.run(
            "parquet_types.py", "copy", files.resolve(original).toString(), copy.toString());
    assertThat(check.exit()).as(check.toString()).isZero();
    return check;
  }

  @Test
  void anArrowWrittenFileKeepsItsTypesButLargeOrFixedLists() {
    // Nested types included: a list's, a struct's and a map's millisecond timestamps, time32,
    // float16 and fixed-size binary come back as pyarrow reads them.
    // A dictionary column too, its dictionary read from the whole file.
    assertThat(putAndCheck("arrow_schema.parquet"))
        .containsExactly(
            "TYPE llist: flightlab=list<element: int64> pyarrow=large_list<element: int64>",
            "TYPE fsl: flightlab=list<element: int64> pyarrow=fixed_size_list<element: int64>[2]");
  }

  @Test
  void aFileWithoutAnArrowSchemaGetsItsLogicalTypes() {
    // Nested ones too: a list's, a struct's and a map's millisecond timestamps, time32 and
    // float16.
    assertThat(putAndCheck("plain.parquet")).isEmpty();
    assertThat(putAndCheck("format_1_0.parquet")).isEmpty();
  }

  @Test
  void convertedColumnsSpanManyBatchesWithNullsAtTheirEdges() {
    assertThat(putAndCheck("batches.parquet")).isEmpty();
  }

  @Test
  void filesWithDifferentDictionariesAppendToOneDataset() {
    for (String day : List.of("day1", "day2")) {
      Cli.Run put = put(day + ".parquet", "/days", "--mode", "append");
      assertThat(put.exit()).as(put.err()).isZero();
    }
    try (BatchSet days = fx.client().get(DatasetPath.parse("/days"))) {
      assertThat(days.schema().findField("d").getDictionary()).isNotNull();
      assertThat(Tables.decodedColumn(days, "d", fx.allocator()))
          .containsExactly("a", "b", "a", "b", null, "c");
    }
  }

  @Test
  void int96TimestampsComeInNanosecondsAsArrowCppReadsThem() {
    assertThat(putAndCheck("int96.parquet")).isEmpty();
    assertThat(putAndCheck("int96_arrow.parquet")).isEmpty();
    // Where nanoseconds overflow, pyarrow wraps the value to another date; flightlab refuses the
    // file, naming the column, and stores nothing.
    Cli.Run far = put("int96_far.parquet", "/far");
    assertThat(far.exit()).isEqualTo(1);
    assertThat(far.err())
        .contains(
            "column 'ts' is an INT96 timestamp, read as nanoseconds as Arrow C++ reads it, and"
                + " 32503680000000000 microseconds is outside their range (years 1677-2262)");
    assertThat(fx.store().list(null).stream().map(d -> d.path().toString())).doesNotContain("/far");
  }

  @Test
  void convertedColumnsWithNoRowsOrOnlyNullsComeBackTheSame() {
    assertThat(putAndCheck("empty.parquet")).isEmpty();
    assertThat(putAndCheck("nulls.parquet")).isEmpty();
  }

  @Test
  void getWritesParquetThatPyarrowReadsBackInTheUploadedTypes() {
    putAndCheck("arrow_schema.parquet");
    Path copy = files.resolve("copy-of-arrow_schema.parquet");
    Pyarrow.Run check = getAndCompare("/parquet/arrow_schema", copy, "arrow_schema.parquet");
    // Zones, durations (negative ones too), large strings and binaries come back through the
    // ARROW:schema key; the rest are what DuckDB writes (or what put uploaded).
    assertThat(check.out().lines())
        .containsExactly(
            "TYPE ts_ms_utc: flightlab=timestamp[us, tz=UTC] pyarrow=timestamp[ms, tz=UTC]",
            "TYPE t32_s: flightlab=time64[us] pyarrow=time32[ms]",
            "TYPE t32_ms: flightlab=time64[us] pyarrow=time32[ms]",
            "TYPE f16: flightlab=float pyarrow=halffloat",
            "TYPE fsb: flightlab=binary pyarrow=fixed_size_binary[2]",
            "TYPE llist: flightlab=list<element: int64> pyarrow=large_list<element: int64>",
            "TYPE fsl: flightlab=list<element: int64> pyarrow=fixed_size_list<element: int64>[2]",
            "TYPE req: flightlab=int32 pyarrow=int32 not null",
            "TYPE st2: flightlab=struct<h: float, f: binary, t: time64[us]>"
                + " pyarrow=struct<h: halffloat, f: fixed_size_binary[3], t: time32[ms]>",
            "TYPE map_ms: flightlab=map<string, timestamp[us, tz=UTC] ('map_ms')>"
                + " pyarrow=map<string, timestamp[ms, tz=UTC] ('map_ms')>",
            "OK " + copy + ": 4 rows");
  }

  @Test
  void aDictionaryBesideConvertedColumnsWritesToParquet() {
    Cli.Run put = put("mixed.arrows", "/mixed");
    assertThat(put.exit()).as(put.err()).isZero();
    Path copy = files.resolve("copy-of-mixed.parquet");
    Pyarrow.Run check = getAndCompare("/mixed", copy, "mixed.arrows");
    // The dictionary and the negative durations come back as they were.
    assertThat(check.out().lines())
        .containsExactly(
            "TYPE h: flightlab=float pyarrow=halffloat",
            "TYPE lh: flightlab=list<element: float> pyarrow=list<item: halffloat>",
            "OK " + copy + ": 4 rows");
    // The stored Arrow schema is the dataset's, its dictionary showing its values' type.
    Pyarrow.Run stored = Pyarrow.run("parquet_types.py", "stored", copy.toString());
    assertThat(stored.exit()).as(stored.toString()).isZero();
    assertThat(stored.out().lines())
        .containsExactly(
            "d: dictionary<values=string, indices=int32, ordered=0>",
            "h: halffloat",
            "du: duration[s]",
            "lh: list<item: halffloat>");
  }

  @Test
  void aDecimalWiderThanDuckDbReadsIsRefusedAndNothingIsStored() {
    Cli.Run put = put("wide_decimal.parquet", "/parquet/wide");
    assertThat(put.exit()).isEqualTo(1);
    assertThat(put.err())
        .contains("column 'dec40' is DECIMAL(40, 2), which DuckDB reads as DOUBLE, rounding it");
    assertThat(fx.store().list(null)).isEmpty();
  }
}
