package dev.flightlab.wire;

import com.google.protobuf.CodedInputStream;
import dev.flightlab.data.IpcSchemas;
import io.grpc.HasByteBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.BodyCompressionMethod;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

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
  private final Flight.FlightDescriptor unrepresentableDescriptor;
  private final MessageMetadataResult header;
  private final ArrowBuf appMetadata;
  private final ArrowBuf body;
  private final long bodyBytes;
  private final FlightRuntimeException error;
  private final byte headerType;
  private boolean closed;

  private InboundFlightData(
      Flight.FlightDescriptor received,
      MessageMetadataResult header,
      ArrowBuf appMetadata,
      ArrowBuf body,
      FlightRuntimeException error) {
    boolean representable =
        received != null
            && (received.getType() == Flight.FlightDescriptor.DescriptorType.PATH
                || received.getType() == Flight.FlightDescriptor.DescriptorType.CMD);
    this.descriptor =
        !representable
            ? null
            : received.getType() == Flight.FlightDescriptor.DescriptorType.CMD
                ? FlightDescriptor.command(received.getCmd().toByteArray())
                : FlightDescriptor.path(received.getPathList());
    this.unrepresentableDescriptor = received == null || representable ? null : received;
    this.header = header;
    this.appMetadata = appMetadata;
    this.body = body;
    this.bodyBytes = body == null ? 0 : body.readableBytes();
    this.error = error;
    this.headerType = header == null ? MessageHeader.NONE : header.headerType();
  }

  /**
   * Reads one FlightData message from a gRPC message stream, as a client does.
   *
   * @throws FlightRuntimeException INVALID_ARGUMENT or RESOURCE_EXHAUSTED when it cannot be read
   */
  public static InboundFlightData read(InputStream stream, BufferAllocator allocator) {
    InboundFlightData message = receive(stream, allocator);
    if (message.error != null) {
      throw message.error;
    }
    return message;
  }

  /**
   * Reads one FlightData message from a gRPC message stream; never throws.
   *
   * <p>A message that cannot be read (not protobuf, a descriptor that does not parse, a body that
   * does not fit in {@code allocator}) comes back as a failed message holding its status ({@link
   * #error()}) and no buffers: gRPC would turn an exception thrown here into UNKNOWN and still
   * deliver the half-close, so the handler reports it instead.
   */
  public static InboundFlightData receive(InputStream stream, BufferAllocator allocator) {
    Flight.FlightDescriptor descriptor = null;
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
        if (tag >>> 3 == 0) {
          throw new InvalidFlightDataException("protobuf field number 0");
        }
        if (wireType != 2) {
          skip(stream, wireType);
          continue;
        }
        int size = readLength(stream);
        switch (tag) {
          case FlightDataFields.DESCRIPTOR -> descriptor = descriptor(readBytes(stream, size));
          case FlightDataFields.HEADER -> {
            byte[] bytes = readBytes(stream, size);
            header = size == 0 ? null : header(bytes);
          }
          case FlightDataFields.APP_METADATA -> {
            closeQuietly(appMetadata);
            appMetadata = null;
            appMetadata = readDirect(stream, size, allocator);
          }
          case FlightDataFields.BODY -> {
            closeQuietly(body);
            body = null;
            body = readDirect(stream, size, allocator);
          }
          default -> stream.skipNBytes(size);
        }
      }
      if (header != null
          && header.getMessageBodyLength() > (body == null ? 0 : body.readableBytes())) {
        throw new InvalidFlightDataException(
            "the IPC header announces a body of "
                + header.getMessageBodyLength()
                + " bytes, the message carries "
                + (body == null ? 0 : body.readableBytes()));
      }
      return new InboundFlightData(descriptor, header, appMetadata, body, null);
    } catch (Throwable e) {
      closeQuietly(appMetadata);
      closeQuietly(body);
      return failed(statusOf(e, allocator));
    }
  }

  /** A message that could not be read: it holds only {@code error}. */
  public static InboundFlightData failed(FlightRuntimeException error) {
    return new InboundFlightData(null, null, null, null, error);
  }

  private static FlightRuntimeException statusOf(Throwable e, BufferAllocator allocator) {
    if (e instanceof FlightRuntimeException f) {
      return f;
    }
    if (e instanceof OutOfMemoryException) {
      long limit = Long.MAX_VALUE;
      long used = 0;
      for (BufferAllocator a = allocator; a != null; a = a.getParentAllocator()) {
        if (a.getLimit() < limit) {
          limit = a.getLimit();
          used = a.getAllocatedMemory();
        }
      }
      return CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              "FlightData message does not fit in the memory limit (--memory-limit, "
                  + limit
                  + " bytes for the store and the uploads in flight; "
                  + used
                  + " bytes in use)")
          .toRuntimeException();
    }
    if (e instanceof OutOfMemoryError) {
      return CallStatus.RESOURCE_EXHAUSTED
          .withDescription("FlightData message does not fit in the server's memory")
          .toRuntimeException();
    }
    String reason =
        e instanceof InvalidFlightDataException
            ? e.getMessage()
            : e instanceof IOException ? "truncated message" : "not a valid FlightData message";
    return CallStatus.INVALID_ARGUMENT
        .withDescription("Malformed FlightData message: " + reason)
        .toRuntimeException();
  }

  /** Parses and checks an IPC header: a V4 or V5 Message of a type Flight carries. */
  private static MessageMetadataResult header(byte[] bytes) {
    try {
      MessageMetadataResult header =
          MessageMetadataResult.create(ByteBuffer.wrap(bytes), bytes.length);
      Message message = header.getMessage();
      short version = message.version();
      if (version < MetadataVersion.V4 || version > MetadataVersion.V5) {
        throw new InvalidFlightDataException(
            "IPC metadata version "
                + version
                + " is not supported (V4 and V5 are; Arrow 0.x streams are not)");
      }
      byte type = message.headerType();
      if (type != MessageHeader.Schema
          && type != MessageHeader.DictionaryBatch
          && type != MessageHeader.RecordBatch) {
        throw new InvalidFlightDataException(
            "IPC message type " + type + " is not one Flight carries (schema, dictionary, batch)");
      }
      if (message.bodyLength() < 0) {
        throw new InvalidFlightDataException("negative IPC body length " + message.bodyLength());
      }
      return header;
    } catch (InvalidFlightDataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException(
          "the data_header is not an Arrow IPC Message flatbuffer");
    }
  }

  /**
   * Parses a descriptor as protobuf: of any type, since Arrow C++'s {@code FlightDescriptor{}} is
   * of type UNKNOWN, which Arrow Java's FlightDescriptor cannot hold (see {@link
   * #unrepresentableDescriptor()}).
   */
  private static Flight.FlightDescriptor descriptor(byte[] bytes) {
    try {
      return Flight.FlightDescriptor.parseFrom(bytes);
    } catch (IOException | RuntimeException e) {
      // Protobuf checks that every path segment is UTF-8 (proto3 strings).
      throw new InvalidFlightDataException(
          "the flight descriptor does not parse (not protobuf, or a path segment that is not"
              + " UTF-8)");
    }
  }

  /** A length-delimited field's length, checked against what the message still holds. */
  private static int readLength(InputStream stream) throws IOException {
    int first = stream.read();
    if (first < 0) {
      throw new InvalidFlightDataException("truncated protobuf field length");
    }
    int size = CodedInputStream.readRawVarint32(first, stream);
    if (size < 0 || size > stream.available()) {
      throw new InvalidFlightDataException(
          "protobuf field of "
              + Integer.toUnsignedString(size)
              + " bytes, but only "
              + stream.available()
              + " bytes are left in the message");
    }
    return size;
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
      case 0 -> {
        int b;
        int n = 0;
        do {
          b = stream.read();
          if (b < 0 || ++n > 10) {
            throw new InvalidFlightDataException("malformed protobuf varint");
          }
        } while ((b & 0x80) != 0);
      }
      case 1 -> stream.skipNBytes(8);
      case 5 -> stream.skipNBytes(4);
      default -> throw new InvalidFlightDataException("unsupported protobuf wire type " + wireType);
    }
  }

  private static void closeQuietly(ArrowBuf buf) {
    if (buf != null) {
      buf.close();
    }
  }

  /**
   * The descriptor (first message of a DoPut or DoExchange), or null: none sent, or one that {@link
   * #unrepresentableDescriptor()} holds.
   */
  public FlightDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The descriptor as received when its type is neither PATH nor CMD (UNKNOWN, or a number this
   * protocol version does not define), which Arrow Java's FlightDescriptor cannot hold; else null.
   */
  public Flight.FlightDescriptor unrepresentableDescriptor() {
    return unrepresentableDescriptor;
  }

  /** The IPC message type: one of {@link MessageHeader}'s constants (NONE without a header). */
  public byte headerType() {
    return headerType;
  }

  /** Why this message could not be read, or null when it was read. */
  public FlightRuntimeException error() {
    return error;
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
    org.apache.arrow.flatbuf.Schema flat;
    try {
      flat =
          (org.apache.arrow.flatbuf.Schema)
              header.getMessage().header(new org.apache.arrow.flatbuf.Schema());
      if (flat == null) {
        throw new InvalidFlightDataException("the schema message has no schema");
      }
      for (int i = 0; i < flat.fieldsLength(); i++) {
        checkDepth(flat.fields(i), 1);
      }
    } catch (InvalidFlightDataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException("the schema flatbuffer is malformed");
    }
    try {
      // Arrow Java reads no 32- or 64-bit decimals; IpcSchemas does, checked as Arrow C++ checks.
      return IpcSchemas.read(header.getMessage());
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException("the schema cannot be read: " + describe(e));
    }
  }

  /** Refuses fields nested deeper than Arrow C++ reads (which also ends cycles in the buffer). */
  private static void checkDepth(org.apache.arrow.flatbuf.Field field, int depth) {
    if (depth > BatchValidator.MAX_NESTING_DEPTH) {
      throw new InvalidFlightDataException(
          "the schema nests fields deeper than "
              + BatchValidator.MAX_NESTING_DEPTH
              + " levels (Arrow's kMaxNestingDepth)");
    }
    if (field == null) {
      throw new InvalidFlightDataException("the schema has a missing field");
    }
    for (int i = 0; i < field.childrenLength(); i++) {
      checkDepth(field.children(i), depth + 1);
    }
  }

  /** An exception's message without its class name: what a client may read. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? "malformed" : m;
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
      fields.add(IpcSchemas.toMemoryFormat(f, allocator, dictionaries));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** The record batch this message carries; the batch holds its own reference to the body. */
  public ArrowRecordBatch recordBatch() {
    checkType(MessageHeader.RecordBatch, "record batch");
    RecordBatch flat;
    try {
      flat = (RecordBatch) header.getMessage().header(new RecordBatch());
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException("the record batch flatbuffer is malformed");
    }
    checkRecordBatch(flat);
    return deserialize(() -> MessageSerializer.deserializeRecordBatch(flat, bodyOrEmpty()));
  }

  /**
   * Checks what Arrow Java reads without checking: counts and lengths fit in an int, every buffer
   * lies inside the body, and the compression is one Arrow defines.
   */
  private void checkRecordBatch(RecordBatch flat) {
    try {
      if (flat == null) {
        throw new InvalidFlightDataException("the message has no record batch");
      }
      long length = flat.length();
      if (length < 0 || length > Integer.MAX_VALUE) {
        throw new InvalidFlightDataException("record batch length " + length + " is out of range");
      }
      for (int i = 0; i < flat.nodesLength(); i++) {
        FieldNode node = flat.nodes(i);
        if (node.length() < 0
            || node.length() > Integer.MAX_VALUE
            || node.nullCount() < 0
            || node.nullCount() > node.length()) {
          throw new InvalidFlightDataException(
              "field node "
                  + i
                  + " has length "
                  + node.length()
                  + " and null count "
                  + node.nullCount());
        }
      }
      for (int i = 0; i < flat.buffersLength(); i++) {
        Buffer b = flat.buffers(i);
        if (b.offset() < 0 || b.length() < 0 || b.offset() > bodyBytes - b.length()) {
          throw new InvalidFlightDataException(
              "buffer "
                  + i
                  + " ("
                  + b.offset()
                  + "+"
                  + b.length()
                  + ") lies outside the "
                  + bodyBytes
                  + "-byte body");
        }
      }
      for (int i = 0; i < flat.variadicBufferCountsLength(); i++) {
        if (flat.variadicBufferCounts(i) < 0) {
          throw new InvalidFlightDataException("negative variadic buffer count");
        }
      }
      BodyCompression compression = flat.compression();
      if (compression != null) {
        byte codec = compression.codec();
        if (codec != CompressionType.LZ4_FRAME && codec != CompressionType.ZSTD) {
          throw new InvalidFlightDataException("unknown compression codec " + codec);
        }
        if (compression.method() != BodyCompressionMethod.BUFFER) {
          throw new InvalidFlightDataException(
              "unknown body compression method " + compression.method());
        }
      }
    } catch (InvalidFlightDataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException("the record batch flatbuffer is malformed");
    }
  }

  private interface Deserializer<T> {
    T get() throws IOException;
  }

  private static <T> T deserialize(Deserializer<T> d) {
    try {
      return d.get();
    } catch (IOException | RuntimeException e) {
      throw new InvalidFlightDataException("the batch cannot be read: " + describe(e));
    }
  }

  /** The dictionary batch this message carries; it holds its own reference to the body. */
  public ArrowDictionaryBatch dictionaryBatch() {
    checkType(MessageHeader.DictionaryBatch, "dictionary batch");
    try {
      DictionaryBatch flat = (DictionaryBatch) header.getMessage().header(new DictionaryBatch());
      if (flat == null) {
        throw new InvalidFlightDataException("the message has no dictionary batch");
      }
      checkRecordBatch(flat.data());
    } catch (InvalidFlightDataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidFlightDataException("the dictionary batch flatbuffer is malformed");
    }
    return deserialize(
        () -> MessageSerializer.deserializeDictionaryBatch(header.getMessage(), bodyOrEmpty()));
  }

  /** The body with one more reference, which deserialising hands on to the batch's slices. */
  private ArrowBuf bodyOrEmpty() {
    if (body == null) {
      throw new InvalidFlightDataException("FlightData batch message without a body");
    }
    // MessageSerializer releases the body it is given once the slices hold their own references.
    body.getReferenceManager().retain();
    return body;
  }

  private void checkType(byte expected, String what) {
    if (headerType() != expected) {
      throw new InvalidFlightDataException(
          "expected a " + what + " message, got IPC message type " + headerType());
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
