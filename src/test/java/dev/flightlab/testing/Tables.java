package dev.flightlab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.TypeEqualsVisitor;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Small tables for tests, and exact comparison of two tables batch by batch. */
public final class Tables {
  /** Schema of {@link #people}: id int64, name utf8 (nullable). */
  public static final Schema PEOPLE =
      new Schema(
          List.of(
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("name", ArrowType.Utf8.INSTANCE)));

  private Tables() {}

  /**
   * A table of (id, "name-" + id) rows in batches of the given sizes; ids run on from {@code
   * firstId} across batches and every fifth name is null. No app_metadata.
   */
  public static BatchSet people(BufferAllocator allocator, long firstId, int... rowsPerBatch) {
    return people(allocator, firstId, null, rowsPerBatch);
  }

  /**
   * Like {@link #people(BufferAllocator, long, int...)}, with app_metadata {@code prefix + "-" +
   * batchIndex} on every batch unless {@code metadataPrefix} is null.
   */
  public static BatchSet people(
      BufferAllocator allocator, long firstId, String metadataPrefix, int... rowsPerBatch) {
    BatchSet.Builder out = BatchSet.builder(PEOPLE);
    long id = firstId;
    for (int b = 0; b < rowsPerBatch.length; b++) {
      int rows = rowsPerBatch[b];
      try (VectorSchemaRoot root = VectorSchemaRoot.create(PEOPLE, allocator)) {
        BigIntVector ids = (BigIntVector) root.getVector("id");
        VarCharVector names = (VarCharVector) root.getVector("name");
        ids.allocateNew(rows);
        names.allocateNew(rows);
        for (int r = 0; r < rows; r++, id++) {
          ids.set(r, id);
          if (id % 5 == 4) {
            names.setNull(r);
          } else {
            names.setSafe(r, ("name-" + id).getBytes(StandardCharsets.UTF_8));
          }
        }
        root.setRowCount(rows);
        out.add(root, metadataPrefix == null ? null : utf8(allocator, metadataPrefix + "-" + b));
      }
    }
    return out.build();
  }

  /** A new buffer holding {@code text} in UTF-8; the caller owns it. */
  public static ArrowBuf utf8(BufferAllocator allocator, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ArrowBuf buf = allocator.buffer(Math.max(1, bytes.length));
    buf.writeBytes(bytes);
    return buf;
  }

