package dev.flightlab.memory;

import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.netty.NettyAllocationManager;
import org.apache.arrow.memory.rounding.RoundingPolicy;

/**
 * Root allocators sized for holding data: small buffers come from Netty's pools, large ones are
 * allocated at their exact size.
 *
 * <p>Arrow's default rounds every request below 16 MiB up to a power of two, and Netty's pools
 * round again to their size classes, so a stored 2.2 MB batch body would take 4 MiB. Here requests
 * of {@link #EXACT_THRESHOLD_BYTES} bytes and more are rounded to 4 KiB pages and taken from the
 * OS; smaller ones keep Arrow's power-of-two rounding and Netty's pools.
 *
 * <p>Freed exact-size blocks are kept, up to {@link #BLOCK_CACHE_BYTES} in all, for the next
 * request of the same size: a replaced or re-uploaded dataset then lands in memory that is already
 * mapped, instead of memory the kernel must fault in and zero page by page. {@link
 * #releaseCachedBlocks()} gives them all back to the OS. Blocks of sizes that keep missing the
 * cache are faulted in ahead of need by {@link BlockPrefaulter}, within {@link #PREFAULT_BYTES}.
 *
 * <p>A server may also fault in one region up front ({@link #prefault}): requests the cache cannot
 * supply are carved from it while it lasts, before any memory is taken from the OS.
 */
public final class Allocators {
  /** System property that sets {@link #EXACT_THRESHOLD_BYTES}. */
  public static final String EXACT_THRESHOLD_PROPERTY = "flightlab.exactAllocationBytes";

  /** Default of {@link #EXACT_THRESHOLD_BYTES}. */
  public static final long DEFAULT_EXACT_THRESHOLD_BYTES = 64 * 1024;

  /** Requests at least this large are allocated at their exact size (rounded to 4 KiB). */
  public static final long EXACT_THRESHOLD_BYTES =
      Long.getLong(EXACT_THRESHOLD_PROPERTY, DEFAULT_EXACT_THRESHOLD_BYTES);

  /** System property that sets {@link #BLOCK_CACHE_BYTES} (0 turns the cache off). */
  public static final String BLOCK_CACHE_PROPERTY = "flightlab.blockCacheBytes";

  /** Default of {@link #BLOCK_CACHE_BYTES}. */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 512L * 1024 * 1024;

  /** The most freed blocks kept for reuse, in bytes. */
  public static final long BLOCK_CACHE_BYTES =
      Long.getLong(BLOCK_CACHE_PROPERTY, DEFAULT_BLOCK_CACHE_BYTES);

  /** System property that sets {@link #PREFAULT_BYTES} (0 turns prefaulting off). */
  public static final String PREFAULT_PROPERTY = "flightlab.prefaultBytes";

  /** Default of {@link #PREFAULT_BYTES}. */
  public static final long DEFAULT_PREFAULT_BYTES = 64L * 1024 * 1024;

  /**
   * The most bytes the block cache may hold while {@link BlockPrefaulter} still adds pre-faulted
   * blocks of recurring sizes; never more than the cache's own capacity.
   */
  public static final long PREFAULT_BYTES =
      Math.min(BLOCK_CACHE_BYTES, Long.getLong(PREFAULT_PROPERTY, DEFAULT_PREFAULT_BYTES));

  private static final BlockCache CACHE = new BlockCache(BLOCK_CACHE_BYTES);
  private static final BlockPrefaulter PREFAULTER = new BlockPrefaulter(CACHE, PREFAULT_BYTES);

  /** The page size allocations are rounded to (and that the prefaulter touches). */
  static final long PAGE = 4096;

  /** The region faulted in up front; null until {@link #prefault} has made one. */
  private static volatile PrefaultedReserve reserve;

  private Allocators() {}

