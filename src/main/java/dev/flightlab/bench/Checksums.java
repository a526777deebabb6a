package dev.flightlab.bench;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.data.ListElements;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.complex.RunEndEncodedVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.UnionVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A 64-bit checksum of a table's values, row by row and column by column (nulls count as nulls,
 * buffer padding and capacity do not), plus its dictionaries' values: two tables that hold the same
 * values in the same order have the same checksum, however they are cut into batches (a server may
 * re-chunk what it sends, or split it over several endpoints).
 */
public final class Checksums {
  private Checksums() {}

  /** The checksum of a batch set. */
  public static long of(BatchSet data, BufferAllocator allocator) {
    return of(data.schema(), data.batches(), data.dictionaries(), allocator);
  }

  /** The checksum of batches in {@code schema} (in-memory form) and their dictionaries. */
  public static long of(
      Schema schema,
      List<ArrowRecordBatch> batches,
      DictionaryProvider dictionaries,
      BufferAllocator allocator) {
    long h = 0x9E3779B97F4A7C15L;
    long rows = 0;
    try (VectorSchemaRoot root = IpcSchemas.createRoot(schema, allocator)) {
      VectorLoader loader = new VectorLoader(root);
      List<FieldVector> columns = root.getFieldVectors();
      for (ArrowRecordBatch batch : batches) {
        loader.load(batch);
        // Row by row, so that where one batch ends and the next begins does not count.
        for (int i = 0; i < root.getRowCount(); i++) {
          for (FieldVector v : columns) {
            h = mix(h, value(v, i));
          }
        }
        rows += root.getRowCount();
      }
    }
    h = mix(h, rows);
    if (dictionaries != null) {
      for (long id : new TreeSet<>(dictionaries.getDictionaryIds())) {
        Dictionary d = dictionaries.lookup(id);
        h = mix(h, id);
        h = mix(h, vector(d.getVector()));
      }
    }
    return h;
  }

  private static long vector(ValueVector v) {
    long h = v.getValueCount();
    for (int i = 0; i < v.getValueCount(); i++) {
      h = mix(h, value(v, i));
    }
    return h;
  }

  /**
   * One value's hash. Nested values are hashed here, element by element, rather than by their
   * vectors' hashCode: Arrow Java 19's view vectors read a 12-byte value (inline) as if it lay in a
   * data buffer, and a nested vector's hashCode hashes its children with theirs.
   */
  private static long value(ValueVector v, int i) {
    if (v.isNull(i)) {
      return 0x5bd1e995L;
    }
    if (v instanceof BaseVariableWidthViewVector view) {
      return Arrays.hashCode(view.get(i));
    }
    if (ListElements.isList(v)) {
      ValueVector child = ListElements.child(v);
      long start = ListElements.start(v, i);
      long end = ListElements.end(v, i);
      long h = end - start;
      for (long k = start; k < end; k++) {
        h = mix(h, value(child, (int) k));
      }
      return h;
    }
    if (v instanceof StructVector struct) {
      long h = 0x27d4eb2fL;
      for (FieldVector child : struct.getChildrenFromFields()) {
        h = mix(h, value(child, i));
      }
      return h;
    }
    if (v instanceof UnionVector union) {
      return mix(union.getTypeValue(i), value(union.getVector(i), i));
    }
    if (v instanceof DenseUnionVector union) {
      byte typeId = union.getTypeId(i);
      return mix(typeId, value(union.getVectorByType(typeId), union.getOffset(i)));
    }
    if (v instanceof RunEndEncodedVector ree) {
      return value(ree.getValuesVector(), ree.getPhysicalIndex(i));
    }
    return v.hashCode(i);
  }

  private static long mix(long h, long value) {
    long x = (h ^ value) * 0xff51afd7ed558ccdL;
    return Long.rotateLeft(x, 31) * 0xc4ceb9fe1a85ec53L + 0x165667b19e3779f9L;
  }
}
