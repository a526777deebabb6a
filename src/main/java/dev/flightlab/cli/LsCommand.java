package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.memory.Allocators;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab ls}: lists datasets with rows and bytes. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = "List datasets (ListFlights), optionally under a path prefix.")
final class LsCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", description = "Path prefix, e.g. /reports.")
  String prefix;

  @Override
  public Integer call() throws Exception {
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      List<FlightInfo> flights = c.list(prefix);
      var out = spec.commandLine().getOut();
      int width = "PATH".length();
      for (FlightInfo f : flights) {
        width = Math.max(width, pathOf(f).length());
      }
      out.printf("%-" + width + "s  %14s  %16s%n", "PATH", "ROWS", "BYTES");
      for (FlightInfo f : flights) {
        out.printf("%-" + width + "s  %14d  %16d%n", pathOf(f), f.getRecords(), f.getBytes());
      }
      out.printf("%d dataset%s%n", flights.size(), flights.size() == 1 ? "" : "s");
      out.flush();
      return 0;
    }
  }

  /** The descriptor's path segments joined with "/", as the original client printed them. */
  static String pathOf(FlightInfo f) {
    return f.getDescriptor().isCommand()
        ? "(command descriptor)"
        : String.join("/", f.getDescriptor().getPath());
  }
}
