package dev.flightlab.memory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Every root allocator in flightlab comes from {@link Allocators#newRoot()}, so every command, the
 * server and the bench allocate alike (exact-size blocks, the block cache, the prefaulter).
 */
class OneRootAllocatorTest {
  @Test
  void onlyAllocatorsMakesRootAllocators() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.flightlab");
    noClasses()
        .that()
        .doNotBelongToAnyOf(Allocators.class)
        .should()
        .callConstructorWhere(
            DescribedPredicate.describe(
                "the target is a RootAllocator",
                call -> call.getTargetOwner().isAssignableTo(RootAllocator.class)))
        .as("no class but Allocators should make a RootAllocator")
        .because("one helper makes every root allocator: Allocators.newRoot()")
        .check(main);
  }
}
