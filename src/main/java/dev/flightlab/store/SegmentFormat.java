package dev.flightlab.store;

import dev.flightlab.data.IpcSchemas;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Segment files: the batches of one committed upload as an Arrow IPC file (readable by any Arrow
 * library), written with a CRC32C of the whole file and served back from memory-mapped regions
 * without copying.
 *
 * <p>Per-batch app_metadata, which the IPC file format has no place for, goes in the footer's
 * custom metadata under {@code flightlab.app_metadata.<batch index>} (base64).
 */
final class SegmentFormat {
  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  /** Footer metadata key prefix for a batch's app_metadata. */
  static final String APP_METADATA_KEY = "flightlab.app_metadata.";

  /**
   * The largest region mapped at once (a region holds whole messages): {@code
   * flightlab.mapChunkBytes}, at most 2 GiB - 1 as one Java mapping can be.
   */
  static final long MAX_CHUNK_BYTES =
      Math.min(Integer.MAX_VALUE, Long.getLong("flightlab.mapChunkBytes", 1L << 30));

  /** Writes below this size gather in a staging buffer; larger ones go to the file directly. */
  private static final int DIRECT_WRITE_BYTES = 64 * 1024;

  private SegmentFormat() {}

  /** What writing a segment produced: the file's length and CRC32C. */
  record Written(long bytes, long crc32c) {}

  /** A segment read back: its batches and dictionaries over mapped memory. */
  record Content(
      Schema schema, Schema memorySchema, List<StoredBatch> batches, Map<Long, Dictionary> dicts) {}

  /** The schema a segment file carries: dictionary-encoded fields with their value types. */
  static Schema messageSchema(Schema memorySchema, Map<Long, Dictionary> dictionaries) {
    if (dictionaries.isEmpty()) {
      return memorySchema;
    }
    DictionaryProvider.MapDictionaryProvider provider =
        new DictionaryProvider.MapDictionaryProvider();
    dictionaries.values().forEach(provider::put);
    List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
    Set<Long> used = new HashSet<>();
    for (org.apache.arrow.vector.types.pojo.Field f : memorySchema.getFields()) {
      fields.add(IpcSchemas.toMessageFormat(f, provider, used));
    }
    return new Schema(fields, memorySchema.getCustomMetadata());
  }

  /**
   * Writes one segment file a piece at a time, as an upload's batches arrive: {@link #start} (the
   * schema and dictionaries), {@link #append} per batch, {@link #finish} (the footer). Nothing is
   * synced. Not thread-safe.
   */
  static final class Writer {
    private final ChecksumChannel sink;
    private final WriteChannel out;
    private final List<ArrowBlock> dictionaryBlocks = new ArrayList<>();
    private final List<ArrowBlock> batchBlocks = new ArrayList<>();
    private final Map<String, String> metadata = new HashMap<>();
    private Schema schema;

    Writer(FileChannel channel) {
      this.sink = new ChecksumChannel(channel);
      this.out = new WriteChannel(sink);
    }

    /** True once {@link #start} has written the schema. */
    boolean started() {
      return schema != null;
    }

    /**
     * Writes the magic, the schema and the dictionaries.
     *
     * @param schema the message-format schema (dictionary fields show their value type)
     */
    void start(Schema schema, Map<Long, Dictionary> dictionaries) throws IOException {
      this.schema = schema;
      out.write(MAGIC);
      out.align();
      MessageSerializer.serialize(out, schema);
      for (Map.Entry<Long, Dictionary> e : new TreeMap<>(dictionaries).entrySet()) {
        FieldVector vector = e.getValue().getVector();
        // A root over the session's vector, not closed: closing it would free the dictionary.
        VectorSchemaRoot one =
            new VectorSchemaRoot(
                List.of(vector.getField()), List.of(vector), vector.getValueCount());
        try (ArrowRecordBatch data = new VectorUnloader(one, true, true).getRecordBatch();
            ArrowDictionaryBatch batch = new ArrowDictionaryBatch(e.getKey(), data, false)) {
          dictionaryBlocks.add(MessageSerializer.serialize(out, batch));
        }
      }
    }

