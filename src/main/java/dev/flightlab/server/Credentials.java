package dev.flightlab.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The credentials a server accepts: bearer tokens and basic-auth users (for the Flight handshake),
 * each read-write or read-only. {@code toString()} never shows a secret.
 *
 * <p>Token files hold one token a line; user files one {@code USER:PASSWORD} a line. Either may end
 * a line with {@code read-only} (or {@code read-write}, the default) after white space; blank lines
 * and lines starting with {@code #} are skipped. Secrets hold no white space.
 */
public final class Credentials {
  /** Accepts nothing: with no credentials at all, the server asks for none. */
  public static final Credentials NONE = new Credentials(List.of(), List.of());

  /** Marks a read-only token or user at the end of a line. */
  public static final String READ_ONLY = "read-only";

  /** Marks a read-write token or user (the default). */
  public static final String READ_WRITE = "read-write";

  /** A bearer token and whether it may only read. */
  public record Token(String secret, boolean readOnly) {
    public Token {
      Objects.requireNonNull(secret, "secret");
      if (secret.isEmpty() || secret.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("a token must be non-empty, without white space");
      }
    }

    @Override
    public String toString() {
      return "Token[" + (readOnly ? READ_ONLY : READ_WRITE) + "]";
    }
  }

  /** A basic-auth user, its password and whether it may only read. */
  public record User(String name, String password, boolean readOnly) {
    public User {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(password, "password");
      if (name.isEmpty() || name.contains(":")) {
        throw new IllegalArgumentException("a user name must be non-empty, without ':'");
      }
    }

    @Override
    public String toString() {
      return "User[" + name + ", " + (readOnly ? READ_ONLY : READ_WRITE) + "]";
    }
  }

  private final List<Token> tokens;
  private final List<User> users;

  private Credentials(List<Token> tokens, List<User> users) {
    this.tokens = List.copyOf(tokens);
    this.users = List.copyOf(users);
  }

  /** The bearer tokens accepted. */
  public List<Token> tokens() {
    return tokens;
  }

  /** The basic-auth users accepted. */
  public List<User> users() {
    return users;
  }

  /** True when nothing is accepted, that is, the server asks for no credentials. */
  public boolean isEmpty() {
    return tokens.isEmpty() && users.isEmpty();
  }

  /** A copy that also accepts {@code token}. */
  public Credentials withToken(String token, boolean readOnly) {
    List<Token> more = new ArrayList<>(tokens);
    more.add(new Token(token, readOnly));
    return new Credentials(more, users);
  }

  /** A copy that also accepts the basic-auth user {@code name} with {@code password}. */
  public Credentials withUser(String name, String password, boolean readOnly) {
    List<User> more = new ArrayList<>(users);
    more.add(new User(name, password, readOnly));
    return new Credentials(tokens, more);
  }

  /** A copy that also accepts everything {@code other} accepts. */
  public Credentials with(Credentials other) {
    List<Token> t = new ArrayList<>(tokens);
    t.addAll(other.tokens);
    List<User> u = new ArrayList<>(users);
    u.addAll(other.users);
    return new Credentials(t, u);
  }

  /** Parses {@code USER:PASSWORD}, as {@code serve --auth-basic} takes it: a read-write user. */
  public static Credentials parseUser(String userColonPassword) {
    return NONE.withUser(userName(userColonPassword, "--auth-basic"), password(userColonPassword));
  }

  private Credentials withUser(String name, String password) {
    return withUser(name, password, false);
  }

  /** Reads a token file (see the class comment); fails naming the file and line, never a token. */
  public static Credentials readTokenFile(Path file) {
    Credentials c = NONE;
    for (Line line : lines(file)) {
      c = c.withToken(line.secret(), line.readOnly());
    }
    if (c.isEmpty()) {
      throw new IllegalArgumentException("token file " + file + " holds no token");
    }
    return c;
  }

  /** Reads a user file of {@code USER:PASSWORD} lines (see the class comment). */
  public static Credentials readUserFile(Path file) {
    Credentials c = NONE;
    for (Line line : lines(file)) {
      String where = file + " line " + line.number();
      c = c.withUser(userName(line.secret(), where), password(line.secret()), line.readOnly());
    }
    if (c.isEmpty()) {
      throw new IllegalArgumentException("user file " + file + " holds no USER:PASSWORD line");
    }
    return c;
  }

  /** The first token of a token file: how a client reads its token without a command line. */
  public static String firstToken(Path file) {
    return lines(file).get(0).secret();
  }

  private record Line(int number, String secret, boolean readOnly) {}

  private static List<Line> lines(Path file) {
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      boolean readOnly = words.length == 2 && words[1].equals(READ_ONLY);
      if (words.length > 2 || (words.length == 2 && !readOnly && !words[1].equals(READ_WRITE))) {
        // Never the line itself: it holds a secret.
        throw new IllegalArgumentException(
            file
                + " line "
                + (i + 1)
                + ": expected a secret, optionally followed by "
                + READ_ONLY
                + " or "
                + READ_WRITE);
      }
      lines.add(new Line(i + 1, words[0], readOnly));
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no credentials");
    }
    return lines;
  }

  private static String userName(String userColonPassword, String where) {
    int colon = userColonPassword.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(where + ": expected USER:PASSWORD");
    }
    return userColonPassword.substring(0, colon);
  }

  private static String password(String userColonPassword) {
    return userColonPassword.substring(userColonPassword.indexOf(':') + 1);
  }

  @Override
  public String toString() {
    return "Credentials[tokens=" + tokens + ", users=" + users + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credentials c && c.tokens.equals(tokens) && c.users.equals(users);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens, users);
  }
}
