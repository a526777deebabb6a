package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.Cli.Run;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * decimal32 and decimal64, which Arrow Java 19 has no vectors for, through the client commands: ls
 * and info name them as pyarrow does, get prints their values as pyarrow's str() does, get -o and
 * put carry them in Arrow IPC files, Parquet and CSV refuse them naming the column.
 */
class NarrowDecimalCommandsIT {
  private static final DatasetPath PRICES = DatasetPath.parse("/narrow/prices");
  private static final DatasetPath MIXED = DatasetPath.parse("/narrow/mixed");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir Path dir;

  private ServerFixture fx;

  private Run client(String command, String... args) {
    return Cli.against(fx.uri().toString(), command, args);
  }

  /** price decimal32(7, 2): 12345.67, null, -0.01; qty decimal64(18, 4): 1.5, 2, -0.0001. */
  private BatchSet prices() {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("price", new ArrowType.Decimal(7, 2, 32)),
                Field.nullable("qty", new ArrowType.Decimal(18, 4, 64))));
    try (VectorSchemaRoot root = IpcSchemas.createRoot(schema, fx.allocator())) {
      FieldVector price = root.getVector("price");
      FieldVector qty = root.getVector("qty");
      price.setInitialCapacity(3);
      price.allocateNew();
      qty.setInitialCapacity(3);
      qty.allocateNew();
      price.getDataBuffer().setInt(0, 1_234_567);
      price.getDataBuffer().setInt(8, -1);
      price.getValidityBuffer().setByte(0, 0b101);
      qty.getDataBuffer().setLong(0, 15_000);
      qty.getDataBuffer().setLong(8, 20_000);
      qty.getDataBuffer().setLong(16, -1);
      qty.getValidityBuffer().setByte(0, 0b111);
      root.setRowCount(3);
      return BatchSet.of(root);
    }
  }

  @BeforeEach
  void putTables() {
    fx = server.fixture();
    try (BatchSet prices = prices();
        BatchSet mixed = Tables.narrowDecimals(fx.allocator(), 500, 200)) {
      fx.client().put(PRICES, prices, PutMode.REPLACE);
      fx.client().put(MIXED, mixed, PutMode.REPLACE);
    }
  }

  @Test
  void lsAndInfoNameTheTypesAsPyarrowDoes() {
    Run ls = client("ls");
    assertThat(ls.exit()).isZero();
    assertThat(ls.outLines()).hasSize(4);
    assertThat(ls.outLines().get(1)).matches("/narrow/mixed\\s+500\\s+\\d+");
    Run info = client("info", "/narrow/mixed");
    assertThat(info.exit()).isZero();
    assertThat(info.outLines())
        .contains(
            "  d32: decimal32(7, 2)",
            "  d64: decimal64(18, 4)",
            "  l: List<item: decimal32(5, 1)>",
            "  s: Struct<a: decimal64(12, 3), b: Int(8, true)>");
  }

  @Test
  void getPrintsTheValuesAsPyarrowDoes() {
    Run get = client("get", "/narrow/prices");
    assertThat(get.exit()).isZero();
    assertThat(get.outLines())
        .containsExactly(
            "Schema: Schema<price: decimal32(7, 2), qty: decimal64(18, 4)>",
            "price\tqty",
            "12345.67\t1.5000",
            "None\t2.0000",
            "-0.01\t-0.0001",
            "(3 of 3 rows shown)");
  }

  @Test
  void getToArrowFilesAndPutBackKeepTheTypes() throws Exception {
    for (String name : List.of("mixed.arrow", "mixed.arrows")) {
      Path file = dir.resolve(name);
      Run get = client("get", "/narrow/mixed", "-o", file.toString());
      assertThat(get.exit()).as(get.err()).isZero();
      try (BatchSet written = ArrowFiles.read(file, fx.allocator());
          BatchSet stored = fx.client().get(MIXED)) {
        Tables.assertSameTable(stored, written, fx.allocator());
      }
      Run put = client("put", file.toString(), "/narrow/again");
      assertThat(put.exit()).as(put.err()).isZero();
      try (BatchSet again = fx.client().get(DatasetPath.parse("/narrow/again"));
          BatchSet stored = fx.client().get(MIXED)) {
        Tables.assertSameTable(stored, again, fx.allocator());
      }
    }
  }

  /** Column v: int8 indices 0, 1, 0 into a dictionary of decimal32(3, 2) values 1.50, -7.25. */
  private BatchSet dictionaryOfDecimals() {
    DictionaryEncoding encoding = new DictionaryEncoding(5, false, new ArrowType.Int(8, true));
    Field values = Field.nullable("v", new ArrowType.Decimal(3, 2, 32));
    FieldVector dictionary = IpcSchemas.createVector(values, fx.allocator());
    dictionary.setInitialCapacity(2);
    dictionary.allocateNew();
    dictionary.getDataBuffer().setInt(0, 150);
    dictionary.getDataBuffer().setInt(4, -725);
    dictionary.getValidityBuffer().setByte(0, 0b11);
    dictionary.setValueCount(2);
    Schema memory =
        new Schema(
            List.of(
                new Field(
                    "v", new FieldType(true, new ArrowType.Int(8, true), encoding, null), null)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(memory, fx.allocator())) {
      TinyIntVector indices = (TinyIntVector) root.getVector("v");
      indices.setSafe(0, 0);
      indices.setSafe(1, 1);
      indices.setSafe(2, 0);
      root.setRowCount(3);
      return BatchSet.builder(memory)
          .add(root, null)
          .dictionary(new Dictionary(dictionary, encoding))
          .build();
    }
  }

  @Test
  void aDictionaryOfDecimal32KeepsItsValueTypeThroughFiles() throws Exception {
    DatasetPath path = DatasetPath.parse("/narrow/dict");
    try (BatchSet table = dictionaryOfDecimals()) {
      fx.client().put(path, table, PutMode.REPLACE);
    }
    Field expected =
        new Field(
            "v",
            new FieldType(
                true,
                new ArrowType.Decimal(3, 2, 32),
                new DictionaryEncoding(5, false, new ArrowType.Int(8, true)),
                null),
            null);
    assertThat(fx.client().schema(path).getFields()).containsExactly(expected);
    Run get = client("get", "/narrow/dict");
    assertThat(get.outLines()).containsSubsequence("v", "1.50", "-7.25", "1.50");
    for (String name : List.of("dict.arrow", "dict.arrows")) {
      Path file = dir.resolve(name);
      assertThat(client("get", "/narrow/dict", "-o", file.toString()).exit()).isZero();
      Run put = client("put", file.toString(), "/narrow/dict-again");
      assertThat(put.exit()).as(put.err()).isZero();
      assertThat(fx.client().schema(DatasetPath.parse("/narrow/dict-again")).getFields())
          .containsExactly(expected);
      try (BatchSet again = fx.client().get(DatasetPath.parse("/narrow/dict-again"));
          BatchSet stored = fx.client().get(path)) {
        Tables.assertSameTable(stored, again, fx.allocator());
      }
    }
  }

  @Test
  void parquetAndCsvRefuseThemNamingTheColumn() {
    for (String name : List.of("prices.parquet", "prices.csv")) {
      Path file = dir.resolve(name);
      Run get = client("get", "/narrow/prices", "-o", file.toString());
      assertThat(get.exit()).isEqualTo(Main.EXIT_FAILURE);
      assertThat(get.errLines()).hasSize(1);
      assertThat(get.errLines().get(0))
          .startsWith("flightlab get: ")
          .contains("column 'price' is decimal32(7, 2)")
          .contains("write Arrow IPC instead");
      assertThat(file).doesNotExist();
    }
  }
}
