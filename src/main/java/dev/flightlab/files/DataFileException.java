package dev.flightlab.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not what its format says, or that its format's reader or writer refused: the
 * message names the file and, where known, the line (text) or byte offset (binary) at fault.
 */
public final class DataFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@link #line()} or {@link #offset()} when not known. */
  public static final long UNKNOWN = -1;

  private final transient Path file;
  private final long line;
  private final long offset;

  private DataFileException(Path file, long line, long offset, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
    this.line = line;
    this.offset = offset;
  }

  /** "{@code file}: {@code problem}". */
  public static DataFileException of(Path file, String problem) {
    return new DataFileException(file, UNKNOWN, UNKNOWN, file + ": " + problem, null);
  }

  /** "{@code file}: {@code problem}", keeping {@code cause} for --verbose. */
  public static DataFileException of(Path file, String problem, Throwable cause) {
    return new DataFileException(file, UNKNOWN, UNKNOWN, file + ": " + problem, cause);
  }

  /** "{@code file}: line {@code line}: {@code problem}" (lines count from 1). */
  public static DataFileException atLine(Path file, long line, String problem, Throwable cause) {
    return new DataFileException(
        file, line, UNKNOWN, file + ": line " + line + ": " + problem, cause);
  }

  /** "{@code file}: at byte offset {@code offset}: {@code problem}" (offsets count from 0). */
  public static DataFileException atOffset(Path file, long offset, String problem) {
    return new DataFileException(
        file, UNKNOWN, offset, file + ": at byte offset " + offset + ": " + problem, null);
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The 1-based line at fault in a text file, or {@link #UNKNOWN}. */
  public long line() {
    return line;
  }

  /** The 0-based byte offset at fault in a binary file, or {@link #UNKNOWN}. */
  public long offset() {
    return offset;
  }
}
