package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupTest {
  @Test
  void plainNumbersAreIterations() {
    Warmup w = Warmup.parse("3");
    assertThat(w.kind()).isEqualTo(Warmup.Kind.ITERATIONS);
    assertThat(w.amount()).isEqualTo(3);
    assertThat(w.wantsMore(2, 0, 0)).isTrue();
    assertThat(w.wantsMore(3, 0, 0)).isFalse();
    assertThat(Warmup.parse("0").wantsMore(0, 0, 0)).isFalse();
  }

  @Test
  void durationsRunUntilTheTimeIsUsed() {
    Warmup w = Warmup.parse("1.5s");
    assertThat(w.kind()).isEqualTo(Warmup.Kind.NANOS);
    assertThat(w.amount()).isEqualTo(1_500_000_000L);
    assertThat(w.wantsMore(1, 1_000_000_000L, 0)).isTrue();
    assertThat(w.wantsMore(2, 1_500_000_000L, 0)).isFalse();
    assertThat(Warmup.parse("500ms").amount()).isEqualTo(500_000_000L);
    assertThat(Warmup.parse("2m").amount()).isEqualTo(120_000_000_000L);
  }

  @Test
  void byteBudgetsKnowDecimalAndBinaryUnits() {
    assertThat(Warmup.parse("3GB").amount()).isEqualTo(3_000_000_000L);
    assertThat(Warmup.parse("512MiB").amount()).isEqualTo(512L << 20);
    assertThat(Warmup.parse("10kb").amount()).isEqualTo(10_000);
    Warmup w = Warmup.parse("100MB");
    assertThat(w.wantsMore(0, 0, 0)).isTrue();
    assertThat(w.wantsMore(1, 5, 99_999_999)).isTrue();
    assertThat(w.wantsMore(2, 5, 100_000_000)).isFalse();
  }

  @Test
  void autoOnDataWorkloadsWantsBothTheBytesAndTheTime() {
    Warmup w = Warmup.parse("auto").resolve(Op.GET);
    long gb3 = 3_000_000_000L;
    long s15 = 15_000_000_000L;
    assertThat(w.wantsMore(0, 0, 0)).isTrue();
    // 3 GB moved in 2 s: the JIT is still compiling, keep going.
    assertThat(w.wantsMore(5, 2_000_000_000L, gb3)).isTrue();
    // 15 s spent on a slow link that moved 1 GB: the bytes are still owed.
    assertThat(w.wantsMore(9, s15, 1_000_000_000L)).isTrue();
    assertThat(w.wantsMore(40, s15, gb3)).isFalse();
    // Iterations that move nothing never meet the budget: stop.
    assertThat(w.wantsMore(1, 10, 0)).isFalse();
  }

  @Test
  void aByteBudgetStopsWhenIterationsMoveNothing() {
    assertThat(Warmup.parse("1GB").wantsMore(1, 10, 0)).isFalse();
  }

  @Test
  void autoDependsOnTheWorkload() {
    Warmup auto = Warmup.parse("auto");
    assertThat(auto.resolve(Op.PUT).kind()).isEqualTo(Warmup.Kind.BYTES_AND_TIME);
    assertThat(auto.resolve(Op.PUT).amount()).isEqualTo(3_000_000_000L);
    assertThat(auto.resolve(Op.METADATA).amount()).isEqualTo(3);
    assertThat(auto.resolve(Op.SEED).amount()).isZero();
    assertThatThrownBy(() -> auto.wantsMore(0, 0, 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badSpecsNameTheProblem() {
    assertThatThrownBy(() -> Warmup.parse("3x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown unit 'x'");
    assertThatThrownBy(() -> Warmup.parse("lots")).hasMessageContaining("bad --warmup 'lots'");
    assertThatThrownBy(() -> Warmup.parse("2.5")).hasMessageContaining("whole");
  }

  @Test
  void autoWaitsForTheJitToGoQuietWithinItsCap() {
    Warmup w = Warmup.parse("auto").resolve(Op.PUT);
    long gb3 = 3_000_000_000L;
    long s20 = 20_000_000_000L;
    // Bytes and time met: the JIT decides, when known.
    assertThat(w.wantsMore(30, s20, gb3, 0.25)).isTrue();
    assertThat(w.wantsMore(30, s20, gb3, Warmup.AUTO_JIT_SHARE)).isFalse();
    assertThat(w.wantsMore(30, s20, gb3, 0.02)).isFalse();
    assertThat(w.wantsMore(30, s20, gb3, -1)).as("unknown").isFalse();
    // Never past the cap, and a quiet JIT does not cut the byte or time floor short.
    assertThat(w.wantsMore(90, Warmup.AUTO_MAX_NANOS, gb3, 0.9)).isFalse();
    assertThat(w.wantsMore(3, 2_000_000_000L, gb3, 0.0)).isTrue();
    // Other budgets ignore the JIT.
    assertThat(Warmup.parse("2").wantsMore(2, 0, 0, 0.9)).isFalse();
    assertThat(Warmup.parse("10s").wantsMore(5, s20, 0, 0.9)).isFalse();
  }

  @Test
  void recentJitShareLooksAtTheLastFiveSecondsAndTheBusierJvm() {
    long s = 1_000_000_000L;
    java.util.List<IterationResult> its = new java.util.ArrayList<>();
    assertThat(BenchRunner.recentJitShare(its)).isEqualTo(-1);
    // An early iteration compiling all the time, then three 2 s iterations: the last three cover
    // 6 s (>= 5 s), so the first is out of the window. Each counts its busier JVM.
    its.add(iteration(2 * s, 2 * s, 2 * s));
    its.add(iteration(2 * s, s / 10, s / 5));
    its.add(iteration(2 * s, s / 5, -1));
    its.add(iteration(2 * s, s / 10, 0));
    assertThat(BenchRunner.recentJitShare(its)).isCloseTo((0.2 + 0.2 + 0.1) / 6, within(1e-9));
    its.add(iteration(2 * s, -1, -1));
    assertThat(BenchRunner.recentJitShare(its)).isCloseTo((0.2 + 0.1) / 6, within(1e-9));
    assertThat(BenchRunner.recentJitShare(java.util.List.of(iteration(s, -1, -1)))).isEqualTo(-1);
  }

  private static IterationResult iteration(long elapsed, long jit, long serverJit) {
    return new IterationResult(
        1, true, elapsed, 0, java.util.List.of(), null, jit, serverJit < 0 ? -1 : 0, serverJit);
  }
}
