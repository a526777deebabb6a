package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.testing.Tables;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
  private final RootAllocator root = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(root.getAllocatedMemory()).isZero();
    root.close();
  }

  private BatchSet make(String spec, long seed, double nulls) {
    Schema schema = SchemaSpec.parse(spec);
    return DataGenerator.generate(
        schema, 500, 128, GeneratorOptions.defaults().withSeed(seed).withNullFraction(nulls), root);
  }

  @Test
  void sameValuesSameChecksum() {
    String spec = "int64,utf8,list<int32>,struct<a:float64,b:bool>,dictionary<utf8>";
    try (BatchSet a = make(spec, 1, 0.2);
        BatchSet b = make(spec, 1, 0.2)) {
      assertThat(Checksums.of(a, root)).isEqualTo(Checksums.of(b, root));
    }
  }

  @Test
  void batchBoundariesDoNotCount() {
    // A server may re-chunk: the same 500 rows in one batch or in four are the same table.
    try (BatchSet a = Tables.people(root, 0, 500);
        BatchSet b = Tables.people(root, 0, 128, 128, 128, 116);
        BatchSet c = Tables.people(root, 1, 500)) {
      assertThat(Checksums.of(b, root)).isEqualTo(Checksums.of(a, root));
      assertThat(Checksums.of(c, root)).isNotEqualTo(Checksums.of(a, root));
    }
  }

  @Test
  void differentValuesOrNullsChangeTheChecksum() {
    try (BatchSet a = make("int64,utf8", 1, 0.0);
        BatchSet b = make("int64,utf8", 2, 0.0);
        BatchSet c = make("int64,utf8", 1, 0.3)) {
      long ca = Checksums.of(a, root);
      assertThat(Checksums.of(b, root)).isNotEqualTo(ca);
      assertThat(Checksums.of(c, root)).isNotEqualTo(ca);
    }
  }
}
