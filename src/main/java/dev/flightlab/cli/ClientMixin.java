package dev.flightlab.cli;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import java.net.URI;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
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

  @Option(
      names = "--auth-token",
      defaultValue = "${env:FLIGHTLAB_AUTH_TOKEN}",
      description = "Bearer token to send (default: $FLIGHTLAB_AUTH_TOKEN).")
  String authToken;

  @Option(
      names = "--tls-trusted-certs",
      description = "PEM file of certificates to trust for grpc+tls:// servers.")
  Path trustedCertificates;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  ClientOptions options() {
    ClientOptions o = ClientOptions.of(server).withAuthToken(emptyToNull(authToken));
    return trustedCertificates == null ? o : o.withTrustedCertificates(trustedCertificates);
  }

  FlightLabClient connect(BufferAllocator allocator) {
    return FlightLabClient.connect(options(), allocator);
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
