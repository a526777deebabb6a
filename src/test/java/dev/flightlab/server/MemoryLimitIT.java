package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An upload that would take the store over its memory limit fails; nothing else changes. */
class MemoryLimitIT {
  private static final long LIMIT = 2L << 20;
  private static final DatasetPath SMALL = DatasetPath.parse("/small");
  private static final DatasetPath BIG = DatasetPath.parse("/big");

  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(ServerOptions.ephemeral().withMemoryLimit(LIMIT));

  private ServerFixture fx;
  private BatchSet small;
  private long baseline;

  @BeforeEach
  void putSmallTable() {
    fx = server.fixture();
    small = Tables.people(fx.allocator(), 0, "s", 500, 500);
    fx.client().put(SMALL, small, PutMode.REPLACE);
    baseline = fx.store().memoryUsedBytes();
    assertThat(baseline).isPositive().isLessThan(LIMIT / 4);
  }

  @AfterEach
  void closeSmallTable() {
    small.close();
  }

  /**
   * About 4 MiB in four batches: over the limit from the third batch on, so the server rejects the
   * upload while the client still has batches to send.
   */
  private BatchSet tooBig() {
    return Tables.people(fx.allocator(), 0, 50_000, 50_000, 50_000, 50_000);
  }

  private void assertResourceExhausted(DatasetPath path, PutMode mode) {
    try (BatchSet big = tooBig()) {
      assertStatus(
          () -> fx.client().put(path, big, mode),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "'" + path + "'",
          "memory limit",
          Long.toString(LIMIT));
    }
  }

  private void assertServerUnharmed() {
    fx.awaitStoreSettled(baseline);
    assertThat(fx.client().health().path("status").asText()).isEqualTo("ok");
    assertThat(fx.client().list(null)).hasSize(1);
    try (BatchSet got = fx.client().get(SMALL)) {
      Tables.assertSameTable(small, got, fx.allocator());
    }
    assertThat(fx.client().stats().path("memory_used_bytes").asLong()).isEqualTo(baseline);
  }

  @Test
  void anUploadCrossingTheLimitIsResourceExhaustedAndFreesWhatItHeld() {
    assertResourceExhausted(BIG, PutMode.REPLACE);
    assertServerUnharmed();
    assertStatus(() -> fx.client().info(BIG), FlightStatusCode.NOT_FOUND);
  }

  @Test
  void aReplaceCrossingTheLimitKeepsTheOldVersion() {
    assertResourceExhausted(SMALL, PutMode.REPLACE);
    assertServerUnharmed();
    assertThat(fx.store().info(SMALL).version()).isEqualTo(1);
  }

  @Test
  void anAppendCrossingTheLimitKeepsTheOldVersion() {
    assertResourceExhausted(SMALL, PutMode.APPEND);
    assertServerUnharmed();
  }

  @Test
  void uploadsThatFitStillSucceedAfterARejectedOne() {
    assertResourceExhausted(BIG, PutMode.REPLACE);
    try (BatchSet fits = Tables.people(fx.allocator(), 0, 20_000)) {
      fx.client().put(BIG, fits, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(BIG)) {
        Tables.assertSameTable(fits, got, fx.allocator());
      }
    }
    assertThat(fx.store().memoryUsedBytes()).isGreaterThan(baseline).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void theLimitCountsEveryDatasetTheStoreHolds() {
    try (BatchSet slice = Tables.people(fx.allocator(), 0, 10_000)) {
      int accepted = 0;
      long held = fx.store().memoryUsedBytes();
      while (true) {
        DatasetPath path = DatasetPath.parse("/slice/" + accepted);
        try {
          fx.client().put(path, slice, PutMode.REPLACE);
        } catch (FlightRuntimeException e) {
          assertThat(e.status().code()).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);
          break;
        }
        long now = fx.store().memoryUsedBytes();
        long perDataset = now - held;
        held = now;
        accepted++;
        assertThat(held).as("accepted while under the limit").isLessThanOrEqualTo(LIMIT);
        assertThat(held + perDataset).as("stops before memory runs out").isLessThan(4 * LIMIT);
      }
      assertThat(accepted).isGreaterThanOrEqualTo(2);
      fx.awaitStoreSettled(held);
      assertThat(fx.client().list("/slice")).hasSize(accepted);
      try (BatchSet got = fx.client().get(DatasetPath.parse("/slice/0"))) {
        Tables.assertSameTable(slice, got, fx.allocator());
      }
    }
  }
}
