package dev.flightlab.bench;

/** A benchmark that could not go on: the message is the one line the user sees. */
public final class BenchFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message and the exception behind it. */
  public BenchFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure with a message. */
  public BenchFailure(String message) {
    super(message);
  }
}
