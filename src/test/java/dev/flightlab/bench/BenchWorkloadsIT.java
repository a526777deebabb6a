package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every workload at tiny sizes against a real flightlab server (started here on port 0), plus the
 * embedded default. Asserts what was moved and recorded, never how fast.
 */
class BenchWorkloadsIT {
  private RootAllocator root;
  private FlightLabServer server;

  @BeforeEach
  void start() throws Exception {
    root = new RootAllocator();
    server = FlightLabServer.builder(ServerOptions.ephemeral()).allocator(root).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    assertThat(root.getAllocatedMemory()).isZero();
    root.close();
  }

  private URI uri() {
    return URI.create("grpc://127.0.0.1:" + server.port());
  }

  private RunResult run(Consumer<BenchOptions.Builder> change) {
    BenchOptions.Builder b = BenchOptions.defaults().toBuilder();
    b.server = uri();
    b.rows = 2_000;
    b.batchRows = 500;
    b.warmup = Warmup.iterations(1);
    b.iterations = 2;
    b.metadataCalls = 5;
    change.accept(b);
    RunResult r = new BenchRunner(b.build(), List.of(), Progress.NONE).run();
    assertThat(r.error()).isNull();
    assertThat(r.notes()).noneMatch(n -> n.contains("still allocated"));
    return r;
  }

  private static PointResult onlyPoint(RunResult r) {
    assertThat(r.points()).hasSize(1);
    PointResult p = r.points().get(0);
    assertThat(p.warmups()).hasSize(1).allMatch(IterationResult::warmup);
    assertThat(p.iterations()).hasSize(2).noneMatch(IterationResult::warmup);
    return p;
  }

  @Test
  void putUploadsEveryRowAndTimesEveryBatchAck() {
    RunResult r = run(b -> b.streams = 2);
    assertThat(r.server().flightlab()).isTrue();
    assertThat(r.server().mode()).isEqualTo("external");
    PointResult p = onlyPoint(r);
    assertThat(p.data().rows()).isEqualTo(4_000);
    assertThat(p.data().logicalBytes()).isEqualTo(4_000 * 32);
    for (IterationResult it : p.iterations()) {
      PhaseResult put = it.phase("put");
      assertThat(put.rows()).isEqualTo(4_000);
      assertThat(put.batches()).isEqualTo(8);
      assertThat(put.ipcBodyBytes()).isEqualTo(p.data().ipcBodyBytes());
      assertThat(put.latency().count()).isEqualTo(8);
      assertThat(put.firstBatch().count()).isEqualTo(2);
      assertThat(put.elapsedNanos()).isPositive();
    }
    assertThat(p.latencyStats("put").count()).isEqualTo(16);
    assertThat(r.serverStatsBefore()).containsKey("memory_used_bytes");
    // The benchmark dropped what it wrote.
    assertThat(server.store().list(null)).isEmpty();
  }

  @Test
  void getDownloadsWhatItUploadedFirst() {
    PointResult p = onlyPoint(run(b -> b.op = Op.GET));
    PhaseResult get = p.iterations().get(0).phase("get");
    assertThat(get.rows()).isEqualTo(2_000);
    assertThat(get.batches()).isEqualTo(4);
    assertThat(get.latency().count()).isEqualTo(3);
    assertThat(get.firstBatch().count()).isEqualTo(1);
  }

  @Test
  void getCanReadAnExistingDataset() throws Exception {
    DatasetPath path = DatasetPath.parse("/existing/table");
    try (FlightLabClient c = FlightLabClient.connect(ClientOptions.of(uri()), root);
        BatchSet data =
            DataGenerator.generate(
                SchemaSpec.parse("int32,utf8"),
                1_000,
                100,
                dev.flightlab.data.GeneratorOptions.defaults(),
                c.allocator())) {
      c.put(path, data, dev.flightlab.wire.PutMode.REPLACE);
    }
    PointResult p =
        onlyPoint(
            run(
                b -> {
                  b.op = Op.GET;
                  b.dataset = "/existing/table";
                }));
    assertThat(p.data().source()).isEqualTo("dataset /existing/table");
    assertThat(p.iterations().get(1).phase("get").batches()).isEqualTo(10);
    assertThat(server.store().list(null)).hasSize(1);
  }

  @Test
  void exchangeTimesEachBatchRoundTrip() {
    PointResult p = onlyPoint(run(b -> b.op = Op.EXCHANGE));
    PhaseResult ex = p.iterations().get(0).phase("exchange");
    assertThat(ex.rows()).isEqualTo(2_000);
    assertThat(ex.latency().count()).isEqualTo(4);
  }

