package dev.flightlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab drop}: removes a dataset. */
@Command(
    name = "drop",
    mixinStandardHelpOptions = true,
    description = "Remove a dataset (the drop action).")
final class DropCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "Dataset path, e.g. /reports/daily_sales.")
  String path;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      JsonNode result = c.drop(dataset);
      spec.commandLine()
          .getOut()
          .printf(
              "Dropped '%s' (%d rows)%n",
              result.path("dropped").asText(), result.path("rows").asLong());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
