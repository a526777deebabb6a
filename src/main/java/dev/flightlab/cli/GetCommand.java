package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.data.ValueFormatter;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.files.DataFileException;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
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

  @Option(
      names = "--parallel",
      defaultValue = "1",
      description =
          "With --output to an Arrow IPC file or stream, fetch up to this many of the dataset's"
              + " endpoints at once (joined in order, held in memory until written)."
              + " Default: ${DEFAULT-VALUE}.")
  int parallel;

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
        if (parallel < 1) {
          throw new IllegalArgumentException("--parallel must be at least 1: " + parallel);
        }
        long start = System.nanoTime();
        FlightInfo info = c.info(dataset);
        WriteOutcome written = download(c, info, fileFormat, options);
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
   * Writes every endpoint of {@code info} to the output file: streamed batch by batch, endpoint
   * after endpoint, or with {@code --parallel} fetched at once into memory and written as Arrow
   * IPC.
   */
  private WriteOutcome download(
      FlightLabClient c, FlightInfo info, FileFormat fileFormat, WriteOptions options)
      throws IOException {
    if (parallel > 1) {
      if (!fileFormat.description().startsWith("Arrow IPC")) {
        throw new IllegalArgumentException(
            "--parallel writes Arrow IPC files and streams only, not " + fileFormat.description());
      }
      try (BatchSet table = c.get(info, parallel, null, IpcCompression.NONE)) {
        long bytes = ArrowFiles.write(table, output, c.allocator());
        return new WriteOutcome(table.rowCount(), table.batches().size(), bytes);
      }
    }
    Schema schema = info.getSchemaOptional().orElse(null);
    if (schema != null && IpcSchemas.hasStandIns(schema)) {
      // Arrow Java's FlightStream cannot read these types: flightlab's reader, into memory.
      String unsupported = IpcSchemas.firstStandIn(schema);
      if (!fileFormat.description().startsWith("Arrow IPC")) {
        throw DataFileException.of(
            output,
            unsupported
                + ", which flightlab cannot write as "
                + fileFormat.description()
                + " yet (write Arrow IPC instead)");
      }
      try (BatchSet table = c.get(info, parallel, null, IpcCompression.NONE)) {
        ArrowFiles.Format layout =
            fileFormat == FileFormat.ARROW_FILE ? ArrowFiles.Format.FILE : ArrowFiles.Format.STREAM;
        long bytes = ArrowFiles.write(table, output, layout, c.allocator());
        return new WriteOutcome(table.rowCount(), table.batches().size(), bytes);
      }
    }
    try (ArrowReader source = new EndpointsReader(c, info.getEndpoints())) {
      return DataFiles.write(source, output, options, c.allocator());
    }
  }

  /**
   * Prints the schema and the first rows, one tab-separated line each, every value as pyarrow's
   * {@code str()} prints it ({@link ValueFormatter}); dictionary columns show their values as the
   * stream's dictionaries stood at each batch (replacements and deltas applied).
   */
  private void preview(FlightLabClient c, DatasetPath dataset, PrintWriter out) {
    long shown = 0;
    try (BatchSet table = c.get(dataset);
        VectorSchemaRoot root = IpcSchemas.createRoot(table.schema(), c.allocator())) {
      out.println("Schema: " + IpcSchemas.describe(table.schema()));
      out.println(
          String.join("\t", root.getSchema().getFields().stream().map(f -> f.getName()).toList()));
      VectorLoader loader = new VectorLoader(root);
      for (int b = 0; b < table.batches().size() && shown < limit; b++) {
        loader.load(table.batches().get(b));
        ValueFormatter formatter = new ValueFormatter(table.dictionariesAt(b));
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
      out.printf("(%d of %d rows shown)%n", shown, table.rowCount());
    }
  }

  /**
   * A FlightInfo's endpoints as one {@link ArrowReader}, the source {@link DataFiles#write} takes:
   * each endpoint's ticket redeemed where {@link FlightLabClient#clientFor} says, in order, each
   * batch pulled as the writer asks (gRPC's flow control holds the server back meanwhile). Every
   * stream's batches are moved into this reader's root without copying; dictionaries are those of
   * the stream being read.
   */
  static final class EndpointsReader extends ArrowReader {
    private final FlightLabClient client;
    private final Iterator<FlightEndpoint> endpoints;
    private FlightStream stream;
    private VectorSchemaRoot root;

    EndpointsReader(FlightLabClient client, List<FlightEndpoint> endpoints) {
      super(client.allocator());
      this.client = client;
      this.endpoints = endpoints.iterator();
      if (!this.endpoints.hasNext()) {
        throw new IllegalArgumentException("the server listed no endpoint for this dataset");
      }
      this.stream = open(this.endpoints.next());
    }

    private FlightStream open(FlightEndpoint endpoint) {
      FlightLabClient at = client.clientFor(endpoint);
      return at.flight().getStream(endpoint.getTicket(), at.options());
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      while (!stream.next()) {
        if (!endpoints.hasNext()) {
          return false;
        }
        closeStream();
        stream = open(endpoints.next());
      }
      // The stream's buffers are retained by this reader's root: an accounting move, no copy.
      try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
        new VectorLoader(getVectorSchemaRoot()).load(batch);
      }
      return true;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      if (root == null) {
        root = VectorSchemaRoot.create(stream.getSchema(), allocator);
      }
      return root;
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
      if (root != null) {
        root.close();
      }
      closeStream();
    }

    private void closeStream() throws IOException {
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
