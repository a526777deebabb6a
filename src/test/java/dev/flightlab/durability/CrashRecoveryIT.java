package dev.flightlab.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.ServeProcess;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a {@code flightlab serve --data-dir} process while clients put, replace,
 * append and drop concurrently, then a restart on the same directory: every acknowledged operation
 * is there, value for value, and every unacknowledged one is absent or whole. Repeated for {@code
 * -Dflightlab.crash.rounds} rounds (default 3) within {@code -Dflightlab.crash.seconds} (default
 * 120); scripts/crash-test.sh runs many more.
 */
class CrashRecoveryIT {
  private static final int ROUNDS = Integer.getInteger("flightlab.crash.rounds", 3);
  private static final long BUDGET_NANOS =
      Long.getLong("flightlab.crash.seconds", 120) * 1_000_000_000L;
  private static final long SEED = Long.getLong("flightlab.crash.seed", System.nanoTime());
  private static final int WORKERS = 4;
  private static final int PATHS_PER_WORKER = 3;
  private static final AtomicInteger APPLIED_IN_DOUBT = new AtomicInteger();

  @TempDir Path work;

  /** An operation on one path. */
  private record Op(PutMode mode, int upload) {
    static final int DROP = -1;

    boolean isDrop() {
      return upload == DROP;
    }

    /** The dataset after this operation, as a list of uploads (null: absent). */
    List<Integer> applyTo(List<Integer> before) {
      if (isDrop()) {
        return null;
      }
      List<Integer> after = new ArrayList<>();
      if (mode == PutMode.APPEND && before != null) {
        after.addAll(before);
      }
      after.add(upload);
      return after;
    }

    @Override
    public String toString() {
      return isDrop() ? "drop" : mode.wireName() + " u" + upload;
    }
  }

  /** What the client knows of one path: its acknowledged state and an operation in doubt. */
  private static final class PathState {
    final DatasetPath path;
    List<Integer> acked;
    Op pending;

    PathState(DatasetPath path) {
      this.path = path;
    }
  }

