package dev.flightlab.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/** Moves record batches between roots and owners without copying. */
public final class Batches {
  private Batches() {}

  /**
   * Takes the batch now in {@code root} over into {@code target}'s accounting and returns it; the
   * root is left empty and may be reloaded (as readers do) without touching the batch.
   */
  public static ArrowRecordBatch takeOver(VectorSchemaRoot root, BufferAllocator target) {
    int rows = root.getRowCount();
    List<FieldVector> owned = new ArrayList<>(root.getFieldVectors().size());
    for (FieldVector vector : root.getFieldVectors()) {
      // Ownership of the vector's buffers moves to the target allocator (no copy).
      TransferPair transfer = vector.getTransferPair(target);
      transfer.transfer();
      owned.add((FieldVector) transfer.getTo());
    }
    root.setRowCount(0);
    try (VectorSchemaRoot taken = new VectorSchemaRoot(root.getSchema().getFields(), owned, rows)) {
      return RecordBatches.unload(taken, target);
    }
  }

  /**
   * The batch as Arrow C++ and pyarrow write it: columns without nulls carry an empty validity
   * buffer instead of a bitmap of ones (readers, Arrow Java's included, treat both alike).
   *
   * @return a new batch holding its own references (close it), or {@code batch} itself retained
   *     when nothing could be dropped or the schema has types this does not handle
   */
  public static ArrowRecordBatch withoutAllValidBitmaps(
      ArrowRecordBatch batch, Schema schema, BufferAllocator allocator) {
    return withoutAllValidBitmaps(batch, ValidityPlan.of(schema), allocator);
  }

  /**
   * {@link #withoutAllValidBitmaps(ArrowRecordBatch, Schema, BufferAllocator)} by a plan worked out
   * once for the batches' schema ({@link ValidityPlan#of}; null, as it gives for schemas with types
   * this does not handle, returns {@code batch} itself retained): for a caller that sends or stores
   * many batches of one schema.
   */
  public static ArrowRecordBatch withoutAllValidBitmaps(
      ArrowRecordBatch batch, ValidityPlan plan, BufferAllocator allocator) {
    return plan == null ? sameBatch(batch) : plan.withoutAllValidBitmaps(batch, allocator);
  }

  /**
   * Where a schema's validity buffers sit in its batches' flattened node and buffer lists, worked
   * out once per schema: what {@link #withoutAllValidBitmaps} drops by. A session keeps its plan,
   * so that a batch with no bitmap to drop (the usual case: pyarrow and Arrow C++ send none) is
   * recognised without the per-field layouts and without building a second batch. That was 2.5 % of
   * a warm server's network thread at 4,096 rows a batch.
   */
  public static final class ValidityPlan {
    private final int nodes;
    private final int buffers;
    // Per node, in the order of the batch's nodes: the index of its validity buffer, or -1.
    private final int[] validityBuffer;

    private ValidityPlan(int nodes, int buffers, int[] validityBuffer) {
      this.nodes = nodes;
      this.buffers = buffers;
      this.validityBuffer = validityBuffer;
    }

    /**
     * The plan for {@code schema}, or null when it has types that {@link #withoutAllValidBitmaps}
     * leaves alone anyway (views).
     */
    public static ValidityPlan of(Schema schema) {
      List<Integer> validity = new ArrayList<>();
      int[] bufferCount = {0};
      for (Field field : schema.getFields()) {
        if (!plan(field, validity, bufferCount)) {
          return null;
        }
      }
      int[] indices = new int[validity.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = validity.get(i);
      }
      return new ValidityPlan(indices.length, bufferCount[0], indices);
    }

    private static boolean plan(Field field, List<Integer> validity, int[] bufferCount) {
      ArrowType type = field.getType();
      if (type instanceof ArrowType.Utf8View || type instanceof ArrowType.BinaryView) {
        return false;
      }
      List<BufferLayout.BufferType> layout = TypeLayout.getTypeLayout(type).getBufferTypes();
      validity.add(
          !layout.isEmpty() && layout.get(0) == BufferLayout.BufferType.VALIDITY
              ? bufferCount[0]
              : -1);
      bufferCount[0] += layout.size();
      for (Field child : field.getChildren()) {
        if (!plan(child, validity, bufferCount)) {
          return false;
        }
      }
      return true;
    }

    /**
     * False only when {@code batch} is shaped as planned and has no validity bitmap that {@link
     * #withoutAllValidBitmaps} would drop (a column without nulls carrying a non-empty one): then
     * it would return the batch as it is.
     */
    public boolean mayDrop(ArrowRecordBatch batch) {
      if (!shapedAsPlanned(batch)) {
        return true;
      }
      for (int n = 0; n < nodes; n++) {
        if (drops(batch, n)) {
          return true;
        }
      }
      return false;
    }

    /**
     * {@link Batches#withoutAllValidBitmaps} by this plan: a new batch holding its own references
     * (close it), the validity buffers of columns without nulls replaced by empty ones; the batch
     * itself, retained, when it has none to drop or is not shaped as planned.
     */
    public ArrowRecordBatch withoutAllValidBitmaps(
        ArrowRecordBatch batch, BufferAllocator allocator) {
      if (!shapedAsPlanned(batch)) {
        return sameBatch(batch);
      }
      List<ArrowBuf> out = null;
      for (int n = 0; n < nodes; n++) {
        if (drops(batch, n)) {
          if (out == null) {
            out = new ArrayList<>(batch.getBuffers());
          }
          out.set(validityBuffer[n], allocator.getEmpty());
        }
      }
      if (out == null) {
        return sameBatch(batch);
      }
      return new ArrowRecordBatch(
          batch.getLength(),
          batch.getNodes(),
          out,
          batch.getBodyCompression(),
          batch.getVariadicBufferCounts(),
          true);
    }

