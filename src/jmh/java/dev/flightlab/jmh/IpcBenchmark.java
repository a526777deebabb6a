package dev.flightlab.jmh;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.memory.Allocators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Batch encode/decode: what every DoGet and DoPut batch costs above the transport. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class IpcBenchmark {
  @Param({"4096", "65536"})
  int batchRows;

  private BufferAllocator root;
  private BatchSet table;
  private VectorSchemaRoot vectors;
  private VectorLoader loader;
  private byte[] encoded;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    root = Allocators.newRoot();
    table = DemoTables.benchmarkTable(root, 0, batchRows, batchRows);
    vectors = VectorSchemaRoot.create(table.schema(), root);
    loader = new VectorLoader(vectors);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageSerializer.serialize(
        new WriteChannel(Channels.newChannel(out)), table.batches().get(0));
    encoded = out.toByteArray();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vectors.close();
    table.close();
    root.close();
  }

  /** A stored batch loaded into a root and unloaded again (the DoGet path of flight-core). */
  @Benchmark
  public long loadUnload() {
    loader.load(table.batches().get(0));
    try (ArrowRecordBatch batch = new VectorUnloader(vectors, true, true).getRecordBatch()) {
      return batch.computeBodyLength();
    }
  }

  /** A batch written as an IPC message (header + body) to a heap stream. */
  @Benchmark
  public int encode() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length);
    MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), table.batches().get(0));
    return out.size();
  }

  /** An IPC message read back into a batch. */
  @Benchmark
  public long decode() throws IOException {
    try (ReadChannel in =
            new ReadChannel(
                Channels.newChannel(new java.io.ByteArrayInputStream(encoded)));
        ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(in, root)) {
      return batch.getLength();
    }
  }

}
