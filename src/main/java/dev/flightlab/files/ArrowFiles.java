package dev.flightlab.files;

import dev.flightlab.data.BatchSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/** Reads and writes tables as Arrow IPC files (random access) and streams. */
public final class ArrowFiles {
  private static final byte[] FILE_MAGIC =
      "ARROW1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ArrowFiles() {}

  /** The two Arrow IPC layouts. */
  public enum Format {
    /** The random-access file format (.arrow, .feather v2). */
    FILE,
    /** The streaming format (.arrows, .stream, .ipc). */
    STREAM;

    /** The format a file name implies: .arrows/.stream/.ipc are streams, anything else a file. */
    public static Format forName(Path path) {
      String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".arrows") || name.endsWith(".stream") || name.endsWith(".ipc")
          ? STREAM
          : FILE;
    }
  }

  /**
   * Reads an Arrow IPC file or stream (told apart by the file's magic bytes) with its batch
   * boundaries and dictionaries.
   */
  public static BatchSet read(Path path, BufferAllocator allocator) throws IOException {
    byte[] head = new byte[6];
    try (InputStream in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, head.length);
      if (n == 0) {
        throw new IOException(path + " is empty");
      }
    }
    boolean file = Arrays.equals(head, FILE_MAGIC);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        ArrowReader reader =
            file
                ? new ArrowFileReader(channel, allocator)
                : new ArrowStreamReader(channel, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      BatchSet.Builder out = BatchSet.builder(root.getSchema());
      try {
        while (reader.loadNextBatch()) {
          out.add(root, null);
        }
        for (Dictionary d : reader.getDictionaryVectors().values()) {
          // Take the dictionary's buffers over: the reader frees its own vectors on close.
          var transfer = d.getVector().getTransferPair(allocator);
          transfer.transfer();
          out.dictionary(
              new Dictionary(
                  (org.apache.arrow.vector.FieldVector) transfer.getTo(), d.getEncoding()));
        }
      } catch (IOException | RuntimeException e) {
        out.build().close();
        throw e;
      }
      return out.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException(path + " is not an Arrow IPC file or stream: " + e.getMessage(), e);
    }
  }

  /** Writes {@code table} to {@code path} in the format its name implies. */
  public static long write(BatchSet table, Path path, BufferAllocator allocator)
      throws IOException {
    return write(table, path, Format.forName(path), allocator);
  }

  /**
   * Writes {@code table} to {@code path} in {@code format}, replacing the file.
   *
   * @return bytes written
   */
  public static long write(BatchSet table, Path path, Format format, BufferAllocator allocator)
      throws IOException {
    try (FileChannel channel =
            FileChannel.open(
                path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), allocator);
        ArrowWriter writer =
            format == Format.FILE
                ? new ArrowFileWriter(root, table.dictionaries(), channel)
                : new ArrowStreamWriter(root, table.dictionaries(), channel)) {
      VectorLoader loader = new VectorLoader(root);
      writer.start();
      for (ArrowRecordBatch batch : table.batches()) {
        loader.load(batch);
        writer.writeBatch();
      }
      writer.end();
      return writer.bytesWritten();
    }
  }
}
