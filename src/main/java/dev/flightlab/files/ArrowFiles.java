package dev.flightlab.files;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.IpcSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads and writes Arrow IPC files (random access, also Feather v2) and streams, batch by batch.
 *
 * <p>Every read first checks what the file's bytes say (magic, footer, each message's length
 * against the bytes left) so that a damaged file or one in another format is refused with its name
 * and offset before anything is allocated for it. Compressed buffers (LZ4 frame, ZSTD: what pyarrow
 * writes to Feather by default) are decompressed as they are read.
 */
public final class ArrowFiles {
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

    /** The matching {@link FileFormat}. */
    public FileFormat fileFormat() {
      return this == FILE ? FileFormat.ARROW_FILE : FileFormat.ARROW_STREAM;
    }
  }

  /**
   * Opens an Arrow IPC file or stream (told apart by its first bytes) to read batch by batch.
   *
   * <p>The reader owns the open file: close it. Its batches and dictionaries come from {@code
   * allocator}; batch boundaries and dictionaries (with replacements and deltas in a stream) are as
   * in the file.
   *
   * @throws DataFileException when the file is missing, empty, not Arrow IPC, truncated or damaged
   */
  public static ArrowReader open(Path path, BufferAllocator allocator) throws IOException {
    FileSignatures.Head head = FileSignatures.head(path);
    FileFormat layout = FileSignatures.checkArrowIpc(path, head);
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      ArrowReader reader;
      if (layout == FileFormat.ARROW_FILE) {
        long footerStart = checkBlocks(path, channel, head.size());
        if (IpcSchemas.hasStandIns(footerSchema(path, channel, head.size()))) {
          // Arrow Java's file reader cannot read these types: the file's messages read as the
          // stream they are (Arrow IPC files hold one, after the 8-byte magic).
          channel.position(FileSignatures.ARROW_MAGIC.length + 2);
          reader =
              new StandInReader(
                  new CheckedMessageReader(path, channel, allocator, footerStart), allocator);
        } else {
          reader = new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE);
        }
      } else {
        reader = new StandInReader(new CheckedMessageReader(path, channel, allocator), allocator);
      }
      return new Checked(path, layout, reader, allocator);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Reads a whole Arrow IPC file or stream into memory, with its batch boundaries and dictionaries.
   *
   * @throws DataFileException as {@link #open} does, and when a stream replaces a dictionary (a
   *     batch set holds one per id)
   */
  public static BatchSet read(Path path, BufferAllocator allocator) throws IOException {
    try (ArrowReader reader = open(path, allocator)) {
      return DataFiles.collect(path, reader, allocator);
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
        VectorSchemaRoot root = IpcSchemas.createRoot(table.schema(), allocator);
        ArrowWriter writer =
            newWriter(format, root, IpcSchemas.trueValueTypes(table.dictionaries()), channel)) {
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

  /**
   * Writes every batch {@code source} reads to {@code channel}, batch by batch, in {@code format}.
   * The channel stays open. A dictionary that changes between batches goes into a stream as a
   * replacement, into a file as a delta when it only grew ({@link DeltaFileWriter}).
   *
   * @param file named in errors
   * @throws DataFileException when {@code source} replaces a dictionary and {@code format} is the
   *     file format, which holds deltas but one set of values per dictionary
   */
  static WriteOutcome write(
      ArrowReader source,
      WritableByteChannel channel,
      Format format,
      Path file,
      BufferAllocator allocator)
      throws IOException {
    VectorSchemaRoot root = source.getVectorSchemaRoot();
    // The first batch first: a stream's dictionaries arrive with it.
    boolean more = source.loadNextBatch();
    long rows = 0;
    long batches = 0;
    try (ArrowWriter writer =
        format == Format.FILE
            ? new DeltaFileWriter(
                root, IpcSchemas.trueValueTypes(source), new Unclosed(channel), file, allocator)
            : new ArrowStreamWriter(
                root, IpcSchemas.trueValueTypes(source), new Unclosed(channel))) {
      writer.start();
      while (more) {
        EmptyBatches.reallocateIfEmpty(root);
        writer.writeBatch();
        rows += root.getRowCount();
        batches++;
        more = source.loadNextBatch();
      }
      writer.end();
      return new WriteOutcome(rows, batches, writer.bytesWritten());
    }
  }

  private static ArrowWriter newWriter(
      Format format,
      VectorSchemaRoot root,
      org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries,
      WritableByteChannel channel) {
    return format == Format.FILE
        ? new ArrowFileWriter(root, dictionaries, channel)
        : new ArrowStreamWriter(root, dictionaries, channel);
  }

  /** A channel the writer may close without closing the file: its owner syncs and closes it. */
  private record Unclosed(WritableByteChannel channel) implements WritableByteChannel {
    @Override
    public int write(ByteBuffer src) throws IOException {
      return channel.write(src);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {}
  }

  /**
   * Checks every block the footer of an Arrow IPC file lists against the file's size: the reader
   * allocates each block's stated length before reading it.
   */
  private static long checkBlocks(Path path, FileChannel channel, long size) throws IOException {
    ByteBuffer footerBytes = footerBytes(path, channel, size);
    long footerStart = size - FileSignatures.ARROW_MAGIC.length - 4 - footerBytes.limit();
    List<ArrowBlock> dictionaries = new ArrayList<>();
    List<ArrowBlock> batches = new ArrayList<>();
    try {
      Footer footer = Footer.getRootAsFooter(footerBytes);
      for (int i = 0; i < footer.dictionariesLength(); i++) {
        dictionaries.add(block(footer.dictionaries(i)));
      }
      for (int i = 0; i < footer.recordBatchesLength(); i++) {
        batches.add(block(footer.recordBatches(i)));
      }
    } catch (RuntimeException e) {
      throw DataFileException.atOffset(
          path, footerStart, "the Arrow IPC footer is damaged: " + e.getMessage());
    }
    int index = 0;
    for (ArrowBlock block : dictionaries) {
      checkBlock(path, "dictionary batch " + index++, block, footerStart);
    }
    index = 0;
    for (ArrowBlock block : batches) {
      checkBlock(path, "record batch " + index++, block, footerStart);
    }
    return footerStart;
  }

  private static ArrowBlock block(org.apache.arrow.flatbuf.Block b) {
    return new ArrowBlock(b.offset(), b.metaDataLength(), b.bodyLength());
  }

  /** An Arrow IPC file's footer flatbuffer, its length checked. */
  private static ByteBuffer footerBytes(Path path, FileChannel channel, long size)
      throws IOException {
    int magic = FileSignatures.ARROW_MAGIC.length;
    ByteBuffer lengthBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    readFully(path, channel, lengthBytes, size - magic - 4);
    int footerLength = lengthBytes.getInt(0);
    long footerStart = size - magic - 4 - footerLength;
    if (footerLength > FileSignatures.MAX_METADATA_BYTES) {
      throw DataFileException.atOffset(
          path, footerStart, "Arrow IPC footer of " + footerLength + " bytes is implausibly large");
    }
    ByteBuffer footerBytes = ByteBuffer.allocate(footerLength);
    readFully(path, channel, footerBytes, footerStart);
    footerBytes.flip();
    return footerBytes;
  }

  /** The schema in an Arrow IPC file's footer, read by {@link IpcSchemas}. */
  private static Schema footerSchema(Path path, FileChannel channel, long size) throws IOException {
    ByteBuffer footer = footerBytes(path, channel, size);
    try {
      return IpcSchemas.readFooter(footer);
    } catch (RuntimeException e) {
      throw DataFileException.of(
          path, "the schema of this Arrow IPC file cannot be read: " + e.getMessage(), e);
    }
  }

  private static void checkBlock(Path path, String what, ArrowBlock block, long dataEnd)
      throws DataFileException {
    long offset = block.getOffset();
    long metadata = block.getMetadataLength();
    long body = block.getBodyLength();
    if (offset < 8
        || metadata < 8
        || metadata > FileSignatures.MAX_METADATA_BYTES
        || body < 0
        || offset + metadata + body > dataEnd) {
      throw DataFileException.atOffset(
          path,
          offset,
          what
              + " ("
              + metadata
              + " metadata and "
              + body
              + " body bytes) does not fit before the footer at byte "
              + dataEnd
              + ": truncated or damaged");
    }
  }

  private static void readFully(Path path, FileChannel channel, ByteBuffer into, long position)
      throws IOException {
    while (into.hasRemaining()) {
      if (channel.read(into, position + into.position()) < 0) {
        throw DataFileException.atOffset(path, position, "ends early");
      }
    }
  }

  /** An IPC reader whose failures name the file and the batch. */
  private static final class Checked extends ForwardingReader {
    private final Path file;
    private final FileFormat layout;
    private long batches;

    Checked(Path file, FileFormat layout, ArrowReader reader, BufferAllocator allocator) {
      super(reader, allocator);
      this.file = file;
      this.layout = layout;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
      try {
        return delegate.getVectorSchemaRoot();
      } catch (DataFileException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw DataFileException.of(
            file,
            "the schema of this " + layout.description() + " cannot be read: " + e.getMessage(),
            e);
      }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      try {
        boolean loaded = delegate.loadNextBatch();
        if (loaded) {
          batches++;
        }
        return loaded;
      } catch (DataFileException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw DataFileException.of(
            file, "record batch " + batches + " cannot be read: " + e.getMessage(), e);
      }
    }
  }
}
