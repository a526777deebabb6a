package dev.flightlab.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * How a client proves who it is and whom it trusts: the part of {@link ClientOptions} that every
 * client command, the demo and the bench take from the same flags.
 *
 * @param authToken bearer token sent with every call, or null
 * @param trustedCertificates PEM file of certificates to trust for TLS, or null for the system's
 * @param clientCertificate PEM certificate chain to present to a server that asks for one (mutual
 *     TLS), or null
 * @param clientKey PEM private key (PKCS#8) of {@code clientCertificate}, or null
 */
public record ClientSecurity(
    String authToken, Path trustedCertificates, Path clientCertificate, Path clientKey) {
  /** No token, the system's trust, no client certificate. */
  public static final ClientSecurity NONE = new ClientSecurity(null, null, null, null);

  public ClientSecurity {
    authToken = authToken == null || authToken.isEmpty() ? null : authToken;
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs both --tls-cert and --tls-key");
    }
  }

  /** A copy with a bearer token. */
  public ClientSecurity withAuthToken(String token) {
    return new ClientSecurity(token, trustedCertificates, clientCertificate, clientKey);
  }

  /** A copy that trusts the certificates in a PEM file. */
  public ClientSecurity withTrustedCertificates(Path pem) {
    return new ClientSecurity(authToken, pem, clientCertificate, clientKey);
  }

  /** The options to reach {@code server} with this token, trust and client certificate. */
  public ClientOptions options(URI server) {
    return new ClientOptions(
        server, authToken, trustedCertificates, true, clientCertificate, clientKey);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientSecurity[authToken="
        + (authToken == null ? "none" : "(set)")
        + ", trustedCertificates="
        + trustedCertificates
        + ", clientCertificate="
        + clientCertificate
        + ", clientKey="
        + clientKey
        + "]";
  }
}
