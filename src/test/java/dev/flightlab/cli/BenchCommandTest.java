package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.testing.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag errors end before anything runs: exit 2 and a message naming the bad flag or token. */
class BenchCommandTest {
  private static Cli.Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void aBadSchemaSpecNamesTheBadToken() {
    Cli.Run o = run("--schema", "int64,int65");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("unknown type 'int65'");
  }

  @Test
  void badFlagsExitWithTwo() {
    assertThat(run("--op", "delete").err()).contains("unknown --op 'delete'");
    assertThat(run("--op", "delete").exit()).isEqualTo(2);
    assertThat(run("--warmup", "soon").exit()).isEqualTo(2);
    assertThat(run("--compression", "gzip").exit()).isEqualTo(2);
    assertThat(run("--op", "exchange", "--compression", "zstd").err())
        .contains("put, get and roundtrip");
    assertThat(run("--op", "get", "--client", "arrow", "--compression", "zstd").err())
        .contains("--client flightlab");
    assertThat(run("--sweep", "rows=1", "--sweep", "rows=2").err()).contains("given twice");
    assertThat(run("--sweep", "streams=1,2", "--connections", "2").err()).contains("--connections");
    assertThat(run("--max-regression", "lots").err()).contains("--max-regression");
    assertThat(run("--format", "xml").err()).contains("unknown --format 'xml'");
    assertThat(run("--format", "json", "-o", "x.csv").err()).contains("does not match");
    assertThat(run("--op", "get", "--include-generation").err()).contains("--include-generation");
    assertThat(run("--rows", "many").exit()).isEqualTo(2);
    assertThat(run("--baseline", "/nonexistent/old.json").err()).contains("cannot read --baseline");
  }

  @Test
  void helpPrintsNoPicocliWarning() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream picocli = new ByteArrayOutputStream();
    Cli.Run help;
    System.setErr(new PrintStream(picocli, true, StandardCharsets.UTF_8));
    try {
      help = run("--help");
    } finally {
      System.setErr(stderr);
    }
    assertThat(help.exit()).isZero();
    assertThat(picocli.toString(StandardCharsets.UTF_8) + help.err()).doesNotContain("WARN");
    assertThat(help.out()).contains("at most 10% of the last").doesNotContain("%%");
  }

  @Test
  void theTopLevelHelpShowsAWholeSentenceForBench() {
    String out = Cli.run("--help").out();
    String bench = out.substring(out.indexOf("  bench "), out.indexOf("  help "));
    assertThat(bench.replaceAll("\\s+", " ").strip()).startsWith("bench Measure").endsWith(".");
  }
}
