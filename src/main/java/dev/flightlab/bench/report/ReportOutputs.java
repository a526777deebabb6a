package dev.flightlab.bench.report;

import dev.flightlab.bench.OutputOptions;
import dev.flightlab.bench.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's results where its {@link OutputOptions} say: stdout, --output and --report. */
public final class ReportOutputs {
  private ReportOutputs() {}

  /**
   * Writes every output; one that cannot be written does not stop the others.
   *
   * @return why an output could not be written, or null
   */
  public static String write(RunResult result, OutputOptions o, PrintWriter stdout) {
    String error = null;
    try {
      if (o.output() == null) {
        ReportWriter.of(o.format()).write(result, stdout);
      } else {
        if (!o.quiet()) {
          new TextReport().write(result, stdout);
        }
        write(o.output(), ReportWriter.of(o.format()), result);
      }
    } catch (IOException e) {
      error = "cannot write " + o.output() + ": " + e.getMessage();
    }
    if (o.report() != null) {
      try {
        write(o.report(), new HtmlReport(), result);
      } catch (IOException e) {
        error = "cannot write " + o.report() + ": " + e.getMessage();
      }
    }
    stdout.flush();
    return error;
  }

  private static void write(Path file, ReportWriter writer, RunResult result) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write(result, w);
    }
  }
}
