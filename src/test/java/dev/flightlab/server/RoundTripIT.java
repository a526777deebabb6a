package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What goes up with DoPut comes back from DoGet exactly: values, types, batches, metadata. */
class RoundTripIT {
  private static final DatasetPath PATH = DatasetPath.parse("/round/trip");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;

  @BeforeEach
  void fixture() {
    fx = server.fixture();
  }

  @Test
  void everyArrowTypeRoundTripsExactlyWithNullsDictionariesAndMetadata() {
    try (BatchSet sent = AllTypes.table(fx.allocator(), "batch", 9, 0, 15, 1)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(sent, got, fx.allocator());
      }
    }
  }

  @Test
  void everyArrowTypeRoundTripsThroughAPlainFlightClientTicket() throws Exception {
    try (BatchSet sent = AllTypes.table(fx.allocator(), null, 20, 3)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      FlightClient raw = fx.rawClient();
      try (BatchSet got =
          download(raw, new Ticket("/round/trip".getBytes(StandardCharsets.UTF_8)))) {
        Tables.assertSameTable(sent, got, fx.allocator());
      }
    }
  }

  @Test
  void batchBoundariesAreKept() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, 1, 1000, 0, 7, 0, 64)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.rowCounts(got)).containsExactly(1, 1000, 0, 7, 0, 64);
        Tables.assertSameTable(sent, got, fx.allocator());
      }
    }
  }

  @Test
  void aBatchWhoseNestedListsAreAllEmptyRoundTrips() {
    // The inner list vector holds no values, so Arrow Java sends its offsets as zero bytes.
    Schema schema =
        new Schema(
            List.of(
                new Field(
                    "nested",
                    FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(
                        new Field(
                            "inner",
                            FieldType.nullable(ArrowType.List.INSTANCE),
                            List.of(Field.nullable("item", new ArrowType.Int(32, true))))))));
    BatchSet.Builder builder = BatchSet.builder(schema);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, fx.allocator())) {
      ListVector nested = (ListVector) root.getVector("nested");
      for (int r = 0; r < 3; r++) {
        nested.startNewValue(r);
        nested.endValue(r, 0);
      }
      root.setRowCount(3);
      builder.add(root, null);
    }
    try (BatchSet sent = builder.build()) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(sent, got, fx.allocator());
        assertThat(Tables.column(got, "nested", fx.allocator())).containsExactly("[]", "[]", "[]");
      }
    }
  }

  @Test
  void aLargeBatchRoundTrips() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, 300_000, 3)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(sent, got, fx.allocator());
      }
    }
  }

  @Test
  void emptyStreamStoresTheSchemaWithZeroBatches() {
    try (BatchSet sent = AllTypes.table(fx.allocator(), null)) {
      PutOutcome outcome = fx.client().put(PATH, sent, PutMode.REPLACE);
      assertThat(outcome.acks()).isZero();
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(got.schema()).isEqualTo(sent.schema());
        assertThat(got.batches()).isEmpty();
      }
      assertThat(fx.client().info(PATH).getRecords()).isZero();
      assertThat(fx.client().info(PATH).getBytes()).isZero();
      assertThat(fx.client().list(null)).hasSize(1);
    }
  }

  @Test
  void appMetadataIsStoredWithEachBatchAndReplayedWithTheSameBatch() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "meta", 2, 3, 0, 4)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.metadata(got)).containsExactly("meta-0", "meta-1", "meta-2", "meta-3");
        assertThat(Tables.rowCounts(got)).containsExactly(2, 3, 0, 4);
      }
    }
  }

  @Test
  void batchesWithoutAppMetadataComeBackWithout() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, 2, 3)) {
      fx.client().put(PATH, sent, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        assertThat(Tables.metadata(got)).containsExactly(null, null);
      }
    }
  }

  @Test
  void batchesWithAppMetadataAreAckedWithItAndBatchesWithoutAreNot() throws Exception {
    List<String> acks = Collections.synchronizedList(new ArrayList<>());
    FlightClient raw = fx.rawClient();
    byte[][] payloads = {
      "first".getBytes(StandardCharsets.UTF_8),
      null,
      new byte[] {0, (byte) 0xff, 7, 0},
      "last".getBytes(StandardCharsets.UTF_8)
    };
    try (BatchSet sent = Tables.people(fx.allocator(), 0, 1, 2, 3, 4);
        VectorSchemaRoot root = VectorSchemaRoot.create(sent.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(
              PATH.toDescriptor(),
              root,
              new AsyncPutListener() {
                @Override
                public void onNext(PutResult val) {
                  ArrowBuf m = val.getApplicationMetadata();
                  byte[] bytes = new byte[m == null ? 0 : (int) m.readableBytes()];
                  if (m != null) {
                    m.getBytes(m.readerIndex(), bytes);
                  }
                  acks.add(Arrays.toString(bytes));
                }
              });
      VectorLoader loader = new VectorLoader(root);
      for (int i = 0; i < payloads.length; i++) {
        loader.load(sent.batches().get(i));
        ArrowBuf metadata = null;
        if (payloads[i] != null) {
          metadata = fx.allocator().buffer(payloads[i].length);
          metadata.writeBytes(payloads[i]);
        }
        put.putNext(metadata);
      }
      put.completed();
      put.getResult();
    }
    assertThat(acks)
        .containsExactly(
            Arrays.toString(payloads[0]),
            Arrays.toString(payloads[2]),
            Arrays.toString(payloads[3]));
    try (BatchSet got = fx.client().get(PATH)) {
      assertThat(got.appMetadata().get(1)).isNull();
      assertThat(Tables.text(got.appMetadata().get(0))).isEqualTo("first");
      byte[] binary = new byte[4];
      got.appMetadata().get(2).getBytes(0, binary);
      assertThat(binary).containsExactly(payloads[2]);
    }
  }

  @Test
  void flightLabClientCountsOneAckPerBatchWithAppMetadata() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "m", 5, 5, 5)) {
      PutOutcome outcome = fx.client().put(PATH, sent, PutMode.REPLACE);
      assertThat(outcome.acks()).isEqualTo(3);
      assertThat(outcome.batches()).isEqualTo(3);
      assertThat(outcome.rows()).isEqualTo(15);
    }
    try (BatchSet sent = Tables.people(fx.allocator(), 0, 5, 5, 5)) {
      PutOutcome outcome = fx.client().put(PATH, sent, PutMode.REPLACE);
      assertThat(outcome.acks()).isZero();
      assertThat(outcome.batches()).isEqualTo(3);
    }
  }

  /** DoGet with a plain FlightClient, keeping batches, metadata and dictionaries. */
  static BatchSet download(FlightClient raw, Ticket ticket) throws Exception {
    try (FlightStream stream = raw.getStream(ticket)) {
      VectorSchemaRoot root = stream.getRoot();
      BatchSet.Builder out = BatchSet.builder(root.getSchema());
      while (stream.next()) {
        ArrowBuf metadata = stream.getLatestMetadata();
        if (metadata != null) {
          metadata.getReferenceManager().retain();
        }
        out.add(root, metadata);
      }
      DictionaryProvider dictionaries = stream.takeDictionaryOwnership();
      for (long id : dictionaries.getDictionaryIds()) {
        out.dictionary(dictionaries.lookup(id));
      }
      return out.build();
    }
  }
}
