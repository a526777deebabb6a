package dev.flightlab.wire;

import io.grpc.Drainable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.grpc.AddWritableBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One FlightData message ready for gRPC: protobuf framing around an IPC header, app_metadata and a
 * body whose Arrow buffers are handed to gRPC in place (no copy).
 *
 * <p>Ownership: the message holds its own reference to every Arrow buffer it sends, released when
 * gRPC has written it (or when {@link #stream()}'s stream is closed unsent). The caller keeps its
 * own references and may release them right after handing the message to gRPC.
 */
public final class OutboundFlightData {
  /**
   * Zeros for padding, in direct memory: every part of a message must be direct, or Netty copies
   * each HTTP/2 frame of it into a new direct buffer before writing it to the socket.
   */
  private static final ByteBuf ZEROS =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(8, 8).writeZero(8));

  private final CompositeByteBuf payload;
  private final int ipcHeaderBytes;
  private final long ipcBodyBytes;

  private OutboundFlightData(CompositeByteBuf payload, int ipcHeaderBytes, long ipcBodyBytes) {
    this.payload = payload;
    this.ipcHeaderBytes = ipcHeaderBytes;
    this.ipcBodyBytes = ipcBodyBytes;
  }

  /** Length of the IPC body this message carries, in bytes (buffers and padding). */
  public long ipcBodyBytes() {
    return ipcBodyBytes;
  }

  /**
   * Bytes this message takes in an Arrow IPC stream: continuation token, length, header padded to 8
   * bytes, body.
   */
  public long ipcStreamBytes() {
    return 8 + ((ipcHeaderBytes + 7) & ~7L) + ipcBodyBytes;
  }

  /** The schema message that opens a stream; the descriptor goes with it on DoPut. */
  public static OutboundFlightData schema(
      FlightDescriptor descriptor, Schema schema, IpcOption option) {
    ByteBuffer header = MessageSerializer.serializeMetadata(schema, option);
    byte[] descriptorBytes = null;
    if (descriptor != null) {
      ByteBuffer serialized = descriptor.serialize();
      descriptorBytes = new byte[serialized.remaining()];
      serialized.get(descriptorBytes);
    }
    return build(descriptorBytes, header, null, List.of(), List.of(), 0);
  }

  /** A record batch with its app_metadata (may be null). */
  public static OutboundFlightData recordBatch(
      ArrowRecordBatch batch, ArrowBuf appMetadata, IpcOption option) {
    return preEncoded(MessageSerializer.serializeMetadata(batch, option), batch, appMetadata);
  }

  /**
   * A record batch whose IPC header was encoded earlier ({@link
   * MessageSerializer#serializeMetadata(org.apache.arrow.vector.ipc.message.ArrowMessage,
   * IpcOption)}): what a store serves many times.
   */
  public static OutboundFlightData preEncoded(
      ByteBuffer header, ArrowRecordBatch batch, ArrowBuf appMetadata) {
    return build(
        null,
        header.duplicate(),
        appMetadata,
        batch.getBuffers(),
        batch.getBuffersLayout(),
        batch.computeBodyLength());
  }

  /** A message of app_metadata alone: no IPC header, no body. */
  public static OutboundFlightData metadataOnly(ArrowBuf appMetadata) {
    return build(null, null, appMetadata, List.of(), List.of(), 0);
  }

  /** A dictionary's values as a dictionary batch (not a delta). */
  public static OutboundFlightData dictionary(Dictionary dictionary) {
    return dictionary(dictionary, false);
  }

  /**
   * A dictionary batch: with {@code delta}, values the reader appends to the dictionary it holds,
   * else the dictionary's values from here on.
   */
  public static OutboundFlightData dictionary(Dictionary dictionary, boolean delta) {
    FieldVector vector = dictionary.getVector();
    // A root over the dictionary's vector, not closed: closing it would free the dictionary.
    VectorSchemaRoot one =
        new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount());
    try (ArrowRecordBatch data = new VectorUnloader(one, true, true).getRecordBatch();
        ArrowDictionaryBatch batch =
            new ArrowDictionaryBatch(dictionary.getEncoding().getId(), data, delta)) {
      return build(
          null,
          MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT),
          null,
          data.getBuffers(),
          data.getBuffersLayout(),
          batch.computeBodyLength());
    }
  }

  private static OutboundFlightData build(
      byte[] descriptor,
      ByteBuffer header,
      ArrowBuf appMetadata,
      List<ArrowBuf> bodyBuffers,
      List<ArrowBuffer> layout,
      long bodyLength) {
    if (bodyLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("message body over 2 GiB: " + bodyLength + " bytes");
    }
    int headerBytes = header == null ? 0 : header.remaining();
    // Direct, like every other part (see ZEROS); pooled, since one is made per message.
    ByteBuf prefix = PooledByteBufAllocator.DEFAULT.directBuffer(64 + headerBytes);
    if (descriptor != null) {
      writeTag(prefix, FlightDataFields.DESCRIPTOR);
      writeVarint(prefix, descriptor.length);
      prefix.writeBytes(descriptor);
    }
    if (header != null) {
      writeTag(prefix, FlightDataFields.HEADER);
      writeVarint(prefix, headerBytes);
      prefix.writeBytes(header);
    }
    List<ArrowBuf> retained = new ArrayList<>(bodyBuffers.size() + 1);
    List<ByteBuf> parts = new ArrayList<>(bodyBuffers.size() * 2 + 3);
    parts.add(prefix);
    if (appMetadata != null && appMetadata.readableBytes() > 0) {
      int length = (int) appMetadata.readableBytes();
      writeTag(prefix, FlightDataFields.APP_METADATA);
      writeVarint(prefix, length);
      parts.add(wrap(appMetadata, appMetadata.readerIndex(), length, retained));
    }
    if (header == null) {
      CompositeByteBuf payload = new RetainingCompositeByteBuf(retained);
      payload.addComponents(true, parts);
      return new OutboundFlightData(payload, 0, 0);
    }
    // The body field is written even when empty: readers expect it for batches.
    ByteBuf bodyPrefix = PooledByteBufAllocator.DEFAULT.directBuffer(8);
    writeTag(bodyPrefix, FlightDataFields.BODY);
    writeVarint(bodyPrefix, (int) bodyLength);
    parts.add(bodyPrefix);
    long position = 0;
    for (int i = 0; i < bodyBuffers.size(); i++) {
      ArrowBuf buf = bodyBuffers.get(i);
      ArrowBuffer where = layout.get(i);
      position = pad(parts, position, where.getOffset());
      if (where.getSize() > 0) {
        parts.add(wrap(buf, 0, (int) where.getSize(), retained));
        position += where.getSize();
      }
    }
    pad(parts, position, bodyLength);
    CompositeByteBuf payload = new RetainingCompositeByteBuf(retained);
    payload.addComponents(true, parts);
    return new OutboundFlightData(payload, headerBytes, bodyLength);
  }

  private static long pad(List<ByteBuf> parts, long position, long to) {
    long gap = to - position;
    while (gap > 0) {
      int n = (int) Math.min(gap, 7);
      parts.add(ZEROS.slice(0, n));
      gap -= n;
    }
    return Math.max(position, to);
  }

  /** A Netty view of an Arrow buffer's bytes; the composite holds a reference to the Arrow one. */
  private static ByteBuf wrap(ArrowBuf buf, long index, int length, List<ArrowBuf> retained) {
    buf.getReferenceManager().retain();
    retained.add(buf);
    return Unpooled.wrappedBuffer(buf.nioBuffer(index, length));
  }

  private static void writeTag(ByteBuf out, int tag) {
    writeVarint(out, tag);
  }

  private static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** Bytes this message puts on the wire (protobuf framing included, HTTP/2 and gRPC not). */
  public int wireBytes() {
    return payload.readableBytes();
  }

  /** The message as gRPC reads it: a stream that drains into gRPC's buffers without copying. */
  public InputStream stream() {
    return new DrainableStream(payload);
  }

  /** Whether every part of the message lies in direct memory (Netty copies it otherwise). */
  boolean isDirect() {
    return payload.isDirect();
  }

  /** Releases the message unsent. */
  public void discard() {
    payload.release();
  }

  /** Ties the Arrow buffers' lifetime to the Netty buffer gRPC releases once written. */
  private static final class RetainingCompositeByteBuf extends CompositeByteBuf {
    private final List<ArrowBuf> backing;

    RetainingCompositeByteBuf(List<ArrowBuf> backing) {
      super(UnpooledByteBufAllocator.DEFAULT, true, Integer.MAX_VALUE);
      this.backing = backing;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      backing.forEach(b -> b.getReferenceManager().release());
    }
  }

  /**
   * Not {@code KnownLength} on purpose: gRPC writes a message of known length through an adapter
   * that copies, and one of unknown length into its buffer chain, where {@link AddWritableBuffer}
   * can append the composite without copying.
   */
  private static final class DrainableStream extends ByteBufInputStream implements Drainable {
    private final ByteBuf buf;

    DrainableStream(ByteBuf buf) {
      super(buf, buf.readableBytes(), true);
      this.buf = buf;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int size = buf.readableBytes();
      AddWritableBuffer.add(buf, target, true);
      return size;
    }
  }
}
