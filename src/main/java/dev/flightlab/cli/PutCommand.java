package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab put}: uploads an Arrow IPC file or stream as a dataset. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Upload an Arrow IPC file or stream as a dataset (DoPut), batch boundaries kept.")
final class PutCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "Arrow IPC file (.arrow) or stream (.arrows) to upload.")
  Path file;

  @Parameters(index = "1", description = "Dataset path, e.g. /reports/daily_sales.")
  String path;

  @Option(
      names = "--mode",
      defaultValue = "replace",
      description = "replace, append or create. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    PutMode putMode = PutMode.parse(mode);
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator);
        BatchSet table = ArrowFiles.read(file, c.allocator())) {
      PutOutcome outcome = c.put(dataset, table, putMode);
      double seconds = outcome.elapsedNanos() / 1e9;
      spec.commandLine()
          .getOut()
          .printf(
              "Uploaded %d rows in %d batches to '%s' (%s, %d IPC body bytes, %.3f s)%n",
              outcome.rows(),
              outcome.batches(),
              dataset,
              putMode.wireName(),
              table.ipcBodyBytes(),
              seconds);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
