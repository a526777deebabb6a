package dev.flightlab.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.data.BatchSet;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server with a data dir, through Flight: what a restart keeps, and data over the limit. */
class DurableServerIT {
  private static final DatasetPath ALL = DatasetPath.parse("/durable/all_types");
  private static final DatasetPath PEOPLE = DatasetPath.parse("/durable/people");

  @TempDir Path dir;

  private ServerFixture start(long memoryLimitBytes) throws Exception {
    return ServerFixture.start(
        ServerOptions.ephemeral().withMemoryLimit(memoryLimitBytes).withDataDir(dir));
  }

  @Test
  void everyTypeDictionariesAndAppMetadataComeBackAfterARestart() throws Exception {
    try (ServerFixture fx = start(64L << 20);
        BatchSet first = AllTypes.table(fx.allocator(), "batch", 9, 0, 15, 1);
        BatchSet people = Tables.people(fx.allocator(), 0, "p", 100, 50)) {
      fx.client().put(ALL, first, PutMode.REPLACE);
      fx.client().put(PEOPLE, people, PutMode.REPLACE);
      fx.client().put(DatasetPath.parse("/durable/dropped"), people, PutMode.REPLACE);
      fx.client().drop(DatasetPath.parse("/durable/dropped"));
      JsonNode stats = fx.client().stats();
      assertThat(stats.get("disk_bytes").asLong()).isPositive();
      assertThat(stats.get("mapped_bytes").asLong()).isPositive();
      assertThat(stats.get("memory_used_bytes").asLong()).isZero();
    }
    try (ServerFixture fx = start(64L << 20);
        BatchSet expected = AllTypes.table(fx.allocator(), "batch", 9, 0, 15, 1);
        BatchSet people = Tables.people(fx.allocator(), 0, "p", 100, 50)) {
      assertThat(fx.client().list(null))
          .extracting(i -> String.join("/", i.getDescriptor().getPath()))
          .containsExactly("/durable/all_types", "/durable/people");
      try (BatchSet got = fx.client().get(ALL)) {
        Tables.assertSameTable(expected, got, fx.allocator());
      }
      try (BatchSet got = fx.client().get(PEOPLE)) {
        Tables.assertSameTable(people, got, fx.allocator());
      }
      // Append after a restart adds to the loaded dataset.
      fx.client().put(PEOPLE, people, PutMode.APPEND);
      try (BatchSet got = fx.client().get(PEOPLE)) {
        assertThat(Tables.rowCounts(got)).containsExactly(100, 50, 100, 50);
      }
    }
  }

  @Test
  void decimal32And64ComeBackAfterARestartWithTheirTypes() throws Exception {
    DatasetPath path = DatasetPath.parse("/durable/decimals");
    try (ServerFixture fx = start(64L << 20);
        BatchSet table = Tables.narrowDecimals(fx.allocator(), 3000, 1000)) {
      fx.client().put(path, table, PutMode.REPLACE);
    }
    try (ServerFixture fx = start(64L << 20);
        BatchSet expected = Tables.narrowDecimals(fx.allocator(), 3000, 1000)) {
      assertThat(fx.client().schema(path)).isEqualTo(expected.schema());
      try (BatchSet got = fx.client().get(path)) {
        Tables.assertSameTable(expected, got, fx.allocator());
      }
      // Append after the restart checks the upload's schema against the loaded one.
      fx.client().put(path, expected, PutMode.APPEND);
      assertThat(fx.client().info(path).getRecords()).isEqualTo(6000);
    }
  }

  @Test
  void aDatasetLargerThanTheMemoryLimitIsStoredAndServed() throws Exception {
    long limit = 1L << 20;
    try (ServerFixture fx = start(limit)) {
      for (int i = 0; i < 8; i++) {
        try (BatchSet part = Tables.people(fx.allocator(), i * 20_000L, 10_000, 10_000)) {
          fx.client().put(PEOPLE, part, PutMode.APPEND);
        }
      }
      JsonNode stats = fx.client().stats();
      assertThat(stats.get("memory_limit_bytes").asLong()).isEqualTo(limit);
      assertThat(stats.get("mapped_bytes").asLong()).isGreaterThan(3 * limit);
      assertThat(stats.get("memory_used_bytes").asLong()).isZero();
      try (BatchSet got = fx.client().get(PEOPLE)) {
        assertThat(Tables.rowCounts(got)).hasSize(16);
        List<String> ids = Tables.column(got, "id", fx.allocator());
        assertThat(ids).hasSize(160_000).startsWith("0", "1").endsWith("159999");
      }
    }
  }
}
