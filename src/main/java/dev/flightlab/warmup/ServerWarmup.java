package dev.flightlab.warmup;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.memory.Allocators;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Runs flightlab's upload and download paths before a server takes its first connection, so that
 * the first client meets compiled code rather than the interpreter.
 *
 * <p>A fresh JVM interprets each method until it has run often enough to be compiled, and a
 * server's per-call code (HTTP/2 frames, gRPC's deframer, flightlab's decoder, validator and store)
 * runs a few hundred times in a client's first hundred uploads. Here a throwaway server on a
 * loopback port of its own takes uploads and downloads from a flightlab client on another event
 * loop (as a remote client's connection would be), until the time budget is spent; then both close,
 * with everything they held. Nothing of it reaches the real server's store, and nothing of it is
 * counted as anyone's traffic; the caller logs what it did and how long it took.
 *
 * <p>The data has the columns of the original demo's benchmark tables (an int64 and a short string)
 * and of flightlab bench's default (int64x4), in batches of 32,768 and 16,384 rows (about 0.5 MiB,
 * two HTTP/2 frames each): what needs compiling is the per-message and per-frame code, and smaller
 * batches spend less of the budget generating and copying.
 */
public final class ServerWarmup {
  private static final List<String> SPECS = List.of("int64,utf8", "int64x4");
  private static final List<Integer> ROWS = List.of(32_768, 16_384);
  private static final int STRING_LENGTH = 5;

  /**
   * What a warm-up did; {@code yielded} when it stopped before its budget because its stop
   * condition held (a real client arrived).
   */
  public record Outcome(int uploads, int downloads, long bytes, Duration took, boolean yielded) {}

  private ServerWarmup() {}

  /**
   * Uploads and downloads through a throwaway loopback server until {@code budget} has passed (one
   * round at least, then whole rounds only).
   *
   * @throws Exception when the server or the client fails: the caller decides whether a server that
   *     could not warm up may still start
   */
  public static Outcome run(Duration budget) throws Exception {
    return run(budget, false);
  }

  /**
   * Like {@link #run(Duration)}; with {@code embedded}, the throwaway server and its client share
   * one network thread, as an embedded server and its client do (the demo's), so that path warms.
   */
  public static Outcome run(Duration budget, boolean embedded) throws Exception {
    return run(budget, embedded, () -> false);
  }

  /**
   * Like {@link #run(Duration, boolean)}, but yields: it checks {@code stop} before generating its
   * data and before every upload and download, and when it holds, ends there (possibly before a
   * whole round) and closes everything. A server that warms up after it listens passes "a client
   * has connected", so that the warm-up never competes with a real client for the cores.
   */
  public static Outcome run(Duration budget, boolean embedded, BooleanSupplier stop)
      throws Exception {
    long started = System.nanoTime();
    long deadline = started + budget.toNanos();
    int uploads = 0;
    int downloads = 0;
    long bytes = 0;
    boolean yielded = false;
    try (BufferAllocator root = Allocators.newRoot();
        FlightLabServer server = throwaway(root, embedded)) {
      server.start();
      URI uri = URI.create("grpc://127.0.0.1:" + server.port());
      FlightLabClient client =
          FlightLabClient.connect(ClientOptions.of(uri), root, server.clientTransport());
      BatchSet[] tables = new BatchSet[SPECS.size()];
      try {
        warm:
        {
          for (int i = 0; i < tables.length; i++) {
            if (stop.getAsBoolean()) {
              yielded = true;
              break warm;
            }
            int rows = ROWS.get(i);
            tables[i] =
                DataGenerator.generate(
                    SchemaSpec.parse(SPECS.get(i)),
                    rows,
                    rows,
                    GeneratorOptions.defaults().withStringLength(STRING_LENGTH),
                    root);
          }
          do {
            for (int i = 0; i < tables.length; i++) {
              if (stop.getAsBoolean()) {
                yielded = true;
                break warm;
              }
              DatasetPath path = DatasetPath.parse("/warm-up/" + i);
              client.put(path, tables[i], PutMode.REPLACE);
              uploads++;
              if (stop.getAsBoolean()) {
                yielded = true;
                break warm;
              }
              try (BatchSet back = client.get(path)) {
                downloads++;
                bytes += 2 * back.ipcBodyBytes();
              }
            }
          } while (System.nanoTime() < deadline);
          client.list("");
        }
      } finally {
        for (BatchSet t : tables) {
          if (t != null) {
            t.close();
          }
        }
        client.close();
      }
    }
    return new Outcome(
        uploads, downloads, bytes, Duration.ofNanos(System.nanoTime() - started), yielded);
  }

  private static FlightLabServer throwaway(BufferAllocator root, boolean embedded) {
    FlightLabServer.Builder builder =
        FlightLabServer.builder(ServerOptions.ephemeral()).allocator(root).quiet();
    return (embedded ? builder.embedded() : builder).build();
  }
}
