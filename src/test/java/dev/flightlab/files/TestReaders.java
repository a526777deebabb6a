package dev.flightlab.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Readers that make batches on the fly, for writes larger than any allocator a test allows. */
final class TestReaders {
  private TestReaders() {}

  /** Schema of {@link #generated}: id int64, name utf8. */
  static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("name", new ArrowType.Utf8())));

  /**
   * {@code batches} batches of {@code rows} rows (id = row number, name = "name-" + id, every 10th
   * null), failing with "boom" instead of batch {@code failAt} (never when negative).
   */
  static ArrowReader generated(BufferAllocator allocator, int batches, int rows, int failAt) {
    return new ArrowReader(allocator) {
      private int made;

      @Override
      public boolean loadNextBatch() throws IOException {
        if (made == failAt) {
          throw new IOException("boom at batch " + made);
        }
        if (made == batches) {
          return false;
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector name = (VarCharVector) root.getVector("name");
        id.allocateNew(rows);
        name.allocateNew(rows * 12L, rows);
        for (int i = 0; i < rows; i++) {
          long v = (long) made * rows + i;
          id.set(i, v);
          if (v % 10 != 0) {
            name.setSafe(i, ("name-" + v).getBytes(StandardCharsets.UTF_8));
          }
        }
        root.setRowCount(rows);
        made++;
        return true;
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      protected void closeReadSource() {}

      @Override
      protected Schema readSchema() {
        return SCHEMA;
      }
    };
  }
}
