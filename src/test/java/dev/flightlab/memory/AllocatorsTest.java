package dev.flightlab.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
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
 * prefaulted region to carve blocks from (a server's first uploads, and everything after).
 */
@ParameterizedClass(name = "prefaulted region: {0}")
@ValueSource(booleans = {false, true})
class AllocatorsTest {
  // An odd number of pages, so that no other buffer of this size is in the process-wide cache.
  private static final long SIZE = 4096L * 301;

  @Parameter boolean prefaulted;

  private RootAllocator root;

  @BeforeEach
  void start() {
    Allocators.releaseCachedBlocks();
    Allocators.dropPrefaultForTest();
    if (prefaulted) {
      assertThat(Allocators.prefault(8 * SIZE)).isEqualTo(8 * SIZE);
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
}
