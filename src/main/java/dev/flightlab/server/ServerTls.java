package dev.flightlab.server;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

/**
 * The server's TLS context: its certificate chain and key (checked to belong together before the
 * server starts) and, for mutual TLS, the CA that client certificates must be signed by.
 */
final class ServerTls {
  private ServerTls() {}

  /**
   * Builds the gRPC server's SSL context from {@code options}' PEM files.
   *
   * @throws IllegalArgumentException naming the files when one cannot be read, or when the key is
   *     not the certificate's: a server that started with them would fail every handshake
   */
  static SslContext sslContext(ServerOptions options) {
    Path certFile = options.tlsCertChain();
    Path keyFile = options.tlsPrivateKey();
    requireReadable(certFile, "TLS certificate chain");
    requireReadable(keyFile, "TLS private key");
    X509Certificate[] chain;
    PrivateKey key;
    try {
      chain = PemReader.certificates(certFile.toFile());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "cannot read TLS certificate chain " + certFile + ": " + e.getMessage(), e);
    }
    if (chain.length == 0) {
      throw new IllegalArgumentException("no certificate in TLS certificate chain " + certFile);
    }
    try {
      key = PemReader.privateKey(keyFile.toFile());
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "cannot read TLS private key " + keyFile + ": " + e.getMessage(), e);
    }
    if (!belongTogether(chain[0].getPublicKey(), key)) {
      throw new IllegalArgumentException(
          "TLS private key "
              + keyFile
              + " does not match the certificate "
              + certFile
              + " (the key is not the certificate's): every handshake would fail");
    }
    SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(key, chain));
    Path clientCa = options.tlsClientCa();
    if (clientCa != null) {
      requireReadable(clientCa, "TLS client CA");
      try {
        X509Certificate[] cas = PemReader.certificates(clientCa.toFile());
        if (cas.length == 0) {
          throw new IllegalArgumentException("no certificate in TLS client CA file " + clientCa);
        }
        builder.trustManager(cas).clientAuth(ClientAuth.REQUIRE);
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalArgumentException(
            "cannot read TLS client CA " + clientCa + ": " + e.getMessage(), e);
      }
    }
    try {
      return builder.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "cannot use TLS files " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static void requireReadable(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + what + " " + file);
    }
  }

  /**
   * True when {@code key} signs what {@code publicKey} verifies; also true for a key type this
   * check does not know, which the handshake will then judge.
   */
  static boolean belongTogether(PublicKey publicKey, PrivateKey key) {
    String keyType = keyType(key.getAlgorithm());
    if (!keyType(publicKey.getAlgorithm()).equals(keyType)) {
      return false;
    }
    String algorithm =
        switch (keyType) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "DSA" -> "SHA256withDSA";
          case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return true;
    }
    try {
      // Both keys as this JVM's own provider reads them: Netty may have read the key with another.
      KeyFactory factory = KeyFactory.getInstance(keyType);
      key = factory.generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
      publicKey = factory.generatePublic(new X509EncodedKeySpec(publicKey.getEncoded()));
    } catch (GeneralSecurityException | RuntimeException e) {
      return true;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The key type, whichever provider named it (Bouncy Castle says ECDSA for EC). */
  private static String keyType(String algorithm) {
    String a = algorithm.toUpperCase(Locale.ROOT);
    return a.equals("ECDSA") ? "EC" : a;
  }

  /** Netty's PEM readers (PKCS#8 keys, certificate chains), which it keeps for subclasses. */
  private abstract static class PemReader extends SslContext {
    static X509Certificate[] certificates(File file) throws Exception {
      return toX509Certificates(file);
    }

    static PrivateKey privateKey(File file) throws Exception {
      return toPrivateKey(file, null);
    }
  }

  /**
   * Why a client's TLS handshake failed, for the log: never what the client sent (Netty's message
   * for bytes that are not TLS shows them in hex, and a plaintext gRPC client's first bytes can
   * hold its token).
   */
  static String refusalReason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof NotSslRecordException) {
        return "not TLS (a plaintext client on the TLS port?)";
      }
    }
    // OpenSSL's engine wraps the trust manager's refusal ("General OpenSslEngine problem"): the
    // reason is in a cause, so every message of the chain is read, the innermost shown.
    String message = "";
    StringBuilder all = new StringBuilder();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
        all.append(message).append('\n');
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String lower = all.toString().toLowerCase(java.util.Locale.ROOT);
    // A client offers only a certificate whose issuer the server names as acceptable, so one
    // signed by another CA usually arrives as no certificate at all.
    if (lower.contains("peer_did_not_return_a_certificate")
        || lower.contains("empty client certificate chain")
        || lower.contains("null cert chain")
        || lower.contains("peer not authenticated")
        || lower.contains("certificate_required")) {
      return "the client presented no certificate signed by --tls-client-ca";
    }
    if (lower.contains("certificate_verify_failed")
        || lower.contains("certificate verify failed")
        || lower.contains("pkix path")
        || lower.contains("certification path")) {
      return "the client's certificate is not signed by --tls-client-ca";
    }
    int alert = lower.indexOf("received fatal alert: ");
    if (alert >= 0) {
      String name = lower.substring(alert + "received fatal alert: ".length()).split("\\s")[0];
      return "the client ended the handshake ("
          + name
          + ": it may not trust the server's certificate)";
    }
    String shown = message.length() > 200 ? message.substring(0, 200) + "..." : message;
    return "TLS handshake failed" + (shown.isEmpty() ? "" : ": " + shown);
  }
}
