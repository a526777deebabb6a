package dev.flightlab.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Checks what a file's first and last bytes say it is before any reader allocates what the file
 * claims: a CSV passed as Arrow IPC would otherwise be read as a 1.85 GB message length.
 *
 * <p>Every check reads at most {@link #HEAD_BYTES} from the start and a few bytes from the end.
 */
final class FileSignatures {
  /** Bytes read from the start of a file to recognise it. */
  static final int HEAD_BYTES = 64 * 1024;

  /**
   * Largest IPC message metadata (flatbuffer) accepted; a real schema or batch header is far less.
   */
  static final int MAX_METADATA_BYTES = 64 << 20;

  static final byte[] ARROW_MAGIC = ascii("ARROW1");
  static final byte[] PARQUET_MAGIC = ascii("PAR1");
  static final byte[] PARQUET_ENCRYPTED_MAGIC = ascii("PARE");
  static final byte[] FEATHER_V1_MAGIC = ascii("FEA1");
  static final int IPC_CONTINUATION = 0xFFFFFFFF;

  private FileSignatures() {}

  /** The first bytes of a file (up to {@link #HEAD_BYTES}) and its size. */
  record Head(byte[] bytes, long size) {
    boolean startsWith(byte[] magic) {
      return bytes.length >= magic.length
          && Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length);
    }

    int intAt(int offset) {
      return ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
  }

  /**
   * Reads the head of {@code file}, refusing a missing file, a directory or an empty file.
   *
   * @throws DataFileException naming the file
   */
  static Head head(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw DataFileException.of(file, "no such file", new NoSuchFileException(file.toString()));
    }
    if (Files.isDirectory(file)) {
      throw DataFileException.of(file, "is a directory, not a file");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size == 0) {
        throw DataFileException.of(file, "is empty (0 bytes)");
      }
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, HEAD_BYTES));
      while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
        // positional reads until the head is full
      }
      return new Head(Arrays.copyOf(head.array(), head.position()), size);
    }
  }

  /** The last {@code length} bytes of a file of {@code size} bytes. */
  static byte[] tail(Path file, long size, int length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer tail = ByteBuffer.allocate(length);
      long position = size - length;
      while (tail.hasRemaining()) {
        int n = channel.read(tail, position + tail.position());
        if (n < 0) {
          throw DataFileException.of(file, "ended while being read (was it truncated meanwhile?)");
        }
      }
      return tail.array();
    }
  }

  /**
   * Checks that {@code file} is an Arrow IPC file or stream and says which (the two are told apart
   * by their first bytes, whatever the file's name says).
   */
  static FileFormat checkArrowIpc(Path file, Head head) throws IOException {
    if (head.startsWith(ARROW_MAGIC)) {
      checkArrowFileEnd(file, head.size());
      return FileFormat.ARROW_FILE;
    }
    if (head.startsWith(FEATHER_V1_MAGIC)) {
      throw DataFileException.of(
          file,
          "is a Feather v1 file, which flightlab does not read; rewrite it as Feather v2 (Arrow IPC),"
              + " e.g. pyarrow.feather.write_feather(pyarrow.feather.read_table(f), f2)");
    }
    String other = nonArrowFormat(head);
    if (other != null) {
      throw DataFileException.of(
          file, "is not Arrow IPC: it " + other + " (" + looksLike(head) + ")");
    }
    checkStreamStart(file, head);
    return FileFormat.ARROW_STREAM;
  }

  private static void checkArrowFileEnd(Path file, long size) throws IOException {
    // magic + padding, at least a footer length and the closing magic
    if (size < ARROW_MAGIC.length + 2 + 4 + ARROW_MAGIC.length) {
      throw DataFileException.of(
          file, "is truncated: " + size + " bytes is too short for an Arrow IPC file");
    }
    byte[] tail = tail(file, size, 4 + ARROW_MAGIC.length);
    if (!Arrays.equals(tail, 4, tail.length, ARROW_MAGIC, 0, ARROW_MAGIC.length)) {
      throw DataFileException.atOffset(
          file,
          size - ARROW_MAGIC.length,
          "starts like an Arrow IPC file but does not end with ARROW1: truncated or damaged ("
              + size
              + " bytes)");
    }
    int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    long footerLengthOffset = size - ARROW_MAGIC.length - 4;
    if (footerLength <= 0 || footerLength > footerLengthOffset - 8) {
      throw DataFileException.atOffset(
          file,
          footerLengthOffset,
          "Arrow IPC footer length "
              + footerLength
              + " does not fit in the file ("
              + size
              + " bytes)");
    }
  }

  private static void checkStreamStart(Path file, Head head) throws IOException {
    if (head.bytes().length < 8) {
      throw DataFileException.of(
          file, "is not an Arrow IPC stream: too short (" + head.size() + " bytes)");
    }
    int first = head.intAt(0);
    int prefix = first == IPC_CONTINUATION ? 8 : 4;
    int length = first == IPC_CONTINUATION ? head.intAt(4) : first;
    String what = "is not an Arrow IPC file or stream (" + looksLike(head) + "): ";
    if (length == 0) {
      throw DataFileException.of(file, what + "it ends before its schema");
    }
    if (length < 0 || length > MAX_METADATA_BYTES || prefix + (long) length > head.size()) {
      throw DataFileException.atOffset(
          file,
          prefix - 4,
          what
              + "its first message would be "
              + Integer.toUnsignedString(length)
              + " bytes long, in a file of "
              + head.size()
              + " bytes");
    }
  }

  /** Checks that {@code file} starts and ends like a Parquet file. */
  static void checkParquet(Path file, Head head) throws IOException {
    if (!head.startsWith(PARQUET_MAGIC)) {
      throw DataFileException.of(
          file,
          "is not a Parquet file: a Parquet file starts with PAR1, this one "
              + startsWithDescription(head));
    }
    long size = head.size();
    if (size < 12) {
      throw DataFileException.of(file, "is truncated: " + size + " bytes is too short for Parquet");
    }
    byte[] tail = tail(file, size, 8);
    if (Arrays.equals(tail, 4, 8, PARQUET_ENCRYPTED_MAGIC, 0, 4)) {
      throw DataFileException.of(
          file, "is an encrypted Parquet file, which flightlab does not read");
    }
    if (!Arrays.equals(tail, 4, 8, PARQUET_MAGIC, 0, 4)) {
      throw DataFileException.atOffset(
          file,
          size - 4,
          "starts like a Parquet file but does not end with PAR1: truncated or damaged ("
              + size
              + " bytes)");
    }
    int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (footerLength <= 0 || footerLength > size - 12) {
      throw DataFileException.atOffset(
          file,
          size - 8,
          "Parquet footer length "
              + footerLength
              + " does not fit in the file ("
              + size
              + " bytes)");
    }
  }

  /** Checks that {@code file} looks like text: no known binary signature, no NUL byte. */
  static void checkText(Path file, Head head, FileFormat format) throws IOException {
    String other = arrowFormat(head);
    if (other == null) {
      other = nonArrowFormat(head);
    }
    if (other != null) {
      throw DataFileException.of(
          file,
          "is not " + format.description() + " text: it " + other + " (" + looksLike(head) + ")");
    }
    byte[] bytes = head.bytes();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw DataFileException.atOffset(
            file, i, "is not " + format.description() + " text: it holds a NUL byte");
      }
    }
  }

  /** What an Arrow IPC signature at the start of the file says about it, or null. */
  private static String arrowFormat(Head head) {
    if (head.startsWith(ARROW_MAGIC)) {
      return "is an Arrow IPC file (use .arrow or --format arrow)";
    }
    if (head.bytes().length >= 8
        && head.intAt(0) == IPC_CONTINUATION
        && head.intAt(4) > 0
        && head.intAt(4) <= MAX_METADATA_BYTES) {
      return "is an Arrow IPC stream (use .arrows or --format arrows)";
    }
    return null;
  }

  /** What another known (non-Arrow) signature at the start of the file says about it, or null. */
  private static String nonArrowFormat(Head head) {
    if (head.startsWith(PARQUET_MAGIC)) {
      return "is a Parquet file (use .parquet or --format parquet)";
    }
    if (head.startsWith(FEATHER_V1_MAGIC)) {
      return "is a Feather v1 file";
    }
    byte[] b = head.bytes();
    if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
      return "is gzip-compressed; decompress it first";
    }
    if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
      return "is a zip archive";
    }
    return null;
  }

  private static String startsWithDescription(Head head) {
    return "starts with " + looksLike(head);
  }

  /** A short rendering of the file's first bytes: quoted text, or hex. */
  static String looksLike(Head head) {
    byte[] b = head.bytes();
    int n = Math.min(b.length, 8);
    boolean text = true;
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
        text = false;
        break;
      }
    }
    if (text) {
      String s = new String(b, 0, Math.min(b.length, 16), StandardCharsets.UTF_8);
      int newline = s.indexOf('\n');
      if (newline >= 0) {
        s = s.substring(0, newline);
      }
      return "text: \"" + s.replace("\r", "").replace("\t", "\\t") + "\"";
    }
    StringBuilder hex = new StringBuilder("bytes");
    for (int i = 0; i < n; i++) {
      hex.append(String.format(" %02x", b[i] & 0xff));
    }
    return hex.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
