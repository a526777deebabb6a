package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client process killed (SIGKILL) in the middle of a DoPut or a DoGet: the upload commits
 * nothing, the snapshot is released, and every byte comes back.
 */
class KilledClientIT {
  private static final DatasetPath KEPT = DatasetPath.parse("/kept");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  /** The client process: {@code put|get PORT}; prints "started" once data is moving. */
  public static void main(String[] args) throws Exception {
    Location location = Location.forGrpcInsecure("127.0.0.1", Integer.parseInt(args[1]));
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, location).build()) {
      if (args[0].equals("put")) {
        Schema schema = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
          FlightClient.ClientStreamListener put =
              client.startPut(KEPT.toDescriptor(), root, new AsyncPutListener());
          BigIntVector ids = (BigIntVector) root.getVector(0);
          for (long n = 0; ; n++) {
            ids.allocateNew(65536);
            for (int i = 0; i < 65536; i++) {
              ids.set(i, n);
            }
            root.setRowCount(65536);
            put.putNext();
            if (n == 20) {
              System.out.println("started");
              System.out.flush();
            }
          }
        }
      } else {
        try (FlightStream stream = client.getStream(new Ticket(KEPT.toTicket().getBytes()))) {
          stream.next();
          System.out.println("started");
          System.out.flush();
          Thread.sleep(600_000);
        }
      }
    }
  }

  private static Process startClient(String mode, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                KilledClientIT.class.getName(),
                mode,
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((line = out.readLine()) != null) {
      if (line.equals("started")) {
        return p;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("the client process never started streaming");
  }

  private void killMidStreamAndCheck(String mode) throws Exception {
    ServerFixture fx = server.fixture();
    try (BatchSet kept = Tables.people(fx.allocator(), 0, "kept", 2000, 2000, 2000)) {
      // Big enough that a DoGet cannot finish into the socket buffers before the kill.
      for (int i = 0; i < 40; i++) {
        fx.client().put(KEPT, kept, i == 0 ? PutMode.REPLACE : PutMode.APPEND);
      }
      long rows = fx.store().info(KEPT).rowCount();
      long stored = fx.store().memoryUsedBytes();
      long serverBytes = fx.server().allocator().getAllocatedMemory();
      Process client = startClient(mode, fx.server().port());
      client.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fx.awaitStoreSettled(stored);
      ServerFixture.awaitUntil(
          () -> fx.server().allocator().getAllocatedMemory() == serverBytes,
          () -> "server memory back to " + serverBytes);
      assertThat(fx.store().info(KEPT).rowCount()).isEqualTo(rows);
      try (BatchSet got = fx.client().get(KEPT)) {
        assertThat(got.rowCount()).isEqualTo(rows);
      }
    }
  }

  @Test
  void aClientKilledMidDoPutCommitsNothingAndLeaksNothing() throws Exception {
    killMidStreamAndCheck("put");
  }

  @Test
  void aClientKilledMidDoGetReleasesItsSnapshot() throws Exception {
    killMidStreamAndCheck("get");
  }
}
