package dev.flightlab.wire;

import java.util.Locale;

/** What an upload does to a dataset that already exists under its path. */
public enum PutMode {
  /** Replace the dataset whole (the default); create it when missing. */
  REPLACE,
  /** Add the upload's batches after the existing ones; the schema must match. */
  APPEND,
  /** Create the dataset; fail with ALREADY_EXISTS when the path is taken. */
  CREATE;

  /** Parses "replace", "append" or "create", case-insensitively. */
  public static PutMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown put mode '" + text + "' (expected replace, append or create)");
    }
  }

  /** The lower-case name used on the wire and in flags. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
