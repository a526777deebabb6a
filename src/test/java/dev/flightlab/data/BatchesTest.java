package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void generatedBatchesOfCheckedTypesFitTheirSchemaWithOrWithoutBitmaps() {
    Schema schema =
        SchemaSpec.parse("int64,utf8,float64,bool,list<int32>,struct<a:int16,b:large_utf8>");
    GeneratorOptions options = GeneratorOptions.defaults().withNullFraction(0.1);
    try (BatchSet data = DataGenerator.generate(schema, 1000, 500, options, allocator)) {
      for (ArrowRecordBatch batch : data.batches()) {
        assertThat(Batches.fitsSchema(batch, schema)).isTrue();
        try (ArrowRecordBatch compact = Batches.withoutAllValidBitmaps(batch, schema, allocator)) {
          assertThat(Batches.fitsSchema(compact, schema)).isTrue();
        }
      }
    }
  }

  @Test
  void aTruncatedBufferOrAWrongSchemaDoesNotFit() {
    Schema schema = SchemaSpec.parse("int64,utf8");
    try (BatchSet data =
        DataGenerator.generate(schema, 100, 100, GeneratorOptions.defaults(), allocator)) {
      ArrowRecordBatch batch = data.batches().get(0);
      assertThat(Batches.fitsSchema(batch, SchemaSpec.parse("int64"))).isFalse();
      assertThat(Batches.fitsSchema(batch, SchemaSpec.parse("int64,int64"))).isFalse();
      List<ArrowBuf> buffers = new ArrayList<>(batch.getBuffers());
      ArrowBuf values = buffers.get(1);
      buffers.set(1, values.slice(0, values.readableBytes() / 2));
      try (ArrowRecordBatch truncated =
          new ArrowRecordBatch(batch.getLength(), batch.getNodes(), buffers)) {
        assertThat(Batches.fitsSchema(truncated, schema)).isFalse();
      }
    }
  }

  @Test
  void dictionaryEncodedColumnsAreCheckedAsTheirIndices() {
    Schema schema = SchemaSpec.parse("dictionary<utf8>");
    try (BatchSet data =
        DataGenerator.generate(schema, 10, 10, GeneratorOptions.defaults(), allocator)) {
      assertThat(Batches.fitsSchema(data.batches().get(0), data.schema())).isTrue();
    }
  }

  /**
   * The plan says "nothing to drop" exactly when withoutAllValidBitmaps would give the same buffers
   * back: for batches with nulls, without, with all-ones bitmaps and with none, nested types too.
   */
  @Test
  void theValidityPlanAgreesWithWithoutAllValidBitmaps() {
    Schema schema =
        SchemaSpec.parse("int64,utf8,float64,bool,list<int32>,struct<a:int16,b:large_utf8>");
    Batches.ValidityPlan plan = Batches.ValidityPlan.of(schema);
    assertThat(plan).isNotNull();
    int sawDrop = 0;
    int sawNone = 0;
    for (double nulls : new double[] {0.0, 0.1}) {
      GeneratorOptions options = GeneratorOptions.defaults().withNullFraction(nulls);
      try (BatchSet data = DataGenerator.generate(schema, 1000, 500, options, allocator)) {
        for (ArrowRecordBatch batch : data.batches()) {
          for (int round = 0; round < 2; round++) {
            try (ArrowRecordBatch compact =
                Batches.withoutAllValidBitmaps(batch, schema, allocator)) {
              boolean same = compact.getBuffers().equals(batch.getBuffers());
              assertThat(plan.mayDrop(batch))
                  .as("nulls %s round %s", nulls, round)
                  .isEqualTo(!same);
              if (same) {
                sawNone++;
              } else {
                sawDrop++;
              }
              // Round two: the compacted batch, which has nothing left to drop.
              if (round == 0) {
                assertThat(plan.mayDrop(compact)).isFalse();
                try (ArrowRecordBatch again =
                    Batches.withoutAllValidBitmaps(compact, schema, allocator)) {
                  assertThat(again.getBuffers()).isEqualTo(compact.getBuffers());
                }
              }
            }
          }
        }
      }
    }
    assertThat(sawDrop).isPositive();
    assertThat(sawNone).isPositive();
    // Not shaped as planned (another schema's batch): "may drop", so the full check runs.
    try (BatchSet other =
        DataGenerator.generate(
            SchemaSpec.parse("int64"), 10, 10, GeneratorOptions.defaults(), allocator)) {
      assertThat(plan.mayDrop(other.batches().get(0))).isTrue();
    }
    assertThat(Batches.ValidityPlan.of(SchemaSpec.parse("int64,utf8_view"))).isNull();
  }
}