    /** Writes one record batch (its app_metadata goes in the footer). */
    void append(StoredBatch b) throws IOException {
      int index = batchBlocks.size();
      batchBlocks.add(MessageSerializer.serialize(out, b.batch()));
      if (b.appMetadata() != null && b.appMetadata().readableBytes() > 0) {
        byte[] bytes = new byte[(int) b.appMetadata().readableBytes()];
        b.appMetadata().getBytes(b.appMetadata().readerIndex(), bytes);
        metadata.put(APP_METADATA_KEY + index, Base64.getEncoder().encodeToString(bytes));
      }
    }

    /** Ends the file as ArrowFileWriter does: end-of-stream marker, footer, its length, magic. */
    Written finish() throws IOException {
      out.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
      out.writeIntLittleEndian(0);
      long footerStart = out.getCurrentPosition();
      out.write(new ArrowFooter(schema, dictionaryBlocks, batchBlocks, metadata), false);
      int footerLength = (int) (out.getCurrentPosition() - footerStart);
      out.writeIntLittleEndian(footerLength);
      out.write(MAGIC);
      sink.flush();
      return new Written(sink.bytes, sink.crc.getValue());
    }
  }

  /** CRC32C of the first {@code size} bytes of {@code channel}, read through {@code buffer}. */
  static long crc32c(FileChannel channel, long size, ByteBuffer buffer) throws IOException {
    CRC32C crc = new CRC32C();
    long position = 0;
    while (position < size) {
      buffer.clear();
      if (size - position < buffer.capacity()) {
        buffer.limit((int) (size - position));
      }
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new EOFException("file ends at " + position + " of " + size + " bytes");
      }
      buffer.flip();
      crc.update(buffer);
      position += n;
    }
    return crc.getValue();
  }

  /**
   * Maps a segment file of {@code size} bytes and reads its batches and dictionaries over the
   * mapping, accounted to {@code allocator}; nothing is copied but app_metadata.
   *
   * <p>The mapped regions stay mapped while any batch, dictionary or buffer queued for sending
   * still refers to them: the last release unmaps.
   *
   * @throws IOException when the file is not a well-formed segment
   */
  static Content map(FileChannel channel, long size, BufferAllocator allocator) throws IOException {
    return map(channel, size, allocator, MAX_CHUNK_BYTES);
  }

  /** A footer's dictionary or record batch blocks. */
  private static List<ArrowBlock> blocks(Footer footer, boolean dictionaries) {
    int n = dictionaries ? footer.dictionariesLength() : footer.recordBatchesLength();
    List<ArrowBlock> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      org.apache.arrow.flatbuf.Block b =
          dictionaries ? footer.dictionaries(i) : footer.recordBatches(i);
      out.add(new ArrowBlock(b.offset(), b.metaDataLength(), b.bodyLength()));
    }
    return out;
  }

  /** A footer's custom metadata, as Arrow Java's ArrowFooter reads it. */
  private static Map<String, String> metadataOf(Footer footer) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < footer.customMetadataLength(); i++) {
      org.apache.arrow.flatbuf.KeyValue kv = footer.customMetadata(i);
      out.put(kv.key(), kv.value());
    }
    return out;
  }

  /**
   * Like {@link #map(FileChannel, long, BufferAllocator)}, in regions of at most {@code
   * chunkBytes}.
   */
  static Content map(FileChannel channel, long size, BufferAllocator allocator, long chunkBytes)
      throws IOException {
    if (size < 2L * 8 + 4) {
      throw new IOException("too short for an Arrow IPC file: " + size + " bytes");
    }
    ByteBuffer head = read(channel, 0, MAGIC.length);
    ByteBuffer tail = read(channel, size - MAGIC.length - 4, MAGIC.length + 4);
    if (!Arrays.equals(bytes(head), MAGIC)
        || !Arrays.equals(bytes(tail.position(4)), MAGIC)
        || tail.getInt(0) <= 0
        || tail.getInt(0) > size - 8 - MAGIC.length - 4) {
      throw new IOException("not an Arrow IPC file (magic or footer length)");
    }
    int footerLength = tail.getInt(0);
    long footerStart = size - MAGIC.length - 4 - footerLength;
    ByteBuffer footerBytes = read(channel, footerStart, footerLength);
    // The blocks as Arrow Java reads them; the schema read by IpcSchemas (narrow decimals too).
    ArrowFooter footer =
        new ArrowFooter(
            new Schema(List.of()),
            blocks(Footer.getRootAsFooter(footerBytes), true),
            blocks(Footer.getRootAsFooter(footerBytes), false),
            metadataOf(Footer.getRootAsFooter(footerBytes)));
    Schema schema = IpcSchemas.readFooter(footerBytes);
    List<AutoCloseable> built = new ArrayList<>();
    List<ArrowBuf> chunks = new ArrayList<>();
    try {
      Map<Long, Dictionary> dictionaries = new HashMap<>();
      List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
      for (org.apache.arrow.vector.types.pojo.Field f : schema.getFields()) {
        fields.add(IpcSchemas.toMemoryFormat(f, allocator, dictionaries));
      }
      dictionaries.values().forEach(d -> built.add(d.getVector()));
      Schema memorySchema = new Schema(fields, schema.getCustomMetadata());
      List<ArrowBlock> blocks = new ArrayList<>(footer.getDictionaries());
      blocks.addAll(footer.getRecordBatches());
      Map<ArrowBlock, Region> regions =
          mapRegions(channel, blocks, footerStart, allocator, chunks, chunkBytes);
      for (ArrowBlock block : footer.getDictionaries()) {
        try (ArrowDictionaryBatch batch =
            MessageSerializer.deserializeDictionaryBatch(
                message(regions.get(block), block, MessageHeader.DictionaryBatch),
                body(regions.get(block), block))) {
          Dictionary dictionary = dictionaries.get(batch.getDictionaryId());
          if (dictionary == null || batch.isDelta()) {
            throw new IOException(
                "dictionary " + batch.getDictionaryId() + " is not in the schema");
          }
          FieldVector vector = dictionary.getVector();
          VectorSchemaRoot one =
              new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0);
          new VectorLoader(one).load(batch.getDictionary());
        }
      }
      List<StoredBatch> batches = new ArrayList<>(footer.getRecordBatches().size());
      Map<String, String> metadata = footer.getMetaData();
      for (int i = 0; i < footer.getRecordBatches().size(); i++) {
        ArrowBlock block = footer.getRecordBatches().get(i);
        ArrowRecordBatch batch =
            MessageSerializer.deserializeRecordBatch(
                message(regions.get(block), block, MessageHeader.RecordBatch),
                body(regions.get(block), block));
        built.add(batch);
        ArrowBuf appMetadata = null;
        String encoded = metadata == null ? null : metadata.get(APP_METADATA_KEY + i);
        if (encoded != null) {
          byte[] bytes = Base64.getDecoder().decode(encoded);
          appMetadata = allocator.buffer(bytes.length);
          built.add(appMetadata);
          appMetadata.setBytes(0, bytes);
          appMetadata.writerIndex(bytes.length);
        }
        batches.add(StoredBatch.of(batch, appMetadata));
      }
      // The batches and dictionaries hold the regions now.
      chunks.forEach(ArrowBuf::close);
      return new Content(schema, memorySchema, batches, dictionaries);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : built) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      chunks.forEach(ArrowBuf::close);
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("malformed segment: " + e, e);
    }
  }

  /** Where one message lies: the mapped region that holds it, and its offset in that region. */
  private record Region(ArrowBuf chunk, long offset) {}

  /**
   * Maps the file in regions of whole messages, each at most {@link #MAX_CHUNK_BYTES} (a single
   * larger message gets a region of its own), so a file of any size takes few mappings.
   */
  private static Map<ArrowBlock, Region> mapRegions(
      FileChannel channel,
      List<ArrowBlock> blocks,
      long footerStart,
      BufferAllocator allocator,
      List<ArrowBuf> chunks,
      long chunkBytes)
      throws IOException {
    List<ArrowBlock> sorted = new ArrayList<>(blocks);
    sorted.sort(Comparator.comparingLong(ArrowBlock::getOffset));
    Map<ArrowBlock, Region> regions = new HashMap<>();
    int i = 0;
    while (i < sorted.size()) {
      long start = sorted.get(i).getOffset();
      int j = i;
      long end = start;
      while (j < sorted.size()) {
        ArrowBlock b = sorted.get(j);
        long blockEnd = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
        if (b.getOffset() < end
            || b.getOffset() < 8
            || b.getMetadataLength() < 8
            || b.getBodyLength() < 0
            || blockEnd > footerStart) {
          throw new IOException("message at " + b.getOffset() + " lies outside the file's body");
        }
        if (j > i && blockEnd - start > chunkBytes) {
          break;
        }
        end = blockEnd;
        j++;
      }
      if (end - start > Integer.MAX_VALUE) {
        throw new IOException("message at " + start + " is over 2 GiB");
      }
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, end - start);
      ArrowBuf chunk = allocator.wrapForeignAllocation(new MappedRegion(mapped));
      chunks.add(chunk);
      for (int k = i; k < j; k++) {
        regions.put(sorted.get(k), new Region(chunk, sorted.get(k).getOffset() - start));
      }
      i = j;
    }
    return regions;
  }

  private static Message message(Region region, ArrowBlock block, byte expectedType)
      throws IOException {
    ByteBuffer meta =
        MemoryUtil.directBuffer(
                region.chunk().memoryAddress() + region.offset(), block.getMetadataLength())
            .order(ByteOrder.LITTLE_ENDIAN);
    int first = meta.getInt(0);
    int start = first == MessageSerializer.IPC_CONTINUATION_TOKEN ? 8 : 4;
    int length = first == MessageSerializer.IPC_CONTINUATION_TOKEN ? meta.getInt(4) : first;
    if (length <= 0 || start + length > block.getMetadataLength()) {
      throw new IOException("message at " + block.getOffset() + " has a bad metadata length");
    }
    Message message = Message.getRootAsMessage(meta.position(start).limit(start + length).slice());
    if (message.headerType() != expectedType || message.bodyLength() != block.getBodyLength()) {
      throw new IOException("message at " + block.getOffset() + " is not what the footer says");
    }
    return message;
  }

  /**
   * The message's body over the mapping, with one reference of its own (deserializing takes it).
   */
  private static ArrowBuf body(Region region, ArrowBlock block) {
    region.chunk().getReferenceManager().retain();
    return region.chunk().slice(region.offset() + block.getMetadataLength(), block.getBodyLength());
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        throw new EOFException("file ends before byte " + (position + length));
      }
    }
    return buf.flip();
  }

  private static byte[] bytes(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }

  /** A read-only mapping as Arrow memory: unmapped when its last reference is released. */
  private static final class MappedRegion extends ForeignAllocation {
    private MappedByteBuffer mapped;

    MappedRegion(MappedByteBuffer mapped) {
      super(mapped.capacity(), MemoryUtil.getByteBufferAddress(mapped));
      this.mapped = mapped;
    }

    @Override
    protected void release0() {
      Unmapper.unmap(mapped);
      mapped = null;
    }
  }

  /** Unmaps a mapping now rather than whenever the garbage collector finds it. */
  private static final class Unmapper {
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    static void unmap(MappedByteBuffer mapped) {
      if (INVOKE_CLEANER == null) {
        return; // Left to the garbage collector.
      }
      try {
        INVOKE_CLEANER.invokeExact(mapped);
      } catch (Throwable t) {
        // Left to the garbage collector.
      }
    }

    private static MethodHandle invokeCleaner() {
      try {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        MethodHandle handle =
            MethodHandles.lookup()
                .findVirtual(
                    unsafeClass,
                    "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(theUnsafe.get(null));
        return handle.asType(MethodType.methodType(void.class, MappedByteBuffer.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }

  /** Counts and checksums what passes through; gathers small writes into one buffer. */
  private static final class ChecksumChannel implements WritableByteChannel {
    private final FileChannel file;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer staging = ByteBuffer.allocateDirect(256 * 1024);
    private long bytes;

    ChecksumChannel(FileChannel file) {
      this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      crc.update(src.duplicate());
      if (n >= DIRECT_WRITE_BYTES) {
        flush();
        while (src.hasRemaining()) {
          file.write(src);
        }
      } else {
        if (staging.remaining() < n) {
          flush();
        }
        staging.put(src);
      }
      bytes += n;
      return n;
    }

    void flush() throws IOException {
      staging.flip();
      while (staging.hasRemaining()) {
        file.write(staging);
      }
      staging.clear();
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() {}
  }
}
