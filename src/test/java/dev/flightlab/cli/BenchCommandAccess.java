package dev.flightlab.cli;

/** Lets bench tests reach the command's package-private parsing helpers. */
public final class BenchCommandAccess {
  private BenchCommandAccess() {}

  /** {@link BenchCommand#parseFraction}. */
  public static double parseFraction(String text) {
    return BenchCommand.parseFraction(text);
  }
}