  @Test
  void roundtripVerifiesContentOfEveryType() {
    PointResult p =
        onlyPoint(
            run(
                b -> {
                  b.op = Op.ROUNDTRIP;
                  b.schema =
                      "bool,int8,uint64,float32,decimal128(20,4),utf8,large_utf8,binary,date32,"
                          + "timestamp(us,UTC),list<int32>,struct<a:int64,b:utf8>,"
                          + "dictionary<utf8>";
                  b.nullFraction = 0.1;
                }));
    assertThat(p.phaseNames()).containsExactly("put", "get");
    assertThat(p.iterations()).allMatch(it -> Boolean.TRUE.equals(it.verified()));
    assertThat(p.warmups()).allMatch(it -> Boolean.TRUE.equals(it.verified()));
  }

  @Test
  void metadataCountsInfoAndListCalls() {
    PointResult p =
        onlyPoint(
            run(
                b -> {
                  b.op = Op.METADATA;
                  b.streams = 2;
                }));
    assertThat(p.phaseNames()).containsExactly("info", "list");
    IterationResult it = p.iterations().get(0);
    assertThat(it.phase("info").calls()).isEqualTo(10);
    assertThat(it.phase("list").calls()).isEqualTo(10);
    assertThat(it.phase("info").latency().count()).isEqualTo(10);
    assertThat(p.primaryUnit("info")).isEqualTo("calls/s");
  }

  @Test
  void seedRunsTheOriginalHundredPuts() {
    RunResult r =
        run(
            b -> {
              b.op = Op.SEED;
              b.warmup = Warmup.none();
              b.iterations = 1;
            });
    PointResult p = r.points().get(0);
    PhaseResult seed = p.iterations().get(0).phase("seed");
    assertThat(seed.calls()).isEqualTo(100);
    assertThat(seed.rows()).isEqualTo(100L * 131_072);
    // The original README's 212.54 MiB of IPC stream: flightlab's client, like pyarrow, leaves
    // out all-valid bitmaps (Arrow Java's client would send 215.67 MiB, bitmaps included).
    assertThat(seed.ipcStreamBytes() / Metrics.MIB).isBetween(212.5, 212.6);
    assertThat(seed.seedMBps()).isPositive();
    assertThat(server.store().list(null)).isEmpty();
  }

  @Test
  void compressedDownloadsArriveIntactAndSmaller() throws Exception {
    RunResult r =
        run(
            b -> {
              b.op = Op.ROUNDTRIP;
              b.compression = IpcCompression.parse("zstd:1");
              b.schema = "int64,utf8";
              b.cardinality = 4;
              b.warmup = Warmup.none();
              b.iterations = 1;
            });
    // The roundtrip workload fails the run when a download's checksum differs from the upload's.
    assertThat(r.ok()).isTrue();
    PhaseResult get = r.points().get(0).iterations().get(0).phase("get");
    assertThat(get.wireBodyBytes()).isPositive().isLessThan(get.ipcBodyBytes() / 2);
  }

  @Test
  void roundtripCompressesItsUploadsAsAsked() {
    RunResult r =
        run(
            b -> {
              b.op = Op.ROUNDTRIP;
              b.compression = IpcCompression.parse("zstd:1");
              b.schema = "int64,utf8";
              b.cardinality = 4;
              b.warmup = Warmup.none();
              b.iterations = 1;
            });
    PhaseResult put = r.points().get(0).iterations().get(0).phase("put");
    assertThat(put.wireBodyBytes()).isPositive().isLessThan(put.ipcBodyBytes() / 2);
  }

