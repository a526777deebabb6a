package dev.flightlab.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
  @Test
  void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgChart.niceStep(0.7)).isEqualTo(1.0);
    assertThat(SvgChart.niceStep(1.3)).isEqualTo(2.0);
    assertThat(SvgChart.niceStep(37)).isEqualTo(50.0);
    assertThat(SvgChart.niceStep(700)).isEqualTo(1000.0);
  }

  @Test
  void rendersPointsWithTooltipsAndEscapesText() {
    String svg =
        new SvgChart("A <b> title", "x", "y")
            .add(
                new SvgChart.Series(
                    "s&1",
                    List.of(SvgChart.Point.of(1, 10, "one"), SvgChart.Point.of(2, 20, "two"))))
            .tick(1, "1")
            .render();
    assertThat(svg).startsWith("<svg ").endsWith("</svg>\n");
    assertThat(svg).contains("A &lt;b&gt; title").contains("s&amp;1");
    assertThat(svg).contains("<title>one</title>").contains("<title>two</title>");
    assertThat(svg).contains("<path d=\"M");
  }

  @Test
  void anEmptyChartStillRenders() {
    assertThat(new SvgChart("t", "x", "y").render()).contains("</svg>");
    assertThat(new SvgChart("t", "x", "y").logY().render()).contains("</svg>");
  }
}
