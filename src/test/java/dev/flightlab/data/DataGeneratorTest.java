package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void generatesValidBatchesForTheBasicTypes() {
    try (BatchSet data =
        DataGenerator.generate(
            SchemaSpec.parse("int64x2,utf8,float64"),
            10_000,
            4096,
            GeneratorOptions.defaults(),
            allocator)) {
      assertThat(data.batches()).hasSize(3);
      assertThat(data.rowCount()).isEqualTo(10_000);
      try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator)) {
        VectorLoader loader = new VectorLoader(root);
        for (ArrowRecordBatch batch : data.batches()) {
          loader.load(batch);
          ValueVectorUtility.validateFull(root);
        }
        System.out.println(root.contentToTSVString().substring(0, 400));
      }
    }
  }
}
