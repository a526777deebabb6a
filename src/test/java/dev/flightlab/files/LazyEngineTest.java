package dev.flightlab.files;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * DuckDB's native library (about 70 MB, unpacked to the temporary directory) loads with its
 * classes: only DuckDbFiles may use them, so commands and the server that never read or write
 * Parquet or CSV never load it.
 */
class LazyEngineTest {
  @Test
  void onlyDuckDbFilesUsesDuckDbOrTheCDataInterface() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.flightlab");
    noClasses()
        .that(not(nameStartingWith(DuckDbFiles.class.getName())))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.duckdb..", "org.apache.arrow.c..")
        .because("DuckDB's native library must load only when a Parquet or CSV file is used")
        .check(main);
  }
}
