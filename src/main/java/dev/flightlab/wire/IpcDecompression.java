package dev.flightlab.wire;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Decompresses a received record batch's buffers as Arrow C++ does, holding each to its
 * uncompressed-length prefix: a buffer that decompresses to any other length, or whose codec
 * reports an error, is refused (Arrow Java's LZ4 codec ignores the prefix).
 */
public final class IpcDecompression {
  private static final int CHUNK = 64 * 1024;

  private IpcDecompression() {}

  /**
   * The uncompressed form of {@code batch}: a new batch holding its own references (close it);
   * decompressed buffers live in {@code allocator}, counted before they are filled.
   *
   * @throws InvalidFlightDataException when a buffer is corrupt or not of its stated length
   * @throws org.apache.arrow.memory.OutOfMemoryException when the buffers do not fit
   */
  public static ArrowRecordBatch decompress(ArrowRecordBatch batch, BufferAllocator allocator) {
    byte codec = batch.getBodyCompression().getCodec();
    List<ArrowBuf> fresh = new ArrayList<>();
    List<ArrowBuf> out = new ArrayList<>(batch.getBuffers().size());
    try {
      int i = 0;
      for (ArrowBuf buf : batch.getBuffers()) {
        out.add(decompress(buf, codec, allocator, fresh, i++));
      }
      // The batch retains every buffer; the fresh ones' first references are dropped below.
      return new ArrowRecordBatch(
          batch.getLength(),
          batch.getNodes(),
          out,
          NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
          batch.getVariadicBufferCounts(),
          true);
    } finally {
      fresh.forEach(ArrowBuf::close);
    }
  }

  private static ArrowBuf decompress(
      ArrowBuf buf, byte codec, BufferAllocator allocator, List<ArrowBuf> fresh, int index) {
    long size = buf.readableBytes();
    if (size == 0) {
      return buf;
    }
    if (size < CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH) {
      throw new InvalidFlightDataException(
          "compressed buffer " + index + " is " + size + " bytes, too short for its length prefix");
    }
    long length = buf.getLong(0);
    long payload = size - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
    if (length == CompressionUtil.NO_COMPRESSION_LENGTH) {
      return buf.slice(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, payload);
    }
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new InvalidFlightDataException(
          "compressed buffer " + index + " has an invalid uncompressed length " + length);
    }
    ArrowBuf target = allocator.buffer(length);
    fresh.add(target);
    long got;
    if (codec == CompressionUtil.CodecType.ZSTD.getType()) {
      got =
          Zstd.decompressUnsafe(
              target.memoryAddress(),
              length,
              buf.memoryAddress() + CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH,
              payload);
      if (Zstd.isError(got)) {
        throw new InvalidFlightDataException(
            "ZSTD buffer " + index + " is corrupt: " + Zstd.getErrorName(got));
      }
    } else if (codec == CompressionUtil.CodecType.LZ4_FRAME.getType()) {
      got = lz4(buf, payload, target, length, index);
    } else {
      throw new InvalidFlightDataException("unknown compression codec " + codec);
    }
    if (got != length) {
      throw new InvalidFlightDataException(
          "compressed buffer "
              + index
              + " decompresses to "
              + got
              + " bytes, its length prefix says "
              + length);
    }
    target.writerIndex(length);
    return target;
  }

  /** Decodes an LZ4 frame into {@code target}; returns the bytes it held (length + 1 if more). */
  private static long lz4(ArrowBuf buf, long payload, ArrowBuf target, long length, int index) {
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
    long at = 0;
    try (InputStream in =
        new FramedLZ4CompressorInputStream(
            new BufInputStream(buf, CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, payload))) {
      while (true) {
        int n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
          return at;
        }
        if (at + n > length) {
          return length + 1;
        }
        target.setBytes(at, chunk, 0, n);
        at += n;
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidFlightDataException("LZ4 frame buffer " + index + " is corrupt");
    }
  }

  /** Reads a range of a buffer. */
  private static final class BufInputStream extends InputStream {
    private final ArrowBuf buf;
    private long at;
    private final long end;

    BufInputStream(ArrowBuf buf, long from, long length) {
      this.buf = buf;
      this.at = from;
      this.end = from + length;
    }

    @Override
    public int read() {
      return at < end ? buf.getByte(at++) & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - at);
      buf.getBytes(at, b, off, n);
      at += n;
      return n;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - at);
    }
  }
}
