package dev.flightlab.scratch;

import dev.flightlab.data.BatchSet;
import dev.flightlab.store.DatasetPath;
import dev.flightlab.store.PutMode;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.ServerFixture;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class ScratchIT {
  @Test
  void zeroRowBatchPerType() throws Exception {
    try (ServerFixture fx = ServerFixture.start()) {
      for (Field f : AllTypes.schema().getFields()) {
        if (f.getDictionary() != null) continue;
        Schema s = new Schema(List.of(f));
        BatchSet.Builder b = BatchSet.builder(s);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(s, fx.allocator())) {
          AllTypes.fill(root, 0, 0);
          b.add(root, null);
        }
        try (BatchSet t = b.build()) {
          DatasetPath p = DatasetPath.parse("/t/" + f.getName());
          fx.client().put(p, t, PutMode.REPLACE);
          try {
            fx.client().get(p).close();
            System.out.println("OK   " + f.getName());
          } catch (Exception e) {
            System.out.println("FAIL " + f.getName() + " " + e.getMessage());
          }
        }
      }
    }
  }
}
