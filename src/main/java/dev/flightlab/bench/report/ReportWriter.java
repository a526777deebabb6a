package dev.flightlab.bench.report;

import dev.flightlab.bench.OutputOptions;
import dev.flightlab.bench.RunResult;
import java.io.IOException;
import java.io.Writer;

/** Renders a {@link RunResult} in one format. */
public interface ReportWriter {
  /** Writes {@code result} to {@code out} (not closed). */
  void write(RunResult result, Writer out) throws IOException;

  /** The writer for a --format. */
  static ReportWriter of(OutputOptions.Format format) {
    return switch (format) {
      case TEXT -> new TextReport();
      case JSON -> new JsonReport();
      case CSV -> new CsvReport();
    };
  }
}