  /** Upload {@code u}: a people table of 1-3 batches, ids from u * 1,000,000, metadata "uU-B". */
  private static BatchSet upload(BufferAllocator allocator, int u) {
    Random r = new Random(u);
    int[] rows = new int[1 + r.nextInt(3)];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = 1 + r.nextInt(20_000);
    }
    return Tables.people(allocator, u * 1_000_000L, "u" + u, rows);
  }

  @Test
  void everyAcknowledgedOperationSurvivesKill9() throws Exception {
    Path data = work.resolve("data");
    Random random = new Random(SEED);
    List<PathState> states = new ArrayList<>();
    for (int i = 0; i < WORKERS * PATHS_PER_WORKER; i++) {
      states.add(new PathState(DatasetPath.parse("/crash/w" + (i / PATHS_PER_WORKER) + "/p" + i)));
    }
    AtomicInteger uploads = new AtomicInteger();
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int acknowledged = 0;
    int inDoubt = 0;
    int round = 0;
    for (; round < ROUNDS && System.nanoTime() < deadline; round++) {
      ServeProcess server =
          ServeProcess.start(
              work.resolve("round-" + round + ".log"), "--data-dir", data.toString());
      try (RootAllocator root = new RootAllocator()) {
        assertThat(loadedAndSetAside(server)[1]).as("set aside after a kill -9").isZero();
        inDoubt += verify(server, root, states, "round " + round);
        AtomicBoolean killed = new AtomicBoolean();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger acks = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          List<PathState> mine = states.subList(w * PATHS_PER_WORKER, (w + 1) * PATHS_PER_WORKER);
          long workerSeed = random.nextLong();
          FlightLabClient client = FlightLabClient.connect(ClientOptions.of(server.uri()), root);
          Thread t =
              new Thread(
                  () -> work(client, root, mine, workerSeed, uploads, killed, unexpected, acks),
                  "crash-worker-" + w);
          workers.add(t);
          t.start();
        }
        // Kill once every worker has had an operation acknowledged (the child JVM and this one
        // start cold), at a random moment after that.
        long warm = System.nanoTime() + 30_000_000_000L;
        while (acks.get() < WORKERS && System.nanoTime() < warm && unexpected.isEmpty()) {
          Thread.sleep(5);
        }
        Thread.sleep(50 + random.nextInt(1_500));
        killed.set(true);
        server.kill9();
        for (Thread t : workers) {
          t.join(60_000);
          assertThat(t.isAlive()).as("%s still running after the kill", t.getName()).isFalse();
        }
        assertThat(unexpected).as("failures before the kill (seed %d)", SEED).isEmpty();
        acknowledged += acks.get();
      }
    }
    ServeProcess last =
        ServeProcess.start(work.resolve("final.log"), "--data-dir", data.toString());
    try (last;
        RootAllocator root = new RootAllocator()) {
      assertThat(loadedAndSetAside(last)[1]).isZero();
      inDoubt += verify(last, root, states, "the final start");
    }
    System.out.printf(
        "CrashRecoveryIT: %d rounds of kill -9, %d acknowledged operations all found; %d in doubt"
            + " at a kill, each found whole (%d) or not applied (%d) (seed %d)%n",
        round,
        acknowledged,
        inDoubt,
        APPLIED_IN_DOUBT.get(),
        inDoubt - APPLIED_IN_DOUBT.get(),
        SEED);
    assertThat(acknowledged).isPositive();
  }

  /** One worker: random operations on its own paths until the server dies under it. */
  private static void work(
      FlightLabClient client,
      BufferAllocator root,
      List<PathState> mine,
      long seed,
      AtomicInteger uploads,
      AtomicBoolean killed,
      ConcurrentLinkedQueue<String> unexpected,
      AtomicInteger acks) {
    Random random = new Random(seed);
    try (client) {
      while (true) {
        PathState s = mine.get(random.nextInt(mine.size()));
        Op op = chooseOp(s.acked, random, uploads);
        s.pending = op;
        try {
          if (op.isDrop()) {
            client.drop(s.path);
          } else {
            try (BatchSet table = upload(root, op.upload())) {
              client.put(s.path, table, op.mode());
            }
          }
        } catch (RuntimeException e) {
          if (!killed.get()) {
            unexpected.add(s.path + " " + op + ": " + e);
          }
          return; // The outcome of s.pending is in doubt.
        }
        s.acked = op.applyTo(s.acked);
        s.pending = null;
        acks.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Op chooseOp(List<Integer> acked, Random random, AtomicInteger uploads) {
    int pick = random.nextInt(10);
    if (acked == null) {
      PutMode mode = pick < 4 ? PutMode.REPLACE : pick < 7 ? PutMode.APPEND : PutMode.CREATE;
      return new Op(mode, uploads.incrementAndGet());
    }
    if (pick < 2) {
      return new Op(PutMode.REPLACE, Op.DROP);
    }
    PutMode mode = pick < 5 || acked.size() >= 6 ? PutMode.REPLACE : PutMode.APPEND;
    return new Op(mode, uploads.incrementAndGet());
  }

  /**
   * Checks every path against what its client knows, settles operations in doubt to what the server
   * shows, and returns how many there were.
   */
  private static int verify(
      ServeProcess server, BufferAllocator root, List<PathState> states, String when)
      throws Exception {
    int inDoubt = 0;
    try (FlightLabClient client = FlightLabClient.connect(ClientOptions.of(server.uri()), root)) {
      Set<String> listed = new HashSet<>();
      for (FlightInfo info : client.list("/crash")) {
        listed.add(String.join("/", info.getDescriptor().getPath()));
      }
      Set<String> known = new HashSet<>();
      for (PathState s : states) {
        known.add(s.path.canonical());
        List<Integer> actual = null;
        if (listed.contains(s.path.canonical())) {
          try (BatchSet got = client.get(s.path)) {
            List<List<Integer>> candidates = new ArrayList<>();
            candidates.add(s.acked);
            if (s.pending != null) {
              candidates.add(s.pending.applyTo(s.acked));
            }
            boolean found = false;
            for (List<Integer> c : candidates) {
              if (c != null && matches(got, c, root)) {
                actual = c;
                found = true;
                break;
              }
            }
            assertThat(found)
                .as(
                    "%s at %s: acknowledged %s, in doubt %s, but the server holds %d rows in %s",
                    s.path,
                    when,
                    s.acked,
                    s.pending,
                    Tables.rowCounts(got).stream().mapToInt(Integer::intValue).sum(),
                    Tables.metadata(got))
                .isTrue();
          }
        } else {
          assertThat(s.acked == null || (s.pending != null && s.pending.applyTo(s.acked) == null))
              .as(
                  "%s missing at %s: acknowledged %s, in doubt %s",
                  s.path, when, s.acked, s.pending)
              .isTrue();
        }
        if (s.pending != null) {
          inDoubt++;
          if (!Objects.equals(actual, s.acked)) {
            APPLIED_IN_DOUBT.incrementAndGet();
          }
        }
        s.acked = actual;
        s.pending = null;
      }
      assertThat(known).containsAll(listed);
    }
    return inDoubt;
  }

  /** True when {@code got} is exactly the uploads {@code expected}, batch by batch. */
  private static boolean matches(BatchSet got, List<Integer> expected, BufferAllocator root) {
    int b = 0;
    try (VectorSchemaRoot want = VectorSchemaRoot.create(Tables.PEOPLE, root);
        VectorSchemaRoot have = VectorSchemaRoot.create(got.schema(), root)) {
      for (int u : expected) {
        try (BatchSet table = upload(root, u)) {
          for (int i = 0; i < table.batches().size(); i++, b++) {
            if (b >= got.batches().size()) {
              return false;
            }
            new VectorLoader(want).load(table.batches().get(i));
            new VectorLoader(have).load(got.batches().get(b));
            if (!have.equals(want)
                || !Objects.equals(
                    Tables.text(table.appMetadata().get(i)),
                    Tables.text(got.appMetadata().get(b)))) {
              return false;
            }
          }
        }
      }
    }
    return b == got.batches().size();
  }

  @Test
  void aCorruptedSegmentIsDetectedAtStartAndSetAside() throws Exception {
    Path data = work.resolve("data");
    DatasetPath hurt = DatasetPath.parse("/crash/hurt");
    DatasetPath fine = DatasetPath.parse("/crash/fine");
    try (RootAllocator root = new RootAllocator()) {
      try (ServeProcess server =
              ServeProcess.start(work.resolve("before.log"), "--data-dir", data.toString());
          FlightLabClient client = FlightLabClient.connect(ClientOptions.of(server.uri()), root);
          BatchSet a = upload(root, 1);
          BatchSet b = upload(root, 2)) {
        client.put(hurt, a, PutMode.REPLACE);
        client.put(fine, b, PutMode.REPLACE);
      }
      Path segment;
      try (Stream<Path> files = Files.list(data.resolve("datasets"))) {
        segment =
            files
                .filter(p -> p.getFileName().toString().startsWith("crash_hurt-"))
                .filter(p -> p.toString().endsWith(".arrow"))
                .findFirst()
                .orElseThrow();
      }
      flipOneBit(segment);
      try (ServeProcess server =
              ServeProcess.start(work.resolve("after.log"), "--data-dir", data.toString());
          FlightLabClient client = FlightLabClient.connect(ClientOptions.of(server.uri()), root)) {
        assertThat(loadedAndSetAside(server)).containsExactly(1, 1);
        assertThat(server.log())
            .contains("set aside dataset '/crash/hurt'")
            .contains("fails its checksum");
        assertThat(client.list("/crash"))
            .extracting(i -> String.join("/", i.getDescriptor().getPath()))
            .containsExactly("/crash/fine");
        try (BatchSet got = client.get(fine)) {
          assertThat(matches(got, List.of(2), root)).isTrue();
        }
      }
      try (Stream<Path> files = Files.list(data.resolve("quarantine"))) {
        assertThat(files.count()).isEqualTo(2);
      }
    }
  }

  private static void flipOneBit(Path file) throws IOException {
    try (FileChannel f =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      long at = f.size() / 2;
      f.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      f.write(one, at);
    }
  }

  private static final Pattern LOADED =
      Pattern.compile("loaded (\\d+) datasets .* set aside (\\d+) to");

  /** The start-up log line's dataset count and set-aside count. */
  private static int[] loadedAndSetAside(ServeProcess server) {
    Matcher m = LOADED.matcher(server.log());
    if (!m.find()) {
      throw new IllegalStateException("no start-up line in the log: " + server.log());
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }
}
