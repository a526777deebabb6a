package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.Cli;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** serve's flags: their defaults are ServerOptions' and help shows them. */
class ServeCommandTest {
  /**
   * The serve flags that set a ServerOptions field, and that field's default as the flag takes it.
   */
  private static final Map<String, String> SERVER_OPTION_DEFAULTS =
      Map.of(
          "--host",
          ServerOptions.DEFAULT_HOST,
          "--port",
          Integer.toString(ServerOptions.DEFAULT_PORT),
          "--memory-limit",
          ServerOptions.DEFAULT_MEMORY_LIMIT,
          "--shutdown-timeout",
          ServeCommand.Durations.format(ServerOptions.DEFAULT_SHUTDOWN_TIMEOUT));

  @Test
  void serveWithNoFlagsServesServerOptionsDefaults() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs();
    ServerOptions parsed = serve.options();
    ServerOptions defaults = ServerOptions.defaults();
    assertThat(parsed.host()).isEqualTo(defaults.host());
    assertThat(parsed.port()).isEqualTo(defaults.port());
    assertThat(parsed.effectiveMemoryLimit()).isEqualTo(defaults.effectiveMemoryLimit());
    assertThat(parsed.shutdownTimeout()).isEqualTo(defaults.shutdownTimeout());
    assertThat(parsed.clientWaitTimeout()).isEqualTo(defaults.clientWaitTimeout());
    assertThat(parsed.tls()).isEqualTo(defaults.tls());
  }

  @Test
  void serveTakesEachServerDefaultFromServerOptionsAlone() {
    CommandLine serve = new CommandLine(new ServeCommand());
    for (var entry : SERVER_OPTION_DEFAULTS.entrySet()) {
      OptionSpec option = serve.getCommandSpec().findOption(entry.getKey());
      assertThat(option.defaultValue())
          .as("%s declares no default of its own", entry.getKey())
          .isNull();
      assertThat(option.defaultValueString())
          .as("%s defaults to ServerOptions'", entry.getKey())
          .isEqualTo(entry.getValue());
    }
  }

  @Test
  void helpShowsServerOptionsDefaults() {
    String help = Cli.run("serve", "--help").out();
    assertThat(help)
        .contains("Default: " + ServerOptions.DEFAULT_HOST + ".")
        .contains("Default: " + ServerOptions.DEFAULT_PORT + ".")
        .contains("Default: 75%.")
        .contains("Default: 10s.");
  }

  @Test
  void theDefaultMemoryLimitIsTheDefaultShareOfDirectMemory() {
    assertThat(MemorySizes.parse(ServerOptions.DEFAULT_MEMORY_LIMIT))
        .isEqualTo(MemorySizes.defaultMemoryLimit());
  }

  @Test
  void prefaultTakesZeroInAnyUnitAsNoneAndShowsItsDefault() {
    for (String zero : new String[] {"0", " 0 ", "0MiB", "0.0g", "00k"}) {
      assertThat(MemorySizes.parseOrZero(zero)).as(zero).isZero();
    }
    assertThat(MemorySizes.parseOrZero("256.00 MiB")).isEqualTo(256L << 20);
    assertThat(MemorySizes.parseOrZero("1k")).isEqualTo(1024);
    assertThat(MemorySizes.parseOrZero("10")).isEqualTo(10);
    // Zero is allowed, not anything else: the sizes' own grammar still applies.
    for (String bad : new String[] {"0foo", "0.5", "-0", ""}) {
      assertThatThrownBy(() -> MemorySizes.parseOrZero(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> MemorySizes.parse("0MiB"))
        .isInstanceOf(IllegalArgumentException.class);
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs();
    assertThat(MemorySizes.parseOrZero(serve.prefault))
        .isEqualTo(ServeCommand.DEFAULT_PREFAULT_BYTES);
    assertThat(Cli.run("serve", "--help").out()).contains("Default: 256.00 MiB.");
  }

  @Test
  void durationsPrintAsTheyParse() {
    for (Duration d :
        new Duration[] {Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMillis(1500)}) {
      assertThat(ServeCommand.Durations.parse(ServeCommand.Durations.format(d))).isEqualTo(d);
    }
    assertThat(ServeCommand.Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(ServeCommand.Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
  }
}
