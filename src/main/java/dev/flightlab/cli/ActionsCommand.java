package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.memory.Allocators;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab actions}: lists the server's actions, or runs one. */
@Command(
    name = "actions",
    mixinStandardHelpOptions = true,
    description = {
      "List the server's actions, or run one and print its results.",
      "Examples:",
      "  flightlab actions stats",
      "  flightlab actions drop /reports/daily_sales"
    })
final class ActionsCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", description = "Action to run.")
  String action;

  @Parameters(index = "1", arity = "0..1", description = "Action body (UTF-8).")
  String body;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      if (action == null) {
        for (ActionType t : c.listActions()) {
          out.printf("%-10s %s%n", t.getType(), t.getDescription());
        }
      } else {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        for (String result : c.action(action, bytes)) {
          out.println(result);
        }
      }
      out.flush();
      return 0;
    }
  }
}