  /** The readable bytes of {@code buf} as a string, or null for a null buffer. */
  public static String text(ArrowBuf buf) {
    if (buf == null) {
      return null;
    }
    byte[] bytes = new byte[(int) buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Each batch's row count, in order. */
  public static List<Integer> rowCounts(BatchSet table) {
    List<Integer> out = new ArrayList<>();
    for (ArrowRecordBatch b : table.batches()) {
      out.add(b.getLength());
    }
    return out;
  }

  /** Each batch's app_metadata as a string (null where absent), in order. */
  public static List<String> metadata(BatchSet table) {
    List<String> out = new ArrayList<>();
    for (ArrowBuf b : table.appMetadata()) {
      out.add(text(b));
    }
    return out;
  }

  /** The values of column {@code column} across all batches, as strings (null stays null). */
  public static List<String> column(BatchSet table, String column, BufferAllocator allocator) {
    List<String> out = new ArrayList<>();
    try (VectorSchemaRoot root = IpcSchemas.createRoot(table.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch b : table.batches()) {
        loader.load(b);
        FieldVector v = root.getVector(column);
        for (int i = 0; i < root.getRowCount(); i++) {
          out.add(v.isNull(i) ? null : String.valueOf(v.getObject(i)));
        }
      }
    }
    return out;
  }

  /**
   * The values of a dictionary-encoded column, decoded with the dictionaries in force for each
   * batch ({@link BatchSet#dictionariesAt}), as strings (null stays null).
   */
  public static List<String> decodedColumn(
      BatchSet table, String column, BufferAllocator allocator) {
    List<String> out = new ArrayList<>();
    try (VectorSchemaRoot root = IpcSchemas.createRoot(table.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      for (int b = 0; b < table.batches().size(); b++) {
        loader.load(table.batches().get(b));
        FieldVector v = root.getVector(column);
        long id = v.getField().getDictionary().getId();
        FieldVector dictionary = table.dictionariesAt(b).lookup(id).getVector();
        for (int i = 0; i < root.getRowCount(); i++) {
          if (v.isNull(i)) {
            out.add(null);
          } else {
            int index = ((Number) v.getObject(i)).intValue();
            out.add(String.valueOf(dictionary.getObject(index)));
          }
        }
      }
    }
    return out;
  }

  /**
   * Asserts that {@code actual} holds exactly {@code expected}: the same schema (with metadata),
   * the same batch boundaries, equal vectors in every batch (types by {@link TypeEqualsVisitor},
   * values by {@link VectorEqualsVisitor}), the same app_metadata and the same dictionaries.
   */
  /**
   * A generated table with the decimals Arrow Java has no vectors for (decimal32, decimal64) at the
   * top level, in a list and in a struct, in batches of {@code rowsPerBatch} rows.
   */
  public static BatchSet narrowDecimals(BufferAllocator allocator, long rows, int rowsPerBatch) {
    return dev.flightlab.data.DataGenerator.generate(
        dev.flightlab.data.SchemaSpec.parse(NARROW_DECIMALS),
        rows,
        rowsPerBatch,
        dev.flightlab.data.GeneratorOptions.defaults(),
        allocator);
  }

  /** The schema spec of {@link #narrowDecimals}. */
  public static final String NARROW_DECIMALS =
      "d32:decimal32(7,2),d64:decimal64(18,4),l:list<decimal32(5,1)>,s:struct<a:decimal64(12,3),b:int8>";

  public static void assertSameTable(
      BatchSet expected, BatchSet actual, BufferAllocator allocator) {
    assertSameShape(expected, actual);
    assertThat(metadata(actual)).as("app_metadata per batch").isEqualTo(metadata(expected));
    assertSameValues(expected, actual, allocator);
  }

  /** Like {@link #assertSameTable}, but the batches' app_metadata may differ. */
  public static void assertSameData(BatchSet expected, BatchSet actual, BufferAllocator allocator) {
    assertSameShape(expected, actual);
    assertSameValues(expected, actual, allocator);
  }

  private static void assertSameShape(BatchSet expected, BatchSet actual) {
    assertThat(actual.schema()).as("schema").isEqualTo(expected.schema());
    assertThat(rowCounts(actual)).as("rows per batch").isEqualTo(rowCounts(expected));
  }

  private static void assertSameValues(
      BatchSet expected, BatchSet actual, BufferAllocator allocator) {
    try (VectorSchemaRoot want = IpcSchemas.createRoot(expected.schema(), allocator);
        VectorSchemaRoot got = IpcSchemas.createRoot(actual.schema(), allocator)) {
      VectorLoader wantLoader = new VectorLoader(want);
      VectorLoader gotLoader = new VectorLoader(got);
      for (int b = 0; b < expected.batches().size(); b++) {
        wantLoader.load(expected.batches().get(b));
        gotLoader.load(actual.batches().get(b));
        for (int c = 0; c < want.getFieldVectors().size(); c++) {
          FieldVector w = want.getVector(c);
          FieldVector g = got.getVector(c);
          assertThat(new TypeEqualsVisitor(w, true, true).equals(g))
              .as("type of %s in batch %d", w.getField(), b)
              .isTrue();
          assertThat(VectorEqualsVisitor.vectorEquals(w, g))
              .as(
                  "values of '%s' in batch %d:%n expected %s%n actual   %s",
                  w.getName(), b, values(w), values(g))
              .isTrue();
        }
        assertThat(got.equals(want)).as("batch %d as a whole", b).isTrue();
      }
    }
    assertSameDictionaries(expected, actual);
  }

  private static void assertSameDictionaries(BatchSet expected, BatchSet actual) {
    assertThat(new TreeSet<>(actual.dictionaries().getDictionaryIds()))
        .as("dictionary ids")
        .isEqualTo(new TreeSet<>(expected.dictionaries().getDictionaryIds()));
    for (long id : expected.dictionaries().getDictionaryIds()) {
      Dictionary want = expected.dictionaries().lookup(id);
      Dictionary got = actual.dictionaries().lookup(id);
      assertThat(got.getEncoding())
          .as("encoding of dictionary %d", id)
          .isEqualTo(want.getEncoding());
      assertThat(got.getVectorType())
          .as("type of dictionary %d", id)
          .isEqualTo(want.getVectorType());
      assertThat(values(got.getVector()))
          .as("dictionary %d", id)
          .isEqualTo(values(want.getVector()));
    }
  }

  private static List<Object> values(FieldVector v) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < v.getValueCount(); i++) {
      Object o = v.getObject(i);
      out.add(o instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : Objects.toString(o));
    }
    return out;
  }

  /**
   * The IPC body bytes of {@code table} as the server stores and serves it: without the all-ones
   * validity bitmaps of columns that have no nulls (as Arrow C++ and pyarrow write batches).
   */
  public static long storedBodyBytes(BatchSet table, BufferAllocator allocator) {
    long bytes = 0;
    for (org.apache.arrow.vector.ipc.message.ArrowRecordBatch batch : table.batches()) {
      try (org.apache.arrow.vector.ipc.message.ArrowRecordBatch stored =
          dev.flightlab.data.Batches.withoutAllValidBitmaps(batch, table.schema(), allocator)) {
        bytes += stored.computeBodyLength();
      }
    }
    return bytes;
  }
}