  /**
   * Closes {@code allocator} once it holds nothing, waiting up to {@code timeout} for buffers that
   * gRPC or Netty still hold (zero-copy messages are released on their event loop, possibly after
   * the call or channel that sent them has ended).
   *
   * @throws IllegalStateException from {@link BufferAllocator#close()} naming what leaked, when
   *     memory is still held after the wait
   */
  public static void closeWhenDrained(BufferAllocator allocator, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (allocator.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    allocator.close();
  }

  /** Bytes of freed blocks held for reuse now (process-wide). */
  public static long cachedBlockBytes() {
    return CACHE.cachedBytes();
  }

  /** Cached free blocks of exactly {@code size} bytes now (process-wide). */
  static int cachedBlocksOfSize(long size) {
    return CACHE.count(size);
  }

  /**
   * Returns every cached free block to the OS (or, if carved from the region made by {@link
   * #prefault}, to that region), and stops prefaulting until block sizes recur; returns the bytes
   * released.
   */
  public static long releaseCachedBlocks() {
    PREFAULTER.forget();
    return CACHE.releaseAll();
  }

  /**
   * Faults in a region of {@code bytes} (rounded down to whole pages) now, on the calling thread,
   * from which the exact-size requests of every root allocator in this process that the block cache
   * cannot supply are carved while it lasts: a fresh server's first uploads then write into memory
   * that is already mapped, instead of taking a page fault every 4 KiB on the network thread. Once
   * per process: returns the bytes faulted in, 0 when {@code bytes} is less than a page or a region
   * already exists.
   *
   * @throws OutOfMemoryError when the OS refuses the memory
   */
  public static synchronized long prefault(long bytes) {
    long pages = bytes & -PAGE;
    if (pages < PAGE || reserve != null) {
      return 0;
    }
    reserve = PrefaultedReserve.faultIn(pages);
    return pages;
  }

  /** Bytes of the region made by {@link #prefault} not yet carved; 0 when there is none. */
  public static long prefaultedBytesLeft() {
    PrefaultedReserve r = reserve;
    return r == null ? 0 : r.remainingBytes();
  }

  /** Bytes carved from the region made by {@link #prefault} and not given back. */
  static long prefaultedBytesOut() {
    PrefaultedReserve r = reserve;
    return r == null ? 0 : r.outBytes();
  }

  /** Frees the region made by {@link #prefault}, so that the next test can make its own. */
  static synchronized void dropPrefaultForTest() {
    PrefaultedReserve r = reserve;
    if (r != null) {
      r.freeForTest();
      reserve = null;
    }
  }

  /** Whether {@code address} was carved from the region made by {@link #prefault}. */
  static boolean isPrefaulted(long address) {
    PrefaultedReserve r = reserve;
    return r != null && r.contains(address);
  }

  /** Frees an exact-size block: back to the region it was carved from, or to the OS. */
  static void freeBlock(long address, long size) {
    PrefaultedReserve r = reserve;
    if (r != null && r.contains(address)) {
      r.giveBack(size);
    } else {
      PlatformDependent.freeMemory(address);
    }
  }

  /** A root allocator with no limit beyond the JVM's (the store enforces its own). */
  public static RootAllocator newRoot() {
    return new RootAllocator(
        RootAllocator.configBuilder()
            .maxAllocation(Long.MAX_VALUE)
            .roundingPolicy(ROUNDING)
            .allocationManagerFactory(FACTORY)
            .build());
  }

  private static final RoundingPolicy ROUNDING =
      requestSize -> {
        if (requestSize >= EXACT_THRESHOLD_BYTES) {
          return (requestSize + PAGE - 1) & -PAGE;
        }
        return Long.highestOneBit(requestSize) == requestSize
            ? requestSize
            : Long.highestOneBit(requestSize) << 1;
      };

  private static final AllocationManager.Factory FACTORY =
      new AllocationManager.Factory() {
        @Override
        public AllocationManager create(BufferAllocator accountingAllocator, long size) {
          if (size >= EXACT_THRESHOLD_BYTES) {
            return new ExactAllocationManager(accountingAllocator, size);
          }
          return NettyAllocationManager.FACTORY.create(accountingAllocator, size);
        }

        /**
         * A 0-byte buffer of the root's own. Arrow hands the one its factory gives to every
         * zero-size request of the root and of all its children, and Netty's factory gives one
         * buffer to the whole JVM; a writer index set on it (a 0-row vector's offsets claim 4 or 8
         * bytes there) then reaches every other user of it, on any thread: Arrow's Flight client,
         * turning an empty DoPut ack into a buffer, failed with "index: 8, length: 0 (expected:
         * range(0, 0))" while a 0-row batch was being loaded elsewhere in the JVM.
         */
        @Override
        public ArrowBuf empty() {
          return new ArrowBuf(
              ReferenceManager.NO_OP,
              null,
              0,
              NettyAllocationManager.FACTORY.empty().memoryAddress());
        }
      };

  /**
   * Memory at the requested size, from the block cache or the OS, handed back to the cache (or the
   * OS) when the last reference goes.
   */
  private static final class ExactAllocationManager extends AllocationManager {
    private final long address;
    private final long size;

    ExactAllocationManager(BufferAllocator accountingAllocator, long size) {
      super(accountingAllocator);
      long reused = CACHE.take(size);
      if (reused == 0) {
        PrefaultedReserve r = reserve;
        long fresh = r == null ? 0 : r.carve(size);
        if (fresh == 0) {
          PREFAULTER.missed(size);
          fresh = PlatformDependent.allocateMemory(size);
        }
        this.address = fresh;
      } else {
        PREFAULTER.taken(size);
        this.address = reused;
      }
      this.size = size;
    }

    @Override
    public long getSize() {
      return size;
    }

    @Override
    protected long memoryAddress() {
      return address;
    }

    @Override
    protected void release0() {
      if (!CACHE.offer(address, size)) {
        freeBlock(address, size);
      }
    }
  }

  /**
   * Free blocks by exact size, most recently freed first (likeliest still in the CPU's caches),
   * bounded in total bytes; thread-safe without locks.
   */
  static final class BlockCache {
    private final long capacityBytes;
    private final Map<Long, ConcurrentLinkedDeque<Long>> free = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    BlockCache(long capacityBytes) {
      this.capacityBytes = capacityBytes;
    }

    /** A free block of exactly {@code size} bytes, or 0 when none is cached. */
    long take(long size) {
      ConcurrentLinkedDeque<Long> blocks = free.get(size);
      Long address = blocks == null ? null : blocks.pollFirst();
      if (address == null) {
        return 0;
      }
      cachedBytes.addAndGet(-size);
      return address;
    }

    /** Keeps a freed block unless that would take the cache over its capacity. */
    boolean offer(long address, long size) {
      if (cachedBytes.addAndGet(size) > capacityBytes) {
        cachedBytes.addAndGet(-size);
        return false;
      }
      free.computeIfAbsent(size, s -> new ConcurrentLinkedDeque<>()).offerFirst(address);
      return true;
    }

    long cachedBytes() {
      return cachedBytes.get();
    }

    /** Cached blocks of exactly {@code size} bytes now. */
    int count(long size) {
      ConcurrentLinkedDeque<Long> blocks = free.get(size);
      return blocks == null ? 0 : blocks.size();
    }

    /**
     * Cached blocks of exactly {@code size} bytes now, counted up to {@code limit} at most: walks
     * no more than that, where {@link #count} walks them all (thousands, for a small size).
     */
    int countUpTo(long size, int limit) {
      ConcurrentLinkedDeque<Long> blocks = free.get(size);
      if (blocks == null) {
        return 0;
      }
      int n = 0;
      for (Iterator<Long> it = blocks.iterator(); n < limit && it.hasNext(); it.next()) {
        n++;
      }
      return n;
    }

    /** Frees every cached block; returns the bytes freed. */
    long releaseAll() {
      long released = 0;
      for (Map.Entry<Long, ConcurrentLinkedDeque<Long>> e : free.entrySet()) {
        Long address;
        while ((address = e.getValue().pollFirst()) != null) {
          cachedBytes.addAndGet(-e.getKey());
          freeBlock(address, e.getKey());
          released += e.getKey();
        }
      }
      return released;
    }
  }
}
