package dev.flightlab.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flightlab.bench.BenchFixtures;
import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.Golden;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.TargetOptions;
import dev.flightlab.bench.TransferOptions;
import dev.flightlab.wire.IpcCompression;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins each report format's output for fixed results (golden files). */
class ReportFormatsTest {
  private static String render(ReportWriter writer, RunResult r) throws IOException {
    StringWriter out = new StringWriter();
    writer.write(r, out);
    return out.toString();
  }

  @Test
  void textTableOfOnePoint() throws IOException {
    Golden.assertMatches("bench-put.txt", render(new TextReport(), BenchFixtures.putRun()));
  }

  @Test
  void textTableOfASweep() throws IOException {
    Golden.assertMatches("bench-sweep.txt", render(new TextReport(), BenchFixtures.sweepRun()));
  }

  @Test
  void jsonCarriesOptionsEnvironmentAndEveryIteration() throws IOException {
    String json = render(new JsonReport(), BenchFixtures.putRun());
    Golden.assertMatches("bench-put.json", json);
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.path("options").path("data").path("rows").asLong()).isEqualTo(1_000_000);
    assertThat(root.path("environment").path("cores").asInt()).isEqualTo(2);
    JsonNode point = root.path("points").get(0);
    assertThat(point.path("warmups")).hasSize(1);
    assertThat(point.path("iterations")).hasSize(3);
    assertThat(point.path("summary").path("put").path("n").asInt()).isEqualTo(3);
  }

  @Test
  void jsonNeverShowsTheAuthToken() throws IOException {
    RunResult r = BenchFixtures.putRun();
    TargetOptions t = TargetOptions.DEFAULTS;
    RunResult withToken =
        BenchFixtures.withOptions(
            r,
            r.options()
                .with(
                    new TargetOptions(
                        t.server(),
                        t.serverProcess(),
                        t.serverPort(),
                        "s3cret",
                        t.tlsTrustedCerts(),
                        t.tlsCert(),
                        t.tlsKey(),
                        t.pathPrefix(),
                        t.dataset(),
                        t.keep(),
                        t.unixSocket())));
    assertThat(render(new JsonReport(), withToken)).doesNotContain("s3cret");
    assertThat(render(new HtmlReport(), withToken)).doesNotContain("s3cret");
  }

  @Test
  void theCompressionLabelSaysWhichWayTheDataMoves() throws IOException {
    Map<Op, String> directions =
        Map.of(
            Op.PUT, "(client to server)",
            Op.GET, "(server to client)",
            Op.ROUNDTRIP, "(client to server, then server to client)");
    for (Map.Entry<Op, String> e : directions.entrySet()) {
      RunResult r = BenchFixtures.putRun();
      BenchOptions o =
          r.options()
              .with(e.getKey())
              .with(TransferOptions.DEFAULTS.withCompression(IpcCompression.parse("zstd")));
      assertThat(render(new TextReport(), BenchFixtures.withOptions(r, o)))
          .contains("; compression zstd " + e.getValue() + "; client flightlab");
    }
  }

  @Test
  void aServerInItsOwnJvmAddsItsCpuAndJitTimeAndFlagsAnUnfinishedWarmUp() throws IOException {
    RunResult r = BenchFixtures.putRun(true);
    // Measured iterations: 0.430 s in all; the server compiled for 0.010 + 0.012 + 0.014 s and
    // this JVM for 0.004 + 0.005 + 0.006 s: the busier one, 8% of the time, is under 10%.
    String text = render(new TextReport(), r);
    assertThat(text)
        .contains("(client); server JVM 0.360 s in 0.430 s of measured iterations")
        .contains(
            "  JIT          compiling during measured iterations: client 0.015 s, server 0.036 s"
                + " (8% of their time)\n")
        .doesNotContain("still warming up");
    JsonNode it =
        new ObjectMapper()
            .readTree(render(new JsonReport(), r))
            .path("points")
            .path(0)
            .path("iterations")
            .path(1);
    assertThat(it.path("jit_compile_nanos").asLong()).isEqualTo(5_000_000);
    assertThat(it.path("server_cpu_nanos").asLong()).isEqualTo(120_000_000);
    assertThat(it.path("server_jit_compile_nanos").asLong()).isEqualTo(12_000_000);
    String[] rows = render(new CsvReport(), r).split("\r\n");
    assertThat(rows[3]).as("measured iteration 2").endsWith(",0.005,0.120,0.012");
    assertThat(rows[1]).as("the warm-up iteration knows none of them").endsWith(",,,,");
  }

  @Test
  void csvHasOneRowPerIterationPhaseWarmupsFlagged() throws IOException {
    String csv = render(new CsvReport(), BenchFixtures.putRun());
    Golden.assertMatches("bench-put.csv", csv);
    String[] lines = csv.split("\r\n");
    assertThat(lines).hasSize(1 + 4);
    assertThat(lines[0].split(",")).hasSize(CsvReport.COLUMNS.size());
    assertThat(lines[1]).startsWith("put,,true,1,put,");
    assertThat(lines[2]).startsWith("put,,false,1,put,");
    assertThat(CsvReport.quote("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvReport.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  @Test
  void csvNamesTheClientOfEveryRow() throws IOException {
    String[] lines = render(new CsvReport(), BenchFixtures.putRun()).split("\r\n");
    int client = java.util.List.of(lines[0].split(",")).indexOf("client");
    assertThat(client).as("the client column").isNotNegative();
    assertThat(lines[1].split(",", -1)[client]).isEqualTo("flightlab");
  }

  @Test
  void htmlIsSelfContainedWithTheThreeCharts() throws IOException {
    String html = render(new HtmlReport(), BenchFixtures.sweepRun());
    Golden.assertMatches("bench-sweep.html", html);
    assertThat(html).contains("Throughput per iteration");
    assertThat(html).contains("Latency percentile distribution");
    assertThat(html).contains("Throughput against batch-rows");
    // Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("<img")
        .doesNotContain("@import")
        .doesNotContainPattern("(src|href)\\s*=")
        .doesNotContainPattern("url\\(");
    assertThat(html.split("<svg ", -1)).hasSize(4);
  }

  @Test
  void htmlOfOnePointSaysThereIsNoSweep() throws IOException {
    String html = render(new HtmlReport(), BenchFixtures.putRun());
    Golden.assertMatches("bench-put.html", html);
    assertThat(html).contains("this run swept nothing");
    assertThat(html.split("<svg ", -1)).hasSize(3);
  }

  @Test
  void aFailedRunSaysSoInEveryFormat() throws IOException {
    RunResult r = BenchFixtures.putRun();
    RunResult failed =
        new RunResult(
            r.options(),
            r.commandLine(),
            r.environment(),
            r.server(),
            r.startedAt(),
            r.elapsedNanos(),
            r.points(),
            r.serverStatsBefore(),
            r.serverStatsAfter(),
            r.notes(),
            "put, iteration 4: UNAVAILABLE: io exception",
            null);
    assertThat(render(new TextReport(), failed))
        .contains("FAILED: put, iteration 4: UNAVAILABLE: io exception (partial results above)");
    assertThat(render(new JsonReport(), failed)).contains("\"status\" : \"failed\"");
    assertThat(render(new HtmlReport(), failed)).contains("FAILED:");
  }
}
