package dev.flightlab.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow's Flight benchmark protocol ({@code cpp/src/arrow/flight/perf.proto}): the {@code Perf}
 * command a benchmark client sends as a CMD descriptor and the {@code Token} tickets a server
 * answers with, encoded by hand with protobuf's coded streams, field for field as protoc would.
 *
 * <p>Decoding is strict: only the fields of perf.proto with their wire types, so a command or
 * ticket of flightlab's own (a path, a SQL text) is never mistaken for one.
 */
public final class PerfProtocol {
  /** Bytes per record that Arrow's benchmark counts for its 4 x int64 schema. */
  public static final int BYTES_PER_RECORD = 32;

  /** Most endpoints one Perf command may ask for. */
  public static final int MAX_STREAMS = 4096;

  /**
   * The data every Perf stream carries, as Arrow's perf server: nullable int64 columns a, b, c, d.
   */
  public static final Schema SCHEMA =
      new Schema(List.of(int64("a"), int64("b"), int64("c"), int64("d")));

  private PerfProtocol() {}

  private static Field int64(String name) {
    return new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
  }

  /**
   * The benchmark's request ({@code message Perf}).
   *
   * @param schema field 1, IPC schema bytes (Arrow's server ignores them; so does flightlab's)
   * @param streamCount field 2, how many endpoints
   * @param recordsPerStream field 3, rows per endpoint
   * @param recordsPerBatch field 4, rows per record batch
   */
  public record Perf(byte[] schema, int streamCount, long recordsPerStream, int recordsPerBatch) {
    /** A Perf command without schema bytes, as Arrow's benchmark sends it. */
    public Perf(int streamCount, long recordsPerStream, int recordsPerBatch) {
      this(new byte[0], streamCount, recordsPerStream, recordsPerBatch);
    }

    /** Throws IllegalArgumentException unless the counts make a benchmark this server runs. */
    public Perf validate() {
      if (streamCount < 0 || streamCount > MAX_STREAMS) {
        throw new IllegalArgumentException(
            "Perf stream_count " + streamCount + " is outside 0.." + MAX_STREAMS);
      }
      if (recordsPerStream < 0) {
        throw new IllegalArgumentException(
            "Perf records_per_stream " + recordsPerStream + " is negative");
      }
      if (recordsPerStream > 0 && recordsPerBatch <= 0) {
        throw new IllegalArgumentException(
            "Perf records_per_batch " + recordsPerBatch + " must be positive");
      }
      return this;
    }

    /** Total rows of all streams. */
    public long totalRecords() {
      return streamCount * recordsPerStream;
    }

    /** The serialized message. */
    public byte[] toBytes() {
      return encode(
          out -> {
            if (schema.length > 0) {
              out.writeByteArray(1, schema);
            }
            if (streamCount != 0) {
              out.writeInt32(2, streamCount);
            }
            if (recordsPerStream != 0) {
              out.writeInt64(3, recordsPerStream);
            }
            if (recordsPerBatch != 0) {
              out.writeInt32(4, recordsPerBatch);
            }
          });
    }

    /** A CMD descriptor carrying this command. */
    public FlightDescriptor toDescriptor() {
      return FlightDescriptor.command(toBytes());
    }

    /** Parses a serialized Perf; IllegalArgumentException when the bytes are not one. */
    public static Perf parse(byte[] bytes) {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      byte[] schema = new byte[0];
      int streams = 0;
      long records = 0;
      int batch = 0;
      try {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (tag) {
            case 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> schema = in.readByteArray();
            case 2 << 3 | WireFormat.WIRETYPE_VARINT -> streams = in.readInt32();
            case 3 << 3 | WireFormat.WIRETYPE_VARINT -> records = in.readInt64();
            case 4 << 3 | WireFormat.WIRETYPE_VARINT -> batch = in.readInt32();
            default -> throw unexpected("Perf", tag);
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("not a Perf message: " + e.getMessage(), e);
      }
      return new Perf(schema, streams, records, batch);
    }
  }

  /**
   * One stream of a benchmark ({@code message Token}), the ticket of one endpoint.
   *
   * @param definition field 1, the whole benchmark's Perf
   * @param start field 2, first row (inclusive)
   * @param end field 3, end row (exclusive)
   */
  public record Token(Perf definition, long start, long end) {
    /** Rows this stream carries. */
    public long records() {
      return end - start;
    }

    /** The serialized message. */
    public byte[] toBytes() {
      byte[] perf = definition.toBytes();
      return encode(
          out -> {
            out.writeByteArray(1, perf);
            if (start != 0) {
              out.writeInt64(2, start);
            }
            if (end != 0) {
              out.writeInt64(3, end);
            }
          });
    }

    /** A ticket carrying this token. */
    public Ticket toTicket() {
      return new Ticket(toBytes());
    }

    /**
     * Parses a serialized Token with its definition; IllegalArgumentException when the bytes are
     * not one, or its range or counts make no stream.
     */
    public static Token parse(byte[] bytes) {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      Perf definition = null;
      long start = 0;
      long end = 0;
      try {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (tag) {
            case 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
                definition = Perf.parse(in.readByteArray());
            case 2 << 3 | WireFormat.WIRETYPE_VARINT -> start = in.readInt64();
            case 3 << 3 | WireFormat.WIRETYPE_VARINT -> end = in.readInt64();
            default -> throw unexpected("Token", tag);
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("not a Token message: " + e.getMessage(), e);
      }
      if (definition == null) {
        throw new IllegalArgumentException("not a Token message: no Perf definition");
      }
      definition.validate();
      if (start < 0 || end < start) {
        throw new IllegalArgumentException(
            "Token range " + start + ".." + end + " is empty or negative");
      }
      return new Token(definition, start, end);
    }
  }

  /** Whether a ticket's bytes look like a Token (a Perf definition first, as protoc writes it). */
  public static boolean looksLikeToken(byte[] ticket) {
    return ticket.length > 0 && ticket[0] == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  /**
   * The Perf command a descriptor carries, or null when it is not a CMD descriptor or its bytes do
   * not parse as a Perf message; counts are not checked here ({@link Perf#validate}).
   */
  public static Perf commandOf(FlightDescriptor descriptor) {
    if (descriptor == null || !descriptor.isCommand()) {
      return null;
    }
    try {
      return Perf.parse(descriptor.getCommand());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether a DoPut whose first message is {@code first} is an upload of Arrow's benchmark, to be
   * read and discarded: a Perf command descriptor (as {@code flightlab bench --protocol arrow-perf}
   * sends), or an empty descriptor of type UNKNOWN (Arrow C++'s {@code FlightDescriptor{}}, as
   * {@code arrow-flight-benchmark -test_put} sends), which names no dataset.
   */
  public static boolean isBenchmarkUpload(InboundFlightData first) {
    return commandOf(first.descriptor()) != null
        || Flight.FlightDescriptor.getDefaultInstance().equals(first.unrepresentableDescriptor());
  }

  private static IllegalArgumentException unexpected(String message, int tag) {
    return new IllegalArgumentException(
        "not a "
            + message
            + " message: unexpected field "
            + WireFormat.getTagFieldNumber(tag)
            + " (wire type "
            + WireFormat.getTagWireType(tag)
            + ")");
  }

  private interface Writes {
    void to(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(Writes writes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writes.to(out);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }
}
