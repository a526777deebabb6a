package dev.flightlab.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The original demo's tables, built exactly as its Python client built them. */
public final class DemoTables {
  private DemoTables() {}

  /** Schema of {@code /my_app/user_sessions}: user_id int64, event utf8, timestamp float64. */
  public static final Schema USER_SESSIONS =
      new Schema(
          List.of(
              Field.nullable("user_id", new ArrowType.Int(64, true)),
              Field.nullable("event", ArrowType.Utf8.INSTANCE),
              Field.nullable(
                  "timestamp", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

  /** Schema of {@code /reports/daily_sales}: product_category utf8, revenue float32. */
  public static final Schema DAILY_SALES =
      new Schema(
          List.of(
              Field.nullable("product_category", ArrowType.Utf8.INSTANCE),
              Field.nullable(
                  "revenue", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));

  /** Schema of the benchmark tables: event_id int64, event_type utf8. */
  public static final Schema BENCHMARK =
      new Schema(
          List.of(
              Field.nullable("event_id", new ArrowType.Int(64, true)),
              Field.nullable("event_type", ArrowType.Utf8.INSTANCE)));

  /** Three sessions: users 1..3, login/logout/purchase, at now-100, now-50 and now (seconds). */
  public static BatchSet userSessions(BufferAllocator allocator, double nowEpochSeconds) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(USER_SESSIONS, allocator)) {
      BigIntVector userId = (BigIntVector) root.getVector("user_id");
      VarCharVector event = (VarCharVector) root.getVector("event");
      Float8Vector timestamp = (Float8Vector) root.getVector("timestamp");
      String[] events = {"login", "logout", "purchase"};
      double[] times = {nowEpochSeconds - 100, nowEpochSeconds - 50, nowEpochSeconds};
      for (int i = 0; i < 3; i++) {
        userId.setSafe(i, i + 1);
        event.setSafe(i, events[i].getBytes(StandardCharsets.UTF_8));
        timestamp.setSafe(i, times[i]);
      }
      root.setRowCount(3);
      return BatchSet.of(root);
    }
  }

  /** Two categories: A at 150.75 and B at 200.0. */
  public static BatchSet dailySales(BufferAllocator allocator) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(DAILY_SALES, allocator)) {
      VarCharVector category = (VarCharVector) root.getVector("product_category");
      Float4Vector revenue = (Float4Vector) root.getVector("revenue");
      category.setSafe(0, "A".getBytes(StandardCharsets.UTF_8));
      category.setSafe(1, "B".getBytes(StandardCharsets.UTF_8));
      revenue.setSafe(0, 150.75f);
      revenue.setSafe(1, 200.0f);
      root.setRowCount(2);
      return BatchSet.of(root);
    }
  }

  /**
   * Benchmark table {@code i}: event_id = i * rows + row, event_type "event", split into batches of
   * at most {@code rowsPerBatch} rows.
   *
   * <p>Buffers are filled in bulk (one copy per buffer) rather than value by value: the demo makes
   * 100 of these tables on a cold JVM, beside the DoPuts it times.
   */
  public static BatchSet benchmarkTable(
      BufferAllocator allocator, int index, int rows, int rowsPerBatch) {
    BatchSet.Builder out = BatchSet.builder(BENCHMARK);
    long first = (long) index * rows;
    int step = Math.max(1, rowsPerBatch);
    int start = 0;
    do {
      int n = Math.min(step, rows - start);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(BENCHMARK, allocator)) {
        fillEventIds((BigIntVector) root.getVector("event_id"), first + start, n);
        fillRepeated((VarCharVector) root.getVector("event_type"), EVENT, n);
        root.setRowCount(n);
        out.add(root, null);
      }
      start += n;
    } while (start < rows);
    return out.build();
  }

  private static final byte[] EVENT = "event".getBytes(StandardCharsets.UTF_8);

  /** Sets {@code ids[r] = first + r} for r in [0, n), no nulls. */
  private static void fillEventIds(BigIntVector ids, long first, int n) {
    ids.allocateNew(n);
    ByteBuffer values = ByteBuffer.allocate(n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < n; r++) {
      values.putLong(first + r);
    }
    values.flip();
    ids.getDataBuffer().setBytes(0, values);
    setAllValid(ids.getValidityBuffer(), n);
  }

  /** Sets every one of {@code n} values to {@code value}, no nulls. */
  private static void fillRepeated(VarCharVector vector, byte[] value, int n) {
    vector.allocateNew((long) n * value.length, n);
    ByteBuffer offsets =
        ByteBuffer.allocate((n + 1) * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer data = ByteBuffer.allocate(n * value.length);
    for (int r = 0; r <= n; r++) {
      offsets.putInt(r * value.length);
    }
    for (int r = 0; r < n; r++) {
      data.put(value);
    }
    offsets.flip();
    data.flip();
    vector.getOffsetBuffer().setBytes(0, offsets);
    vector.getDataBuffer().setBytes(0, data);
    setAllValid(vector.getValidityBuffer(), n);
    vector.setLastSet(n - 1);
  }

  private static void setAllValid(ArrowBuf validity, int n) {
    int fullBytes = n / 8;
    validity.setOne(0, fullBytes);
    for (int r = fullBytes * 8; r < n; r++) {
      BitVectorHelper.setBit(validity, r);
    }
  }
}
