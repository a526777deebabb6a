package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag errors end before anything runs: exit 2 and a message naming the bad flag or token. */
class BenchCommandTest {
  private record Outcome(int code, String err) {}

  private static Outcome run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cli.execute(all);
    return new Outcome(code, err.toString());
  }

  @Test
  void aBadSchemaSpecNamesTheBadToken() {
    Outcome o = run("--schema", "int64,int65");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("unknown type 'int65'");
  }

  @Test
  void badFlagsExitWithTwo() {
    assertThat(run("--op", "delete").err()).contains("unknown --op 'delete'");
    assertThat(run("--op", "delete").code()).isEqualTo(2);
    assertThat(run("--warmup", "soon").code()).isEqualTo(2);
    assertThat(run("--compression", "gzip").code()).isEqualTo(2);
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
    assertThat(run("--rows", "many").code()).isEqualTo(2);
    assertThat(run("--baseline", "/nonexistent/old.json").err()).contains("cannot read --baseline");
  }

  @Test
  void maxRegressionTakesPercentOrFraction() {
    assertThat(dev.flightlab.cli.BenchCommandAccess.parseFraction("10%")).isEqualTo(0.10);
    assertThat(dev.flightlab.cli.BenchCommandAccess.parseFraction("0.25")).isEqualTo(0.25);
  }
}
