package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DuckDbErrorsTest {
  private static final Path FILE = Path.of("data.csv");

  @Test
  void aRaggedRowBecomesOneLineWithTheLineNumber() {
    DataFileException e =
        DuckDbErrors.toException(
            FILE,
            "Invalid Input Error: CSV Error on Line: 300002\n"
                + "Original Line: 300000,oops,1.0,extra\n"
                + "Expected Number of Columns: 3 Found: 4\n"
                + "Possible fixes:\n"
                + "* Disable the parser's strict mode (strict_mode=false) to allow reading rows\n"
                + "\n"
                + "  file = data.csv\n"
                + "  delimiter = , (Set By User)\n",
            null);
    assertThat(e.line()).isEqualTo(300_002);
    assertThat(e.getMessage())
        .isEqualTo("data.csv: line 300002: expected 3 columns, found 4: \"300000,oops,1.0,extra\"");
  }

  @Test
  void aConversionErrorNamesTheColumnAndSaysWhenTheTypeWasGuessed() {
    String guessed =
        "Conversion Error: CSV Error on Line: 7\n"
            + "Original Line: x,1\n"
            + "Error when converting column \"id\". Could not convert string \"x\" to 'BIGINT'\n"
            + "\n"
            + "Column id is being converted as type BIGINT\n"
            + "This type was auto-detected from the CSV file.\n";
    assertThat(DuckDbErrors.toException(FILE, guessed, null).getMessage())
        .isEqualTo(
            "data.csv: line 7: column \"id\": could not convert string \"x\" to 'BIGINT' (the type"
                + " was inferred from the first rows; set it with --schema): \"x,1\"");
    String given = guessed.replace("This type was auto-detected from the CSV file.\n", "");
    assertThat(DuckDbErrors.toException(FILE, given, null).getMessage())
        .isEqualTo(
            "data.csv: line 7: column \"id\": could not convert string \"x\" to 'BIGINT': \"x,1\"");
  }

  @Test
  void longLinesAreCutAndOtherErrorsKeepTheirFirstLine() {
    String longLine = "a".repeat(200);
    assertThat(
            DuckDbErrors.toException(
                    FILE,
                    "Invalid Input Error: CSV Error on Line: 2\nOriginal Line: "
                        + longLine
                        + "\nMaximum line size of 2000000 bytes exceeded.\n",
                    null)
                .getMessage())
        .isEqualTo(
            "data.csv: line 2: maximum line size of 2000000 bytes exceeded: \""
                + "a".repeat(80)
                + "...\"");
    DataFileException io =
        DuckDbErrors.toException(
            FILE, "IO Error: No files found that match the pattern \"x\"\n\nLINE 1: ...", null);
    assertThat(io.line()).isEqualTo(DataFileException.UNKNOWN);
    assertThat(io.getMessage()).isEqualTo("data.csv: No files found that match the pattern \"x\"");
    assertThat(DuckDbErrors.toException(FILE, null, null).getMessage())
        .isEqualTo("data.csv: DuckDB failed without a message");
  }
}
