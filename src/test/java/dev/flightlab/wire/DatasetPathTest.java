package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Ticket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetPathTest {
  private static final String SALES = "/reports/daily_sales";

  @Test
  void aOneSegmentPathIsKeptAsItsCanonicalForm() {
    assertThat(DatasetPath.of(List.of(SALES)).canonical()).isEqualTo(SALES);
    assertThat(DatasetPath.parse(SALES).canonical()).isEqualTo(SALES);
  }

  @Test
  void segmentsAndSlashesNameTheSamePath() {
    DatasetPath expected = DatasetPath.parse(SALES);
    assertThat(DatasetPath.of(List.of("reports", "daily_sales"))).isEqualTo(expected);
    assertThat(DatasetPath.of(List.of("reports/", "/daily_sales/"))).isEqualTo(expected);
    assertThat(DatasetPath.parse("reports//daily_sales/")).isEqualTo(expected);
    assertThat(DatasetPath.parse("///reports/daily_sales")).isEqualTo(expected);
    assertThat(DatasetPath.of(Arrays.asList(null, "reports", "", "daily_sales")))
        .isEqualTo(expected);
  }

  @Test
  void aRelativePathGetsTheLeadingSlash() {
    assertThat(DatasetPath.parse("a").canonical()).isEqualTo("/a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "//", "///"})
  void emptyPathsAreRejected(String path) {
    assertThatThrownBy(() -> DatasetPath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty path");
  }

  @Test
  void aPartOfSpacesIsAName() {
    assertThat(DatasetPath.parse(" /").canonical()).isEqualTo("/ ");
  }

  @Test
  void noSegmentsAtAllIsRejected() {
    assertThatThrownBy(() -> DatasetPath.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a/../b", "..", "/a/./b", ".", "a/.."})
  void dotPartsAreRejected(String path) {
    assertThatThrownBy(() -> DatasetPath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("part");
  }

  @Test
  void dotsInsideANameAreFine() {
    assertThat(DatasetPath.parse("/a/.hidden/b..c/...").canonical())
        .isEqualTo("/a/.hidden/b..c/...");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a\tb", "/a\nb", "/a\u0000b", "/a\u007fb"})
  void controlCharactersAreRejected(String path) {
    assertThatThrownBy(() -> DatasetPath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character");
  }

  @Test
  void unicodeNamesAreKept() {
    DatasetPath path = DatasetPath.parse("/données/été 2024");
    assertThat(path.canonical()).isEqualTo("/données/été 2024");
    assertThat(path.toTicket().getBytes())
        .isEqualTo("/données/été 2024".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pathsUpToTheMaximumLengthAreAccepted() {
    String longest = "/" + "x".repeat(DatasetPath.MAX_LENGTH - 1);
    assertThat(DatasetPath.parse(longest).canonical()).hasSize(DatasetPath.MAX_LENGTH);
    assertThatThrownBy(() -> DatasetPath.parse(longest + "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void descriptorIsOneSegmentHoldingTheCanonicalPath() {
    FlightDescriptor descriptor = DatasetPath.parse("reports//daily_sales").toDescriptor();
    assertThat(descriptor.isCommand()).isFalse();
    assertThat(descriptor.getPath()).containsExactly(SALES);
  }

  @Test
  void fromDescriptorNormalisesPathDescriptors() {
    assertThat(DatasetPath.fromDescriptor(FlightDescriptor.path("reports", "daily_sales")))
        .isEqualTo(DatasetPath.parse(SALES));
  }

  @Test
  void fromDescriptorRejectsCommandsAndNull() {
    assertThatThrownBy(
            () ->
                DatasetPath.fromDescriptor(
                    FlightDescriptor.command(SALES.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command descriptors are not supported");
    assertThatThrownBy(() -> DatasetPath.fromDescriptor(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ticketIsTheCanonicalPathInUtf8() {
    assertThat(
            new String(
                DatasetPath.parse("reports/daily_sales").toTicket().getBytes(),
                StandardCharsets.UTF_8))
        .isEqualTo(SALES);
  }

  @Test
  void fromTicketAcceptsAnyPathThatNormalisesToTheDataset() {
    assertThat(DatasetPath.fromTicket(new Ticket(SALES.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(DatasetPath.parse(SALES));
    assertThat(
            DatasetPath.fromTicket(
                new Ticket("reports/daily_sales/".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(DatasetPath.parse(SALES));
  }

  @Test
  void fromTicketRejectsEmptyAndNonUtf8Tickets() {
    assertThatThrownBy(() -> DatasetPath.fromTicket(new Ticket(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty ticket");
    assertThatThrownBy(
            () ->
                DatasetPath.fromTicket(new Ticket(new byte[] {'/', 'a', (byte) 0xc3, (byte) 0x28})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a UTF-8 dataset path");
  }

  @Test
  void isUnderMatchesThePathItselfAndWhatLiesBelow() {
    DatasetPath reports = DatasetPath.parse("/reports");
    assertThat(DatasetPath.parse("/reports").isUnder(reports)).isTrue();
    assertThat(DatasetPath.parse("/reports/daily").isUnder(reports)).isTrue();
    assertThat(DatasetPath.parse("/reports/a/b").isUnder(reports)).isTrue();
    assertThat(DatasetPath.parse("/reportsx").isUnder(reports)).isFalse();
    assertThat(DatasetPath.parse("/report").isUnder(reports)).isFalse();
    assertThat(reports.isUnder(DatasetPath.parse("/reports/daily"))).isFalse();
  }

  @Test
  void pathsSortByTheirCanonicalForm() {
    List<DatasetPath> sorted =
        List.of(DatasetPath.parse("/b"), DatasetPath.parse("/a/z"), DatasetPath.parse("/a"))
            .stream()
            .sorted()
            .toList();
    assertThat(sorted).extracting(DatasetPath::canonical).containsExactly("/a", "/a/z", "/b");
  }

  @Test
  void theConstructorTakesOnlyCanonicalLookingPaths() {
    assertThatThrownBy(() -> new DatasetPath("reports"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DatasetPath("/")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new DatasetPath(SALES).toString()).isEqualTo(SALES);
  }

  @Test
  void theConstructorTakesOnlyCanonicalPaths() {
    org.assertj.core.api.Assertions.assertThat(new DatasetPath("/a/b"))
        .isEqualTo(DatasetPath.parse("a//b/"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DatasetPath("/a//b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a canonical path");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DatasetPath("a"))
        .isInstanceOf(IllegalArgumentException.class);
    for (String notCanonical :
        new String[] {
          "/a/",
          "//a",
          "/a/./b",
          "/a/../b",
          "/.",
          "/..",
          "/a/.",
          "/a\u0001b",
          "/" + "x".repeat(4096)
        }) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DatasetPath(notCanonical))
          .as(notCanonical)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a canonical path");
    }
    for (String canonical : new String[] {"/a", "/.a/b.", "/a/.../b", "/ ", "/x/..y", "/été"}) {
      org.assertj.core.api.Assertions.assertThat(new DatasetPath(canonical).canonical())
          .isEqualTo(DatasetPath.parse(canonical).canonical());
    }
  }

  /** Written-out equals and hashCode (for C1) keep a record's contract: by canonical path only. */
  @Test
  void pathsAreEqualByTheirCanonicalFormOnly() {
    DatasetPath a = DatasetPath.of(List.of("reports", "daily_sales"));
    DatasetPath b = DatasetPath.parse("//reports//daily_sales/");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isEqualTo(a);
    assertThat(a).isNotEqualTo(DatasetPath.parse("/reports/daily")).isNotEqualTo(SALES);
    assertThat(a.equals(null)).isFalse();
    assertThat(new java.util.HashSet<>(List.of(a, b, DatasetPath.parse("/x")))).hasSize(2);
  }
}
