package dev.flightlab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time (EC P-256, so quick to make): a CA, and server and client
 * certificates it signs, written as PEM files (keys as PKCS#8) into a directory.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate file and its key file. */
  public record Pair(Path certificate, Path key) {}

  /** A CA: its certificate file, and what it signs with. */
  public static final class Authority {
    private final X500Name name;
    private final KeyPair keys;
    private final Path dir;
    private final Path certificate;

    private Authority(String cn, Path dir) throws Exception {
      this.name = new X500Name("CN=" + cn);
      this.keys = newKeys();
      this.dir = dir;
      X509CertificateHolder cert = sign(name, keys, name, keys, true, false);
      this.certificate = writePem(dir.resolve(cn + "-ca.pem"), "CERTIFICATE", cert.getEncoded());
    }

    /** The CA's certificate (PEM): what the other end trusts. */
    public Path certificate() {
      return certificate;
    }

    /** A server certificate for localhost and 127.0.0.1. */
    public Pair server(String cn) {
      return issue(cn, true);
    }

    /** A client certificate. */
    public Pair client(String cn) {
      return issue(cn, false);
    }

    private Pair issue(String cn, boolean server) {
      try {
        KeyPair subject = newKeys();
        X509CertificateHolder cert =
            sign(new X500Name("CN=" + cn), subject, name, keys, false, server);
        return new Pair(
            writePem(dir.resolve(cn + "-cert.pem"), "CERTIFICATE", cert.getEncoded()),
            writePem(
                dir.resolve(cn + "-key.pem"), "PRIVATE KEY", subject.getPrivate().getEncoded()));
      } catch (Exception e) {
        throw new IllegalStateException("cannot make a test certificate", e);
      }
    }
  }

  private TestCertificates() {}

  /** A new CA writing its files into {@code dir}. */
  public static Authority authority(String cn, Path dir) {
    try {
      return new Authority(cn, dir);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  /** A PKCS#8 PEM key file that belongs to no certificate. */
  public static Path strayKey(Path file) {
    try {
      return writePem(file, "PRIVATE KEY", newKeys().getPrivate().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test key", e);
    }
  }

  private static KeyPair newKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509CertificateHolder sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      KeyPair issuerKeys,
      boolean ca,
      boolean server)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else if (server) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return b.build(signer);
  }

  private static Path writePem(Path file, String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    try {
      return Files.writeString(
          file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
