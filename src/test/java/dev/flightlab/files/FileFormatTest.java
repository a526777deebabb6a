package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileFormatTest {
  @Test
  void extensionsChooseTheFormatWhateverTheirCase() {
    assertThat(FileFormat.ofPath(Path.of("a.arrow"))).isEqualTo(FileFormat.ARROW_FILE);
    assertThat(FileFormat.ofPath(Path.of("/x/a.FEATHER"))).isEqualTo(FileFormat.ARROW_FILE);
    assertThat(FileFormat.ofPath(Path.of("a.arrows"))).isEqualTo(FileFormat.ARROW_STREAM);
    assertThat(FileFormat.ofPath(Path.of("a.stream"))).isEqualTo(FileFormat.ARROW_STREAM);
    assertThat(FileFormat.ofPath(Path.of("a.ipc"))).isEqualTo(FileFormat.ARROW_STREAM);
    assertThat(FileFormat.ofPath(Path.of("sales.parquet"))).isEqualTo(FileFormat.PARQUET);
    assertThat(FileFormat.ofPath(Path.of("a.b.csv"))).isEqualTo(FileFormat.CSV);
    assertThat(FileFormat.ofPath(Path.of("a.tsv"))).isEqualTo(FileFormat.TSV);
  }

  @Test
  void anUnknownOrMissingExtensionIsRefusedNamingTheFile() {
    assertThatThrownBy(() -> FileFormat.ofPath(Path.of("notes.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot tell the format of notes.txt from its extension '.txt'")
        .hasMessageContaining(".parquet")
        .hasMessageContaining("--format");
    assertThatThrownBy(() -> FileFormat.ofPath(Path.of("data")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot tell the format of data from its extension:");
  }

  @Test
  void namesChooseTheFormat() {
    assertThat(FileFormat.parse("Parquet")).isEqualTo(FileFormat.PARQUET);
    assertThat(FileFormat.parse("feather")).isEqualTo(FileFormat.ARROW_FILE);
    assertThat(FileFormat.parse("file")).isEqualTo(FileFormat.ARROW_FILE);
    assertThat(FileFormat.parse("ipc")).isEqualTo(FileFormat.ARROW_STREAM);
    assertThat(FileFormat.parse("tsv")).isEqualTo(FileFormat.TSV);
    assertThat(FileFormat.choose("csv", Path.of("x.parquet"))).isEqualTo(FileFormat.CSV);
    assertThat(FileFormat.choose(null, Path.of("x.parquet"))).isEqualTo(FileFormat.PARQUET);
    assertThatThrownBy(() -> FileFormat.parse("xlsx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown format 'xlsx' (use arrow, feather, file, arrows");
  }

  @Test
  void delimitersAreOneCharacterOrATab() {
    assertThat(FileFormat.parseDelimiter(";")).isEqualTo(';');
    assertThat(FileFormat.parseDelimiter("\\t")).isEqualTo('\t');
    assertThat(FileFormat.parseDelimiter("TAB")).isEqualTo('\t');
    assertThat(FileFormat.parseDelimiter("\t")).isEqualTo('\t');
    assertThatThrownBy(() -> FileFormat.parseDelimiter(";;"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not ';;'");
    assertThat(FileFormat.CSV.defaultDelimiter()).isEqualTo(',');
    assertThat(FileFormat.TSV.defaultDelimiter()).isEqualTo('\t');
  }
}