  @Test
  void compressedUploadsArriveIntactAndSmaller() throws Exception {
    RunResult r =
        run(
            b -> {
              b.compression = IpcCompression.parse("zstd");
              b.schema = "int64,utf8";
              b.cardinality = 4;
              b.keep = true;
              b.warmup = Warmup.none();
              b.iterations = 1;
            });
    PhaseResult put = r.points().get(0).iterations().get(0).phase("put");
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes() / 2);
    BenchOptions o = r.options();
    try (FlightLabClient c = FlightLabClient.connect(ClientOptions.of(uri()), root);
        BatchSet stored = c.get(DatasetPath.parse(o.pathPrefix() + "/put-0"));
        BatchSet sent =
            DataGenerator.generate(
                SchemaSpec.parse(o.schema()),
                o.rows(),
                o.batchRows(),
                o.generatorOptions(0),
                c.allocator())) {
      assertThat(Checksums.of(stored, c.allocator())).isEqualTo(Checksums.of(sent, c.allocator()));
    }
  }

  @Test
  void sweepsRunTheirGridAndConnectionsAreShared() {
    RunResult r =
        run(
            b -> {
              b.warmup = Warmup.none();
              b.iterations = 1;
              b.streams = 2;
              b.connections = 2;
              b.sweeps = List.of(Sweep.parse("batch-rows=250,1000"), Sweep.parse("streams=1,2"));
            });
    assertThat(r.points()).hasSize(4);
    assertThat(r.points())
        .extracting(PointResult::label)
        .containsExactly(
            "batch-rows=250 streams=1", "batch-rows=250 streams=2",
            "batch-rows=1000 streams=1", "batch-rows=1000 streams=2");
    assertThat(r.points().get(0).iterations().get(0).phase("put").batches()).isEqualTo(8);
    assertThat(r.points().get(0).options().connections()).isEqualTo(1);
    assertThat(r.points().get(3).iterations().get(0).phase("put").batches()).isEqualTo(4);
  }

  @Test
  void warmupByBytesRunsWholeIterationsUntilTheBudgetIsMet() {
    RunResult r = run(b -> b.warmup = Warmup.parse("100KB"));
    PointResult p = r.points().get(0);
    // 2,000 rows of int64x4 are 64 KB of body per iteration: two iterations reach 100 KB.
    assertThat(p.warmups()).hasSize(2);
    assertThat(p.warmupBytes()).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void theEmbeddedServerIsTheDefault() {
    RunResult r = run(b -> b.server = null);
    assertThat(r.server().mode()).isEqualTo("embedded");
    assertThat(r.server().note()).contains("own JVM").doesNotContain("pid");
    onlyPoint(r);
  }

  @Test
  void includeGenerationRegeneratesInsideTheTiming() {
    PointResult p =
        onlyPoint(
            run(
                b -> {
                  b.includeGeneration = true;
                  b.streams = 2;
                }));
    assertThat(p.iterations().get(0).phase("put").rows()).isEqualTo(4_000);
  }

  @Test
  void aDataFileIsSentByEveryStream(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("data.arrow");
    long ipc;
    try (BatchSet data =
        DataGenerator.generate(
            SchemaSpec.parse("int64,utf8,dictionary<utf8>"),
            3_000,
            700,
            dev.flightlab.data.GeneratorOptions.defaults(),
            root)) {
      dev.flightlab.files.ArrowFiles.write(data, file, root);
      ipc = data.ipcBodyBytes();
    }
    PointResult p =
        onlyPoint(
            run(
                b -> {
                  b.dataFile = file;
                  b.streams = 2;
                }));
    assertThat(p.data().source()).isEqualTo("file " + file);
    assertThat(p.data().ipcBodyBytes()).isEqualTo(2 * ipc);
    assertThat(p.iterations().get(0).phase("put").rows()).isEqualTo(6_000);
  }

  @Test
  void arrowsClientRunsPutGetAndRoundtripToo() {
    for (Op op : List.of(Op.PUT, Op.GET, Op.ROUNDTRIP)) {
      for (SendWait wait : SendWait.values()) {
        PointResult p =
            onlyPoint(
                run(
                    b -> {
                      b.op = op;
                      b.client = ClientKind.ARROW;
                      b.sendWait = wait;
                    }));
        PhaseResult first = p.iterations().get(0).phases().get(0);
        assertThat(first.rows()).isEqualTo(2_000);
        assertThat(first.latency().count()).isPositive();
        if (op == Op.ROUNDTRIP) {
          assertThat(p.iterations()).allMatch(it -> Boolean.TRUE.equals(it.verified()));
        }
      }
    }
  }

  @Test
  void flightlabsClientSendsLessThanItHoldsWhenNothingIsNull() {
    PhaseResult put = onlyPoint(run(b -> {})).iterations().get(0).phase("put");
    // int64x4 without nulls: four 63-byte validity bitmaps per 500-row batch stay home.
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes());
    assertThat(put.ipcStreamBytes()).isLessThan(put.ipcBodyBytes() + 4 * 1_000);
  }

  @Test
  void compressedUploadsWorkWithArrowsClientToo() {
    PhaseResult put =
        onlyPoint(
                run(
                    b -> {
                      b.client = ClientKind.ARROW;
                      b.compression = IpcCompression.parse("zstd:1");
                      b.schema = "int64,utf8";
                      b.cardinality = 4;
                    }))
            .iterations()
            .get(0)
            .phase("put");
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes() / 2);
  }
}
