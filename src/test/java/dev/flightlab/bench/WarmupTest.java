package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
