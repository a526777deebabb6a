package dev.flightlab.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dictionary replacements and deltas between batches: kept by the store, replayed in place. */
class DictionaryReplayTest {
  private static final DatasetPath PATH = DatasetPath.parse("/store/dictionaries");
  private static final DictionaryEncoding COLOR =
      new DictionaryEncoding(3L, false, new ArrowType.Int(32, true));
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field(
                  "color", new FieldType(true, new ArrowType.Int(32, true), COLOR), List.of())));

  private RootAllocator root;
  private BufferAllocator data;
  private DatasetStore store;

  @BeforeEach
  void start() {
    root = new RootAllocator();
    data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
    store = new DatasetStore(root, 64L << 20, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    store.close();
    data.close();
    assertThat(root.getAllocatedMemory()).as(root.toVerboseString()).isZero();
    root.close();
  }

  private Dictionary dictionary(String... values) {
    VarCharVector v = new VarCharVector("color-dictionary", data);
    v.allocateNew();
    for (int i = 0; i < values.length; i++) {
      v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
    }
    v.setValueCount(values.length);
    return new Dictionary(v, COLOR);
  }

  private void addBatch(WriteSession session, DictionaryProvider provider, int... indices) {
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, data)) {
      IntVector v = (IntVector) batch.getVector(0);
      v.allocateNew(indices.length);
      for (int i = 0; i < indices.length; i++) {
        v.set(i, indices[i]);
      }
      batch.setRowCount(indices.length);
      session.add(batch, provider, null);
    }
  }

  /** One upload: {@code initial} before the first batch, then the given steps in order. */
  private void upload(PutMode mode, Dictionary initial, Object... steps) {
    DictionaryProvider.MapDictionaryProvider provider =
        new DictionaryProvider.MapDictionaryProvider(initial);
    try (WriteSession session = store.beginWrite(PATH, mode, SCHEMA)) {
      for (Object step : steps) {
        if (step instanceof int[] indices) {
          addBatch(session, provider, indices);
        } else {
          StoredDictionary update = (StoredDictionary) step;
          session.addDictionary(update.dictionary(), update.delta());
          update.dictionary().getVector().close();
        }
      }
      session.commit(provider);
    } finally {
      initial.getVector().close();
    }
  }

  private static List<String> replayed(Dataset d, int batchIndex) {
    return d.dictionariesBefore(batchIndex).stream()
        .map(
            s -> {
              VarCharVector v = (VarCharVector) s.dictionary().getVector();
              String[] values = new String[v.getValueCount()];
              Arrays.setAll(values, i -> v.getObject(i).toString());
              return (s.delta() ? "delta " : "replace ") + String.join(",", values);
            })
        .toList();
  }

  @Test
  void replacementsAndDeltasAreReplayedBeforeTheBatchTheyPreceded() {
    upload(
        PutMode.REPLACE,
        dictionary("a", "b"),
        new int[] {0, 1},
        new StoredDictionary(dictionary("c"), false),
        new int[] {0},
        new StoredDictionary(dictionary("d", "e"), true),
        new int[] {0, 1, 2});
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(d.batches()).hasSize(3);
      assertThat(replayed(d, 0)).isEmpty();
      assertThat(replayed(d, 1)).containsExactly("replace c");
      assertThat(replayed(d, 2)).containsExactly("delta d,e");
      assertThat(d.dictionaries().lookup(3L).getVector().getObject(1).toString()).isEqualTo("b");
    }
  }

  @Test
  void aDictionaryMessageAfterTheLastBatchIsNotReplayed() {
    upload(
        PutMode.REPLACE,
        dictionary("a"),
        new int[] {0},
        new StoredDictionary(dictionary("z"), false));
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(replayed(d, 0)).isEmpty();
      assertThat(replayed(d, 1)).isEmpty();
    }
  }

  @Test
  void anAppendWithTheHeldDictionariesSendsNoReplacement() {
    upload(PutMode.REPLACE, dictionary("a", "b"), new int[] {0});
    upload(PutMode.APPEND, dictionary("a", "b"), new int[] {1});
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(replayed(d, 1)).isEmpty();
    }
  }

  @Test
  void anAppendWithOtherDictionariesReplacesThemBeforeItsFirstBatch() {
    upload(PutMode.REPLACE, dictionary("a", "b"), new int[] {0});
    upload(PutMode.APPEND, dictionary("x", "y"), new int[] {1}, new int[] {0});
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(replayed(d, 1)).containsExactly("replace x,y");
      assertThat(replayed(d, 2)).isEmpty();
    }
  }

  @Test
  void anAppendAfterAnUploadThatChangedItsDictionariesRestoresItsOwn() {
    upload(
        PutMode.REPLACE,
        dictionary("a"),
        new int[] {0},
        new StoredDictionary(dictionary("b"), true),
        new int[] {1});
    // Equal to the first upload's initial dictionary, but the reader holds "a,b" by now.
    upload(PutMode.APPEND, dictionary("a"), new int[] {0});
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(replayed(d, 1)).containsExactly("delta b");
      assertThat(replayed(d, 2)).containsExactly("replace a");
    }
  }
}
