package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The per-case lines of python/interop_*.py ("PASS NAME", "KNOWN_GAP NAME: error", "FAIL NAME:
 * why", "FIXED NAME: ..." and a closing "SUMMARY ..."), as one JUnit test per case.
 */
final class ScriptOutcomes {
  private static final Pattern LINE =
      Pattern.compile("^(PASS|KNOWN_GAP|FAIL|FIXED) (\\S+)(?:: (.*)| \\((.*)\\))?$");

  private ScriptOutcomes() {}

  /** One case's line. */
  record Outcome(String status, String name, String detail) {
    boolean passed() {
      return status.equals("PASS");
    }

    boolean knownGap() {
      return status.equals("KNOWN_GAP");
    }
  }

  /** The case lines of {@code run}, after checking that the script ran to its SUMMARY line. */
  static List<Outcome> parse(Pyarrow.Run run) {
    List<Outcome> outcomes = new ArrayList<>();
    boolean summary = false;
    for (String line : run.lines()) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        String detail = m.group(3) != null ? m.group(3) : m.group(4);
        outcomes.add(new Outcome(m.group(1), m.group(2), detail == null ? "" : detail));
      } else if (line.startsWith("SUMMARY ")) {
        summary = true;
      }
    }
    if (!summary || outcomes.isEmpty()) {
      fail("the script stopped before its SUMMARY line:\n" + run.describe());
    }
    return outcomes;
  }

  /**
   * A test per case (a PASS or a KNOWN_GAP passes; a FAIL or a FIXED fails with the script's
   * words), and one that the script's exit code agrees.
   */
  static Stream<DynamicTest> asTests(Pyarrow.Run run) {
    List<Outcome> outcomes = parse(run);
    boolean allGood = outcomes.stream().allMatch(o -> o.passed() || o.knownGap());
    Stream<DynamicTest> cases =
        outcomes.stream()
            .map(
                o ->
                    DynamicTest.dynamicTest(
                        o.knownGap() ? o.name() + " (known gap)" : o.name(),
                        () -> {
                          if (!o.passed() && !o.knownGap()) {
                            fail(o.status() + " " + o.name() + ": " + o.detail());
                          }
                        }));
    DynamicTest exit =
        DynamicTest.dynamicTest(
            "script exit code",
            () ->
                assertThat(run.exit())
                    .as("exit code of %s", run.describe())
                    .isEqualTo(allGood ? 0 : 1));
    return Stream.concat(cases, Stream.of(exit));
  }
}
