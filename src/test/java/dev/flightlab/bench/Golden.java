package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/golden: a test's output must equal its file. Run with
 * {@code -Dgolden.update=true} to rewrite them after an intended change (then review the diff).
 */
public final class Golden {
  private static final Path DIR = Path.of("src", "test", "resources", "golden");

  private Golden() {}

  /** Asserts {@code actual} equals golden file {@code name}. */
  public static void assertMatches(String name, String actual) throws IOException {
    Path file = DIR.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    if (!Files.exists(file)) {
      Files.createDirectories(DIR);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      throw new AssertionError("golden file " + file + " did not exist: written now, review it");
    }
    String expected = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(actual)
        .as("golden file " + file + " (-Dgolden.update=true rewrites it)")
        .isEqualTo(expected);
  }
}
