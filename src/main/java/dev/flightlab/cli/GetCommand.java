package dev.flightlab.cli;

import dev.flightlab.client.FlightInfoReader;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.data.ValueFormatter;
import dev.flightlab.files.DataFiles;
import dev.flightlab.files.FileFormat;
import dev.flightlab.files.WriteOptions;
import dev.flightlab.files.WriteOutcome;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab get}: previews a dataset, or downloads it to a data file batch by batch. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch a dataset (DoGet): print its first rows or save it to a file, batch by batch.",
      "-o/--output formats by extension: .arrow .feather (Arrow IPC file, Feather v2), .arrows"
          + " .stream .ipc (Arrow IPC stream), .parquet, .csv, .tsv; or --format.",
      "Arrow IPC keeps the dataset's batches. The file appears once complete, replacing any old one."
    })
final class GetCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "Dataset path, e.g. /reports/daily_sales.")
  String path;

  @Option(
      names = "--limit",
      defaultValue = "10",
      description = "Rows to print. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(
      names = {"-o", "--output"},
      description = "Write the whole dataset to this file instead of printing.")
  Path output;

  @Option(
      names = "--format",
      description =
          "Format of --output: arrow, feather, arrows (also stream, ipc), parquet, csv or tsv."
              + " Default: by extension.")
  String format;

  @Option(
      names = "--delimiter",
      description =
          "CSV/TSV field delimiter: one character, or \\t. Default: , (.csv), tab (.tsv).")
  String delimiter;

  @Option(
      names = "--header",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "CSV/TSV: write a line of column names first. Default: ${DEFAULT-VALUE}.")
  boolean header;

  @Option(
      names = "--parallel",
      defaultValue = "1",
      description =
          "With -o/--output: download up to this many of the dataset's endpoints at once, each"
              + " at its own location. Rows are written in endpoint order; endpoints downloaded"
              + " ahead of the one being written are held in memory meanwhile. 1 reads one"
              + " endpoint after another, streamed. Default: ${DEFAULT-VALUE}.")
  int parallel;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    PrintWriter out = spec.commandLine().getOut();
    if (output == null && (format != null || delimiter != null)) {
      throw new IllegalArgumentException("--format and --delimiter apply to -o/--output only");
    }
    if (parallel < 1) {
      throw new IllegalArgumentException("--parallel must be at least 1: " + parallel);
    }
    if (output == null && parallel != 1) {
      throw new IllegalArgumentException(
          "--parallel applies to -o/--output only: a preview reads no more than it prints");
    }
    WriteOptions options = output == null ? null : writeOptions();
    // An unknown extension is refused before anything is fetched.
    FileFormat fileFormat = output == null ? null : DataFiles.formatOf(output, options);
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      if (output != null) {
        long start = System.nanoTime();
        FlightInfo info = c.info(dataset);
        WriteOutcome written = download(c, info, options);
        int endpoints = info.getEndpoints().size();
        out.printf(
            "Wrote %d rows in %d batches from '%s'%s to %s (%d bytes, %s, %.3f s)%n",
            written.rows(),
            written.batches(),
            dataset,
            endpoints == 1 ? "" : " (" + endpoints + " endpoints)",
            output,
            written.bytes(),
            fileFormat.description(),
            (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
      }
      preview(c, dataset, out);
      out.flush();
      return 0;
    }
  }

  private WriteOptions writeOptions() {
    FileFormat chosen = format == null ? null : FileFormat.parse(format);
    Character delimiterChar = delimiter == null ? null : FileFormat.parseDelimiter(delimiter);
    return new WriteOptions(chosen, delimiterChar, header);
  }

  /**
   * Writes every endpoint of {@code info} to the output file, batch by batch, endpoint after
   * endpoint, through flightlab's reader (dictionary replacements and deltas applied); with {@code
   * --parallel N}, up to N endpoints downloading at once.
   */
  private WriteOutcome download(FlightLabClient c, FlightInfo info, WriteOptions options)
      throws IOException {
    try (FlightInfoReader source = c.reader(info, parallel, IpcCompression.NONE)) {
      return DataFiles.write(source, output, options, c.allocator());
    }
  }

  /**
   * Prints the schema and the first rows, one tab-separated line each, every value as pyarrow's
   * {@code str()} prints it ({@link ValueFormatter}); dictionary columns show their values as the
   * stream's dictionaries stood at each batch (replacements and deltas applied). Reads no more
   * batches than it prints from: closing the reader then cancels the call and leaves the endpoints
   * after it unread.
   */
  private void preview(FlightLabClient c, DatasetPath dataset, PrintWriter out) throws IOException {
    FlightInfo info = c.info(dataset);
    long shown = 0;
    boolean ended = false;
    try (FlightInfoReader reader = c.reader(info, 1, IpcCompression.NONE)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      out.println("Schema: " + IpcSchemas.describe(root.getSchema()));
      out.println(
          String.join("\t", root.getSchema().getFields().stream().map(f -> f.getName()).toList()));
      ValueFormatter formatter = new ValueFormatter(reader);
      while (shown < limit && !ended) {
        if (!reader.loadNextBatch()) {
          ended = true;
          break;
        }
        for (int row = 0; row < root.getRowCount() && shown < limit; row++, shown++) {
          StringBuilder line = new StringBuilder();
          for (int col = 0; col < root.getFieldVectors().size(); col++) {
            if (col > 0) {
              line.append('\t');
            }
            line.append(formatter.format(root.getVector(col), row));
          }
          out.println(line);
        }
      }
    }
    // Rows not read are counted by the server's FlightInfo (-1 when it does not say).
    long total = ended ? shown : info.getRecords();
    out.println(
        total >= 0
            ? String.format("(%d of %d rows shown)", shown, total)
            : String.format("(%d rows shown; the server did not say how many in all)", shown));
  }
}
