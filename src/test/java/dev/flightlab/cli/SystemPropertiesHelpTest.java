package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.testing.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code flightlab.*} system property the code reads is listed, with its default, in help.
 */
class SystemPropertiesHelpTest {
  private static final Path MAIN_SOURCES = Path.of("src/main/java");

  /** A string constant: {@code NAME = "flightlab.something"}. */
  private static final Pattern CONSTANT =
      Pattern.compile("(\\w+)\\s*=\\s*\"(flightlab\\.[A-Za-z0-9_.]+)\"");

  /** A system property read, by a literal name or by a constant's. */
  private static final Pattern READ =
      Pattern.compile(
          "(?:System\\.getProperty|Long\\.getLong|Integer\\.getInteger|Boolean\\.getBoolean)"
              + "\\(\\s*(?:\"(flightlab\\.[A-Za-z0-9_.]+)\"|([A-Za-z_][\\w.]*))");

  private static Set<String> propertiesRead;

  @BeforeAll
  static void findPropertyReads() throws IOException {
    Map<String, String> constants = new HashMap<>();
    Map<Path, String> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .forEach(
              f -> {
                try {
                  sources.put(f, Files.readString(f));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    for (String source : sources.values()) {
      Matcher m = CONSTANT.matcher(source);
      while (m.find()) {
        constants.put(m.group(1), m.group(2));
      }
    }
    propertiesRead = new TreeSet<>();
    for (String source : sources.values()) {
      Matcher m = READ.matcher(source);
      while (m.find()) {
        if (m.group(1) != null) {
          propertiesRead.add(m.group(1));
        } else {
          String constant = m.group(2).substring(m.group(2).lastIndexOf('.') + 1);
          if (constants.containsKey(constant)) {
            propertiesRead.add(constants.get(constant));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "serve --help", "demo --help"})
  void helpListsEveryPropertyTheCodeReads(String args) {
    // The scan itself works: it finds the properties known when this test was written.
    assertThat(propertiesRead)
        .contains(
            "flightlab.blockCacheBytes",
            "flightlab.prefaultBytes",
            "flightlab.exactAllocationBytes",
            "flightlab.maxFrameBytes",
            "flightlab.transport");
    Cli.Run help = Cli.run(args.split(" "));
    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .as("%s has a system properties footer", args)
        .contains("System properties");
    String footer = help.out().substring(help.out().indexOf("System properties"));
    for (String property : propertiesRead) {
      assertThat(footer).as("%s lists %s", args, property).containsPattern(property + "\\s");
    }
  }
}
