package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.Test;

class DemoTablesTest {

  @Test
  void benchmarkTableHoldsTheOriginalValuesInBatchesOfTheAskedSize() {
    try (RootAllocator allocator = new RootAllocator()) {
      try (BatchSet table = DemoTables.benchmarkTable(allocator, 3, 1000, 300);
          VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), allocator)) {
        assertThat(table.batches())
            .extracting(ArrowRecordBatch::getLength)
            .containsExactly(300, 300, 300, 100);
        VectorLoader loader = new VectorLoader(root);
        long expected = 3000;
        for (ArrowRecordBatch batch : table.batches()) {
          loader.load(batch);
          BigIntVector ids = (BigIntVector) root.getVector("event_id");
          VarCharVector types = (VarCharVector) root.getVector("event_type");
          for (int r = 0; r < root.getRowCount(); r++) {
            assertThat(ids.isNull(r)).isFalse();
            assertThat(ids.get(r)).isEqualTo(expected++);
            assertThat(types.getObject(r).toString()).isEqualTo("event");
          }
        }
        assertThat(expected).isEqualTo(4000);
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void originalDemoTablesSerialiseToTheOriginalSizeOrMore() {
    try (RootAllocator allocator = new RootAllocator();
        BatchSet table = DemoTables.benchmarkTable(allocator, 0, 131_072, 131_072)) {
      // 131,072 x (8-byte id + 4-byte offset + 5-byte "event") plus headers and, in Arrow Java,
      // one validity bitmap per column.
      assertThat(table.rowCount()).isEqualTo(131_072);
      assertThat(table.ipcStreamBytes(allocator)).isBetween(2_228_224L, 2_300_000L);
    }
  }

  @Test
  void smallTablesAreTheOriginalOnes() {
    try (RootAllocator allocator = new RootAllocator()) {
      try (BatchSet sales = DemoTables.dailySales(allocator);
          BatchSet sessions = DemoTables.userSessions(allocator, 1000.0)) {
        assertThat(sales.rowCount()).isEqualTo(2);
        assertThat(sessions.rowCount()).isEqualTo(3);
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }
}
