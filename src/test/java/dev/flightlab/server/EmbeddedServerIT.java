package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server built {@code embedded()} with clients on its network thread, as the demo runs them: both
 * ends of each loopback connection on one thread, data exact both ways, the thread still serving
 * after a client leaves, and every allocator back at zero.
 */
class EmbeddedServerIT {
  private RootAllocator root;
  private BufferAllocator data;
  private FlightLabServer server;

  @BeforeEach
  void start() throws Exception {
    root = new RootAllocator(Long.MAX_VALUE);
    data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
    server = FlightLabServer.builder(ServerOptions.ephemeral()).allocator(root).embedded().build();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    assertThat(data.getAllocatedMemory()).isZero();
    data.close();
    assertThat(root.getAllocatedMemory()).isZero();
    root.close();
  }

  private FlightLabClient connect() {
    return FlightLabClient.connect(
        ClientOptions.of(URI.create("grpc://127.0.0.1:" + server.port())),
        root,
        server.clientTransport());
  }

  private BatchSet generate(long seed, long rows) {
    return DataGenerator.generate(
        SchemaSpec.parse("int64x4,utf8"),
        rows,
        65_536,
        new GeneratorOptions(seed, 0.1, 12, 0),
        data);
  }

  /**
   * Uploads {@code table}, each batch with app_metadata so that the server echoes it, and returns
   * the name of the thread that heard the echoes.
   */
  private String putAndNameAckThread(FlightLabClient client, DatasetPath path, BatchSet table) {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<ArrowBuf> metadata = new ArrayList<>();
    try {
      for (int i = 0; i < table.batches().size(); i++) {
        ArrowBuf m = data.buffer(4);
        m.writeInt(i);
        metadata.add(m);
      }
      PutOutcome outcome =
          client.put(
              path,
              table,
              metadata,
              PutMode.REPLACE,
              IpcCompression.NONE,
              new FlightLabClient.UploadListener() {
                @Override
                public void sending(int index, long bodyBytes) {}

                @Override
                public void acked(ByteBuffer appMetadata) {
                  threads.add(Thread.currentThread().getName());
                }
              });
      assertThat(outcome.acks()).isEqualTo(table.batches().size());
    } finally {
      metadata.forEach(ArrowBuf::close);
    }
    assertThat(threads).hasSize(1);
    return threads.iterator().next();
  }

  @Test
  void aClientOnTheServersThreadMovesManyMegabytesExactlyBothWays() throws Exception {
    DatasetPath path = DatasetPath.parse("/embedded/big");
    try (FlightLabClient client = connect();
        BatchSet sent = generate(1, 300_000)) {
      String ackThread = putAndNameAckThread(client, path, sent);
      // The embedded server's one network thread, not a client thread of its own.
      assertThat(ackThread).startsWith("flightlab-io-");
      try (BatchSet got = client.get(path)) {
        // Stored with the batch numbers putAndNameAckThread sent as app_metadata.
        for (int i = 0; i < got.appMetadata().size(); i++) {
          assertThat(got.appMetadata().get(i).getInt(0)).isEqualTo(i);
        }
        Tables.assertSameData(sent, got, data);
      }
    }
  }

  @Test
  void theThreadKeepsServingAfterAClientCloses() throws Exception {
    DatasetPath path = DatasetPath.parse("/embedded/first");
    try (BatchSet sent = generate(2, 100_000)) {
      try (FlightLabClient first = connect()) {
        first.put(path, sent, PutMode.REPLACE);
      }
      try (FlightLabClient second = connect();
          BatchSet got = second.get(path)) {
        Tables.assertSameTable(sent, got, data);
      }
    }
  }

  @Test
  void clientsUploadingAndDownloadingAtOnceShareTheThreadWithoutStalling() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (FlightLabClient a = connect();
        FlightLabClient b = connect();
        FlightLabClient c = connect()) {
      List<FlightLabClient> clients = List.of(a, b, c);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < clients.size(); i++) {
        FlightLabClient client = clients.get(i);
        DatasetPath path = DatasetPath.parse("/embedded/concurrent_" + i);
        long seed = 10 + i;
        done.add(
            pool.submit(
                () -> {
                  try (BatchSet sent = generate(seed, 200_000)) {
                    for (int round = 0; round < 3; round++) {
                      client.put(path, sent, PutMode.REPLACE);
                      try (BatchSet got = client.get(path)) {
                        Tables.assertSameTable(sent, got, data);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aServerThatIsNotEmbeddedGivesEachClientAThreadOfItsOwn() throws Exception {
    try (FlightLabServer plain =
            FlightLabServer.builder(ServerOptions.ephemeral()).allocator(root).build().start();
        FlightLabClient client =
            FlightLabClient.connect(
                ClientOptions.of(URI.create("grpc://127.0.0.1:" + plain.port())),
                root,
                plain.clientTransport());
        BatchSet sent = generate(3, 1_000)) {
      assertThat(putAndNameAckThread(client, DatasetPath.parse("/plain/t"), sent))
          .startsWith("flightlab-client-io-");
    }
  }
}
