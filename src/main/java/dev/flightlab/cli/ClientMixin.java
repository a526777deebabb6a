package dev.flightlab.cli;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.server.Credentials;
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
      description =
          "Bearer token to send (default: $FLIGHTLAB_AUTH_TOKEN). Shows in the process list:"
              + " prefer --auth-token-file or the variable.")
  String authToken;

  @Option(
      names = "--auth-token-file",
      description =
          "Send the first token in this file (lines starting with # are skipped); wins over"
              + " --auth-token and $FLIGHTLAB_AUTH_TOKEN.")
  Path authTokenFile;

  @Option(
      names = "--tls-cert",
      description = "PEM certificate chain to present to a server that requires one (mutual TLS).")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-trusted-certs",
      description = "PEM file of certificates to trust for grpc+tls:// servers.")
  Path trustedCertificates;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  ClientOptions options() {
    String token =
        authTokenFile != null ? Credentials.firstToken(authTokenFile) : emptyToNull(authToken);
    ClientOptions o = ClientOptions.of(server).withAuthToken(token);
    if (tlsCert != null || tlsKey != null) {
      o = o.withClientCertificate(tlsCert, tlsKey);
    }
    return trustedCertificates == null ? o : o.withTrustedCertificates(trustedCertificates);
  }

  FlightLabClient connect(BufferAllocator allocator) {
    return FlightLabClient.connect(options(), allocator);
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