    private boolean shapedAsPlanned(ArrowRecordBatch batch) {
      return batch.getNodes().size() == nodes && batch.getBuffers().size() == buffers;
    }

    /** True when node {@code n} has no nulls and carries a non-empty validity buffer. */
    private boolean drops(ArrowRecordBatch batch, int n) {
      int v = validityBuffer[n];
      return v >= 0
          && batch.getNodes().get(n).getNullCount() == 0
          && batch.getBuffers().get(v).readableBytes() > 0;
    }
  }

  private static ArrowRecordBatch sameBatch(ArrowRecordBatch batch) {
    return new ArrowRecordBatch(
        batch.getLength(),
        batch.getNodes(),
        batch.getBuffers(),
        batch.getBodyCompression(),
        batch.getVariadicBufferCounts(),
        true);
  }

  /**
   * True when {@code batch} can be stored and served as it is: uncompressed, of types whose layout
   * this checks, with as many nodes and buffers as {@code schema} needs and every buffer long
   * enough for its node (validity, offsets, values; children at least as long as their parents
   * address). False means "load it into vectors instead", which validates the rest.
   */
  public static boolean fitsSchema(ArrowRecordBatch batch, Schema schema) {
    if (batch.getBodyCompression().getCodec() != NoCompressionCodec.COMPRESSION_TYPE
        || (batch.getVariadicBufferCounts() != null
            && !batch.getVariadicBufferCounts().isEmpty())) {
      return false;
    }
    int[] cursor = {0, 0};
    for (Field field : schema.getFields()) {
      if (!fits(field, batch.getLength(), batch.getNodes(), batch.getBuffers(), cursor)) {
        return false;
      }
    }
    return cursor[0] == batch.getNodes().size() && cursor[1] == batch.getBuffers().size();
  }

  private static boolean fits(
      Field field,
      long minLength,
      List<ArrowFieldNode> nodes,
      List<ArrowBuf> buffers,
      int[] cursor) {
    ArrowType type = field.getType();
    boolean variableWidth =
        type instanceof ArrowType.Utf8
            || type instanceof ArrowType.Binary
            || type instanceof ArrowType.LargeUtf8
            || type instanceof ArrowType.LargeBinary;
    boolean supported =
        variableWidth
            || type instanceof ArrowType.Int
            || type instanceof ArrowType.FloatingPoint
            || type instanceof ArrowType.Bool
            || type instanceof ArrowType.Decimal
            || type instanceof ArrowType.Date
            || type instanceof ArrowType.Time
            || type instanceof ArrowType.Timestamp
            || type instanceof ArrowType.Duration
            || type instanceof ArrowType.Interval
            || type instanceof ArrowType.FixedSizeBinary
            || type instanceof ArrowType.List
            || type instanceof ArrowType.LargeList
            || type instanceof ArrowType.FixedSizeList
            || type instanceof ArrowType.Struct;
    if (!supported || cursor[0] >= nodes.size()) {
      return false;
    }
    ArrowFieldNode node = nodes.get(cursor[0]++);
    long n = node.getLength();
    if (n < minLength || node.getNullCount() < 0 || node.getNullCount() > n) {
      return false;
    }
    List<BufferLayout> layouts = TypeLayout.getTypeLayout(type).getBufferLayouts();
    if (cursor[1] + layouts.size() > buffers.size()) {
      return false;
    }
    long childLength = n;
    ArrowBuf offsets = null;
    int offsetBytes = 0;
    for (BufferLayout layout : layouts) {
      ArrowBuf buf = buffers.get(cursor[1]++);
      long have = buf.readableBytes();
      long need;
      switch (layout.getType()) {
        case VALIDITY -> need = node.getNullCount() == 0 ? 0 : (n + 7) / 8;
        case OFFSET -> {
          offsetBytes = layout.getTypeBitWidth() / 8;
          need = n == 0 ? 0 : (n + 1) * offsetBytes;
          offsets = buf;
        }
        case DATA -> {
          if (variableWidth) {
            need = n == 0 ? 0 : lastOffset(offsets, n, offsetBytes, have);
          } else {
            need = (n * layout.getTypeBitWidth() + 7) / 8;
          }
        }
        default -> {
          return false;
        }
      }
      if (need < 0 || have < need) {
        return false;
      }
    }
    if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
      childLength = n == 0 ? 0 : lastOffset(offsets, n, offsetBytes, Long.MAX_VALUE);
    } else if (type instanceof ArrowType.FixedSizeList fixed) {
      childLength = n * fixed.getListSize();
    }
    if (childLength < 0) {
      return false;
    }
    for (Field child : field.getChildren()) {
      if (!fits(child, childLength, nodes, buffers, cursor)) {
        return false;
      }
    }
    return true;
  }

  /** The value of offsets[n] when offsets[0..n] rise from 0 or more, else -1. */
  private static long lastOffset(ArrowBuf offsets, long n, int width, long limit) {
    if (offsets == null || offsets.readableBytes() < (n + 1) * width) {
      return -1;
    }
    long first = width == 4 ? offsets.getInt(0) : offsets.getLong(0);
    long last = width == 4 ? offsets.getInt(n * 4) : offsets.getLong(n * 8);
    return first < 0 || last < first || last > limit ? -1 : last;
  }
}
