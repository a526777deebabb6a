package dev.flightlab.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServerWarmupTest {
  @Test
  void aZeroBudgetStillRunsOneWholeRoundAndFreesEverything() throws Exception {
    // The warm-up's own root allocator throws on close if a byte was left allocated.
    ServerWarmup.Outcome done = ServerWarmup.run(Duration.ZERO);
    assertThat(done.uploads()).isEqualTo(2);
    assertThat(done.downloads()).isEqualTo(2);
    // Both tables up and down: 32,768 x (8 + 4 + 4..6) bytes and 16,384 x 32.
    assertThat(done.bytes())
        .isBetween(2L * (32_768L * 16 + 16_384L * 32), 2L * (32_768L * 18 + 16_384L * 32) + 4096);
    assertThat(done.took()).isPositive();
  }

  @Test
  void itKeepsGoingInWholeRoundsUntilTheBudgetIsSpent() throws Exception {
    ServerWarmup.Outcome done = ServerWarmup.run(Duration.ofMillis(1500));
    assertThat(done.took()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(done.uploads()).isEven().isGreaterThanOrEqualTo(2);
    assertThat(done.uploads()).isEqualTo(done.downloads());
  }

  @Test
  void itYieldsBetweenCallsOnceItsStopConditionHoldsAndFreesEverything() throws Exception {
    // Checked before each table is generated and before every upload and download: true at the
    // fifth check means both tables generated, one upload and one download, then a stop.
    AtomicInteger checks = new AtomicInteger();
    ServerWarmup.Outcome done =
        ServerWarmup.run(Duration.ofMinutes(5), false, () -> checks.incrementAndGet() >= 5);
    assertThat(done.yielded()).isTrue();
    assertThat(done.uploads()).isEqualTo(1);
    assertThat(done.downloads()).isEqualTo(1);
    assertThat(done.took()).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void aStopConditionThatHoldsFromTheStartMovesNothing() throws Exception {
    ServerWarmup.Outcome done = ServerWarmup.run(Duration.ofMinutes(5), true, () -> true);
    assertThat(done.yielded()).isTrue();
    assertThat(done.uploads()).isZero();
    assertThat(done.bytes()).isZero();
  }

  @Test
  void withoutAStopItRunsItsBudgetAndSaysItDidNotYield() throws Exception {
    ServerWarmup.Outcome done = ServerWarmup.run(Duration.ofMillis(50), false, () -> false);
    assertThat(done.yielded()).isFalse();
    assertThat(done.uploads()).isGreaterThanOrEqualTo(2);
  }
}
