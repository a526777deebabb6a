package dev.flightlab.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaunchTest {
  @Test
  void vmFlagsAreTheCompilerCollectorAndSharingFlagsBeforeTheJar() {
    String[] commandLine = {
      "/usr/bin/java",
      "-XX:SharedArchiveFile=/x/serve.jsa",
      "-Xmx1g",
      "-XX:TieredStopAtLevel=1",
      "-Dflightlab.transport=nio",
      "-Xshare:auto",
      "-jar",
      "flightlab.jar",
      "serve",
      "-XX:NotAJvmFlag"
    };
    assertThat(Launch.vmFlags(commandLine))
        .containsExactly(
            "-XX:SharedArchiveFile=/x/serve.jsa", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
  }

  @Test
  void theMainClassEndsTheJvmOptionsToo() {
    assertThat(Launch.vmFlags(new String[] {"java", "-Xint", "dev.Main", "-XX:+UseSerialGC"}))
        .containsExactly("-Xint");
    assertThat(Launch.vmFlags(new String[] {"java"})).isEmpty();
  }

  @Test
  void thisProcessWasLaunchedInThePast() {
    assertThat(Launch.sinceLaunch()).hasValueSatisfying(d -> assertThat(d).isPositive());
  }
}
