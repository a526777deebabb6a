package dev.flightlab.bench;

import dev.flightlab.jvm.MemorySizes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.flight.FlightClient;

/**
 * Where the benchmark ran: enough to tell two runs' machines apart and to reproduce one.
 *
 * @param javaVersion the JDK version
 * @param javaVendor the JDK vendor
 * @param vmName the JVM
 * @param os operating system name and version
 * @param arch CPU architecture
 * @param cores processors the JVM may use
 * @param maxHeapBytes the heap limit
 * @param maxDirectBytes the direct memory limit Arrow allocates from
 * @param jvmArgs the JVM's flags
 * @param flightlabVersion flightlab's version
 * @param arrowVersion Arrow Java's version
 */
public record Environment(
    String javaVersion,
    String javaVendor,
    String vmName,
    String os,
    String arch,
    int cores,
    long maxHeapBytes,
    long maxDirectBytes,
    List<String> jvmArgs,
    String flightlabVersion,
    String arrowVersion) {

  public Environment {
    jvmArgs = List.copyOf(jvmArgs);
  }

  /** This JVM's environment. */
  public static Environment current() {
    return new Environment(
        System.getProperty("java.version"),
        System.getProperty("java.vendor"),
        System.getProperty("java.vm.name"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory(),
        MemorySizes.maxDirectMemory(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        versionOf(Environment.class.getPackage()),
        currentArrowVersion());
  }

  private static String versionOf(Package p) {
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "development build" : v;
  }

  private static String currentArrowVersion() {
    // In the shaded jar the package's manifest version is flightlab's: ask Maven's metadata.
    try (InputStream in =
        Environment.class.getResourceAsStream(
            "/META-INF/maven/org.apache.arrow/flight-core/pom.properties")) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        String v = props.getProperty("version");
        if (v != null) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    String v = FlightClient.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }
}
