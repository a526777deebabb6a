package dev.flightlab.cli;

import dev.flightlab.client.ClientSecurity;
import dev.flightlab.server.Credentials;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The client security flags: a mixin of every client command and the demo, an argument group of the
 * bench; one place, so that they cannot drift apart.
 */
final class ClientSecurityFlags {
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
      description =
          "PEM certificate chain to present to a server that requires one (mutual TLS). bench"
              + " without --server: the certificate its started server serves grpc+tls with.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-trusted-certs",
      description = "PEM file of certificates to trust for grpc+tls:// servers.")
  Path trustedCertificates;

  /** The token: the first in --auth-token-file when given, else --auth-token's (or null). */
  String token() {
    return authTokenFile != null
        ? Credentials.firstToken(authTokenFile)
        : ClientMixin.emptyToNull(authToken);
  }

  /** What the flags say, the token file read. */
  ClientSecurity security() {
    return new ClientSecurity(token(), trustedCertificates, tlsCert, tlsKey);
  }
}
