package dev.flightlab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of docs/architecture.md: each package may use only the packages listed for it,
 * so the arrows run one way (down) and a forbidden import fails the build.
 */
class LayersTest {
  private static final String ROOT = "dev.flightlab";

  /** Each package of main and the flightlab packages it may use (besides itself). */
  static final Map<String, List<String>> ALLOWED =
      Map.ofEntries(
          Map.entry(
              "cli",
              List.of(
                  "demo", "bench", "warmup", "client", "server", "store", "files", "wire", "memory",
                  "data", "jvm")),
          Map.entry("demo", List.of("warmup", "client", "server", "wire", "memory", "data", "jvm")),
          Map.entry("warmup", List.of("client", "server", "wire", "memory", "data", "jvm")),
          Map.entry("bench", List.of("client", "server", "files", "wire", "memory", "data", "jvm")),
          Map.entry("client", List.of("files", "wire", "memory", "data", "jvm")),
          Map.entry("server", List.of("store", "wire", "memory", "data", "jvm")),
          Map.entry("store", List.of("wire", "memory", "data", "jvm")),
          Map.entry("files", List.of("memory", "data")),
          Map.entry("wire", List.of("memory", "data", "jvm")),
          Map.entry("memory", List.of()),
          Map.entry("data", List.of()),
          Map.entry("jvm", List.of()));

  private static JavaClasses main;

  @BeforeAll
  static void importMain() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
  }

  @Test
  void everyPackageIsKnown() {
    var packages =
        main.stream()
            .map(c -> c.getPackageName().substring(ROOT.length() + 1).split("\\.")[0])
            .distinct()
            .toList();
    org.assertj.core.api.Assertions.assertThat(ALLOWED.keySet()).containsAll(packages);
  }

  @Test
  void packagesUseOnlyThePackagesBelowThem() {
    for (var entry : ALLOWED.entrySet()) {
      String pkg = entry.getKey();
      String[] forbidden =
          ALLOWED.keySet().stream()
              .filter(other -> !other.equals(pkg) && !entry.getValue().contains(other))
              .map(other -> ROOT + "." + other + "..")
              .toArray(String[]::new);
      if (forbidden.length == 0) {
        continue;
      }
      ArchRule rule =
          noClasses()
              .that()
              .resideInAPackage(ROOT + "." + pkg + "..")
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(forbidden)
              .because("arrows between packages run one way (docs/architecture.md)");
      rule.check(main);
    }
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void onlyTheCommandLayerKnowsPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .check(main);
  }

  @Test
  void clientWorksAgainstAnyServer() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".server..", ROOT + ".store..")
        .check(main);
  }
}
