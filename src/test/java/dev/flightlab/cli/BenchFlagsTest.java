package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.ConcurrencyOptions;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.OutputOptions;
import dev.flightlab.bench.Warmup;
import dev.flightlab.wire.IpcCompression;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The bench's flags and the options records they fill: one field per component, one default. */
class BenchFlagsTest {
  @Test
  void everyOptionHasItsFlagAndEveryFlagItsOption() throws NoSuchFieldException {
    assertMapsOneToOne(BenchCommand.class, BenchOptions.class);
  }

  /**
   * Flags (fields with @Option or @ArgGroup) and components: same names, same types. The shared
   * client security flags ({@link ClientSecurityFlags}) stand for the components that the group's
   * methods of those names read from them.
   */
  private static void assertMapsOneToOne(Class<?> flags, Class<?> record)
      throws NoSuchFieldException {
    Set<String> components =
        Arrays.stream(record.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toSet());
    Set<String> fields =
        Arrays.stream(flags.getDeclaredFields())
            .filter(
                f -> f.isAnnotationPresent(Option.class) || f.isAnnotationPresent(ArgGroup.class))
            .filter(f -> f.getType() != ClientSecurityFlags.class)
            .map(Field::getName)
            .collect(Collectors.toSet());
    Set<String> fromSecurity = new java.util.HashSet<>();
    if (Arrays.stream(flags.getDeclaredFields())
        .anyMatch(f -> f.getType() == ClientSecurityFlags.class)) {
      for (RecordComponent c : record.getRecordComponents()) {
        try {
          java.lang.reflect.Method m = flags.getDeclaredMethod(c.getName());
          assertThat(m.getReturnType())
              .as(flags.getName() + "." + m.getName())
              .isEqualTo(c.getType());
          fromSecurity.add(c.getName());
        } catch (NoSuchMethodException e) {
          // a flag of its own
        }
      }
      assertThat(fromSecurity).as("components read from the security flags").isNotEmpty();
      fields.addAll(fromSecurity);
    }
    assertThat(fields)
        .as("the flags of %s against the components of %s", flags.getName(), record.getName())
        .containsExactlyInAnyOrderElementsOf(components);
    for (RecordComponent c : record.getRecordComponents()) {
      if (fromSecurity.contains(c.getName())) {
        continue;
      }
      Field f = flags.getDeclaredField(c.getName());
      if (f.isAnnotationPresent(ArgGroup.class)) {
        assertMapsOneToOne(f.getType(), c.getType());
      } else {
        assertThat(f.getType()).as(flags.getName() + "." + f.getName()).isEqualTo(c.getType());
      }
    }
  }

  @Test
  void noFlagsGiveTheDefaultOptions() {
    Assumptions.assumeTrue(
        System.getenv("FLIGHTLAB_AUTH_TOKEN") == null, "$FLIGHTLAB_AUTH_TOKEN is a default too");
    assertThat(parse().options()).isEqualTo(BenchOptions.DEFAULTS);
  }

  @Test
  void flagsFillTheirOptions() {
    BenchOptions o =
        parse(
                "--op",
                "get",
                "--rows",
                "5",
                "--streams",
                "2",
                "--connections",
                "2",
                "--warmup",
                "3",
                "--compression",
                "zstd",
                "-o",
                "run.json",
                "--max-regression",
                "5%")
            .options();
    assertThat(o.op()).isEqualTo(Op.GET);
    assertThat(o.data().rows()).isEqualTo(5);
    assertThat(o.data().batchRows()).isEqualTo(BenchOptions.DEFAULTS.data().batchRows());
    assertThat(o.concurrency()).isEqualTo(new ConcurrencyOptions(2, 2));
    assertThat(o.timing().warmup()).isEqualTo(Warmup.parse("3"));
    assertThat(o.transfer().compression()).isEqualTo(IpcCompression.parse("zstd"));
    assertThat(o.output().format()).isEqualTo(OutputOptions.Format.JSON);
    assertThat(o.output().maxRegression()).isEqualTo(0.05);
  }

  @Test
  void batchLatencyIsOnUnlessTurnedOff() {
    assertThat(parse().options().transfer().batchLatency()).isTrue();
    assertThat(parse("--batch-latency").options().transfer().batchLatency()).isTrue();
    assertThat(parse("--no-batch-latency").options().transfer().batchLatency()).isFalse();
  }

  @Test
  void helpShowsEveryDefault() {
    CommandLine cli = new CommandLine(new BenchCommand());
    for (OptionSpec option : cli.getCommandSpec().options()) {
      Object initial = option.initialValue();
      boolean shown =
          option.usageHelp()
              || option.versionHelp()
              || initial == null
              || initial instanceof Boolean
              || initial instanceof Collection;
      if (!shown) {
        assertThat(String.join(" ", option.description()))
            .as(option.longestName())
            .containsAnyOf("Default: ", "(default: ");
      }
    }
  }

  private static BenchCommand parse(String... args) {
    BenchCommand command = new BenchCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
