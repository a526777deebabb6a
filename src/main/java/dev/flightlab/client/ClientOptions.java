package dev.flightlab.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * How to reach a Flight server.
 *
 * @param server the server's location: grpc://host:port, grpc+tcp://host:port, grpc+tls://... or
 *     grpc+unix:///path/to/socket
 * @param authToken bearer token sent with every call, or null
 * @param trustedCertificates PEM file of certificates to trust for TLS, or null for the system's
 * @param verifyServer false to skip TLS certificate verification (testing only)
 */
public record ClientOptions(
    URI server, String authToken, Path trustedCertificates, boolean verifyServer) {

  /** The original demo's server location. */
  public static final String DEFAULT_SERVER = "grpc://127.0.0.1:50051";

  /** Options for a plaintext server without a token. */
  public static ClientOptions of(URI server) {
    return new ClientOptions(server, null, null, true);
  }

  /** A copy with a bearer token. */
  public ClientOptions withAuthToken(String token) {
    return new ClientOptions(server, token, trustedCertificates, verifyServer);
  }

  /** A copy for another server (an endpoint's location), with the same token and trust. */
  public ClientOptions withServer(URI other) {
    return new ClientOptions(other, authToken, trustedCertificates, verifyServer);
  }

  /** A copy that trusts the certificates in a PEM file. */
  public ClientOptions withTrustedCertificates(Path pem) {
    return new ClientOptions(server, authToken, pem, verifyServer);
  }
}
