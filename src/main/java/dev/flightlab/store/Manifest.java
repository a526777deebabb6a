package dev.flightlab.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a stored dataset is: its real path, version and segment files with their checksums. Written
 * by atomic rename, it is the commit point of every change to a dataset.
 *
 * <p>On disk: one line of JSON, then a line {@code crc32c <8 hex digits>} over the JSON's bytes.
 *
 * @param path the dataset's canonical path (file names are derived from it, never the reverse)
 * @param version the dataset's version
 * @param committedAt when this version was published
 * @param segments the segment files, in batch order
 */
record Manifest(DatasetPath path, long version, Instant committedAt, List<SegmentFile> segments) {
  /** The layout version this code writes and reads. */
  static final int FORMAT = 1;

  private static final String CHECKSUM_PREFIX = "crc32c ";

  Manifest {
    segments = List.copyOf(segments);
  }

  /** Rows across the segments. */
  long rows() {
    return segments.stream().mapToLong(SegmentFile::rows).sum();
  }

  /** Bytes of the segment files. */
  long segmentBytes() {
    return segments.stream().mapToLong(SegmentFile::bytes).sum();
  }

  /** The file's bytes: JSON, then its checksum line. */
  byte[] encode() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("path", path.canonical());
    root.put("version", version);
    root.put("committed_at", committedAt.toString());
    ArrayNode files = root.putArray("segments");
    for (SegmentFile s : segments) {
      ObjectNode f = files.addObject();
      f.put("file", s.name());
      f.put("bytes", s.bytes());
      f.put("crc32c", hex(s.crc32c()));
      f.put("rows", s.rows());
      f.put("batches", s.batches());
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    String trailer = "\n" + CHECKSUM_PREFIX + hex(crc(json, json.length)) + "\n";
    byte[] t = trailer.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[json.length + t.length];
    System.arraycopy(json, 0, out, 0, json.length);
    System.arraycopy(t, 0, out, json.length, t.length);
    return out;
  }

  /**
   * Reads a manifest file's bytes.
   *
   * @throws IOException naming what is wrong: checksum, format or a field
   */
  static Manifest decode(byte[] bytes) throws IOException {
    int newline = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new IOException("manifest has no checksum line (torn or truncated)");
    }
    String trailer =
        new String(bytes, newline + 1, bytes.length - newline - 1, StandardCharsets.US_ASCII);
    if (!trailer.startsWith(CHECKSUM_PREFIX) || !trailer.endsWith("\n")) {
      throw new IOException("manifest has no checksum line (torn or truncated)");
    }
    String expected = trailer.substring(CHECKSUM_PREFIX.length(), trailer.length() - 1);
    String actual = hex(crc(bytes, newline));
    if (!actual.equals(expected)) {
      throw new IOException(
          "manifest checksum mismatch: file says " + expected + ", content has " + actual);
    }
    try {
      JsonNode root = Json.MAPPER.readTree(new String(bytes, 0, newline, StandardCharsets.UTF_8));
      if (root.path("format").asInt(-1) != FORMAT) {
        throw new IOException("unknown manifest format " + root.path("format"));
      }
      List<SegmentFile> segments = new ArrayList<>();
      for (JsonNode f : root.required("segments")) {
        segments.add(
            new SegmentFile(
                f.required("file").asText(),
                f.required("bytes").asLong(),
                Long.parseLong(f.required("crc32c").asText(), 16),
                f.required("rows").asLong(),
                f.required("batches").asInt()));
      }
      return new Manifest(
          DatasetPath.parse(root.required("path").asText()),
          root.required("version").asLong(),
          Instant.parse(root.required("committed_at").asText()),
          segments);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException("malformed manifest: " + e.getMessage(), e);
    }
  }

  private static long crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return crc.getValue();
  }

  private static String hex(long crc32c) {
    return HexFormat.of().toHexDigits((int) crc32c);
  }
}
