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
 * @param clientCertificate PEM certificate chain to present to a server that asks for one (mutual
 *     TLS), or null
 * @param clientKey PEM private key (PKCS#8) of {@code clientCertificate}, or null
 */
public record ClientOptions(
    URI server,
    String authToken,
    Path trustedCertificates,
    boolean verifyServer,
    Path clientCertificate,
    Path clientKey) {

  /** The original demo's server location. */
  public static final String DEFAULT_SERVER = "grpc://127.0.0.1:50051";

  public ClientOptions {
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs both --tls-cert and --tls-key");
    }
  }

  /** Options for a plaintext server without a token. */
  public static ClientOptions of(URI server) {
    return new ClientOptions(server, null, null, true, null, null);
  }

  /** A copy with a bearer token. */
  public ClientOptions withAuthToken(String token) {
    return new ClientOptions(
        server, token, trustedCertificates, verifyServer, clientCertificate, clientKey);
  }

  /**
   * A copy for another server (an endpoint's location), with the same token, trust and client
   * certificate.
   */
  public ClientOptions withServer(URI other) {
    return new ClientOptions(
        other, authToken, trustedCertificates, verifyServer, clientCertificate, clientKey);
  }

  /** A copy that trusts the certificates in a PEM file. */
  public ClientOptions withTrustedCertificates(Path pem) {
    return new ClientOptions(server, authToken, pem, verifyServer, clientCertificate, clientKey);
  }

  /** A copy that presents a client certificate (PEM chain and its PKCS#8 key) for mutual TLS. */
  public ClientOptions withClientCertificate(Path certificate, Path key) {
    return new ClientOptions(
        server, authToken, trustedCertificates, verifyServer, certificate, key);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientOptions[server="
        + server
        + ", authToken="
        + (authToken == null ? "none" : "(set)")
        + ", trustedCertificates="
        + trustedCertificates
        + ", verifyServer="
        + verifyServer
        + ", clientCertificate="
        + clientCertificate
        + ", clientKey="
        + clientKey
        + "]";
  }
}
