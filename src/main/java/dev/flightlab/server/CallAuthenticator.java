package dev.flightlab.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.impl.Flight;

/**
 * Admits a Flight call only with accepted credentials: a bearer token (configured, or issued by the
 * basic-auth handshake) or basic-auth user and password; a read-only one may not upload (DoPut) nor
 * run the actions that change the store (drop, clear). DoExchange only echoes what it is sent, so
 * read-only credentials may use it.
 *
 * <p>The Handshake with {@code authorization: Basic ...} answers, when the user is accepted, with
 * an {@code authorization: Bearer ...} header that every later call may carry, as Arrow's {@code
 * authenticateBasicToken} clients (Java, C++, pyarrow) expect. Refusals are logged through a {@link
 * RefusalLog}; the client hears why, never a secret.
 */
final class CallAuthenticator implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The actions that change the store: refused to read-only credentials. */
  static final Set<String> WRITE_ACTIONS = Set.of("drop", "clear");

  /** The calls that write to the store; DoExchange echoes and stores nothing. */
  private static final Set<String> UPLOADS = Set.of("DoPut");

  /** Bearer tokens the handshake issued, remembered (least recently used first out). */
  private static final int MAX_ISSUED_TOKENS = 10_000;

  private final Map<String, Boolean> tokens = new HashMap<>();
  private final Map<String, Credentials.User> users = new HashMap<>();
  private final Map<String, Boolean> issued =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_ISSUED_TOKENS;
        }
      };
  private final SecureRandom random = new SecureRandom();
  private final RefusalLog refusals;

  CallAuthenticator(Credentials credentials, RefusalLog refusals) {
    for (Credentials.Token t : credentials.tokens()) {
      // A token listed twice is read-write if either line says so.
      tokens.merge(digest(t.secret()), t.readOnly(), (a, b) -> a && b);
    }
    for (Credentials.User u : credentials.users()) {
      users.put(u.name(), u);
    }
    this.refusals = refusals;
  }

  /** Who a call is, once admitted. */
  private record Principal(boolean readOnly, String issuedBearer) {}

  /** Why a call is refused: for the client, and for the log. */
  private static final class Refusal extends Exception {
    final Status status;
    final String reason;

    Refusal(Status status, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.reason = reason;
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!FlightConstants.SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getBareMethodName();
    Principal principal;
    try {
      principal = authenticate(headers.get(AUTHORIZATION), method.equals("Handshake"));
      if (principal.readOnly() && UPLOADS.contains(method)) {
        throw new Refusal(
            Status.PERMISSION_DENIED.withDescription(
                "These credentials are read-only: " + method + " is not allowed"),
            "read-only credentials");
      }
    } catch (Refusal r) {
      refuse(call, method, r);
      return new ServerCall.Listener<>() {};
    }
    ServerCall<ReqT, RespT> admitted = call;
    if (principal.issuedBearer() != null) {
      admitted = withBearerHeader(call, principal.issuedBearer());
    }
    ServerCall.Listener<ReqT> listener = next.startCall(admitted, headers);
    if (principal.readOnly() && method.equals("DoAction")) {
      return readOnlyActions(call, listener);
    }
    return listener;
  }

  private Principal authenticate(String authorization, boolean handshake) throws Refusal {
    if (authorization == null) {
      throw new Refusal(
          Status.UNAUTHENTICATED.withDescription(
              "This server needs a bearer token (authorization header)"),
          "no credentials");
    }
    int space = authorization.indexOf(' ');
    String scheme =
        space < 0 ? authorization : authorization.substring(0, space).toLowerCase(Locale.ROOT);
    String value = space < 0 ? "" : authorization.substring(space + 1).strip();
    switch (scheme) {
      case "bearer" -> {
        Boolean readOnly = tokens.get(digest(value));
        if (readOnly == null) {
          synchronized (issued) {
            readOnly = issued.get(digest(value));
          }
        }
        if (readOnly == null) {
          throw new Refusal(
              Status.UNAUTHENTICATED.withDescription("The bearer token was not accepted"),
              "bearer token not accepted");
        }
        return new Principal(readOnly, null);
      }
      case "basic" -> {
        Credentials.User user = basicUser(value);
        if (!handshake) {
          return new Principal(user.readOnly(), null);
        }
        String bearer = newToken();
        synchronized (issued) {
          issued.put(digest(bearer), user.readOnly());
        }
        return new Principal(user.readOnly(), bearer);
      }
      default ->
          throw new Refusal(
              Status.UNAUTHENTICATED.withDescription(
                  "The authorization header must be 'Bearer TOKEN' or 'Basic USER:PASSWORD'"),
              "unknown authorization scheme");
    }
  }

  private Credentials.User basicUser(String base64) throws Refusal {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = "";
    }
    int colon = decoded.indexOf(':');
    Credentials.User user = colon <= 0 ? null : users.get(decoded.substring(0, colon));
    // Compared as digests: as long for every password, right or wrong.
    if (user == null
        || !MessageDigest.isEqual(sha256(user.password()), sha256(decoded.substring(colon + 1)))) {
      throw new Refusal(
          Status.UNAUTHENTICATED.withDescription("The user name or password was not accepted"),
          colon <= 0
              ? "malformed basic credentials"
              : "basic credentials not accepted for user '"
                  + printable(decoded.substring(0, colon))
                  + "'");
    }
    return user;
  }

  private <ReqT, RespT> void refuse(ServerCall<ReqT, RespT> call, String method, Refusal r) {
    refusals.refused(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), method, r.reason);
    call.close(r.status, new Metadata());
  }

  /** Refuses the store-changing actions of a read-only caller; lets the others through. */
  private <ReqT, RespT> ServerCall.Listener<ReqT> readOnlyActions(
      ServerCall<ReqT, RespT> call, ServerCall.Listener<ReqT> listener) {
    return new SimpleForwardingServerCallListener<>(listener) {
      private boolean refused;

      @Override
      public void onMessage(ReqT message) {
        if (message instanceof Flight.Action action && WRITE_ACTIONS.contains(action.getType())) {
          refused = true;
          refuse(
              call,
              "DoAction",
              new Refusal(
                  Status.PERMISSION_DENIED.withDescription(
                      "These credentials are read-only: action '"
                          + action.getType()
                          + "' is not allowed"),
                  "read-only credentials (action '" + action.getType() + "')"));
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  /** The call with {@code authorization: Bearer TOKEN} in its response headers (or trailers). */
  private static <ReqT, RespT> ServerCall<ReqT, RespT> withBearerHeader(
      ServerCall<ReqT, RespT> call, String token) {
    return new SimpleForwardingServerCall<>(call) {
      private boolean sentHeaders;

      @Override
      public void sendHeaders(Metadata headers) {
        sentHeaders = true;
        headers.put(AUTHORIZATION, "Bearer " + token);
        super.sendHeaders(headers);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (!sentHeaders) {
          // A call that ends before sending headers answers with trailers only.
          trailers.put(AUTHORIZATION, "Bearer " + token);
        }
        super.close(status, trailers);
      }
    };
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String digest(String token) {
    return Base64.getEncoder().encodeToString(sha256(token));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String printable(String s) {
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
