package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
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

/** Replace (the default), append and create, chosen with the flightlab-put-mode header. */
class PutModeIT {
  private static final DatasetPath PATH = DatasetPath.parse("/modes/table");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;

  @BeforeEach
  void fixture() {
    fx = server.fixture();
  }

  @Test
  void replaceIsTheDefault() {
    try (BatchSet first = Tables.people(fx.allocator(), 0, 3, 3);
        BatchSet second = Tables.people(fx.allocator(), 100, 2)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      uploadWithHeader(second, null);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(second, got, fx.allocator());
      }
      assertThat(fx.store().info(PATH).version()).isEqualTo(2);
    }
  }

  @Test
  void appendAddsTheBatchesAfterTheExistingOnes() {
    try (BatchSet first = Tables.people(fx.allocator(), 0, "a", 3, 4);
        BatchSet second = Tables.people(fx.allocator(), 7, "b", 2)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      fx.client().put(PATH, second, PutMode.APPEND);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.rowCounts(got)).containsExactly(3, 4, 2);
        assertThat(Tables.metadata(got)).containsExactly("a-0", "a-1", "b-0");
        try (BatchSet whole = Tables.people(fx.allocator(), 0, 9)) {
          assertThat(Tables.column(got, "id", fx.allocator()))
              .isEqualTo(Tables.column(whole, "id", fx.allocator()));
          assertThat(Tables.column(got, "name", fx.allocator()))
              .isEqualTo(Tables.column(whole, "name", fx.allocator()));
        }
      }
      assertThat(fx.client().info(PATH).getRecords()).isEqualTo(9);
      assertThat(fx.client().info(PATH).getBytes())
          .isEqualTo(
              Tables.storedBodyBytes(first, fx.allocator())
                  + Tables.storedBodyBytes(second, fx.allocator()));
    }
  }

  @Test
  void appendIsSelectedByTheRawHeader() {
    try (BatchSet first = Tables.people(fx.allocator(), 0, 3);
        BatchSet second = Tables.people(fx.allocator(), 3, 5)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      uploadWithHeader(second, "append");
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.rowCounts(got)).containsExactly(3, 5);
      }
    }
  }

  @Test
  void appendToAMissingPathCreatesIt() {
    try (BatchSet table = Tables.people(fx.allocator(), 0, 3)) {
      fx.client().put(PATH, table, PutMode.APPEND);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(table, got, fx.allocator());
      }
    }
  }

  @Test
  void appendWithADifferentSchemaIsInvalidArgumentAndLeavesTheDatasetUnchanged() {
    Schema other = new Schema(List.of(Field.nullable("id", new ArrowType.Int(32, true))));
    try (BatchSet first = Tables.people(fx.allocator(), 0, 3);
        VectorSchemaRoot root = VectorSchemaRoot.create(other, fx.allocator())) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      long memory = fx.store().memoryUsedBytes();
      root.setRowCount(0);
      try (BatchSet wrong = BatchSet.of(root)) {
        assertStatus(
            () -> fx.client().put(PATH, wrong, PutMode.APPEND),
            FlightStatusCode.INVALID_ARGUMENT,
            "/modes/table",
            "schema");
      }
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(first, got, fx.allocator());
      }
      assertThat(fx.store().info(PATH).version()).isEqualTo(1);
      fx.awaitStoreSettled(memory);
    }
  }

  @Test
  void createOnAnExistingPathIsAlreadyExistsAndLeavesTheDatasetUnchanged() {
    try (BatchSet first = Tables.people(fx.allocator(), 0, 3);
        BatchSet second = Tables.people(fx.allocator(), 50, 4)) {
      fx.client().put(PATH, first, PutMode.CREATE);
      assertStatus(
          () -> fx.client().put(PATH, second, PutMode.CREATE),
          FlightStatusCode.ALREADY_EXISTS,
          "/modes/table");
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(first, got, fx.allocator());
      }
    }
  }

  @Test
  void unknownPutModeIsInvalidArgument() {
    try (BatchSet table = Tables.people(fx.allocator(), 0, 3)) {
      assertStatus(
          () -> uploadWithHeader(table, "upsert"), FlightStatusCode.INVALID_ARGUMENT, "upsert");
    }
    assertThat(fx.client().list(null)).isEmpty();
  }

  @Test
  void appendKeepsTheDictionariesWhenTheUploadSendsEqualOnes() {
    try (BatchSet first = colors(fx.allocator(), new String[] {"red", "green"}, 0, 1, 1);
        BatchSet second = colors(fx.allocator(), new String[] {"red", "green"}, 1, 0)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      fx.client().put(PATH, second, PutMode.APPEND);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.rowCounts(got)).containsExactly(3, 2);
        assertThat(Tables.column(got, "color", fx.allocator()))
            .containsExactly("0", "1", "1", "1", "0");
        Dictionary d = got.dictionaries().lookup(COLOR.getId());
        assertThat(d.getVector().getObject(1).toString()).isEqualTo("green");
      }
    }
  }

  @Test
  void appendWithDifferentDictionaryValuesReplaysThemAsAReplacement() {
    try (BatchSet first = colors(fx.allocator(), new String[] {"red", "green"}, 0, 1);
        BatchSet second = colors(fx.allocator(), new String[] {"blue", "green"}, 0, 1, 0);
        BatchSet third = colors(fx.allocator(), new String[] {"blue", "green"}, 1)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
      fx.client().put(PATH, second, PutMode.APPEND);
      fx.client().put(PATH, third, PutMode.APPEND);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.rowCounts(got)).containsExactly(2, 3, 1);
        assertThat(Tables.decodedColumn(got, "color", fx.allocator()))
            .containsExactly("red", "green", "blue", "green", "blue", "green");
        assertThat(got.dictionariesChange()).isTrue();
      }
      assertThat(fx.store().info(PATH).version()).isEqualTo(3);
    }
  }

  private static final DictionaryEncoding COLOR =
      new DictionaryEncoding(7L, false, new ArrowType.Int(32, true));

  /** One batch of dictionary indices into {@code dictionary}. */
  private static BatchSet colors(BufferAllocator allocator, String[] dictionary, int... indices) {
    Schema schema =
        new Schema(
            List.of(new Field("color", new FieldType(true, COLOR.getIndexType(), COLOR), null)));
    BatchSet.Builder out = BatchSet.builder(schema);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      IntVector ids = (IntVector) root.getVector("color");
      for (int i = 0; i < indices.length; i++) {
        ids.setSafe(i, indices[i]);
      }
      root.setRowCount(indices.length);
      out.add(root, null);
    }
    VarCharVector values = new VarCharVector("color_values", allocator);
    for (int i = 0; i < dictionary.length; i++) {
      values.setSafe(i, dictionary[i].getBytes(StandardCharsets.UTF_8));
    }
    values.setValueCount(dictionary.length);
    out.dictionary(new Dictionary(values, COLOR));
    return out.build();
  }

  /** DoPut with a plain FlightClient, sending {@code mode} as the put-mode header (or none). */
  private void uploadWithHeader(BatchSet table, String mode) {
    FlightClient raw = fx.rawClient();
    FlightCallHeaders headers = new FlightCallHeaders();
    if (mode != null) {
      headers.insert(dev.flightlab.wire.FlightHeaders.PUT_MODE, mode);
    }
    try (VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(
              PATH.toDescriptor(), root, new AsyncPutListener(), new HeaderCallOption(headers));
      VectorLoader loader = new VectorLoader(root);
      for (var batch : table.batches()) {
        loader.load(batch);
        put.putNext();
      }
      put.completed();
      put.getResult();
    }
  }
}
