package dev.flightlab.memory;

import io.netty.util.internal.PlatformDependent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults in blocks of recurring sizes ahead of need, on a background thread, and leaves them in the
 * block cache.
 *
 * <p>A block the cache cannot supply comes fresh from the OS, and the first write to each of its
 * pages costs a fault and the kernel's zeroing, on the network thread that copies a received body
 * in. Uploads of new data (nothing freed to reuse) pay it on every batch. When a size has missed
 * the cache twice, this thread allocates and touches a few blocks of it, so the next batches of
 * that size land in memory that is already mapped: the same work, off the network thread, on
 * whatever core is free.
 *
 * <p>Bounded: it only fills while the cache holds less than {@code reserveBytes} in all, at most
 * {@link #BLOCKS_PER_SIZE} blocks of one size, and {@link #forget()} (on {@code clear}) stops it
 * until sizes recur again.
 */
final class BlockPrefaulter {
  /** Blocks of one size kept ready at most. */
  static final int BLOCKS_PER_SIZE = 8;

  /** Misses of a size before it counts as recurring. */
  static final int MISSES_TO_RECUR = 2;

  /** Distinct missed sizes remembered before the tally starts over. */
  private static final int MAX_TRACKED_SIZES = 256;

  private static final Logger log = LoggerFactory.getLogger(BlockPrefaulter.class);

  private final Allocators.BlockCache cache;
  private final long reserveBytes;
  private final Map<Long, SizeState> sizes = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Long> wanted = new LinkedBlockingQueue<>();
  private final Object fillLock = new Object();
  private volatile Thread worker;
  private final AtomicLong requests = new AtomicLong();

  /** What is known of one block size: misses so far, and whether a fill is queued. */
  private static final class SizeState {
    final AtomicInteger misses = new AtomicInteger();
    final AtomicBoolean queued = new AtomicBoolean();
  }

  BlockPrefaulter(Allocators.BlockCache cache, long reserveBytes) {
    this.cache = cache;
    this.reserveBytes = reserveBytes;
  }

  /** Notes that a request of {@code size} bytes found no cached block. Cheap; never blocks. */
  void missed(long size) {
    if (reserveBytes <= 0 || size > reserveBytes) {
      return;
    }
    if (sizes.size() >= MAX_TRACKED_SIZES && !sizes.containsKey(size)) {
      sizes.clear();
    }
    SizeState state = sizes.computeIfAbsent(size, s -> new SizeState());
    if (state.misses.incrementAndGet() >= MISSES_TO_RECUR) {
      request(size, state);
    }
  }

  /**
   * Notes that a cached block of {@code size} was taken: a recurring size is topped up again when
   * fewer than {@link #BLOCKS_PER_SIZE} of its blocks are left. Not otherwise: while a dataset is
   * replaced batch by batch, its old blocks come back as fast as new ones are taken, and a wake-up
   * per take (a futex call on the network thread, 1.4 % of it under the pyarrow client's uploads)
   * would find nothing to do.
   */
  void taken(long size) {
    SizeState state = sizes.get(size);
    if (state != null
        && state.misses.get() >= MISSES_TO_RECUR
        && cache.countUpTo(size, BLOCKS_PER_SIZE) < BLOCKS_PER_SIZE) {
      request(size, state);
    }
  }

  private void request(long size, SizeState state) {
    // Checked here too, not only in fill(): a cache already at the bound (freed blocks being
    // reused) would otherwise wake the thread on every take, for nothing.
    if (cache.cachedBytes() + size > reserveBytes) {
      return;
    }
    if (state.queued.compareAndSet(false, true)) {
      requests.incrementAndGet();
      wanted.offer(size);
      startWorker();
    }
  }

  /** Fills queued for the background thread so far (each one wakes it). */
  long requests() {
    return requests.get();
  }

  /**
   * Marks {@code size} as recurring without queueing a fill: tests run {@link #fill} themselves.
   */
  void recurWithoutWorker(long size) {
    sizes.computeIfAbsent(size, s -> new SizeState()).misses.set(MISSES_TO_RECUR);
  }

  /** Forgets every size seen, so nothing is refilled until sizes recur (after a clear). */
  void forget() {
    synchronized (fillLock) {
      sizes.clear();
      wanted.clear();
    }
  }

  /**
   * Fills the cache with blocks of {@code size} up to the bounds, on the calling thread; returns
   * how many it added.
   */
  int fill(long size) {
    SizeState state = sizes.get(size);
    if (state == null) {
      return 0;
    }
    // Cleared first: a block taken while this fill runs queues the next one.
    state.queued.set(false);
    int added = 0;
    // The byte bound first: it is one read, where countUpTo() walks that size's list.
    while (cache.cachedBytes() + size <= reserveBytes
        && cache.countUpTo(size, BLOCKS_PER_SIZE) < BLOCKS_PER_SIZE) {
      long address = PlatformDependent.allocateMemory(size);
      touch(address, size);
      synchronized (fillLock) {
        // forget() may have run while this block was faulted in: then it goes straight back.
        if (sizes.get(size) != state || !cache.offer(address, size)) {
          PlatformDependent.freeMemory(address);
          break;
        }
      }
      added++;
    }
    return added;
  }

  /** Writes one byte of every page, which makes the kernel map (and zero) them now. */
  static void touch(long address, long size) {
    for (long at = 0; at < size; at += Allocators.PAGE) {
      PlatformDependent.putByte(address + at, (byte) 0);
    }
    PlatformDependent.putByte(address + size - 1, (byte) 0);
  }

  private void startWorker() {
    if (worker != null) {
      return;
    }
    synchronized (this) {
      if (worker != null) {
        return;
      }
      Thread t = new Thread(this::run, "flightlab-prefault");
      t.setDaemon(true);
      t.start();
      worker = t;
    }
  }

  private void run() {
    while (true) {
      try {
        fill(wanted.take());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | OutOfMemoryError e) {
        // Only an optimisation: allocation failures surface where memory is really needed.
        log.debug("prefault failed: {}", e.toString());
      }
    }
  }
}
