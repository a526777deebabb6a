package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./flightlab}: on JDK 23+ it passes the flag that silences the
 * sun.misc.Unsafe warnings, unless FLIGHTLAB_JAVA_OPTS sets it; on older JDKs, no flag. Real JDKs
 * where present, and stand-in {@code java} scripts that print the arguments they are given.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("flightlab").toAbsolutePath();
  private static final Path JAR = Path.of("target/flightlab.jar");
  private static final Path JVMS = Path.of("/usr/lib/jvm");

  /** A command that loads Netty and Arrow's memory (which warn) and fails fast. */
  private static final String[] NETTY_COMMAND = {"ls", "--server", "grpc://127.0.0.1:1"};

  private static Path jdk23Plus;

  @BeforeAll
  static void needsAFreshJar() throws IOException {
    // A stale or missing jar would make the launcher build one, which is no part of this test.
    assumeTrue(Files.isRegularFile(JAR), "target/flightlab.jar is built");
    FileTime built = Files.getLastModifiedTime(JAR);
    try (Stream<Path> sources =
        Stream.concat(Files.walk(Path.of("src/main")), Stream.of(Path.of("pom.xml")))) {
      assumeTrue(
          sources.noneMatch(f -> newer(f, built)),
          "target/flightlab.jar is newer than its sources");
    }
    jdk23Plus = findJdk(23).orElse(null);
  }

  @Test
  void onJdk23PlusTheUnsafeWarningsAreSilenced() throws Exception {
    assumeTrue(jdk23Plus != null, "a JDK 23+ under " + JVMS);
    Run run = launch(jdk23Plus, null, NETTY_COMMAND);
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.stderr())
        .doesNotContain("sun.misc.Unsafe")
        .startsWith("flightlab ls: UNAVAILABLE");
  }

  @Test
  void beforeJdk23TheLauncherRunsWithoutTheUnsafeFlag() throws Exception {
    assumeTrue(Runtime.version().feature() < 23, "the tests run on a JDK older than 23");
    Run run = launch(Path.of(System.getProperty("java.home")), null, "--version");
    assertThat(run.exit()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stdout()).contains("Java " + Runtime.version().feature());
  }

  /** The JVM arguments the launcher passes to a stand-in java of {@code version}. */
  private List<String> javaArgs(
      String version, boolean releaseFile, String javaOpts, String... args) throws Exception {
    return javaArgs(Map.of(), version, releaseFile, javaOpts, args);
  }

  private List<String> javaArgsWith(
      Map<String, String> env, String version, String javaOpts, String... args) throws Exception {
    return javaArgs(env, version, true, javaOpts, args);
  }

  private List<String> javaArgs(
      Map<String, String> env, String version, boolean releaseFile, String javaOpts, String... args)
      throws Exception {
    return argsOf(standIn(env, version, releaseFile, javaOpts, args));
  }

  /** The JVM arguments of a run on a stand-in java. */
  private static List<String> argsOf(Run run) {
    return run.stdout().lines().takeWhile(a -> !a.equals("-jar")).toList();
  }

  /** The launcher run on a stand-in java of {@code version}, which prints its arguments. */
  private Run standIn(
      Map<String, String> env, String version, boolean releaseFile, String javaOpts, String... args)
      throws Exception {
    Path home = Files.createDirectories(fakeJdks.resolve(version + (releaseFile ? "" : "-bare")));
    Files.createDirectories(home.resolve("bin"));
    if (releaseFile) {
      Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    }
    Path java = home.resolve("bin/java");
    // Answers -version as a JDK does (on stderr), else prints its arguments, one a line.
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "if [ \"$1\" = -version ]; then echo 'openjdk version \""
            + version
            + "\" 2026-01-20' >&2; exit 0; fi\n"
            + "printf '%s\\n' \"$@\"\n");
    java.toFile().setExecutable(true);
    Run run = launchWith(env, home, javaOpts, args);
    assertThat(run.exit()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  @TempDir Path fakeJdks;

  @Test
  void theUnsafeFlagGoesToJdk23AndLaterOnly() throws Exception {
    assertThat(javaArgs("25.0.3", true, "", "ls"))
        .containsExactly("--sun-misc-unsafe-memory-access=allow");
    assertThat(javaArgs("23", true, "", "ls"))
        .containsExactly("--sun-misc-unsafe-memory-access=allow");
    assertThat(javaArgs("22.0.2", true, "", "ls")).isEmpty();
    assertThat(javaArgs("17.0.15", true, "", "ls")).isEmpty();
  }

  @Test
  void withoutAReleaseFileTheVersionComesFromJavaVersion() throws Exception {
    assertThat(javaArgs("25.0.1", false, "", "ls"))
        .containsExactly("--sun-misc-unsafe-memory-access=allow");
    assertThat(javaArgs("17.0.2", false, "", "ls")).isEmpty();
  }

  @Test
  void flightlabJavaOptsReplaceTheDemoDefaultsButNotTheUnsafeFlag() throws Exception {
    assertThat(javaArgs("25.0.3", true, null, "demo"))
        .containsExactly(
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.005",
            "-XX:+UseSerialGC");
    assertThat(javaArgs("25.0.3", true, "-Xmx1g -Dflightlab.transport=nio", "demo"))
        .containsExactly(
            "--sun-misc-unsafe-memory-access=allow", "-Xmx1g", "-Dflightlab.transport=nio");
    assertThat(javaArgs("25.0.3", true, "", "demo"))
        .containsExactly("--sun-misc-unsafe-memory-access=allow");
    assertThat(javaArgs("17.0.15", true, "-Xmx1g", "demo")).containsExactly("-Xmx1g");
  }

  @Test
  void serveAndBenchStartWithC1AndLowThresholdsLikeTheDemo() throws Exception {
    assertThat(javaArgs("17.0.15", true, null, "serve"))
        .containsExactly(
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.005", "-XX:+UseSerialGC");
    assertThat(javaArgs("17.0.15", true, "-Xmx2g", "serve")).containsExactly("-Xmx2g");
    assertThat(javaArgs("17.0.15", true, null, "bench"))
        .containsExactly(
            "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.005", "-XX:+UseSerialGC");
  }

  @Test
  void clientCommandsStartWithC1AtItsUsualThresholds() throws Exception {
    for (String command : List.of("ls", "info", "get", "put", "drop", "actions")) {
      assertThat(javaArgs("17.0.15", true, null, command))
          .as(command)
          .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }
    assertThat(javaArgs("25.0.3", true, null, "get"))
        .containsExactly(
            "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    assertThat(javaArgs("17.0.15", true, "-Xmx1g", "put")).containsExactly("-Xmx1g");
    assertThat(javaArgs("17.0.15", true, null, "--version")).isEmpty();
  }

  @Test
  void theArchiveForTheCommandAndJdkIsUsedWhenNewerThanTheJar() throws Exception {
    // The stand-in JDK's archives, named as the launcher names them: command family, version, and
    // a checksum of the java binary's real path.
    javaArgs("17.0.15", true, null, "ls");
    Path java17 = fakeJdks.resolve("17.0.15/bin/java").toRealPath();
    Path client17 = archive("client", "17.0.15", java17, "jsa");
    Path serve17 = archive("serve", "17.0.15", java17, "jsa");
    try {
      assertThat(javaArgs("17.0.15", true, "", "get"))
          .containsExactly("-XX:SharedArchiveFile=" + client17);
      assertThat(javaArgs("17.0.15", true, "", "serve"))
          .containsExactly("-XX:SharedArchiveFile=" + serve17);
      // A demo archive is missing: none, silently. An archive older than the jar is stale (a jar
      // built with -Dflightlab.jvmCache.skip=true): none, and the launcher says so.
      Run missing = standIn(Map.of(), "17.0.15", true, "", "demo");
      assertThat(argsOf(missing)).isEmpty();
      assertThat(missing.stderr()).isEmpty();
      Files.setLastModifiedTime(serve17, FileTime.fromMillis(0));
      Run stale = standIn(Map.of(), "17.0.15", true, "", "serve");
      assertThat(argsOf(stale)).isEmpty();
      assertThat(stale.stderr())
          .contains("starting without " + serve17)
          .contains("older than the jar");
      // Not for commands that load little (--version, help).
      assertThat(javaArgs("17.0.15", true, "", "--version")).isEmpty();
      assertThat(javaArgs("17.0.15", true, "", "get"))
          .containsExactly("-XX:SharedArchiveFile=" + client17);
    } finally {
      Files.deleteIfExists(client17);
      Files.deleteIfExists(serve17);
    }
  }

  @Test
  void jdk25GetsAnAheadOfTimeCacheAndRecordModeWritesOne() throws Exception {
    javaArgs("25.0.3", true, "", "ls");
    Path java25 = fakeJdks.resolve("25.0.3/bin/java").toRealPath();
    Path client25 = archive("client", "25.0.3", java25, "aot");
    try {
      assertThat(javaArgs("25.0.3", true, "", "bench"))
          .containsExactly("-XX:AOTCache=" + client25, "--sun-misc-unsafe-memory-access=allow");
      assertThat(javaArgsWith(Map.of("FLIGHTLAB_JVM_CACHE", "off"), "25.0.3", "", "bench"))
          .containsExactly("--sun-misc-unsafe-memory-access=allow");
      assertThat(javaArgsWith(Map.of("FLIGHTLAB_JVM_CACHE", "record"), "25.0.3", "", "bench"))
          .containsExactly(
              "-XX:AOTCacheOutput=" + client25, "--sun-misc-unsafe-memory-access=allow");
      // Record mode starts from nothing: the old cache is gone.
      assertThat(client25).doesNotExist();
    } finally {
      Files.deleteIfExists(client25);
    }
  }

  @Test
  void thePackagedJarComesWithArchivesThisJdkMaps() throws Exception {
    // ./mvnw package trained them (scripts/train-jvm-cache.sh) with the java on this PATH.
    assumeTrue(Runtime.version().feature() < 25, "JDK 17-24: class-data sharing archives");
    Path client;
    try (Stream<Path> archives = Files.list(Path.of("target/jvm-cache"))) {
      List<String> names =
          archives.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).toList();
      assertThat(names)
          .anyMatch(n -> n.startsWith("serve-"))
          .anyMatch(n -> n.startsWith("client-"))
          .anyMatch(n -> n.startsWith("demo-"));
      client =
          Path.of(
              "target/jvm-cache",
              names.stream().filter(n -> n.startsWith("client-")).findFirst().orElseThrow());
    }
    assumeTrue(
        newer(client, Files.getLastModifiedTime(JAR)),
        "the archives were trained for this jar (not built with -Dflightlab.jvmCache.skip=true)");
    // -Xshare:on fails a JVM that cannot map its archives; class+load names the dynamic archive
    // ("top" layer) as the source of the classes it held.
    Run run = launchWith(Map.of(), null, "-Xshare:on -Xlog:class+load=info", "ls", "--help");
    assertThat(run.exit()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("Usage: flightlab ls")
        .contains("dev.flightlab.cli.LsCommand source: shared objects file (top)");
  }

  private static Path archive(String family, String version, Path java, String extension)
      throws Exception {
    Process cksum =
        new ProcessBuilder(
                "sh", "-c", "printf '%s' \"$0\" | cksum | cut -d ' ' -f 1", java.toString())
            .start();
    String id = new String(cksum.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(cksum.waitFor()).isZero();
    Path file =
        Path.of("target/jvm-cache")
            .toAbsolutePath()
            .resolve(family + "-" + version + "-" + id + "." + extension);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "stand-in archive");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    return file;
  }

  @Test
  void anUnsafeSettingInFlightlabJavaOptsIsLeftAsItIs() throws Exception {
    assertThat(javaArgs("25.0.3", true, "-Xmx1g --sun-misc-unsafe-memory-access=warn", "ls"))
        .containsExactly("-Xmx1g", "--sun-misc-unsafe-memory-access=warn");
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run launch(Path javaHome, String javaOpts, String... args) throws Exception {
    return launchWith(Map.of(), javaHome, javaOpts, args);
  }

  /** Runs the launcher with JAVA_HOME (unless null: the environment's java) and more variables. */
  private static Run launchWith(
      Map<String, String> env, Path javaHome, String javaOpts, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    if (javaHome != null) {
      pb.environment().put("JAVA_HOME", javaHome.toString());
    }
    pb.environment().remove("FLIGHTLAB_JAVA_OPTS");
    pb.environment().remove("FLIGHTLAB_JVM_CACHE");
    pb.environment().putAll(env);
    if (javaOpts != null) {
      pb.environment().put("FLIGHTLAB_JAVA_OPTS", javaOpts);
    }
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the launcher did not finish in 60 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A JDK of at least {@code feature} under /usr/lib/jvm, by its release file. */
  private static Optional<Path> findJdk(int feature) throws IOException {
    if (!Files.isDirectory(JVMS)) {
      return Optional.empty();
    }
    Pattern version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    try (Stream<Path> jdks = Files.list(JVMS)) {
      return jdks.filter(
              jdk -> {
                Path release = jdk.resolve("release");
                if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/java"))) {
                  return false;
                }
                try {
                  Matcher m = version.matcher(Files.readString(release));
                  return m.find() && Integer.parseInt(m.group(1)) >= feature;
                } catch (IOException e) {
                  return false;
                }
              })
          .sorted()
          .findFirst();
    }
  }

  private static boolean newer(Path file, FileTime than) {
    try {
      return Files.isRegularFile(file) && Files.getLastModifiedTime(file).compareTo(than) > 0;
    } catch (IOException e) {
      return true;
    }
  }
}
