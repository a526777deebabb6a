package dev.flightlab.cli;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import java.net.URI;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The connection flags every client command shares. */
final class ClientMixin {
  @Option(
      names = "--server",
      defaultValue = ClientOptions.DEFAULT_SERVER,
      description =
          "Flight server location (grpc://, grpc+tcp://, grpc+tls:// or grpc+unix:///PATH)."
              + " Default: ${DEFAULT-VALUE}.")
  URI server;

  @Mixin ClientSecurityFlags security = new ClientSecurityFlags();

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  ClientOptions options() {
    return security.security().options(server);
  }

  FlightLabClient connect(BufferAllocator allocator) {
    return FlightLabClient.connect(options(), allocator);
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
