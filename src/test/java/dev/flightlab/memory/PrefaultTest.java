package dev.flightlab.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The region a server faults in up front: large buffers come from it while it lasts, then from the
 * OS, and every block carved from it finds its way back to it (never to the C allocator's free,
 * which would abort the JVM on a pointer into the middle of the region).
 */
class PrefaultTest {
  // Odd page counts, so that no other test's buffers share these sizes in the process-wide cache.
  private static final long SIZE = 4096L * 67;
  private static final long REGION = 4 * SIZE;

  private RootAllocator root;

  @BeforeEach
  void start() {
    Allocators.releaseCachedBlocks();
    Allocators.dropPrefaultForTest();
    assertThat(Allocators.prefault(REGION + 100)).as("rounded down to pages").isEqualTo(REGION);
    root = Allocators.newRoot();
  }

  @AfterEach
  void stop() {
    assertThat(root.getAllocatedMemory()).as(root.toVerboseString()).isZero();
    root.close();
    Allocators.releaseCachedBlocks();
    assertThat(Allocators.prefaultedBytesOut()).as("every carved block back").isZero();
    Allocators.dropPrefaultForTest();
  }

  @Test
  void largeBuffersComeFromTheRegionWhileItLastsThenFromTheOs() {
    List<ArrowBuf> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        ArrowBuf buf = root.buffer(SIZE);
        held.add(buf);
        assertThat(Allocators.isPrefaulted(buf.memoryAddress())).as("buffer %d", i).isTrue();
        buf.setLong(SIZE - 8, i);
      }
      assertThat(Allocators.prefaultedBytesLeft()).isZero();
      ArrowBuf fifth = root.buffer(SIZE);
      held.add(fifth);
      assertThat(Allocators.isPrefaulted(fifth.memoryAddress())).isFalse();
      for (int i = 0; i < 4; i++) {
        assertThat(held.get(i).getLong(SIZE - 8)).isEqualTo(i);
      }
    } finally {
      held.forEach(ArrowBuf::close);
    }
  }

  @Test
  void smallBuffersStayWithNettysPools() {
    try (ArrowBuf small = root.buffer(1024)) {
      assertThat(Allocators.isPrefaulted(small.memoryAddress())).isFalse();
      assertThat(Allocators.prefaultedBytesLeft()).isEqualTo(REGION);
    }
  }

  /** Reuse through the cache itself is AllocatorsTest's, run with a region as well. */
  @Test
  void aCarvedBlockLetGoByTheCacheGoesBackToTheRegionWhichThenStartsOver() {
    long address;
    try (ArrowBuf first = root.buffer(SIZE)) {
      address = first.memoryAddress();
    }
    assertThat(Allocators.prefaultedBytesOut()).as("in the cache, still out").isEqualTo(SIZE);
    assertThat(Allocators.prefaultedBytesLeft()).isEqualTo(REGION - SIZE);
    assertThat(Allocators.releaseCachedBlocks()).isEqualTo(SIZE);
    assertThat(Allocators.prefaultedBytesOut()).isZero();
    assertThat(Allocators.prefaultedBytesLeft())
        .as("carved again from its start")
        .isEqualTo(REGION);
    try (ArrowBuf afterClear = root.buffer(2 * SIZE)) {
      assertThat(afterClear.memoryAddress()).isEqualTo(address);
    }
  }

  @Test
  void aSecondPrefaultInTheSameProcessDoesNothing() {
    assertThat(Allocators.prefault(REGION)).isZero();
    assertThat(Allocators.prefaultedBytesLeft()).isEqualTo(REGION);
  }

  @Test
  void lessThanAPageIsNoRegion() {
    Allocators.dropPrefaultForTest();
    assertThat(Allocators.prefault(4095)).isZero();
    assertThat(Allocators.prefaultedBytesLeft()).isZero();
    assertThat(Allocators.prefault(REGION)).isEqualTo(REGION);
  }
}
