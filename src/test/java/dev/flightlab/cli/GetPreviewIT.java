package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.data.BatchSet;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code flightlab get PATH} (the preview) reads no more than it prints: on a dataset of two
 * endpoints, each larger than what gRPC's flow control lets a server send ahead, it asks for the
 * first endpoint only, cancels it once it has its rows, and the server frees its side.
 */
class GetPreviewIT {
  private static final DatasetPath PATH = DatasetPath.parse("/big/numbers");
  private static final int BATCH_ROWS = 65_536;
  // 96 batches of 512 KiB per endpoint: 48 MiB, three times the client's 16 MiB stream window.
  private static final int BATCHES_PER_ENDPOINT = 96;
  private static final Schema NUMBERS =
      new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true))));

  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(
          ServerOptions.ephemeral().withEndpointRows((long) BATCHES_PER_ENDPOINT * BATCH_ROWS));

  private static BatchSet numbers(BufferAllocator allocator, int batches) {
    BatchSet.Builder out = BatchSet.builder(NUMBERS);
    long n = 0;
    for (int b = 0; b < batches; b++) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(NUMBERS, allocator)) {
        BigIntVector v = (BigIntVector) root.getVector(0);
        v.allocateNew(BATCH_ROWS);
        for (int r = 0; r < BATCH_ROWS; r++) {
          v.set(r, n++);
        }
        root.setRowCount(BATCH_ROWS);
        out.add(root, null);
      }
    }
    return out.build();
  }

  @Test
  void aPreviewReadsOnlyTheBatchesItPrintsAndCancelsTheRest() {
    ServerFixture fx = server.fixture();
    try (BatchSet data = numbers(fx.allocator(), 2 * BATCHES_PER_ENDPOINT)) {
      fx.client().put(PATH, data, PutMode.REPLACE);
    }
    assertThat(fx.client().info(PATH).getEndpoints()).hasSize(2);
    long rows = 2L * BATCHES_PER_ENDPOINT * BATCH_ROWS;

    Cli.Run run = Cli.against(fx.uri().toString(), "get", PATH.canonical(), "--limit", "3");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.outLines()).endsWith("n", "0", "1", "2", "(3 of " + rows + " rows shown)");
    JsonNode stats = fx.client().stats();
    assertThat(stats.path("doget_calls").asLong()).as("DoGets the server answered").isEqualTo(1);
    assertThat(stats.path("doget_batches_sent").asLong())
        .as("batches the server sent of the first endpoint's %d", BATCHES_PER_ENDPOINT)
        .isLessThan(BATCHES_PER_ENDPOINT);
    ServerFixture.awaitUntil(
        () -> fx.client().stats().path("doget_cancelled").asLong() == 1,
        () -> "the server to see the preview's cancel; stats " + fx.client().stats());
    // Nothing holds the dataset any more: dropped, its memory goes back.
    fx.client().drop(PATH);
    fx.awaitStoreSettled(0);
  }

  @Test
  void parallelAppliesToOutputOnly() {
    ServerFixture fx = server.fixture();
    Cli.Run run = Cli.against(fx.uri().toString(), "get", PATH.canonical(), "--parallel", "4");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--parallel applies to -o/--output only");
  }
}
