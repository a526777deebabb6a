package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's pyarrow and its Python scripts, for the interop ITs: {@link #run} runs a script of
 * {@code python/} with the interpreter of the virtual environment that {@code
 * scripts/python-env.sh} makes (and installs pyarrow into on first use).
 *
 * <p>When that script fails (no Python, no package index with the pinned pyarrow), every interop
 * test fails with its message: a machine that cannot run them must say so. Setting {@value
 * #SKIP_VARIABLE}=1 skips them instead (docs/interop.md).
 */
final class Pyarrow {
  /** Set to 1 to skip the pyarrow interop tests instead of failing them. */
  static final String SKIP_VARIABLE = "FLIGHTLAB_SKIP_PYARROW";

  /** Longest wait for scripts/python-env.sh: creating the environment and installing pyarrow. */
  private static final Duration ENVIRONMENT_TIMEOUT = Duration.ofMinutes(10);

  /** Longest wait for one Python script. */
  static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private static Path python;
  private static String environmentFailure;

  private Pyarrow() {}

  /** What one script printed and how it exited. */
  record Run(String command, int exit, String out, String err) {
    /** Standard output, a line each. */
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** Standard error, a line each. */
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    /** The command, its exit code and all it printed: for assertion messages. */
    String describe() {
      return command + "\nexit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  /** The project's root: the directory with scripts/python-env.sh, from the working directory. */
  static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/python-env.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no scripts/python-env.sh above " + Path.of("").toAbsolutePath());
  }

  /**
   * The virtual environment's python, made by scripts/python-env.sh on first use (once per JVM);
   * aborts the test when {@value #SKIP_VARIABLE}=1, fails it when the environment cannot be made.
   */
  static synchronized Path python() {
    Assumptions.assumeFalse(
        "1".equals(System.getenv(SKIP_VARIABLE)),
        SKIP_VARIABLE + "=1: pyarrow interop tests skipped");
    if (environmentFailure != null) {
      fail(environmentFailure);
    }
    if (python == null) {
      Path root = projectRoot();
      Run run = exec(List.of("bash", "scripts/python-env.sh"), root, ENVIRONMENT_TIMEOUT);
      List<String> out = run.lines();
      if (run.exit() != 0 || out.isEmpty()) {
        environmentFailure =
            "scripts/python-env.sh could not make the Python environment the interop tests need"
                + " (pyarrow from python/requirements.txt). Its output:\n"
                + run.err()
                + "Fix that, or set "
                + SKIP_VARIABLE
                + "=1 to skip the pyarrow interop tests (docs/interop.md).";
        fail(environmentFailure);
      }
      python = Path.of(out.get(out.size() - 1).trim());
    }
    return python;
  }

  /** Runs {@code python/<script> args...} from the project root and waits for it. */
  static Run run(String script, String... args) {
    List<String> command = new ArrayList<>();
    command.add(python().toString());
    command.add("python/" + script);
    command.addAll(List.of(args));
    return exec(command, projectRoot(), SCRIPT_TIMEOUT);
  }

  /** Starts {@code python/<script> args...} in the background; its output goes to {@code log}. */
  static Process start(Path log, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python().toString());
    command.add("python/" + script);
    command.addAll(List.of(args));
    ProcessBuilder pb = builder(command, projectRoot());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** grpc://127.0.0.1:PORT. */
  static String grpc(int port) {
    return URI.create("grpc://127.0.0.1:" + port).toString();
  }

  private static ProcessBuilder builder(List<String> command, Path dir) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("PYTHONUNBUFFERED", "1");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    return pb;
  }

  private static Run exec(List<String> command, Path dir, Duration timeout) {
    String shown = String.join(" ", command);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("flightlab-py", ".out");
      err = Files.createTempFile("flightlab-py", ".err");
      ProcessBuilder pb = builder(command, dir);
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(shown + " did not finish within " + timeout + "; stderr:\n" + Files.readString(err));
      }
      return new Run(
          shown,
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run " + shown, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + shown, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
