package dev.flightlab.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Ticket;

/**
 * The normalised key of a dataset: a canonical path such as {@code /reports/daily_sales}.
 *
 * <p>Normalisation rule: the descriptor's path segments are joined with "/", the result is split on
 * "/", empty parts are dropped, and the remaining parts are joined behind a leading "/". So {@code
 * ["/reports/daily_sales"]}, {@code ["reports", "daily_sales"]} and {@code ["reports/",
 * "/daily_sales/"]} all name {@code /reports/daily_sales}. Parts "." and "..", control characters
 * and an empty result are rejected. A ticket is the canonical path's UTF-8 bytes (any path that
 * normalises to it is accepted).
 */
public record DatasetPath(String canonical) implements Comparable<DatasetPath> {

  /** Longest canonical path accepted, in UTF-16 chars. */
  public static final int MAX_LENGTH = 4096;

  public DatasetPath {
    if (!isCanonical(canonical)) {
      throw new IllegalArgumentException(
          "not a canonical path: '" + canonical + "' (use DatasetPath.parse)");
    }
  }

  /**
   * Whether {@code path} is what {@link #normalise} makes of itself: one pass, no allocation (every
   * call's path comes through here, after normalise built it).
   */
  private static boolean isCanonical(String path) {
    int n = path.length();
    if (n < 2 || n > MAX_LENGTH || path.charAt(0) != '/' || path.charAt(n - 1) == '/') {
      return false;
    }
    int partStart = 1;
    for (int i = 1; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int length = i - partStart;
        if (length == 0
            || (length <= 2 && path.charAt(partStart) == '.' && path.charAt(i - 1) == '.')) {
          return false;
        }
        partStart = i + 1;
      } else if (Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }

  /** Normalises a path string such as {@code reports/daily_sales} or {@code /a//b/}. */
  public static DatasetPath parse(String path) {
    return of(List.of(path));
  }

  /** Normalises path segments (each may itself hold "/"). */
  public static DatasetPath of(List<String> segments) {
    return new DatasetPath(normalise(segments));
  }

  private static String normalise(List<String> segments) {
    List<String> parts = new ArrayList<>();
    for (String segment : segments) {
      if (segment == null) {
        continue;
      }
      for (String part : segment.split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        if (part.equals(".") || part.equals("..")) {
          throw new IllegalArgumentException(
              "path " + display(segments) + " has a '" + part + "' part");
        }
        for (int i = 0; i < part.length(); i++) {
          if (Character.isISOControl(part.charAt(i))) {
            throw new IllegalArgumentException(
                "path " + display(segments) + " has a control character");
          }
        }
        parts.add(part);
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("empty path " + display(segments));
    }
    String canonical = "/" + String.join("/", parts);
    if (canonical.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("path longer than " + MAX_LENGTH + " characters");
    }
    return canonical;
  }

  /** The dataset a PATH descriptor names; a CMD descriptor is rejected. */
  public static DatasetPath fromDescriptor(FlightDescriptor descriptor) {
    if (descriptor == null) {
      throw new IllegalArgumentException("no descriptor");
    }
    if (descriptor.isCommand()) {
      throw new IllegalArgumentException(
          "command descriptors are not supported: use a path descriptor");
    }
    return of(descriptor.getPath());
  }

  /** The dataset a ticket names: the ticket bytes are the path in UTF-8. */
  public static DatasetPath fromTicket(Ticket ticket) {
    byte[] bytes = ticket.getBytes();
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty ticket");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "ticket is not a UTF-8 dataset path (" + bytes.length + " bytes)");
    }
    return parse(text);
  }

  /** This path as a one-segment descriptor, as the original demo client sends and expects. */
  public FlightDescriptor toDescriptor() {
    return FlightDescriptor.path(canonical);
  }

  /** This path as a ticket: its UTF-8 bytes. */
  public Ticket toTicket() {
    return new Ticket(canonical.getBytes(StandardCharsets.UTF_8));
  }

  /** True when this path equals the prefix or lies below it ("/a" matches "/a" and "/a/b"). */
  public boolean isUnder(DatasetPath prefix) {
    return canonical.equals(prefix.canonical) || canonical.startsWith(prefix.canonical + "/");
  }

  @Override
  public int compareTo(DatasetPath other) {
    return canonical.compareTo(other.canonical);
  }

  @Override
  public String toString() {
    return canonical;
  }

  // equals and hashCode written out: a record's own go through an invokedynamic bootstrap that C1
  // (which compiles the server) leaves as a method-handle call, 1.4 % of a warm server's network
  // thread as the store looked a path up on every DoPut.
  @Override
  public boolean equals(Object other) {
    return other instanceof DatasetPath p && canonical.equals(p.canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  private static String display(List<String> segments) {
    return segments.size() == 1 ? "'" + segments.get(0) + "'" : segments.toString();
  }
}
