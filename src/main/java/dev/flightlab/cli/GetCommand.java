package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.RootAllocator;
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

  private void preview(FlightLabClient c, DatasetPath dataset, PrintWriter out) throws Exception {
    long shown = 0;
    long total = 0;
    // Every endpoint of the FlightInfo, in order, each ticket redeemed where its location says.
    boolean header = true;
    boolean schemaShown = false;
    for (FlightEndpoint endpoint : c.info(dataset).getEndpoints()) {
      FlightLabClient at = c.clientFor(endpoint);
      try (FlightStream stream = at.flight().getStream(endpoint.getTicket(), at.options())) {
        if (!schemaShown) {
          out.println("Schema: " + stream.getSchema());
          schemaShown = true;
        }
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
    }
    out.printf("(%d of %d rows shown)%n", shown, total);
  }
}
