package dev.flightlab.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
}
