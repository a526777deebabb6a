package dev.flightlab.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The two kinds of {@link DatasetStore} the contract runs over, and the helpers its tests share:
 * uploading people tables through write sessions and reading ids back from snapshots.
 */
final class StoreContract {
  private StoreContract() {}

  /** A kind of store: memory only, or durable on a data directory. */
  enum Kind {
    MEMORY,
    DATA_DIR;

    /** Opens a store of this kind; {@code dir} is used only by DATA_DIR. */
    DatasetStore open(BufferAllocator parent, long limitBytes, Clock clock, Path dir) {
      return new DatasetStore(parent, limitBytes, clock, this == DATA_DIR ? dir : null);
    }
  }

  /** A write session holding the batches of a people table whose ids start at {@code firstId}. */
  static WriteSession begin(
      DatasetStore store,
      BufferAllocator data,
      DatasetPath path,
      PutMode mode,
      long firstId,
      int... rows) {
    WriteSession session = store.beginWrite(path, mode, Tables.PEOPLE);
    try {
      addAll(session, data, firstId, rows);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** Adds people batches to {@code session}, with app_metadata "m-N" on batch N. */
  static void addAll(WriteSession session, BufferAllocator data, long firstId, int... rows) {
    try (BatchSet table = Tables.people(data, firstId, "m", rows);
        VectorSchemaRoot reader = VectorSchemaRoot.create(table.schema(), data)) {
      VectorLoader loader = new VectorLoader(reader);
      for (int i = 0; i < rows.length; i++) {
        loader.load(table.batches().get(i));
        session.add(reader, null, table.appMetadata().get(i));
      }
    }
  }

  /** Uploads and commits a people table. */
  static DatasetInfo put(
      DatasetStore store,
      BufferAllocator data,
      DatasetPath path,
      PutMode mode,
      long firstId,
      int... rows) {
    try (WriteSession session = begin(store, data, path, mode, firstId, rows)) {
      return session.commit(null);
    }
  }

  /** The ids a snapshot holds, batch after batch. */
  static List<Long> ids(Dataset dataset, BufferAllocator data) {
    List<Long> out = new ArrayList<>();
    try (VectorSchemaRoot reader = VectorSchemaRoot.create(dataset.memorySchema(), data)) {
      VectorLoader loader = new VectorLoader(reader);
      for (StoredBatch b : dataset.batches()) {
        loader.load(b.batch());
        BigIntVector ids = (BigIntVector) reader.getVector("id");
        for (int r = 0; r < reader.getRowCount(); r++) {
          out.add(ids.get(r));
        }
      }
    }
    return out;
  }

  /** The ids of {@code path}'s published version. */
  static List<Long> ids(DatasetStore store, BufferAllocator data, DatasetPath path) {
    try (Dataset d = store.snapshot(path)) {
      return ids(d, data);
    }
  }

  /** Every byte of every buffer of every batch, and the app_metadata, in order. */
  static List<byte[]> bytes(Dataset dataset) {
    List<byte[]> out = new ArrayList<>();
    for (StoredBatch b : dataset.batches()) {
      for (ArrowBuf buf : b.batch().getBuffers()) {
        byte[] bytes = new byte[(int) buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        out.add(bytes);
      }
      out.add(b.appMetadata() == null ? new byte[0] : Tables.text(b.appMetadata()).getBytes());
    }
    return out;
  }

  static List<Long> range(long first, int count) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(first + i);
    }
    return out;
  }

  /** Memory the store holds or maps: what readers and datasets keep alive. */
  static long held(DatasetStore store) {
    StoreStats s = store.stats();
    return s.memoryUsedBytes() + s.mappedBytes();
  }

  static void assertStatus(ThrowingCallable call, FlightStatusCode code, String... words) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(code);
              for (String word : words) {
                assertThat(e.status().description()).contains(word);
              }
            });
  }

  /** The names of the files in a folder, sorted. */
  static List<String> files(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a folder tree. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
