package dev.flightlab.memory;

import io.netty.util.internal.PlatformDependent;

/**
 * One region of memory faulted in when a server starts, from which large blocks are carved until it
 * is used up, so that a fresh server's first uploads land in memory that is already mapped.
 *
 * <p>Memory that a process has never touched costs a page fault and the kernel's zeroing per 4 KiB
 * page on its first write: for a fresh server, on the network thread, inside the first client's
 * uploads (78,000 faults for 320 MB). Here that work is done once, before the server listens.
 *
 * <p>Blocks are carved in order and never freed one by one: a block given back only lowers the
 * count of bytes out, and when nothing is out any more (every block freed, e.g. after a clear) the
 * whole region is carved again from its start. The region itself stays for the life of the process:
 * it is the server's standing reserve, as resident as the memory it stands in for. Thread-safe.
 */
final class PrefaultedReserve {
  private final long allocated;
  private final long base;
  private final long sizeBytes;
  private long carvedBytes;
  private long outBytes;

  private PrefaultedReserve(long allocated, long base, long sizeBytes) {
    this.allocated = allocated;
    this.base = base;
    this.sizeBytes = sizeBytes;
  }

  /**
   * Maps {@code sizeBytes} (a whole number of pages, at least one) and writes one byte of every
   * page, which makes the kernel map and zero them now.
   *
   * @throws OutOfMemoryError when the OS refuses the memory
   */
  static PrefaultedReserve faultIn(long sizeBytes) {
    if (sizeBytes < Allocators.PAGE || sizeBytes % Allocators.PAGE != 0) {
      throw new IllegalArgumentException("not a positive whole number of pages: " + sizeBytes);
    }
    // One page more, so that the region can start on a page boundary whatever malloc returns.
    long allocated = PlatformDependent.allocateMemory(sizeBytes + Allocators.PAGE);
    long base = (allocated + Allocators.PAGE - 1) & -Allocators.PAGE;
    BlockPrefaulter.touch(base, sizeBytes);
    return new PrefaultedReserve(allocated, base, sizeBytes);
  }

  /** The start of a block of {@code bytes} from the region, or 0 when not that much is left. */
  synchronized long carve(long bytes) {
    if (bytes <= 0 || bytes > sizeBytes - carvedBytes) {
      return 0;
    }
    long address = base + carvedBytes;
    // Pages stay whole, so that a block never shares a page with the next one's writes.
    carvedBytes += (bytes + Allocators.PAGE - 1) & -Allocators.PAGE;
    outBytes += bytes;
    return address;
  }

  /** Whether {@code address} lies in the region (was carved from it). */
  boolean contains(long address) {
    return address >= base && address < base + sizeBytes;
  }

  /**
   * Takes back a carved block of {@code bytes}; once no block is out, the region is carved again
   * from its start.
   */
  synchronized void giveBack(long bytes) {
    if (bytes > outBytes) {
      throw new IllegalStateException("more given back to the prefaulted reserve than carved");
    }
    outBytes -= bytes;
    if (outBytes == 0) {
      carvedBytes = 0;
    }
  }

  /** Bytes of the region not yet carved. */
  synchronized long remainingBytes() {
    return sizeBytes - carvedBytes;
  }

  /** Bytes carved and not given back. */
  synchronized long outBytes() {
    return outBytes;
  }

  /** Returns the region to the OS; only for tests, with nothing out. */
  synchronized void freeForTest() {
    if (outBytes != 0) {
      throw new IllegalStateException(outBytes + " bytes of the reserve still out");
    }
    PlatformDependent.freeMemory(allocated);
  }
}
