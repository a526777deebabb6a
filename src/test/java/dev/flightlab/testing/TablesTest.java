package dev.flightlab.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The comparison every round-trip test relies on must notice each kind of difference. */
class TablesTest {
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    allocator.close();
  }

  @Test
  void sameTableNoticesADifferentValue() {
    try (BatchSet a = Tables.people(allocator, 0, 3);
        BatchSet b = Tables.people(allocator, 1, 3)) {
      assertThatThrownBy(() -> Tables.assertSameTable(a, b, allocator))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("values of 'id'");
    }
  }

  @Test
  void sameTableNoticesDifferentBatchBoundaries() {
    try (BatchSet a = AllTypes.table(allocator, null, 9, 1);
        BatchSet b = AllTypes.table(allocator, null, 10)) {
      assertThatThrownBy(() -> Tables.assertSameTable(a, b, allocator))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("rows per batch");
    }
  }

  @Test
  void sameTableNoticesDifferentAppMetadata() {
    try (BatchSet a = Tables.people(allocator, 0, "x", 3);
        BatchSet b = Tables.people(allocator, 0, "y", 3)) {
      assertThatThrownBy(() -> Tables.assertSameTable(a, b, allocator))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("app_metadata");
    }
  }

  @Test
  void sameTableNoticesAMissingDictionary() {
    try (BatchSet a = AllTypes.table(allocator, null, 4);
        BatchSet b = AllTypes.table(allocator, null, 4)) {
      b.dictionaries().lookup(AllTypes.SIZE.getId()).getVector().clear();
      assertThatThrownBy(() -> Tables.assertSameTable(a, b, allocator))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("dictionary 2");
    }
  }
}
