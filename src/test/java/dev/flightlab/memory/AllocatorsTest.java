package dev.flightlab.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact-size allocation and the cache of freed blocks behind it: the same with and without a
 * prefaulted region to carve blocks from (a server's first uploads, and everything after). With
 * one, large buffers come from it while it lasts, then from the OS, and every block carved from it
 * finds its way back to it (never to the C allocator's free, which would abort the JVM on a pointer
 * into the middle of the region).
 */
@ParameterizedClass(name = "prefaulted region: {0}")
@ValueSource(booleans = {false, true})
class AllocatorsTest {
  // An odd number of pages, so that no other buffer of this size is in the process-wide cache.
  private static final long SIZE = 4096L * 301;
  private static final long REGION = 8 * SIZE;

  @Parameter boolean prefaulted;

  private RootAllocator root;

  @BeforeEach
  void start() {
    Allocators.releaseCachedBlocks();
    Allocators.dropPrefaultForTest();
    if (prefaulted) {
      assertThat(Allocators.prefault(REGION + 100)).as("rounded down to pages").isEqualTo(REGION);
    }
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
  void freedBlockIsReusedForTheNextRequestOfItsSize() {
    long address;
    try (ArrowBuf first = root.buffer(SIZE)) {
      address = first.memoryAddress();
      assertThat(Allocators.isPrefaulted(address)).isEqualTo(prefaulted);
    }
    assertThat(Allocators.cachedBlockBytes()).isEqualTo(SIZE);
    try (ArrowBuf second = root.buffer(SIZE)) {
      assertThat(second.memoryAddress()).isEqualTo(address);
      assertThat(Allocators.cachedBlockBytes()).isZero();
    }
  }

  @Test
  void blockOfAnotherSizeIsNotReused() {
    long address;
    try (ArrowBuf first = root.buffer(SIZE)) {
      address = first.memoryAddress();
    }
    try (ArrowBuf other = root.buffer(SIZE + 4096)) {
      assertThat(other.memoryAddress()).isNotEqualTo(address);
      assertThat(Allocators.cachedBlockBytes()).isEqualTo(SIZE);
    }
  }

  @Test
  void requestsFrom64KiBAreRoundedToPagesNotPowersOfTwo() {
    try (ArrowBuf buf = root.buffer(64 * 1024 + 1)) {
      assertThat(buf.capacity()).isEqualTo(64 * 1024 + 4096);
    }
    try (ArrowBuf small = root.buffer(40 * 1024)) {
      assertThat(small.capacity()).isEqualTo(64 * 1024);
    }
  }

  @Test
  void reusedBlockHoldsWhatTheNewOwnerWrites() {
    try (ArrowBuf first = root.buffer(SIZE)) {
      first.setOne(0, (int) SIZE);
    }
    try (ArrowBuf second = root.buffer(SIZE)) {
      second.setZero(0, SIZE);
      second.setLong(8, 42);
      assertThat(second.getLong(0)).isZero();
      assertThat(second.getLong(8)).isEqualTo(42);
      assertThat(second.getByte(SIZE - 1)).isZero();
    }
  }

  @Test
  void cacheKeepsNoMoreThanItsCapacity() {
    Allocators.BlockCache cache = new Allocators.BlockCache(2 * SIZE);
    long a = PlatformDependent.allocateMemory(SIZE);
    long b = PlatformDependent.allocateMemory(SIZE);
    long c = PlatformDependent.allocateMemory(SIZE);
    assertThat(cache.offer(a, SIZE)).isTrue();
    assertThat(cache.offer(b, SIZE)).isTrue();
    assertThat(cache.offer(c, SIZE)).isFalse();
    PlatformDependent.freeMemory(c);
    assertThat(cache.cachedBytes()).isEqualTo(2 * SIZE);
    // Most recently freed first.
    assertThat(cache.take(SIZE)).isEqualTo(b);
    assertThat(cache.take(SIZE + 4096)).isZero();
    assertThat(cache.releaseAll()).isEqualTo(SIZE);
    assertThat(cache.cachedBytes()).isZero();
    assertThat(cache.take(SIZE)).isZero();
    PlatformDependent.freeMemory(b);
  }

  @Test
  void eachRootHasAZeroByteBufferOfItsOwnThatAWriterIndexSetElsewhereDoesNotReach() {
    try (RootAllocator a = Allocators.newRoot();
        RootAllocator b = Allocators.newRoot()) {
      ArrowBuf emptyOfA = a.buffer(0);
      ArrowBuf emptyOfB = b.buffer(0);
      assertThat(emptyOfA.capacity()).isZero();
      assertThat(emptyOfA).isNotSameAs(emptyOfB);
      // What a 0-row vector's offsets do to the buffer they were given (Arrow shares one 0-byte
      // buffer among a root and all its children).
      emptyOfA.writerIndex(8);
      try {
        assertThat(b.buffer(0).writerIndex()).isZero();
        assertThat(b.getEmpty().writerIndex()).isZero();
      } finally {
        emptyOfA.writerIndex(0);
      }
    }
  }

  // The prefaulted region's own behaviour.

  @Test
  void largeBuffersComeFromTheRegionWhileItLastsThenFromTheOs() {
    assumeTrue(prefaulted, "the prefaulted region's own");
    List<ArrowBuf> held = new ArrayList<>();
    try {
      for (int i = 0; i < REGION / SIZE; i++) {
        ArrowBuf buf = root.buffer(SIZE);
        held.add(buf);
        assertThat(Allocators.isPrefaulted(buf.memoryAddress())).as("buffer %d", i).isTrue();
        buf.setLong(SIZE - 8, i);
      }
      assertThat(Allocators.prefaultedBytesLeft()).isZero();
      ArrowBuf beyond = root.buffer(SIZE);
      held.add(beyond);
      assertThat(Allocators.isPrefaulted(beyond.memoryAddress())).isFalse();
      for (int i = 0; i < REGION / SIZE; i++) {
        assertThat(held.get(i).getLong(SIZE - 8)).isEqualTo(i);
      }
    } finally {
      held.forEach(ArrowBuf::close);
    }
  }

  @Test
  void smallBuffersStayWithNettysPools() {
    assumeTrue(prefaulted, "the prefaulted region's own");
    try (ArrowBuf small = root.buffer(1024)) {
      assertThat(Allocators.isPrefaulted(small.memoryAddress())).isFalse();
      assertThat(Allocators.prefaultedBytesLeft()).isEqualTo(REGION);
    }
  }

  @Test
  void aCarvedBlockLetGoByTheCacheGoesBackToTheRegionWhichThenStartsOver() {
    assumeTrue(prefaulted, "the prefaulted region's own");
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
    assumeTrue(prefaulted, "the prefaulted region's own");
    assertThat(Allocators.prefault(REGION)).isZero();
    assertThat(Allocators.prefaultedBytesLeft()).isEqualTo(REGION);
  }

  @Test
  void lessThanAPageIsNoRegion() {
    assumeTrue(prefaulted, "the prefaulted region's own");
    Allocators.dropPrefaultForTest();
    assertThat(Allocators.prefault(4095)).isZero();
    assertThat(Allocators.prefaultedBytesLeft()).isZero();
    assertThat(Allocators.prefault(REGION)).isEqualTo(REGION);
  }
}
