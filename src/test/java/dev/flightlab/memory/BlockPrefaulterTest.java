package dev.flightlab.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Blocks of recurring sizes faulted in ahead of need, within bounds, and forgotten on clear. */
class BlockPrefaulterTest {
  // Odd page counts, so that no other test's buffers share these sizes in the process-wide cache.
  private static final long SIZE = 4096L * 37;
  private static final long GLOBAL_SIZE = 4096L * 53;

  @Test
  void fillAddsBlocksOfARecurringSizeUpToTheBlockLimit() {
    Allocators.BlockCache cache = new Allocators.BlockCache(1L << 30);
    BlockPrefaulter prefaulter = new BlockPrefaulter(cache, 1L << 30);
    prefaulter.forget();
    assertThat(prefaulter.fill(SIZE)).as("a size never missed").isZero();
    prefaulter.recurWithoutWorker(SIZE);
    assertThat(prefaulter.fill(SIZE)).isEqualTo(BlockPrefaulter.BLOCKS_PER_SIZE);
    assertThat(cache.count(SIZE)).isEqualTo(BlockPrefaulter.BLOCKS_PER_SIZE);
    assertThat(prefaulter.fill(SIZE)).as("already full").isZero();
    assertThat(cache.releaseAll()).isEqualTo(BlockPrefaulter.BLOCKS_PER_SIZE * SIZE);
  }

  @Test
  void countUpToWalksNoFurtherThanItsLimit() {
    Allocators.BlockCache cache = new Allocators.BlockCache(1L << 30);
    BlockPrefaulter prefaulter = new BlockPrefaulter(cache, 1L << 30);
    assertThat(cache.countUpTo(SIZE, 4)).isZero();
    prefaulter.recurWithoutWorker(SIZE);
    prefaulter.fill(SIZE);
    assertThat(cache.countUpTo(SIZE, 3)).isEqualTo(3);
    assertThat(cache.countUpTo(SIZE, 100)).isEqualTo(BlockPrefaulter.BLOCKS_PER_SIZE);
    cache.releaseAll();
  }

  /**
   * A take that leaves the size's full set of blocks (a freed block came back: a dataset replaced
   * batch by batch) queues no fill, so the background thread is not woken for nothing.
   */
  @Test
  void aTakeWakesTheThreadOnlyWhenBlocksOfItsSizeAreMissing() throws Exception {
    Allocators.BlockCache cache = new Allocators.BlockCache(1L << 30);
    BlockPrefaulter prefaulter = new BlockPrefaulter(cache, 1L << 30);
    prefaulter.recurWithoutWorker(SIZE);
    prefaulter.fill(SIZE);
    long extra = cache.take(SIZE);
    assertThat(extra).isNotZero();
    // Back to BLOCKS_PER_SIZE, plus one more block "freed by a replaced dataset".
    assertThat(prefaulter.fill(SIZE)).isEqualTo(1);
    assertThat(cache.offer(extra, SIZE)).isTrue();
    long taken = cache.take(SIZE);
    prefaulter.taken(SIZE);
    assertThat(prefaulter.requests()).as("a full set left: no fill queued").isZero();
    long second = cache.take(SIZE);
    prefaulter.taken(SIZE);
    assertThat(prefaulter.requests()).as("one missing: a fill queued").isEqualTo(1);
    // The background thread puts the missing one back.
    awaitTrue(() -> cache.countUpTo(SIZE, 100) == BlockPrefaulter.BLOCKS_PER_SIZE);
    prefaulter.forget();
    assertThat(cache.offer(taken, SIZE)).isTrue();
    assertThat(cache.offer(second, SIZE)).isTrue();
    assertThat(cache.releaseAll()).isEqualTo((BlockPrefaulter.BLOCKS_PER_SIZE + 2) * SIZE);
  }

  @Test
  void fillStopsWhereTheCacheWouldHoldMoreThanTheReserve() {
    assertFillAdds(1L << 30, 3 * SIZE + SIZE / 2, 3);
  }

