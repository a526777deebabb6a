package dev.flightlab.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorSchemaRoot;
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
    List<ArrowBuf> in = batch.getBuffers();
    List<ArrowFieldNode> nodes = batch.getNodes();
    List<ArrowBuf> out = new ArrayList<>(in.size());
    int[] cursor = {0, 0};
    boolean dropped = false;
    for (Field field : schema.getFields()) {
      Boolean d = compact(field, nodes, in, out, cursor, allocator);
      if (d == null) {
        return sameBatch(batch);
      }
      dropped |= d;
    }
    if (!dropped || cursor[0] != nodes.size() || cursor[1] != in.size()) {
      return sameBatch(batch);
    }
    return new ArrowRecordBatch(
        batch.getLength(),
        nodes,
        out,
        batch.getBodyCompression(),
        batch.getVariadicBufferCounts(),
        true);
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

  /** Copies one field's buffers, validity dropped where all valid; null when unsupported. */
  private static Boolean compact(
      Field field,
      List<ArrowFieldNode> nodes,
      List<ArrowBuf> in,
      List<ArrowBuf> out,
      int[] cursor,
      BufferAllocator allocator) {
    ArrowType type = field.getType();
    if (type instanceof ArrowType.Utf8View || type instanceof ArrowType.BinaryView) {
      return null;
    }
    if (cursor[0] >= nodes.size()) {
      return null;
    }
    ArrowFieldNode node = nodes.get(cursor[0]++);
    List<BufferLayout.BufferType> layout = TypeLayout.getTypeLayout(type).getBufferTypes();
    boolean dropped = false;
    for (int i = 0; i < layout.size(); i++) {
      if (cursor[1] >= in.size()) {
        return null;
      }
      ArrowBuf buf = in.get(cursor[1]++);
      if (i == 0
          && layout.get(0) == BufferLayout.BufferType.VALIDITY
          && node.getNullCount() == 0
          && buf.readableBytes() > 0) {
        out.add(allocator.getEmpty());
        dropped = true;
      } else {
        out.add(buf);
      }
    }
    for (Field child : field.getChildren()) {
      Boolean d = compact(child, nodes, in, out, cursor, allocator);
      if (d == null) {
        return null;
      }
      dropped |= d;
    }
    return dropped;
  }
}
