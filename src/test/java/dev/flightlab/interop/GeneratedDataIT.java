package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.files.DataFiles;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * flightlab's own data checked by pyarrow (python/interop_generated.py): what {@code bench
 * --schema} uploads passes pyarrow's {@code validate(full=True)} type by type, and Arrow IPC files
 * pyarrow writes with every type (and Parquet files, for the types Parquet holds) load with {@code
 * bench --data-file} and survive its roundtrip value check.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class GeneratedDataIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir Path dir;

  /** Specs and the type pyarrow must read back, as pyarrow's str() names it. */
  private static final Map<String, String> UPLOADS = new LinkedHashMap<>();

  static {
    UPLOADS.put("float16", "halffloat");
    UPLOADS.put("decimal256(60,8)", "decimal256(60, 8)");
    UPLOADS.put("date64", "date64[ms]");
    UPLOADS.put("time32(ms)", "time32[ms]");
    UPLOADS.put("time64(ns)", "time64[ns]");
    UPLOADS.put("duration(us)", "duration[us]");
    UPLOADS.put("interval(month_day_nano)", "month_day_nano_interval");
    UPLOADS.put("fixed_size_binary(7)", "fixed_size_binary[7]");
    UPLOADS.put("large_binary", "large_binary");
    UPLOADS.put("utf8_view", "string_view");
    UPLOADS.put("binary_view", "binary_view");
    UPLOADS.put("large_list<int32>", "large_list<item: int32>");
    UPLOADS.put("list_view<utf8>", "list_view<item: string>");
    UPLOADS.put("large_list_view<float64>", "large_list_view<item: double>");
    UPLOADS.put("fixed_size_list<int16,3>", "fixed_size_list<item: int16>[3]");
    UPLOADS.put("map<utf8,int64>", "map<string, int64>");
    UPLOADS.put("sparse_union<a:int32,b:utf8>", "sparse_union<a: int32=0, b: string=1>");
    UPLOADS.put(
        "dense_union<int64,list<int8>>", "dense_union<c0: int64=0, c1: list<item: int8>=1>");
    UPLOADS.put("run_end_encoded<int16,utf8>", "run_end_encoded<run_ends: int16, values: string>");
    UPLOADS.put("dictionary<int64,int8>", "dictionary<values=int64, indices=int8, ordered=0>");
    UPLOADS.put(
        "dictionary<struct<a:int8,b:utf8_view>>",
        "dictionary<values=struct<a: int8, b: string_view>, indices=int32, ordered=0>");
  }

  @Test
  void whatTheBenchUploadsPassesPyarrowsFullValidation() {
    String uri = server.fixture().uri().toString();
    List<String> paths = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> upload : UPLOADS.entrySet()) {
      String prefix = "/generated/" + i++;
      Cli.Run put =
          Cli.run(
              "bench",
              "--server",
              uri,
              "--op",
              "put",
              "--schema",
              upload.getKey(),
              "--rows",
              "300",
              "--batch-rows",
              "128",
              "--null-fraction",
              "0.2",
              "--keep",
              "--path-prefix",
              prefix,
              "--warmup",
              "0",
              "--iterations",
              "1",
              "--quiet");
      assertThat(put.exit()).as(upload.getKey() + ": " + put.err()).isZero();
      paths.add(prefix + "/put-0");
      expected.add("PASS " + prefix + "/put-0\t300\t" + upload.getValue());
    }
    List<String> args = new ArrayList<>(List.of("validate", "--server", uri));
    args.addAll(paths);
    Pyarrow.Run run = Pyarrow.run("interop_generated.py", args.toArray(String[]::new));
    assertThat(run.exit()).as(run.describe()).isZero();
    // PASS PATH, rows, null count (varies by type), type
    List<String> got = new ArrayList<>();
    for (String line : run.lines()) {
      String[] parts = line.split("\t");
      got.add(parts[0] + "\t" + parts[1] + "\t" + parts[3]);
    }
    assertThat(got).as(run.describe()).containsExactlyElementsOf(expected);
  }

  @Test
  void pyarrowFilesOfEveryTypeLoadAndSurviveTheBenchRoundtrip() throws Exception {
    Pyarrow.Run made = Pyarrow.run("interop_generated.py", "fixtures", dir.toString());
    assertThat(made.exit()).as(made.describe()).isZero();
    assertThat(made.lines()).hasSizeGreaterThanOrEqualTo(25);
    int parquets = 0;
    int refused = 0;
    for (String line : made.lines()) {
      String[] parts = line.split("\t");
      Path file = dir.resolve(parts[0] + ".arrow");
      try (RootAllocator allocator = new RootAllocator()) {
        try (BatchSet set = DataFiles.read(file, allocator)) {
          assertThat(set.rowCount()).as(line).isEqualTo(Long.parseLong(parts[1]));
          assertThat(set.batches()).as(line).hasSize(2);
          // every type has a spec name that parses back to it
          String described = SchemaSpec.describe(set.schema(), set.dictionaries());
          assertThat(SchemaSpec.parse(described))
              .as(line + " as " + described)
              .isEqualTo(set.schema());
        }
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
      assertRoundtrips(file, line);
      if (parts[4].equals("parquet")) {
        parquets++;
        assertRoundtrips(dir.resolve(parts[0] + ".parquet"), line + " (Parquet)");
      } else if (parts[4].equals("parquet-refused")) {
        refused++;
        Cli.Run run = roundtrip(dir.resolve(parts[0] + ".parquet"));
        assertThat(run.exit()).as(line).isNotZero();
        assertThat(run.err()).as(line).contains("which DuckDB reads as DOUBLE, rounding it");
      }
    }
    assertThat(parquets).isGreaterThanOrEqualTo(20);
    assertThat(refused).isEqualTo(1);
  }

  /** {@code bench --op roundtrip --data-file file}: it succeeds and its value check passes. */
  private void assertRoundtrips(Path file, String what) throws Exception {
    Path json = dir.resolve(file.getFileName() + ".json");
    Cli.Run run = roundtrip(file, "--format", "json", "--output", json.toString());
    assertThat(run.exit()).as(what + ": " + run.err()).isZero();
    JsonNode iteration = JSON.readTree(json.toFile()).path("points").get(0).path("iterations");
    assertThat(iteration.get(0).path("verified").asBoolean()).as(what).isTrue();
  }

  /** Runs {@code bench --op roundtrip --data-file file}, one iteration, with {@code more} flags. */
  private static Cli.Run roundtrip(Path file, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--op",
                "roundtrip",
                "--data-file",
                file.toString(),
                "--warmup",
                "0",
                "--iterations",
                "1",
                "--quiet"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }
}
