package dev.flightlab.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A buffer whose ownership moves between two of the store's allocators is counted in both for a
 * moment (Arrow's transfer adds it to the new owner before it leaves the old one); no reading of
 * the store's total may fall in that moment, from any thread.
 */
class StorePeakTest {
  private static final long MIB = 1 << 20;

  @Test
  @Timeout(30)
  void aReadingOnAnotherThreadWaitsForTheMoveInProgressAndSeesTheBufferOnce() throws Exception {
    try (RootAllocator root = new RootAllocator(Long.MAX_VALUE)) {
      StorePeak peak = new StorePeak(AllocationListener.NOOP);
      try (BufferAllocator store = root.newChildAllocator("store", peak, 0, Long.MAX_VALUE)) {
        peak.attach(store);
        BufferAllocator inFlight = store.newChildAllocator("in-flight", 0, Long.MAX_VALUE);
        BufferAllocator upload = store.newChildAllocator("put", 0, Long.MAX_VALUE);
        ArrowBuf received = inFlight.buffer(MIB);
        AtomicReference<ArrowBuf> kept = new AtomicReference<>();
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread mover =
            new Thread(
                () ->
                    peak.handOver(
                        () -> {
                          kept.set(received.getReferenceManager().retain(received, upload));
                          moving.countDown();
                          awaitQuietly(finish);
                          // The in-flight reference goes: ownership moves to the upload.
                          received.close();
                        }));
        mover.start();
        moving.await();

        AtomicLong read = new AtomicLong(-1);
        Thread reader = new Thread(() -> read.set(peak.sample()));
        reader.start();
        // With the move in progress, the reading waits for it. Without the lock it reads and ends
        // within microseconds; a slow machine can only make this pass, never fail.
        reader.join(500);
        assertThat(reader.isAlive()).as("reading still waiting for the move").isTrue();
        assertThat(reader.getState()).isEqualTo(Thread.State.BLOCKED);
        assertThat(read.get()).isEqualTo(-1);

        finish.countDown();
        mover.join();
        reader.join();
        assertThat(read.get()).isEqualTo(MIB);
        assertThat(peak.peak()).isEqualTo(MIB);
        assertThat(upload.getAllocatedMemory()).isEqualTo(MIB);
        assertThat(inFlight.getAllocatedMemory()).isZero();

        kept.get().close();
        inFlight.close();
        upload.close();
        assertThat(store.getAllocatedMemory()).isZero();
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void aReadingInsideAMoveOnTheSameThreadDoesNotWaitForItself() {
    try (RootAllocator root = new RootAllocator(Long.MAX_VALUE)) {
      StorePeak peak = new StorePeak(AllocationListener.NOOP);
      try (BufferAllocator store = root.newChildAllocator("store", peak, 0, Long.MAX_VALUE)) {
        peak.attach(store);
        AtomicLong read = new AtomicLong(-1);
        // An allocation inside a move (a copied app_metadata, a captured dictionary) samples too.
        peak.handOver(
            () -> {
              try (ArrowBuf b = store.buffer(MIB)) {
                read.set(peak.sample());
              }
            });
        assertThat(read.get()).isEqualTo(MIB);
        assertThat(peak.peak()).isEqualTo(MIB);
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
