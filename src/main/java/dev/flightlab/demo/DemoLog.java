package dev.flightlab.demo;

/** Where the demo's log lines go: the CLI logs them, tests collect them. */
public interface DemoLog {
  /** An INFO line. */
  void info(String message);

  /** An ERROR line. */
  void error(String message);
}
