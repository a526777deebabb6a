package dev.flightlab.scratch;

import dev.flightlab.testing.AllTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.Test;

class ScratchTest {
  static void dump(String what, ArrowRecordBatch b) {
    StringBuilder sb = new StringBuilder(what + ":");
    for (ArrowBuf buf : b.getBuffers())
      sb.append(" [cap=" + buf.capacity() + " w=" + buf.writerIndex() + "]");
    System.out.println(sb);
  }

  @Test
  void map() throws Exception {
    try (RootAllocator a = new RootAllocator()) {
      Schema s = new Schema(List.of(AllTypes.schema().findField(System.getProperty("col", "map"))));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (VectorSchemaRoot root = VectorSchemaRoot.create(s, a)) {
        AllTypes.fill(root, 0, 0);
        try (ArrowRecordBatch b = new VectorUnloader(root).getRecordBatch()) {
          dump("client", b);
        }
        try (ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
          w.start();
          w.writeBatch();
          w.end();
        }
      }
      try (ArrowStreamReader r =
          new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), a)) {
        r.loadNextBatch();
        VectorSchemaRoot root = r.getVectorSchemaRoot();
        try (ArrowRecordBatch b = new VectorUnloader(root).getRecordBatch()) {
          dump("received", b);
        }
        List<FieldVector> owned = new ArrayList<>();
        for (FieldVector v : root.getFieldVectors()) {
          TransferPair t = v.getTransferPair(a);
          t.transfer();
          owned.add((FieldVector) t.getTo());
        }
        try (VectorSchemaRoot taken = new VectorSchemaRoot(root.getSchema().getFields(), owned, 0);
            ArrowRecordBatch b = new VectorUnloader(taken, true, true).getRecordBatch()) {
          dump("transferred", b);
        }
      }
    }
  }
}
