package dev.flightlab.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A region faulted in up front, carved in order, and carved again once everything is back. */
class PrefaultedReserveTest {
  private static final long PAGE = Allocators.PAGE;

  private PrefaultedReserve reserve;

  @AfterEach
  void free() {
    if (reserve != null) {
      reserve.freeForTest();
    }
  }

  @Test
  void blocksAreCarvedInOrderOnWholePagesUntilTheRegionIsUsedUp() {
    reserve = PrefaultedReserve.faultIn(4 * PAGE);
    long first = reserve.carve(PAGE);
    assertThat(first % PAGE).as("page-aligned").isZero();
    assertThat(reserve.contains(first)).isTrue();
    // Less than a page still takes a whole one: the next block starts on the next page.
    long second = reserve.carve(100);
    assertThat(second).isEqualTo(first + PAGE);
    long third = reserve.carve(2 * PAGE);
    assertThat(third).isEqualTo(first + 2 * PAGE);
    assertThat(reserve.remainingBytes()).isZero();
    assertThat(reserve.carve(1)).as("used up").isZero();
    assertThat(reserve.outBytes()).isEqualTo(PAGE + 100 + 2 * PAGE);
    assertThat(reserve.contains(first + 4 * PAGE)).as("one past the end").isFalse();
    assertThat(reserve.contains(first - 1)).isFalse();
    reserve.giveBack(PAGE);
    reserve.giveBack(100);
    reserve.giveBack(2 * PAGE);
  }

  @Test
  void aBlockTooLargeForWhatIsLeftIsRefusedAndTheRestStaysCarvable() {
    reserve = PrefaultedReserve.faultIn(3 * PAGE);
    long first = reserve.carve(2 * PAGE);
    assertThat(reserve.carve(2 * PAGE)).isZero();
    assertThat(reserve.carve(PAGE)).isEqualTo(first + 2 * PAGE);
    reserve.giveBack(2 * PAGE);
    reserve.giveBack(PAGE);
  }

  @Test
  void onceEveryBlockIsBackTheRegionIsCarvedAgainFromItsStart() {
    reserve = PrefaultedReserve.faultIn(2 * PAGE);
    long first = reserve.carve(PAGE);
    reserve.carve(PAGE);
    reserve.giveBack(PAGE);
    assertThat(reserve.carve(PAGE)).as("one block still out: nothing is reused").isZero();
    reserve.giveBack(PAGE);
    assertThat(reserve.outBytes()).isZero();
    assertThat(reserve.remainingBytes()).isEqualTo(2 * PAGE);
    assertThat(reserve.carve(2 * PAGE)).isEqualTo(first);
    reserve.giveBack(2 * PAGE);
  }

  @Test
  void givingBackMoreThanWasCarvedFails() {
    reserve = PrefaultedReserve.faultIn(PAGE);
    reserve.carve(PAGE);
    reserve.giveBack(PAGE);
    assertThatThrownBy(() -> reserve.giveBack(PAGE)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRegionIsAPositiveWholeNumberOfPages() {
    assertThatThrownBy(() -> PrefaultedReserve.faultIn(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrefaultedReserve.faultIn(PAGE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void carvedMemoryHoldsWhatIsWrittenToIt() {
    reserve = PrefaultedReserve.faultIn(2 * PAGE);
    long a = reserve.carve(PAGE);
    long b = reserve.carve(PAGE);
    io.netty.util.internal.PlatformDependent.setMemory(a, PAGE, (byte) 1);
    io.netty.util.internal.PlatformDependent.setMemory(b, PAGE, (byte) 2);
    assertThat(io.netty.util.internal.PlatformDependent.getByte(a + PAGE - 1)).isEqualTo((byte) 1);
    assertThat(io.netty.util.internal.PlatformDependent.getByte(b)).isEqualTo((byte) 2);
    reserve.giveBack(PAGE);
    reserve.giveBack(PAGE);
  }
}
