package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every cell of a table of many types, top level and nested (lists, structs, maps, unions, run-end
 * encoded and dictionary columns), formatted as pyarrow 25 prints it: the table and the expected
 * strings are test resources that python/formatter_cases.py wrote with pyarrow 25.0.1 ({@code
 * str(table.column(c)[r])} for each cell). One test per column.
 */
class ValueFormatterPyarrowTest {
  private static final String TABLE = "formatter-cases.arrow";
  private static final String EXPECTED = "formatter-cases.tsv";

  /** Column name to (row, expected text), in file order. */
  private static Map<String, List<Map.Entry<Integer, String>>> expected() throws IOException {
    Map<String, List<Map.Entry<Integer, String>>> out = new LinkedHashMap<>();
    try (InputStream in = ValueFormatterPyarrowTest.class.getResourceAsStream(EXPECTED)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 3);
        out.computeIfAbsent(parts[0], k -> new ArrayList<>())
            .add(Map.entry(Integer.parseInt(parts[1]), unescape(parts[2])));
      }
    }
    return out;
  }

  /** Undoes the script's escaping of backslash, tab and newline. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @TestFactory
  Stream<DynamicTest> everyCellPrintsAsPyarrowPrintsIt() throws IOException {
    byte[] table;
    try (InputStream in = ValueFormatterPyarrowTest.class.getResourceAsStream(TABLE)) {
      table = in.readAllBytes();
    }
    Map<String, List<Map.Entry<Integer, String>>> expected = expected();
    assertThat(expected).hasSizeGreaterThan(60);
    return expected.entrySet().stream()
        .map(
            column ->
                DynamicTest.dynamicTest(
                    column.getKey(),
                    () -> {
                      try (BufferAllocator allocator = new RootAllocator();
                          SeekableByteChannel channel =
                              new ByteArrayReadableSeekableByteChannel(table);
                          ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
                        assertThat(reader.loadNextBatch()).isTrue();
                        VectorSchemaRoot root = reader.getVectorSchemaRoot();
                        ValueFormatter formatter = new ValueFormatter(reader);
                        List<String> got = new ArrayList<>();
                        List<String> want = new ArrayList<>();
                        for (Map.Entry<Integer, String> cell : column.getValue()) {
                          want.add(cell.getKey() + ": " + cell.getValue());
                          got.add(
                              cell.getKey()
                                  + ": "
                                  + formatter.format(
                                      root.getVector(column.getKey()), cell.getKey()));
                        }
                        assertThat(got).containsExactlyElementsOf(want);
                      }
                    }));
  }
}
