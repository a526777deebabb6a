package dev.flightlab.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart rendered as inline SVG: numeric axes (the y axis linear from zero or
 * logarithmic), series of points with tooltips, optional min-max whiskers, hollow markers, a shaded
 * x range and a legend. Self-contained: no scripts, no fonts, no network.
 */
final class SvgChart {
  static final String[] PALETTE = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private static final int WIDTH = 760;
  private static final int HEIGHT = 340;
  private static final int LEFT = 78;
  private static final int RIGHT = 24;
  private static final int TOP = 36;
  private static final int BOTTOM = 56;

  /** One point: x, y, an optional whisker (low, high), a tooltip, hollow or filled. */
  record Point(double x, double y, double low, double high, String tooltip, boolean hollow) {
    static Point of(double x, double y, String tooltip) {
      return new Point(x, y, Double.NaN, Double.NaN, tooltip, false);
    }
  }

  /** A named series of points, joined by a line. */
  record Series(String name, List<Point> points) {}

  /** A tick on the x axis. */
  record Tick(double x, String label) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Tick> xTicks = new ArrayList<>();
  private boolean logY;
  private double shadeFrom = Double.NaN;
  private double shadeTo = Double.NaN;
  private String shadeLabel;

  SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgChart logY() {
    this.logY = true;
    return this;
  }

  SvgChart add(Series s) {
    series.add(s);
    return this;
  }

  SvgChart tick(double x, String label) {
    xTicks.add(new Tick(x, label));
    return this;
  }

  SvgChart shade(double from, double to, String label) {
    shadeFrom = from;
    shadeTo = to;
    shadeLabel = label;
    return this;
  }

  /** The chart as an {@code <svg>} element. */
  String render() {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMax = 0;
    double yMinPositive = Double.POSITIVE_INFINITY;
    for (Series s : series) {
      for (Point p : s.points()) {
        xMin = Math.min(xMin, p.x());
        xMax = Math.max(xMax, p.x());
        double top = Double.isNaN(p.high()) ? p.y() : Math.max(p.y(), p.high());
        yMax = Math.max(yMax, top);
        double bottom = Double.isNaN(p.low()) ? p.y() : Math.min(p.y(), p.low());
        if (bottom > 0) {
          yMinPositive = Math.min(yMinPositive, bottom);
        }
      }
    }
    for (Tick t : xTicks) {
      xMin = Math.min(xMin, t.x());
      xMax = Math.max(xMax, t.x());
    }
    if (!Double.isNaN(shadeFrom)) {
      xMin = Math.min(xMin, shadeFrom);
      xMax = Math.max(xMax, shadeTo);
    }
    if (!(xMin < xMax)) {
      xMin = xMin == Double.POSITIVE_INFINITY ? 0 : xMin - 1;
      xMax = xMin + 2;
    }
    double pad = (xMax - xMin) * 0.04;
    xMin -= pad;
    xMax += pad;
    double[] yTicks;
    double yLow;
    double yHigh;
    if (logY) {
      if (yMinPositive == Double.POSITIVE_INFINITY) {
        yMinPositive = 1;
        yMax = 10;
      }
      yLow = Math.pow(10, Math.floor(Math.log10(yMinPositive)));
      yHigh = Math.pow(10, Math.ceil(Math.log10(Math.max(yMax, yLow * 10))));
      List<Double> ticks = new ArrayList<>();
      for (double v = yLow; v <= yHigh * 1.0001; v *= 10) {
        ticks.add(v);
      }
      yTicks = ticks.stream().mapToDouble(Double::doubleValue).toArray();
    } else {
      double step = niceStep(yMax <= 0 ? 1 : yMax * 1.08 / 5);
      yLow = 0;
      yHigh = step * Math.ceil((yMax <= 0 ? 1 : yMax * 1.08) / step);
      int n = (int) Math.round(yHigh / step);
      yTicks = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        yTicks[i] = i * step;
      }
    }
    Scale sx = new Scale(xMin, xMax, LEFT, WIDTH - RIGHT, false);
    Scale sy = new Scale(yLow, yHigh, HEIGHT - BOTTOM, TOP, logY);
    int legendRows = (series.size() + 2) / 3;
    int height = HEIGHT + legendRows * 18;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
            WIDTH,
            height,
            WIDTH,
            height,
            Html.escape(title)));
    b.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    b.append(text(WIDTH / 2.0, 20, title, "middle", "title"));
    if (!Double.isNaN(shadeFrom)) {
      double x0 = sx.map(shadeFrom);
      double x1 = sx.map(shadeTo);
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eeeeee\"/>\n",
              x0,
              TOP,
              Math.max(0, x1 - x0),
              HEIGHT - BOTTOM - TOP));
      b.append(text((x0 + x1) / 2, TOP + 14, shadeLabel, "middle", "note"));
    }
    for (double v : yTicks) {
      double y = sy.map(v);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>\n",
              LEFT,
              y,
              WIDTH - RIGHT,
              y));
      b.append(text(LEFT - 6, y + 4, tickLabel(v), "end", "tick"));
    }
    for (Tick t : xTicks) {
      double x = sx.map(t.x());
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"axis\"/>\n",
              x,
              HEIGHT - BOTTOM,
              x,
              HEIGHT - BOTTOM + 5));
      b.append(text(x, HEIGHT - BOTTOM + 18, t.label(), "middle", "tick"));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n",
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM));
    b.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - BOTTOM + 40, xLabel, "middle", "label"));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\""
                + " transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
            (TOP + HEIGHT - BOTTOM) / 2.0,
            (TOP + HEIGHT - BOTTOM) / 2.0,
            Html.escape(yLabel)));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String color = PALETTE[i % PALETTE.length];
      StringBuilder path = new StringBuilder();
      for (Point p : s.points()) {
        if (logY && p.y() <= 0) {
          continue;
        }
        path.append(path.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", sx.map(p.x()), sy.map(p.y())));
      }
      b.append("<g class=\"series\">\n");
      if (s.points().size() > 1) {
        b.append(
            String.format(
                "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", path, color));
      }
      for (Point p : s.points()) {
        if (logY && p.y() <= 0) {
          continue;
        }
        double x = sx.map(p.x());
        if (!Double.isNaN(p.low())) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                  x,
                  sy.map(p.low()),
                  x,
                  sy.map(p.high()),
                  color));
        }
        b.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" stroke=\"%s\" stroke-width=\"2\""
                    + " fill=\"%s\"><title>%s</title></circle>\n",
                x,
                sy.map(p.y()),
                color,
                p.hollow() ? "#ffffff" : color,
                Html.escape(p.tooltip())));
      }
      b.append("</g>\n");
      int row = i / 3;
      int col = i % 3;
      double lx = LEFT + col * 228.0;
      double ly = HEIGHT + 4 + row * 18.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/>\n",
              lx,
              ly - 4,
              color));
      b.append(text(lx + 20, ly, s.name(), "start", "legend"));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static String text(double x, double y, String s, String anchor, String cls) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>\n",
        x,
        y,
        anchor,
        cls,
        Html.escape(s));
  }

  private static String tickLabel(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1_000_000) {
      return trim(v / 1_000_000) + "M";
    }
    if (a >= 10_000) {
      return trim(v / 1_000) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / magnitude;
    double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private record Scale(double from, double to, double pixelFrom, double pixelTo, boolean log) {
    double map(double v) {
      double f =
          log
              ? (Math.log10(v) - Math.log10(from)) / (Math.log10(to) - Math.log10(from))
              : (v - from) / (to - from);
      return pixelFrom + f * (pixelTo - pixelFrom);
    }
  }
}
