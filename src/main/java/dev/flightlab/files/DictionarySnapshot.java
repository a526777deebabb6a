package dev.flightlab.files;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A copy of the dictionaries a schema's fields use, as they were when it was taken: for writers
 * that can send or store each dictionary only once (the Arrow IPC file format, a Flight upload
 * started with its dictionaries, a {@link dev.flightlab.data.BatchSet}), to notice a source that
 * replaced one later instead of silently keeping the first.
 */
public final class DictionarySnapshot implements AutoCloseable {
  private final Map<Long, FieldVector> copies;

  private DictionarySnapshot(Map<Long, FieldVector> copies) {
    this.copies = copies;
  }

  /**
   * Copies every dictionary {@code schema}'s fields (nested ones too) use from {@code provider}.
   */
  public static DictionarySnapshot of(
      Schema schema, DictionaryProvider provider, BufferAllocator allocator) {
    Map<Long, FieldVector> copies = new HashMap<>();
    try {
      for (long id : dictionaryIds(schema)) {
        Dictionary dictionary = provider.lookup(id);
        if (dictionary != null) {
          FieldVector values = dictionary.getVector();
          copies.put(id, VectorCopies.copy(values, 0, values.getValueCount(), allocator));
        }
      }
    } catch (RuntimeException e) {
      copies.values().forEach(FieldVector::close);
      throw e;
    }
    return new DictionarySnapshot(copies);
  }

  /** True when the schema has no dictionary-encoded field (nothing to watch). */
  public boolean isEmpty() {
    return copies.isEmpty();
  }

  /** The id of the first dictionary whose values in {@code provider} differ now, or null. */
  public Long changedIn(DictionaryProvider provider) {
    for (Map.Entry<Long, FieldVector> e : copies.entrySet()) {
      Dictionary now = provider.lookup(e.getKey());
      if (now == null || !VectorEqualsVisitor.vectorEquals(now.getVector(), e.getValue())) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * The ids of the dictionaries {@code schema}'s fields (at any depth) refer to, in field order.
   */
  public static List<Long> dictionaryIds(Schema schema) {
    List<Long> ids = new ArrayList<>();
    for (Field f : schema.getFields()) {
      collect(f, ids);
    }
    return ids;
  }

  private static void collect(Field field, List<Long> ids) {
    DictionaryEncoding encoding = field.getDictionary();
    if (encoding != null && !ids.contains(encoding.getId())) {
      ids.add(encoding.getId());
    }
    for (Field child : field.getChildren()) {
      collect(child, ids);
    }
  }

  /** Frees the copies. */
  @Override
  public void close() {
    try {
      AutoCloseables.close(copies.values());
    } catch (Exception e) {
      throw new IllegalStateException("could not free dictionary copies: " + e.getMessage(), e);
    }
  }
}
