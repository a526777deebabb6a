package dev.flightlab.wire;

import java.lang.reflect.Field;
import java.util.Locale;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flight.OutboundStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Arrow IPC body compression (LZ4 frame or ZSTD) for the record batches a Flight stream sends.
 *
 * <p>Receiving compressed batches needs nothing: Arrow Java 19's {@code FlightStream} loads them
 * with {@code CompressionCodec.Factory.INSTANCE}, which finds arrow-compression's codecs through
 * {@link java.util.ServiceLoader}. Sending them is not offered: Flight's stream writer ({@code
 * OutboundStreamListenerImpl}) builds its {@link VectorUnloader} without a codec and {@code
 * IpcOption} has no codec field. {@link #install} therefore replaces that writer's unloader, once
 * the stream has started, with one that compresses; it fails with a clear message when the Arrow
 * version at hand has no such field.
 *
 * @param codec LZ4_FRAME, ZSTD or NO_COMPRESSION
 * @param level the ZSTD level, or null for the codec's default
 */
public record IpcCompression(CompressionUtil.CodecType codec, Integer level) {
  private static final String WRITER_CLASS = "org.apache.arrow.flight.OutboundStreamListenerImpl";

  /** No compression. */
  public static final IpcCompression NONE =
      new IpcCompression(CompressionUtil.CodecType.NO_COMPRESSION, null);

  public IpcCompression {
    if (level != null && codec != CompressionUtil.CodecType.ZSTD) {
      throw new IllegalArgumentException("only zstd takes a level");
    }
  }

  /** Parses {@code none}, {@code lz4}, {@code zstd} or {@code zstd:LEVEL}. */
  public static IpcCompression parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none")) {
      return NONE;
    }
    if (t.equals("lz4") || t.equals("lz4_frame")) {
      return new IpcCompression(CompressionUtil.CodecType.LZ4_FRAME, null);
    }
    if (t.equals("zstd")) {
      return new IpcCompression(CompressionUtil.CodecType.ZSTD, null);
    }
    if (t.startsWith("zstd:")) {
      try {
        int level = Integer.parseInt(t.substring(5));
        if (level < -7 || level > 22) {
          throw new IllegalArgumentException(
              "zstd level must be in -7..22, got " + level + " in '" + text + "'");
        }
        return new IpcCompression(CompressionUtil.CodecType.ZSTD, level);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad zstd level in '" + text + "' (e.g. zstd:3)");
      }
    }
    throw new IllegalArgumentException(
        "unknown compression '" + text + "' (none, lz4, zstd or zstd:LEVEL)");
  }

  /** True unless this is {@link #NONE}. */
  public boolean enabled() {
    return codec != CompressionUtil.CodecType.NO_COMPRESSION;
  }

  /** A new codec instance (codecs keep per-instance state: one per stream). */
  public CompressionCodec newCodec() {
    if (!enabled()) {
      return org.apache.arrow.vector.compression.NoCompressionCodec.INSTANCE;
    }
    return level == null
        ? CommonsCompressionFactory.INSTANCE.createCodec(codec)
        : CommonsCompressionFactory.INSTANCE.createCodec(codec, level);
  }

  /**
   * Makes a started stream compress every batch it sends from now on.
   *
   * @param stream a stream on which {@code start} (or {@code startPut}) has been called
   * @param root the root the stream was started with
   * @return a counter of the compressed body bytes sent (8-byte aligned, as on the wire)
   * @throws IllegalStateException when this Arrow version's stream writer cannot be adapted
   */
  public CountingCodec install(OutboundStreamListener stream, VectorSchemaRoot root) {
    CountingCodec counting = new CountingCodec(newCodec());
    Field field = unloaderField(stream);
    try {
      field.set(stream, new VectorUnloader(root, true, counting, true));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(
          "cannot enable IPC compression on this Arrow Java version: " + e.getMessage(), e);
    }
    return counting;
  }

  private static Field unloaderField(OutboundStreamListener stream) {
    for (Class<?> c = stream.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(WRITER_CLASS)) {
        try {
          Field f = c.getDeclaredField("unloader");
          f.setAccessible(true);
          if (f.get(stream) == null) {
            throw new IllegalStateException("start the stream before enabling compression");
          }
          return f;
        } catch (NoSuchFieldException | IllegalAccessException | RuntimeException e) {
          if (e instanceof IllegalStateException ise) {
            throw ise;
          }
          throw new IllegalStateException(
              "cannot enable IPC compression: Arrow Java's "
                  + WRITER_CLASS
                  + " has no accessible 'unloader' field ("
                  + e
                  + ")",
              e);
        }
      }
    }
    throw new IllegalStateException(
        "cannot enable IPC compression on a " + stream.getClass().getName());
  }

  @Override
  public String toString() {
    return switch (codec) {
      case NO_COMPRESSION -> "none";
      case LZ4_FRAME -> "lz4";
      case ZSTD -> level == null ? "zstd" : "zstd:" + level;
    };
  }

  /** A codec that counts the body bytes its compressed buffers occupy. */
  public static final class CountingCodec implements CompressionCodec {
    private final CompressionCodec delegate;
    private volatile long compressedBodyBytes;

    CountingCodec(CompressionCodec delegate) {
      this.delegate = delegate;
    }

    /** Body bytes of the buffers compressed so far, each padded to 8 bytes as IPC lays them. */
    public long compressedBodyBytes() {
      return compressedBodyBytes;
    }

    @Override
    public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressedBuffer) {
      ArrowBuf out = delegate.compress(allocator, uncompressedBuffer);
      // One writer thread per stream: a plain read-modify-write of the volatile is enough.
      compressedBodyBytes = compressedBodyBytes + ((out.writerIndex() + 7) & ~7L);
      return out;
    }

    @Override
    public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressedBuffer) {
      return delegate.decompress(allocator, compressedBuffer);
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
      return delegate.getCodecType();
    }
  }
}
