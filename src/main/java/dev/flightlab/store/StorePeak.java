package dev.flightlab.store;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.AllocationOutcome;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The most bytes the store's allocators held at once: the store's allocated bytes, read after each
 * allocation in it (this listener) and after each upload's limit check ({@link #sample}); every
 * event is passed on to the parent's listener.
 *
 * <p>Arrow's own peak ({@code getPeakMemoryAllocation}) counts a buffer moved between two of the
 * store's allocators twice for a moment (a transfer adds it to the target before it leaves the
 * source), so concurrent uploads, each moving its received bodies from {@code in-flight} to its own
 * allocator, showed a peak above the limit that the memory never reached. The same moment, seen
 * from another upload's thread, made this peak and the limit check read it too: so every move runs
 * under {@link #handOver}, and every reading of the total waits for the moves in progress.
 */
final class StorePeak implements AllocationListener {
  private final AllocationListener next;
  private final AtomicLong peak = new AtomicLong();
  private volatile BufferAllocator store;
  private final Object moves = new Object();

  StorePeak(AllocationListener next) {
    this.next = next;
  }

  /** Starts reading {@code storeAllocator}, the allocator this listener was given to. */
  void attach(BufferAllocator storeAllocator) {
    this.store = storeAllocator;
  }

  /** Records the bytes held now, and returns them. */
  long sample() {
    BufferAllocator s = store;
    if (s == null) {
      return 0;
    }
    long held;
    synchronized (moves) {
      held = s.getAllocatedMemory();
    }
    peak.accumulateAndGet(held, Math::max);
    return held;
  }

  /**
   * Runs {@code move}, which moves buffers between two of the store's allocators (references taken
   * in one, released in the other), with no reading of the store's total in between.
   */
  void handOver(Runnable move) {
    synchronized (moves) {
      move.run();
    }
  }

  /** The most bytes held at once. */
  long peak() {
    return peak.get();
  }

  @Override
  public void onPreAllocation(long size) {
    next.onPreAllocation(size);
  }

  @Override
  public void onAllocation(long size) {
    sample();
    next.onAllocation(size);
  }

  @Override
  public void onRelease(long size) {
    next.onRelease(size);
  }

  @Override
  public boolean onFailedAllocation(long size, AllocationOutcome outcome) {
    return next.onFailedAllocation(size, outcome);
  }

  @Override
  public void onChildAdded(BufferAllocator parentAllocator, BufferAllocator childAllocator) {
    next.onChildAdded(parentAllocator, childAllocator);
  }

  @Override
  public void onChildRemoved(BufferAllocator parentAllocator, BufferAllocator childAllocator) {
    next.onChildRemoved(parentAllocator, childAllocator);
  }
}
