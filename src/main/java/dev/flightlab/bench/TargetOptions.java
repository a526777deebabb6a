package dev.flightlab.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The server measured and how to reach it, and what the benchmark may leave on it.
 *
 * @param server a running server to measure, or null for one started by the benchmark
 * @param serverProcess start the server as a separate JVM instead of inside this one
 * @param serverPort the port of a server the benchmark starts (in this JVM or not), 0 for any free
 *     one
 * @param authToken bearer token for the server (and required by a server the benchmark starts), or
 *     null; reports say whether it is set, never what it is
 * @param tlsTrustedCerts PEM certificates to trust for a grpc+tls server
 * @param tlsCert PEM certificate chain: with {@code server}, the client's (mutual TLS); without,
 *     the started server speaks TLS with it (and the client trusts it)
 * @param tlsKey PEM private key for {@code tlsCert}
 * @param pathPrefix where the benchmark's datasets go on the server
 * @param dataset for {@code get}: read this existing dataset instead of uploading first, or null
 * @param keep leave the benchmark's datasets on the server
 * @param unixSocket serve the server the benchmark starts (in this JVM or with {@code
 *     serverProcess}) on this Unix domain socket, reached as grpc+unix://PATH, instead of TCP; or
 *     null
 */
public record TargetOptions(
    URI server,
    boolean serverProcess,
    int serverPort,
    @JsonSerialize(using = Redacted.class) String authToken,
    Path tlsTrustedCerts,
    Path tlsCert,
    Path tlsKey,
    String pathPrefix,
    String dataset,
    boolean keep,
    Path unixSocket) {

  /** Every default: a server in this JVM, plain gRPC, no token, datasets dropped at the end. */
  public static final TargetOptions DEFAULTS =
      new TargetOptions(
          null, false, 0, null, null, null, null, "/flightlab-bench", null, false, null);

  public TargetOptions {
    authToken = authToken == null || authToken.isEmpty() ? null : authToken;
    if (serverProcess && server != null) {
      throw new IllegalArgumentException(
          "--server-process starts a server: it does not go with --server");
    }
    if (serverPort < 0 || serverPort > 65_535) {
      throw new IllegalArgumentException("--server-port must be in 0..65535, got " + serverPort);
    }
    if (server != null && serverPort != 0) {
      throw new IllegalArgumentException(
          "--server-port is the port of a server the benchmark starts: not with --server");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (unixSocket != null && server != null) {
      throw new IllegalArgumentException(
          "--unix-socket is where a server the benchmark starts listens: not with --server"
              + " (use --server grpc+unix:///PATH)");
    }
    if (unixSocket != null && serverPort != 0) {
      throw new IllegalArgumentException("--unix-socket and --server-port do not go together");
    }
    if (unixSocket != null && tlsCert != null) {
      throw new IllegalArgumentException("TLS over a Unix domain socket is not supported");
    }
  }

  /** Where the server is: "embedded", "process" or "external". */
  public String serverMode() {
    return server != null ? "external" : serverProcess ? "process" : "embedded";
  }

  /**
   * True when the connection is TLS: grpc+tls:// --server, or a started server with a certificate.
   */
  public boolean tls() {
    return server != null ? "grpc+tls".equals(server.getScheme()) : tlsCert != null;
  }

  /** These options as the JSON results show them: a record's own toString would show the token. */
  @Override
  public String toString() {
    return RecordJson.MAPPER.valueToTree(this).toString();
  }

  /** Writes a secret as whether it is set, never as its value. */
  public static final class Redacted extends StdSerializer<String> {
    public Redacted() {
      super(String.class);
    }

    @Override
    public void serialize(String value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString("(set, not shown)");
    }
  }
}
