package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.store.Dataset;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;
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

  /** Runs put of 2,000 rows in 500-row batches, 1 warm-up and 2 measured iterations, changed. */
  private RunResult run(UnaryOperator<BenchOptions> change) {
    BenchOptions base =
        new BenchOptions(
            Op.PUT,
            data("int64x4", 0, 0),
            ConcurrencyOptions.DEFAULTS,
            new TimingOptions(Warmup.iterations(1), 2, null),
            target(uri(), null, false),
            TransferOptions.DEFAULTS,
            OutputOptions.DEFAULTS,
            List.of(),
            5);
    RunResult r = new BenchRunner(change.apply(base), List.of(), Progress.NONE).run();
    assertThat(r.error()).isNull();
    assertThat(r.notes()).noneMatch(n -> n.contains("still allocated"));
    return r;
  }

  /** 2,000 rows in 500-row batches of {@code schema}. */
  private static DataOptions data(String schema, double nullFraction, long cardinality) {
    return new DataOptions(schema, 2_000, 500, 42, nullFraction, 16, cardinality, null, false);
  }

  private static TargetOptions target(URI server, String dataset, boolean keep) {
    return new TargetOptions(
        server, false, 0, null, null, null, null, "/flightlab-bench", dataset, keep, null);
  }

  /** No warm-up, one measured iteration. */
  private static final TimingOptions ONCE = new TimingOptions(Warmup.none(), 1, null);

  private static PointResult onlyPoint(RunResult r) {
    assertThat(r.points()).hasSize(1);
    PointResult p = r.points().get(0);
    assertThat(p.warmups()).hasSize(1).allMatch(IterationResult::warmup);
    assertThat(p.iterations()).hasSize(2).noneMatch(IterationResult::warmup);
    return p;
  }

  @Test
  void putUploadsEveryRowAndTimesEveryBatchAck() {
    RunResult r = run(o -> o.with(new ConcurrencyOptions(2, 1)));
    assertThat(r.server().flightlab()).isTrue();
    assertThat(r.server().mode()).isEqualTo("external");
    PointResult p = onlyPoint(r);
    assertThat(p.data().rows()).isEqualTo(4_000);
    assertThat(p.data().logicalBytes()).isEqualTo(4_000 * 32);
    for (IterationResult it : p.iterations()) {
      PhaseResult put = it.phase(Phase.PUT);
      assertThat(put.rows()).isEqualTo(4_000);
      assertThat(put.batches()).isEqualTo(8);
      assertThat(put.ipcBodyBytes()).isEqualTo(p.data().ipcBodyBytes());
      assertThat(put.latency().count()).isEqualTo(8);
      assertThat(put.firstBatch().count()).isEqualTo(2);
      assertThat(put.elapsedNanos()).isPositive();
    }
    assertThat(p.latencyStats(Phase.PUT).count()).isEqualTo(16);
    assertThat(r.serverStatsBefore()).containsKey("memory_used_bytes");
    // The benchmark dropped what it wrote.
    assertThat(server.store().list(null)).isEmpty();
  }

  @Test
  void withoutBatchLatencyUploadsCarryNoAppMetadataAndNothingIsAcked() throws Exception {
    for (boolean batchLatency : new boolean[] {true, false}) {
      RunResult r =
          run(
              o ->
                  o.with(TransferOptions.DEFAULTS.withBatchLatency(batchLatency))
                      .with(target(uri(), null, true)));
      PointResult p = onlyPoint(r);
      for (IterationResult it : p.iterations()) {
        PhaseResult put = it.phase(Phase.PUT);
        assertThat(put.batches()).isEqualTo(4);
        assertThat(put.latency().count()).as("acks timed").isEqualTo(batchLatency ? 4 : 0);
        assertThat(put.firstBatch().count()).isEqualTo(batchLatency ? 1 : 0);
      }
      // What the server stored: the sequence numbers as app_metadata, or none.
      DatasetPath kept = DatasetPath.parse("/flightlab-bench/put-0");
      try (Dataset d = server.store().snapshot(kept)) {
        assertThat(d.rowCount()).isEqualTo(2_000);
        assertThat(d.batches())
            .as("app_metadata stored with batch latency %s", batchLatency)
            .allMatch(b -> (b.appMetadata() != null) == batchLatency);
      }
      server.store().drop(kept);
    }
  }

  @Test
  void getDownloadsWhatItUploadedFirst() {
    PointResult p = onlyPoint(run(o -> o.with(Op.GET)));
    PhaseResult get = p.iterations().get(0).phase(Phase.GET);
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
        onlyPoint(run(o -> o.with(Op.GET).with(target(uri(), "/existing/table", false))));
    assertThat(p.data().source()).isEqualTo("dataset /existing/table");
    assertThat(p.iterations().get(1).phase(Phase.GET).batches()).isEqualTo(10);
    assertThat(server.store().list(null)).hasSize(1);
  }

  @Test
  void exchangeTimesEachBatchRoundTripWithEitherClient() {
    for (ClientKind client : ClientKind.values()) {
      PointResult p =
          onlyPoint(
              run(
                  o ->
                      o.with(Op.EXCHANGE)
                          .with(new TransferOptions(client, SendWait.PARK, IpcCompression.NONE))));
      PhaseResult ex = p.iterations().get(0).phase(Phase.EXCHANGE);
      assertThat(ex.rows()).as("%s", client).isEqualTo(2_000);
      assertThat(ex.batches()).as("%s", client).isEqualTo(4);
      assertThat(ex.latency().count()).as("%s", client).isEqualTo(4);
      assertThat(ex.firstBatch().count()).as("%s", client).isEqualTo(1);
      if (client == ClientKind.FLIGHTLAB) {
        // int64x4 without nulls: flightlab's client leaves the all-valid bitmaps out.
        assertThat(ex.wireBodyBytes()).isLessThan(ex.ipcBodyBytes());
      } else {
        assertThat(ex.wireBodyBytes()).isEqualTo(ex.ipcBodyBytes());
      }
    }
  }

  @Test
  void exchangeEchoesDictionariesAndNullsWithEitherClient() {
    for (ClientKind client : ClientKind.values()) {
      PointResult p =
          onlyPoint(
              run(
                  o ->
                      o.with(Op.EXCHANGE)
                          .with(data("int64,utf8,dictionary<utf8>", 0.1, 5))
                          .with(new TransferOptions(client, SendWait.PARK, IpcCompression.NONE))));
      assertThat(p.iterations())
          .as("%s", client)
          .allMatch(it -> it.phase(Phase.EXCHANGE).rows() == 2_000);
    }
  }

  @Test
  void roundtripVerifiesContentOfEveryType() {
    PointResult p =
        onlyPoint(
            run(
                o ->
                    o.with(Op.ROUNDTRIP)
                        .with(
                            data(
                                "bool,int8,uint64,float32,decimal128(20,4),utf8,large_utf8,"
                                    + "binary,date32,timestamp(us,UTC),list<int32>,"
                                    + "struct<a:int64,b:utf8>,dictionary<utf8>",
                                0.1,
                                0))));
    assertThat(p.phases()).containsExactly(Phase.PUT, Phase.GET);
    assertThat(p.iterations()).allMatch(it -> Boolean.TRUE.equals(it.verified()));
    assertThat(p.warmups()).allMatch(it -> Boolean.TRUE.equals(it.verified()));
  }

  @Test
  void metadataCountsInfoAndListCalls() {
    PointResult p = onlyPoint(run(o -> o.with(Op.METADATA).with(new ConcurrencyOptions(2, 1))));
    assertThat(p.phases()).containsExactly(Phase.INFO, Phase.LIST);
    IterationResult it = p.iterations().get(0);
    assertThat(it.phase(Phase.INFO).calls()).isEqualTo(10);
    assertThat(it.phase(Phase.LIST).calls()).isEqualTo(10);
    assertThat(it.phase(Phase.INFO).latency().count()).isEqualTo(10);
    assertThat(p.primaryUnit(Phase.INFO)).isEqualTo("calls/s");
  }

  @Test
  void seedRunsTheOriginalHundredPuts() {
    RunResult r = run(o -> o.with(Op.SEED).with(ONCE));
    PointResult p = r.points().get(0);
    PhaseResult seed = p.iterations().get(0).phase(Phase.SEED);
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
            o ->
                o.with(Op.ROUNDTRIP)
                    .with(TransferOptions.DEFAULTS.withCompression(IpcCompression.parse("zstd:1")))
                    .with(data("int64,utf8", 0, 4))
                    .with(ONCE));
    // The roundtrip workload fails the run when a download's checksum differs from the upload's.
    assertThat(r.ok()).isTrue();
    PhaseResult get = r.points().get(0).iterations().get(0).phase(Phase.GET);
    assertThat(get.wireBodyBytes()).isPositive().isLessThan(get.ipcBodyBytes() / 2);
  }

  @Test
  void roundtripCompressesItsUploadsAsAsked() {
    RunResult r =
        run(
            o ->
                o.with(Op.ROUNDTRIP)
                    .with(TransferOptions.DEFAULTS.withCompression(IpcCompression.parse("zstd:1")))
                    .with(data("int64,utf8", 0, 4))
                    .with(ONCE));
    PhaseResult put = r.points().get(0).iterations().get(0).phase(Phase.PUT);
    assertThat(put.wireBodyBytes()).isPositive().isLessThan(put.ipcBodyBytes() / 2);
  }

  @Test
  void compressedUploadsArriveIntactAndSmaller() throws Exception {
    RunResult r =
        run(
            o ->
                o.with(TransferOptions.DEFAULTS.withCompression(IpcCompression.parse("zstd")))
                    .with(data("int64,utf8", 0, 4))
                    .with(target(uri(), null, true))
                    .with(ONCE));
    PhaseResult put = r.points().get(0).iterations().get(0).phase(Phase.PUT);
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes() / 2);
    DataOptions d = r.options().data();
    try (FlightLabClient c = FlightLabClient.connect(ClientOptions.of(uri()), root);
        BatchSet stored = c.get(DatasetPath.parse(r.options().target().pathPrefix() + "/put-0"));
        BatchSet sent =
            DataGenerator.generate(
                SchemaSpec.parse(d.schema()),
                d.rows(),
                d.batchRows(),
                d.generatorOptions(0),
                c.allocator())) {
      assertThat(Checksums.of(stored, c.allocator())).isEqualTo(Checksums.of(sent, c.allocator()));
    }
  }

  @Test
  void sweepsRunTheirGridAndConnectionsAreShared() {
    RunResult r =
        run(
            o ->
                new BenchOptions(
                    o.op(),
                    o.data(),
                    new ConcurrencyOptions(2, 2),
                    ONCE,
                    o.target(),
                    o.transfer(),
                    o.output(),
                    List.of(Sweep.parse("batch-rows=250,1000"), Sweep.parse("streams=1,2")),
                    o.metadataCalls()));
    assertThat(r.points()).hasSize(4);
    assertThat(r.points())
        .extracting(PointResult::label)
        .containsExactly(
            "batch-rows=250 streams=1", "batch-rows=250 streams=2",
            "batch-rows=1000 streams=1", "batch-rows=1000 streams=2");
    assertThat(r.points().get(0).iterations().get(0).phase(Phase.PUT).batches()).isEqualTo(8);
    assertThat(r.points().get(0).options().concurrency().connections()).isEqualTo(1);
    assertThat(r.points().get(3).iterations().get(0).phase(Phase.PUT).batches()).isEqualTo(4);
  }

  @Test
  void warmupByBytesRunsWholeIterationsUntilTheBudgetIsMet() {
    RunResult r = run(o -> o.with(new TimingOptions(Warmup.parse("100KB"), 2, null)));
    PointResult p = r.points().get(0);
    // 2,000 rows of int64x4 are 64 KB of body per iteration: two iterations reach 100 KB.
    assertThat(p.warmups()).hasSize(2);
    assertThat(p.warmupBytes()).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void theEmbeddedServerIsTheDefault() {
    RunResult r = run(o -> o.with(TargetOptions.DEFAULTS));
    assertThat(r.server().mode()).isEqualTo("embedded");
    assertThat(r.server().note()).contains("own JVM").doesNotContain("pid");
    onlyPoint(r);
  }

  @Test
  void includeGenerationRegeneratesInsideTheTiming() {
    PointResult p =
        onlyPoint(
            run(
                o ->
                    o.with(new DataOptions("int64x4", 2_000, 500, 42, 0, 16, 0, null, true))
                        .with(new ConcurrencyOptions(2, 1))));
    assertThat(p.iterations().get(0).phase(Phase.PUT).rows()).isEqualTo(4_000);
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
                o ->
                    o.with(new DataOptions("int64x4", 2_000, 500, 42, 0, 16, 0, file, false))
                        .with(new ConcurrencyOptions(2, 1))));
    assertThat(p.data().source()).isEqualTo("file " + file);
    assertThat(p.data().ipcBodyBytes()).isEqualTo(2 * ipc);
    assertThat(p.iterations().get(0).phase(Phase.PUT).rows()).isEqualTo(6_000);
  }

  @Test
  void arrowsClientRunsPutGetAndRoundtripToo() {
    for (Op op : List.of(Op.PUT, Op.GET, Op.ROUNDTRIP)) {
      for (SendWait wait : SendWait.values()) {
        PointResult p =
            onlyPoint(
                run(
                    o ->
                        o.with(op)
                            .with(
                                new TransferOptions(ClientKind.ARROW, wait, IpcCompression.NONE))));
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
    PhaseResult put = onlyPoint(run(o -> o)).iterations().get(0).phase(Phase.PUT);
    // int64x4 without nulls: four 63-byte validity bitmaps per 500-row batch stay home.
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes());
    assertThat(put.ipcStreamBytes()).isLessThan(put.ipcBodyBytes() + 4 * 1_000);
  }

  @Test
  void compressedUploadsWorkWithArrowsClientToo() {
    PhaseResult put =
        onlyPoint(
                run(
                    o ->
                        o.with(
                                new TransferOptions(
                                    ClientKind.ARROW,
                                    SendWait.PARK,
                                    IpcCompression.parse("zstd:1")))
                            .with(data("int64,utf8", 0, 4))))
            .iterations()
            .get(0)
            .phase(Phase.PUT);
    assertThat(put.wireBodyBytes()).isLessThan(put.ipcBodyBytes() / 2);
  }
}
