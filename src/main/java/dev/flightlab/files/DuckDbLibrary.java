package dev.flightlab.files;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;
import org.duckdb.DuckDBDriver;

/**
 * Where DuckDB's JNI library comes from, checked before DuckDB first loads it.
 *
 * <p>DuckDB's driver (2.0.0.1, {@code DuckDBNative}) looks in three places: a resource {@code
 * /libduckdb_java.so_<os>_<arch>} beside its classes, which it inflates into a new temporary file
 * and loads in every JVM (0.3 s and 71 MB written per command on linux_amd64); {@code duckdb_java}
 * on {@code java.library.path}; and a file of the resource's name in the directory of the jar that
 * holds its classes. flightlab's jar leaves the resource out and the build unpacks the libraries
 * beside the jar (pom.xml), so DuckDB loads the file where it is. A jar copied without that file
 * would make DuckDB print a stack trace and fail; this says instead what is missing and where.
 */
final class DuckDbLibrary {
  private static volatile boolean found;

  private DuckDbLibrary() {}

  /**
   * Returns when DuckDB will find its library in one of its three places, and throws {@link
   * IllegalStateException} naming the file it needs otherwise.
   */
  static void require() {
    if (found) {
      return;
    }
    String name = "libduckdb_java.so_" + os() + "_" + arch();
    if (DuckDBDriver.class.getResource("/" + name) != null || onLibraryPath()) {
      found = true;
      return;
    }
    Path dir = codeDirectory();
    if (dir != null && Files.isRegularFile(dir.resolve(name))) {
      found = true;
      return;
    }
    throw new IllegalStateException(
        "DuckDB's native library, which reads and writes Parquet and CSV files, is missing: "
            + (dir == null ? name : dir.resolve(name))
            + " (./mvnw package unpacks it beside target/flightlab.jar: copy it with the jar)");
  }

  /** DuckDB's name for the operating system: windows, macos, linux or the name itself. */
  static String os() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).trim();
    if (os.startsWith("windows")) {
      return "windows";
    }
    if (os.startsWith("mac")) {
      return "macos";
    }
    if (os.startsWith("linux")) {
      return "linux";
    }
    return os.replaceAll("[^a-z0-9_\\-.]", "");
  }

  /** DuckDB's name for the processor: amd64, arm64 or the name itself. */
  static String arch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT).trim();
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch.replaceAll("[^a-z0-9_\\-.]", "");
    };
  }

  private static boolean onLibraryPath() {
    String file = System.mapLibraryName("duckdb_java");
    for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, file))) {
        return true;
      }
    }
    return false;
  }

  /** The directory of the jar (or class directory's parent) holding DuckDB's classes, or null. */
  private static Path codeDirectory() {
    CodeSource source = DuckDBDriver.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).getParent();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
