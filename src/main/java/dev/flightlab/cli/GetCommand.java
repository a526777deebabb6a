package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.ValueFormatter;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab get}: previews a dataset, or downloads it to an Arrow IPC file. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch a dataset (DoGet): print its first rows or save it to a file.",
      "With --output, writes an Arrow IPC file (.arrow) or stream (.arrows), batch boundaries kept."
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
      names = "--parallel",
      defaultValue = "1",
      description =
          "With --output, fetch up to this many of the dataset's endpoints at once (they are"
              + " joined in order). Default: ${DEFAULT-VALUE}.")
  int parallel;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    PrintWriter out = spec.commandLine().getOut();
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      if (output != null) {
        if (parallel < 1) {
          throw new IllegalArgumentException("--parallel must be at least 1: " + parallel);
        }
        FlightInfo info = c.info(dataset);
        try (BatchSet table = c.get(info, parallel, null, IpcCompression.NONE)) {
          long bytes = ArrowFiles.write(table, output, c.allocator());
          out.printf(
              "Wrote %d rows in %d batches from '%s'%s to %s (%d bytes, Arrow IPC %s)%n",
              table.rowCount(),
              table.batches().size(),
              dataset,
              info.getEndpoints().size() == 1
                  ? ""
                  : " (" + info.getEndpoints().size() + " endpoints)",
              output,
              bytes,
              ArrowFiles.Format.forName(output).name().toLowerCase(java.util.Locale.ROOT));
        }
        out.flush();
        return 0;
      }
      preview(c, dataset, out);
      out.flush();
      return 0;
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
        VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), c.allocator())) {
      out.println("Schema: " + table.schema());
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
}
