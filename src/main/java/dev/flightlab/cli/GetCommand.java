package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.files.DataFiles;
import dev.flightlab.files.FileFormat;
import dev.flightlab.files.WriteOptions;
import dev.flightlab.files.WriteOutcome;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
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

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    PrintWriter out = spec.commandLine().getOut();
    if (output == null && (format != null || delimiter != null)) {
      throw new IllegalArgumentException("--format and --delimiter apply to -o/--output only");
    }
    WriteOptions options = output == null ? null : writeOptions();
    // An unknown extension is refused before anything is fetched.
    FileFormat fileFormat = output == null ? null : DataFiles.formatOf(output, options);
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      if (output != null) {
        long start = System.nanoTime();
        WriteOutcome written;
        try (ArrowReader source =
            new FlightStreamReader(
                c.flight().getStream(dataset.toTicket(), c.options()), c.allocator())) {
          written = DataFiles.write(source, output, options, c.allocator());
        }
        out.printf(
            "Wrote %d rows in %d batches from '%s' to %s (%d bytes, %s, %.3f s)%n",
            written.rows(),
            written.batches(),
            dataset,
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

  private void preview(FlightLabClient c, DatasetPath dataset, PrintWriter out) throws Exception {
    long shown = 0;
    long total = 0;
    try (FlightStream stream = c.flight().getStream(dataset.toTicket(), c.options())) {
      out.println("Schema: " + stream.getSchema());
      boolean header = true;
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        total += root.getRowCount();
        if (shown < limit) {
          int take = (int) Math.min(limit - shown, root.getRowCount());
          try (VectorSchemaRoot slice = root.slice(0, take)) {
            String[] lines = slice.contentToTSVString().split("\n");
            for (int i = header ? 0 : 1; i < lines.length; i++) {
              out.println(lines[i]);
            }
          }
          header = false;
          shown += take;
        }
      }
    }
    out.printf("(%d of %d rows shown)%n", shown, total);
  }

  /**
   * A DoGet stream as an {@link ArrowReader}, the source {@link DataFiles#write} takes: its root
   * and dictionaries are the stream's, each batch pulled as the writer asks (gRPC's flow control
   * holds the server back meanwhile). Closing it closes the stream.
   */
  static final class FlightStreamReader extends ArrowReader {
    private final FlightStream stream;

    FlightStreamReader(FlightStream stream, BufferAllocator allocator) {
      super(allocator);
      this.stream = stream;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return stream.getRoot();
    }

    @Override
    public boolean loadNextBatch() {
      return stream.next();
    }

    @Override
    public Dictionary lookup(long id) {
      return stream.getDictionaryProvider().lookup(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
      return stream.getDictionaryProvider().getDictionaryIds();
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() {
      Map<Long, Dictionary> all = new HashMap<>();
      for (long id : getDictionaryIds()) {
        all.put(id, lookup(id));
      }
      return all;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() throws IOException {
      try {
        stream.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("closing the DoGet stream failed: " + e.getMessage(), e);
      }
    }

    @Override
    protected Schema readSchema() {
      return stream.getSchema();
    }
  }
}