  @Test
  void fillStopsAtTheCachesOwnCapacity() {
    assertFillAdds(2 * SIZE, 1L << 30, 2);
  }

  /** A fill of a recurring size into an empty cache adds exactly {@code blocks} blocks. */
  private static void assertFillAdds(long cacheCapacity, long reserve, int blocks) {
    Allocators.BlockCache cache = new Allocators.BlockCache(cacheCapacity);
    BlockPrefaulter prefaulter = new BlockPrefaulter(cache, reserve);
    prefaulter.recurWithoutWorker(SIZE);
    assertThat(prefaulter.fill(SIZE)).isEqualTo(blocks);
    assertThat(cache.cachedBytes()).isEqualTo(blocks * SIZE);
    cache.releaseAll();
  }

  @Test
  void forgottenSizesAreNotFilled() {
    Allocators.BlockCache cache = new Allocators.BlockCache(1L << 30);
    BlockPrefaulter prefaulter = new BlockPrefaulter(cache, 1L << 30);
    prefaulter.recurWithoutWorker(SIZE);
    prefaulter.forget();
    assertThat(prefaulter.fill(SIZE)).isZero();
    assertThat(cache.cachedBytes()).isZero();
  }

  @Test
  void sizesLargerThanTheReserveOrWithPrefaultingOffAreIgnored() {
    Allocators.BlockCache cache = new Allocators.BlockCache(1L << 30);
    BlockPrefaulter small = new BlockPrefaulter(cache, SIZE - 1);
    small.recurWithoutWorker(SIZE);
    assertThat(small.fill(SIZE)).isZero();
    BlockPrefaulter off = new BlockPrefaulter(cache, 0);
    off.recurWithoutWorker(SIZE);
    assertThat(off.fill(SIZE)).isZero();
    assertThat(cache.cachedBytes()).isZero();
  }

  /**
   * Through the process-wide allocator: a size that misses twice gets blocks ready in the
   * background, the next request of that size takes one, and a clear gives them all back and stops
   * the refill.
   */
  @Test
  void recurringSizeIsPrefaultedInTheBackgroundAndClearGivesItBack() throws Exception {
    Allocators.releaseCachedBlocks();
    try (RootAllocator root = Allocators.newRoot()) {
      List<ArrowBuf> held = new ArrayList<>();
      try {
        held.add(root.buffer(GLOBAL_SIZE));
        assertThat(cachedOfGlobalSize()).as("one miss is not a pattern").isZero();
        held.add(root.buffer(GLOBAL_SIZE));
        awaitTrue(() -> cachedOfGlobalSize() == BlockPrefaulter.BLOCKS_PER_SIZE);

        ArrowBuf third = root.buffer(GLOBAL_SIZE);
        held.add(third);
        third.setLong(0, 7);
        third.setLong(GLOBAL_SIZE - 8, 9);
        assertThat(third.getLong(0)).isEqualTo(7);
        assertThat(third.getLong(GLOBAL_SIZE - 8)).isEqualTo(9);
        // Taking a prepared block tops the size up again.
        awaitTrue(() -> cachedOfGlobalSize() == BlockPrefaulter.BLOCKS_PER_SIZE);
        assertThat(Allocators.cachedBlockBytes()).isLessThanOrEqualTo(Allocators.PREFAULT_BYTES);
      } finally {
        held.forEach(ArrowBuf::close);
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
    Allocators.releaseCachedBlocks();
    assertThat(Allocators.cachedBlockBytes()).isZero();
    // Forgotten: a new request of the size is one miss again, not a refill.
    try (RootAllocator root = Allocators.newRoot();
        ArrowBuf again = root.buffer(GLOBAL_SIZE)) {
      assertThat(again.capacity()).isEqualTo(GLOBAL_SIZE);
      Thread.sleep(200);
      assertThat(cachedOfGlobalSize()).isZero();
    }
    Allocators.releaseCachedBlocks();
  }

  private static int cachedOfGlobalSize() {
    return Allocators.cachedBlocksOfSize(GLOBAL_SIZE);
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not reached in 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
