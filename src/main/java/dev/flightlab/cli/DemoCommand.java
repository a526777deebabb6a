package dev.flightlab.cli;

import dev.flightlab.demo.DemoLog;
import dev.flightlab.demo.DemoOptions;
import dev.flightlab.demo.DemoScenario;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import java.net.URI;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flightlab demo}: the original Python demo's flow, on an embedded server by default. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the original demo flow on an embedded server (or --server).",
      "Uploads two tables, lists flights, fetches one back, then times 100 DoPuts of 131,072"
          + " rows.",
      "The embedded server runs on a free loopback port in the same JVM."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("flightlab.demo");

  @Option(
      names = "--server",
      description =
          "Run against this server (grpc://HOST:PORT, grpc+unix:///PATH...) instead of an"
              + " embedded one.")
  URI server;

  @Option(
      names = "--batches",
      defaultValue = "" + DemoOptions.DEFAULT_BATCHES,
      description = "DoPut operations in the benchmark phase. Default: ${DEFAULT-VALUE}.")
  int batches;

  @Option(
      names = "--rows-per-batch",
      defaultValue = "" + DemoOptions.DEFAULT_ROWS_PER_BATCH,
      description = "Rows in each benchmark table. Default: ${DEFAULT-VALUE}.")
  int rowsPerBatch;

  @Mixin ClientSecurityFlags security = new ClientSecurityFlags();

  @Option(
      names = "--log-level",
      defaultValue = "info",
      description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(
      names = "--warmup",
      description =
          "First run uploads and downloads through a throwaway server in this JVM for this long"
              + " (e.g. 400ms, 1s), so that the demo meets compiled code: before the embedded"
              + " server listens, or with --server before connecting (warming this JVM's client);"
              + " logged, never counted; 0 skips it. Default: ${DEFAULT-VALUE}.")
  String warmup = ServeCommand.Durations.format(DemoOptions.DEFAULT_WARMUP);

  @Option(
      names = "--prefault",
      description =
          "Memory the embedded server faults in before it listens, into which its first uploads"
              + " are received (as serve --prefault); logged, never counted; 0 skips it, and"
              + " with --server there is nothing to do. Default: ${DEFAULT-VALUE}.")
  String prefault = MemorySizes.format(ServeCommand.DEFAULT_PREFAULT_BYTES);

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  DemoOptions options() {
    return new DemoOptions(server, batches, rowsPerBatch, security.security())
        .withWarmup(ServeCommand.Durations.parse(warmup))
        .withPrefault(MemorySizes.parseOrZero(prefault));
  }

  @Override
  public Integer call() throws Exception {
    Main.setLogLevel(logLevel);
    DemoLog sink =
        new DemoLog() {
          @Override
          public void info(String message) {
            log.info(message);
          }

          @Override
          public void error(String message) {
            log.error(message);
          }
        };
    try (BufferAllocator allocator = Allocators.newRoot()) {
      return new DemoScenario(options(), sink).run(allocator);
    }
  }
}
