package dev.flightlab.wire;

import com.google.protobuf.CodedInputStream;
import io.grpc.HasByteBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * One FlightData message as read off the wire: the body and app_metadata are copied once, straight
 * from gRPC's network buffers into direct memory.
 *
 * <p>Arrow Java's own reader (ArrowMessage) copies each body through a new heap array of the body's
 * size first: two copies and a large garbage array per message.
 *
 * <p>Owns its buffers; close it, or take the batch out with {@link #recordBatch()} (which holds its
 * own reference to the body) and close both.
 */
public final class InboundFlightData implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  private final FlightDescriptor descriptor;
  private final MessageMetadataResult header;
  private final ArrowBuf appMetadata;
  private final ArrowBuf body;
  private final long bodyBytes;
  private boolean closed;

  private InboundFlightData(
      FlightDescriptor descriptor,
      MessageMetadataResult header,
      ArrowBuf appMetadata,
      ArrowBuf body) {
    this.descriptor = descriptor;
    this.header = header;
    this.appMetadata = appMetadata;
    this.body = body;
    this.bodyBytes = body == null ? 0 : body.readableBytes();
  }

  /** Reads one FlightData message from a gRPC message stream. */
  public static InboundFlightData read(InputStream stream, BufferAllocator allocator) {
    FlightDescriptor descriptor = null;
    MessageMetadataResult header = null;
    ArrowBuf appMetadata = null;
    ArrowBuf body = null;
    try {
      while (stream.available() > 0) {
        int first = stream.read();
        if (first < 0) {
          break;
        }
        int tag = CodedInputStream.readRawVarint32(first, stream);
        int wireType = tag & 7;
        if (wireType != 2) {
          skip(stream, wireType);
          continue;
        }
        int size = CodedInputStream.readRawVarint32(stream.read(), stream);
        switch (tag) {
          case FlightDataFields.DESCRIPTOR ->
              descriptor = FlightDescriptor.deserialize(ByteBuffer.wrap(readBytes(stream, size)));
          case FlightDataFields.HEADER -> {
            byte[] bytes = readBytes(stream, size);
            header = MessageMetadataResult.create(ByteBuffer.wrap(bytes), size);
          }
          case FlightDataFields.APP_METADATA -> {
            closeQuietly(appMetadata);
            appMetadata = readDirect(stream, size, allocator);
          }
          case FlightDataFields.BODY -> {
            closeQuietly(body);
            body = readDirect(stream, size, allocator);
          }
          default -> stream.skipNBytes(size);
        }
      }
      return new InboundFlightData(descriptor, header, appMetadata, body);
    } catch (IOException | RuntimeException e) {
      closeQuietly(appMetadata);
      closeQuietly(body);
      if (e instanceof org.apache.arrow.flight.FlightRuntimeException f) {
        throw f;
      }
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("Malformed FlightData message: " + e.getMessage())
          .withCause(e)
          .toRuntimeException();
    }
  }

  private static byte[] readBytes(InputStream stream, int size) throws IOException {
    byte[] bytes = new byte[size];
    int n = stream.readNBytes(bytes, 0, size);
    if (n != size) {
      throw new IOException("truncated field: " + n + " of " + size + " bytes");
    }
    return bytes;
  }

  /**
   * Copies {@code size} bytes into a new direct buffer: straight from gRPC's network buffers when
   * the stream exposes them ({@link HasByteBuffer}), else through a small reused chunk.
   */
  private static ArrowBuf readDirect(InputStream stream, int size, BufferAllocator allocator)
      throws IOException {
    ArrowBuf buf = allocator.buffer(size);
    try {
      long at = 0;
      if (stream instanceof HasByteBuffer direct) {
        // Not byteBufferSupported(): it walks every buffer of the message on each call. A buffer
        // that cannot expose its bytes says so by throwing, and the rest goes through the byte[]
        // path below.
        while (at < size) {
          ByteBuffer chunk;
          try {
            chunk = direct.getByteBuffer();
          } catch (UnsupportedOperationException e) {
            break;
          }
          if (chunk == null || !chunk.hasRemaining()) {
            break;
          }
          int n = (int) Math.min(chunk.remaining(), size - at);
          chunk.limit(chunk.position() + n);
          buf.setBytes(at, chunk);
          stream.skipNBytes(n);
          at += n;
        }
      }
      if (at < size) {
        byte[] chunk = new byte[(int) Math.min(size - at, CHUNK)];
        while (at < size) {
          int n = stream.read(chunk, 0, (int) Math.min(chunk.length, size - at));
          if (n < 0) {
            throw new IOException("truncated field: " + at + " of " + size + " bytes");
          }
          buf.setBytes(at, chunk, 0, n);
          at += n;
        }
      }
      buf.writerIndex(size);
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.close();
      throw e;
    }
  }

  private static void skip(InputStream stream, int wireType) throws IOException {
    switch (wireType) {
      case 0 -> CodedInputStream.readRawVarint32(stream.read(), stream);
      case 1 -> stream.skipNBytes(8);
      case 5 -> stream.skipNBytes(4);
      default -> throw new IOException("unsupported protobuf wire type " + wireType);
    }
  }

  private static void closeQuietly(ArrowBuf buf) {
    if (buf != null) {
      buf.close();
    }
  }

  /** The descriptor (first message of a DoPut or DoExchange), or null. */
  public FlightDescriptor descriptor() {
    return descriptor;
  }

  /** The IPC message type: one of {@link MessageHeader}'s constants (NONE without a header). */
  public byte headerType() {
    return header == null ? MessageHeader.NONE : header.headerType();
  }

  /** The app_metadata, or null. Borrowed: the message owns it. */
  public ArrowBuf appMetadata() {
    return appMetadata;
  }

  /** Body bytes received. */
  public long bodyBytes() {
    return bodyBytes;
  }

  /** The schema this message carries. */
  public Schema schema() {
    checkType(MessageHeader.Schema, "schema");
    return MessageSerializer.deserializeSchema(header);
  }

  /**
   * The schema this message carries in memory form: dictionary fields hold their index type, and an
   * empty vector in {@code allocator} for each of their dictionaries goes into {@code
   * dictionaries}.
   */
  public Schema memorySchema(BufferAllocator allocator, Map<Long, Dictionary> dictionaries) {
    Schema schema = schema();
    List<Field> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      fields.add(DictionaryUtility.toMemoryFormat(f, allocator, dictionaries));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** The record batch this message carries; the batch holds its own reference to the body. */
  public ArrowRecordBatch recordBatch() {
    checkType(MessageHeader.RecordBatch, "record batch");
    try {
      return MessageSerializer.deserializeRecordBatch(header.getMessage(), bodyOrEmpty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The dictionary batch this message carries; it holds its own reference to the body. */
  public ArrowDictionaryBatch dictionaryBatch() {
    checkType(MessageHeader.DictionaryBatch, "dictionary batch");
    try {
      return MessageSerializer.deserializeDictionaryBatch(header.getMessage(), bodyOrEmpty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body with one more reference, which deserialising hands on to the batch's slices. */
  private ArrowBuf bodyOrEmpty() {
    if (body == null) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("FlightData batch message without a body")
          .toRuntimeException();
    }
    // MessageSerializer releases the body it is given once the slices hold their own references.
    body.getReferenceManager().retain();
    return body;
  }

  private void checkType(byte expected, String what) {
    if (headerType() != expected) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("Expected a " + what + " message, got IPC message type " + headerType())
          .toRuntimeException();
    }
  }

  /** Releases the message's own references (once: closing again does nothing). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(appMetadata);
    closeQuietly(body);
  }
}
