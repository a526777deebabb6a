package dev.flightlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.data.SchemaWithDictionaries;
import dev.flightlab.files.DataFiles;
import dev.flightlab.files.ReadOptions;
import dev.flightlab.jvm.JvmTimes;
import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One workload at one point of the grid: prepares its data (untimed), then runs iterations.
 *
 * <p>Not thread-safe: the runner drives it from one thread; its streams run on the context's
 * threads during {@link #iterate}.
 */
abstract class Workload implements AutoCloseable {
  protected final BenchContext ctx;
  protected final BenchOptions options;

  /** How many streams run at once. */
  protected final int streamCount;

  protected final List<StreamData> streams = new ArrayList<>();
  private final Set<DatasetPath> created = new LinkedHashSet<>();
  private final Map<Phase, Histogram> measuredLatency = new LinkedHashMap<>();
  private BatchSet shared;

  Workload(BenchContext ctx) {
    this.ctx = ctx;
    this.options = ctx.options();
    this.streamCount = options.concurrency().streams();
  }

  /** The workload {@code ctx.options().op()} names. */
  static Workload create(BenchContext ctx) {
    if (ctx.options().transfer().protocol() == BenchProtocol.ARROW_PERF) {
      return new ArrowPerfWorkload(ctx);
    }
    return switch (ctx.options().op()) {
      case PUT -> new PutWorkload(ctx);
      case GET -> new GetWorkload(ctx);
      case EXCHANGE -> new ExchangeWorkload(ctx);
      case ROUNDTRIP -> new RoundtripWorkload(ctx);
      case METADATA -> new MetadataWorkload(ctx);
      case SEED -> new SeedWorkload(ctx);
    };
  }

  /** Generates or reads the data and does any untimed setup (such as uploading what get reads). */
  abstract DataInfo prepare() throws Exception;

  /**
   * Runs every phase of one iteration on all streams.
   *
   * @param measured whether the latencies count (false during warm-up)
   */
  abstract List<PhaseResult> phases(boolean measured) throws Exception;

  /** Whether the last iteration's content was verified (null: not checked). */
  Boolean verified() {
    return null;
  }

  /** Runs one iteration, timing it as a whole as well as by phase. */
  final IterationResult iterate(int index, boolean warmup) throws Exception {
    long[] server = serverTimes();
    long jit = JvmTimes.jitCompileNanos();
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    List<PhaseResult> phases = phases(!warmup);
    long elapsed = System.nanoTime() - start;
    long cpuAfter = processCpuNanos();
    long jitAfter = JvmTimes.jitCompileNanos();
    long[] serverAfter = serverTimes();
    return new IterationResult(
        index,
        warmup,
        elapsed,
        cpuAfter - cpu,
        phases,
        verified(),
        difference(jit, jitAfter),
        difference(server[0], serverAfter[0]),
        difference(server[1], serverAfter[1]));
  }

  /**
   * The server JVM's CPU and JIT nanoseconds so far (-1 each when unknown), read with the {@code
   * stats} action outside the timed iteration.
   */
  private long[] serverTimes() {
    if (!ctx.serverTimes()) {
      return new long[] {-1, -1};
    }
    JsonNode stats = ctx.clients().get(0).stats();
    return new long[] {
      stats.path("jvm_process_cpu_nanos").asLong(-1), stats.path("jvm_jit_compile_nanos").asLong(-1)
    };
  }

  private static long difference(long before, long after) {
    return before < 0 || after < 0 ? -1 : Math.max(0, after - before);
  }

  /** Every measured latency sample of each phase so far, merged. */
  final Map<Phase, Histogram> measuredLatency() {
    return measuredLatency;
  }

  /** Merges a phase's streams into its result, keeping the latencies when measured. */
  protected final PhaseResult merge(Phase phase, Concurrently.Outcomes outcomes, boolean measured) {
    Histogram target =
        measured ? measuredLatency.computeIfAbsent(phase, p -> LatencyStats.newHistogram()) : null;
    return StreamOutcome.merge(phase, outcomes.gateNanos(), outcomes.streams(), target);
  }

  /** The datasets this workload wrote on the server. */
  final Set<DatasetPath> createdDatasets() {
    return created;
  }

  /** The dataset {@code name} under --path-prefix, recorded to drop at the end of the run. */
  protected final DatasetPath dataset(String name) {
    return record(DatasetPath.parse(options.target().pathPrefix() + "/" + name));
  }

  /** Records a dataset to drop at the end of the run. */
  protected final DatasetPath record(DatasetPath path) {
    created.add(path);
    return path;
  }

  /** The schema generated data has, with its dictionaries' value types. */
  protected final SchemaWithDictionaries schema() {
    return SchemaSpec.parseWithDictionaries(options.data().schema());
  }

  /**
   * Generates each stream's data (stream i with seed + i), or reads --data-file once for all.
   *
   * @return what was made, with the time it took
   */
  protected final DataInfo generateStreams() throws Exception {
    long start = System.nanoTime();
    if (options.data().dataFile() != null) {
      // Arrow IPC keeps its batches; Parquet and CSV are cut into --batch-rows batches.
      shared =
          DataFiles.read(
              options.data().dataFile(),
              ReadOptions.defaults().withBatchRows(options.data().batchRows()),
              ctx.allocator());
      restoreWriterIndexes(shared);
      BenchOptions.checkStandIns(options.op(), options.transfer().client(), shared.schema());
      for (int s = 0; s < streamCount; s++) {
        streams.add(new StreamData(shared, false, ctx.allocator()));
      }
      long elapsed = System.nanoTime() - start;
      return info(
          "file " + options.data().dataFile(),
          "-",
          SchemaSpec.describe(shared.schema(), shared.dictionaries()),
          elapsed);
    }
    SchemaWithDictionaries schema = schema();
    for (int s = 0; s < streamCount; s++) {
      streams.add(generate(schema, s));
    }
    long elapsed = System.nanoTime() - start;
    return info("generated", options.data().schema(), SchemaSpec.describe(schema), elapsed);
  }

  /**
   * Sets each buffer's reader and writer index back to what its batch recorded when it was made. A
   * file reader may share buffers with the reader's vectors, and the reader resets their writer
   * indexes each time it loads the next batch; code that sizes buffers by their readable bytes
   * (flightlab's client drops all-valid bitmaps that way) would then send inconsistent batches.
   */
  static void restoreWriterIndexes(BatchSet set) {
    for (ArrowRecordBatch batch : set.batches()) {
      List<ArrowBuf> buffers = batch.getBuffers();
      List<ArrowBuffer> layout = batch.getBuffersLayout();
      for (int i = 0; i < buffers.size() && i < layout.size(); i++) {
        ArrowBuf buf = buffers.get(i);
        long size = layout.get(i).getSize();
        if (size <= buf.capacity()) {
          buf.readerIndex(0);
          buf.writerIndex(size);
        }
      }
    }
  }

  /** Stream {@code s}'s generated data. */
  protected final StreamData generate(SchemaWithDictionaries schema, int s) {
    BatchSet set =
        DataGenerator.generate(
            schema,
            options.data().rows(),
            options.data().batchRows(),
            options.data().generatorOptions(s),
            ctx.allocator());
    return new StreamData(set, true, ctx.allocator());
  }

  /** Describes the prepared streams. */
  protected final DataInfo info(String source, String spec, String described, long nanos) {
    long rows = 0;
    long batches = 0;
    long logical = 0;
    long ipc = 0;
    long stream = 0;
    for (StreamData d : streams) {
      rows += d.rows;
      batches += d.batches;
      logical += d.logicalBytes;
      ipc += d.ipcBodyBytes;
      stream += d.ipcStreamBytes;
    }
    return new DataInfo(
        source, spec, described, streams.size(), rows, batches, logical, ipc, stream, nanos);
  }

  /**
   * Generates every stream's data before timing, for its sizes; with --include-generation frees it
   * again, since each iteration then regenerates inside its timing ({@link #withStreamData}).
   */
  protected final DataInfo generateStreamsForIterations() throws Exception {
    DataInfo info = generateStreams();
    if (options.data().includeGeneration()) {
      freeStreams();
    }
    return info;
  }

  /** What a stream does with its data in one iteration. */
  @FunctionalInterface
  protected interface StreamBody {
    void run(StreamData data) throws Exception;
  }

  /**
   * Runs {@code body} with stream {@code s}'s data: generated now, inside the timing, with
   * --include-generation; else the data generated before timing.
   */
  protected final void withStreamData(int s, StreamBody body) throws Exception {
    if (options.data().includeGeneration()) {
      try (StreamData data = generate(schema(), s)) {
        body.run(data);
      }
    } else {
      body.run(streams.get(s));
    }
  }

  /** Frees every stream's data. */
  protected final void freeStreams() {
    streams.forEach(StreamData::close);
    streams.clear();
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  @Override
  public void close() {
    freeStreams();
  }

  /** This JVM's CPU time (all threads), or 0 where the platform cannot tell. */
  static long processCpuNanos() {
    return Math.max(0, JvmTimes.processCpuNanos());
  }
}
