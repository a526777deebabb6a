package dev.flightlab.store;

import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.netty.NettyAllocationManager;
import org.apache.arrow.memory.rounding.RoundingPolicy;

/**
 * Root allocators sized for holding data: small buffers come from Netty's pools, large ones are
 * allocated at their exact size.
 *
 * <p>Arrow's default rounds every request below 16 MiB up to a power of two, and Netty's pools
 * round again to their size classes, so a stored 2.2 MB batch body used to cost 4 MiB. Here
 * requests of {@value #EXACT_THRESHOLD_BYTES} bytes and more are rounded to 4 KiB pages and taken
 * straight from the OS; smaller ones keep Arrow's power-of-two rounding and Netty's pools.
 */
public final class Allocators {
  /**
   * Requests at least this large are allocated at their exact size (rounded to 4 KiB); system
   * property {@code flightlab.exactAllocationBytes} overrides it.
   */
  public static final long EXACT_THRESHOLD_BYTES =
      Long.getLong("flightlab.exactAllocationBytes", 256 * 1024);

  private static final long PAGE = 4096;

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

        @Override
        public ArrowBuf empty() {
          return NettyAllocationManager.FACTORY.empty();
        }
      };

  /** Memory straight from the OS at the requested size, freed when the last reference goes. */
  private static final class ExactAllocationManager extends AllocationManager {
    private final long address;
    private final long size;

    ExactAllocationManager(BufferAllocator accountingAllocator, long size) {
      super(accountingAllocator);
      this.address = PlatformDependent.allocateMemory(size);
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
      PlatformDependent.freeMemory(address);
    }
  }
}
