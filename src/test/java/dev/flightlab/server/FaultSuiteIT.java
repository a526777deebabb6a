package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.flightlab.store.StoreStats;
import dev.flightlab.testing.RawFlight;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.wire.FlightHeaders;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.flatbuf.BodyCompressionMethod;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowBodyCompression;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The fault suite: malformed requests of every kind, sent with a raw gRPC client, each answered
 * with its exact Flight status, with no Java class names in the message, the stored data unchanged
 * and the server's memory back to its baseline. docs/reliability.md quotes its figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultSuiteIT {
  private static final String VICTIM = "/victim";
  private static final int VICTIM_ROWS = 5000;
  private static final Pattern CLASS_NAME =
      Pattern.compile("(Exception|Error\\b|java\\.|org\\.apache|io\\.grpc|\\tat )");
  private static final Schema PEOPLE =
      new Schema(
          List.of(
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("name", ArrowType.Utf8.INSTANCE)));
  private static final Schema CATEGORIES =
      new Schema(
          List.of(
              new Field(
                  "cat",
                  new FieldType(
                      true,
                      ArrowType.Utf8.INSTANCE,
                      new DictionaryEncoding(7, false, new ArrowType.Int(32, true))),
                  null)));

  private ServerFixture fx;
  private RawFlight raw;
  private BufferAllocator alloc;
  private final AtomicInteger tried = new AtomicInteger();
  private final AtomicInteger right = new AtomicInteger();

  @BeforeAll
  void start() throws IOException {
    fx = ServerFixture.start();
    raw = new RawFlight(fx.server().port());
    alloc = fx.allocator();
    Status s = put(VICTIM, "replace", schema(VICTIM, PEOPLE), people(0, VICTIM_ROWS)).status();
    assertThat(s.getCode()).isEqualTo(Status.Code.OK);
  }

  @AfterAll
  void stop() throws Exception {
    System.out.printf(
        "fault suite: %d malformed requests tried, %d answered with the exact status, data and"
            + " memory intact%n",
        tried.get(), right.get());
    raw.close();
    fx.close();
  }

  // ---------------------------------------------------------------- message builders

  private static Flight.FlightDescriptor descriptor(String path) {
    return Flight.FlightDescriptor.newBuilder()
        .setType(Flight.FlightDescriptor.DescriptorType.PATH)
        .addPath(path)
        .build();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static byte[] schema(String path, Schema schema) {
    Flight.FlightData.Builder b =
        Flight.FlightData.newBuilder()
            .setDataHeader(
                ByteString.copyFrom(
                    MessageSerializer.serializeMetadata(schema, IpcOption.DEFAULT)));
    if (path != null) {
      b.setFlightDescriptor(descriptor(path));
    }
    return b.build().toByteArray();
  }

  /** The IPC body of a batch: its buffers at their offsets, padded. */
  private static byte[] body(ArrowRecordBatch batch) {
    byte[] body = new byte[(int) batch.computeBodyLength()];
    List<ArrowBuffer> layout = batch.getBuffersLayout();
    for (int i = 0; i < batch.getBuffers().size(); i++) {
      ArrowBuf buf = batch.getBuffers().get(i);
      buf.getBytes(0, body, (int) layout.get(i).getOffset(), (int) layout.get(i).getSize());
    }
    return body;
  }

  private static byte[] message(byte[] header, byte[] body) {
    return Flight.FlightData.newBuilder()
        .setDataHeader(ByteString.copyFrom(header))
        .setDataBody(ByteString.copyFrom(body))
        .build()
        .toByteArray();
  }

  /** A record batch message; the batch is closed. */
  private static byte[] batch(ArrowRecordBatch batch) {
    try (batch) {
      return message(
          bytes(MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT)), body(batch));
    }
  }

  private ArrowBuf buf(byte[] content) {
    ArrowBuf b = alloc.buffer(Math.max(content.length, 1));
    b.setBytes(0, content);
    b.writerIndex(content.length);
    return b;
  }

  private ArrowBuf longs(long... values) {
    ByteBuffer bb = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      bb.putLong(v);
    }
    return buf(bb.array());
  }

  private ArrowBuf ints(int... values) {
    ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      bb.putInt(v);
    }
    return buf(bb.array());
  }

  private ArrowBuf empty() {
    return buf(new byte[0]);
  }

  /** A batch built from nodes and buffers as given (the buffers' first references are dropped). */
  private static ArrowRecordBatch crafted(
      int length, List<ArrowFieldNode> nodes, List<ArrowBuf> buffers, ArrowBodyCompression c) {
    ArrowRecordBatch b =
        c == null
            ? new ArrowRecordBatch(length, nodes, buffers)
            : new ArrowRecordBatch(length, nodes, buffers, c);
    buffers.forEach(ArrowBuf::close);
    return b;
  }

  private static ArrowFieldNode node(int length, int nulls) {
    return new ArrowFieldNode(length, nulls);
  }

  /** A valid PEOPLE batch of rows first..first+rows-1 (names "n<id>"). */
  private byte[] people(long first, int rows) {
    ByteArrayOutputStream names = new ByteArrayOutputStream();
    long[] ids = new long[rows];
    int[] offsets = new int[rows + 1];
    for (int i = 0; i < rows; i++) {
      ids[i] = first + i;
      byte[] n = ("n" + (first + i)).getBytes(StandardCharsets.UTF_8);
      names.writeBytes(n);
      offsets[i + 1] = names.size();
    }
    return batch(
        crafted(
            rows,
            List.of(node(rows, 0), node(rows, 0)),
            List.of(empty(), longs(ids), empty(), ints(offsets), buf(names.toByteArray())),
            null));
  }

  /** A PEOPLE batch with the given parts (one row unless said otherwise). */
  private byte[] peopleWith(
      int length,
      ArrowFieldNode idNode,
      ArrowFieldNode nameNode,
      ArrowBuf idValidity,
      ArrowBuf ids,
      ArrowBuf nameValidity,
      ArrowBuf offsets,
      ArrowBuf data) {
    return batch(
        crafted(
            length,
            List.of(idNode, nameNode),
            List.of(idValidity, ids, nameValidity, offsets, data),
            null));
  }

  private static byte[] withDescriptorBytes(byte[] descriptorBytes, byte[] schemaMessage) {
    // FlightData field 1 (flight_descriptor), length-delimited, then the rest as it was.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x0a);
    out.write(descriptorBytes.length);
    out.writeBytes(descriptorBytes);
    out.writeBytes(schemaMessage);
    return out.toByteArray();
  }

  private static byte[] lz4(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FramedLZ4CompressorOutputStream lz4 = new FramedLZ4CompressorOutputStream(out)) {
      lz4.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private byte[] compressedBuffer(long prefix, byte[] payload) {
    ByteBuffer bb = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(prefix).put(payload);
    return bb.array();
  }

  /** A one-column int64 batch whose data buffer is {@code data}, compressed with {@code codec}. */
  private byte[] compressedIds(byte[] data, CompressionUtil.CodecType codec) {
    // A PEOPLE batch of one row: id compressed, name empty strings (offsets uncompressed, -1).
    return batch(
        crafted(
            1,
            List.of(node(1, 0), node(1, 0)),
            List.of(
                empty(),
                buf(data),
                empty(),
                buf(compressedBuffer(-1, new byte[] {0, 0, 0, 0, 0, 0, 0, 0})),
                empty()),
            new ArrowBodyCompression(codec.getType(), BodyCompressionMethod.BUFFER)));
  }

  private static Schema nested(int depth) {
    Field f = Field.nullable("leaf", new ArrowType.Int(32, true));
    for (int i = 0; i < depth - 1; i++) {
      f = new Field("s" + i, FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(f));
    }
    return new Schema(List.of(f));
  }

  private byte[] nestedBatch(int depth) {
    List<ArrowFieldNode> nodes = new ArrayList<>();
    List<ArrowBuf> buffers = new ArrayList<>();
    for (int i = 0; i < depth - 1; i++) {
      nodes.add(node(1, 0));
      buffers.add(empty());
    }
    nodes.add(node(1, 0));
    buffers.add(empty());
    buffers.add(ints(42));
    return batch(crafted(1, nodes, buffers, null));
  }

  private byte[] dictionary(long id, String... values) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = new int[values.length + 1];
    for (int i = 0; i < values.length; i++) {
      data.writeBytes(values[i].getBytes(StandardCharsets.UTF_8));
      offsets[i + 1] = data.size();
    }
    ArrowRecordBatch values_ =
        crafted(
            values.length,
            List.of(node(values.length, 0)),
            List.of(empty(), ints(offsets), buf(data.toByteArray())),
            null);
    try (ArrowDictionaryBatch d = new ArrowDictionaryBatch(id, values_, false)) {
      return message(
          bytes(MessageSerializer.serializeMetadata(d, IpcOption.DEFAULT)), body(values_));
    }
  }

  private byte[] indices(int... idx) {
    return batch(
        crafted(idx.length, List.of(node(idx.length, 0)), List.of(empty(), ints(idx)), null));
  }

  private static byte[] patchLong(byte[] message, long from, long to) {
    Flight.FlightData data;
    try {
      data = Flight.FlightData.parseFrom(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    byte[] header = data.getDataHeader().toByteArray();
    ByteBuffer bb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    boolean patched = false;
    for (int i = 0; i + 8 <= header.length; i += 4) {
      if (bb.getLong(i) == from) {
        bb.putLong(i, to);
        patched = true;
      }
    }
    assertThat(patched).as("value %d in the header", from).isTrue();
    return data.toBuilder().setDataHeader(ByteString.copyFrom(header)).build().toByteArray();
  }

  private static byte[] truncateBody(byte[] message, int cut) {
    try {
      Flight.FlightData data = Flight.FlightData.parseFrom(message);
      ByteString body = data.getDataBody();
      return data.toBuilder()
          .setDataBody(body.substring(0, body.size() - cut))
          .build()
          .toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  // ---------------------------------------------------------------- calls and checks

  private static Metadata mode(String mode) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of(FlightHeaders.PUT_MODE, Metadata.ASCII_STRING_MARSHALLER), mode);
    return h;
  }

  private RawFlight.Outcome put(String path, String mode, byte[]... messages) {
    return raw.call("DoPut", MethodType.BIDI_STREAMING, List.of(messages), mode(mode));
  }

  private long serverBytes() {
    return fx.server().allocator().getAllocatedMemory();
  }

  /** Runs one case: exact status, no class names, data and memory as before. */
  private void check(Supplier<RawFlight.Outcome> call, Status.Code expected, String... words) {
    tried.incrementAndGet();
    StoreStats before = fx.store().stats();
    long server = serverBytes();
    RawFlight.Outcome outcome = call.get();
    Status s = outcome.status();
    assertThat(s.getCode()).as("status %s", s).isEqualTo(expected);
    String description = s.getDescription() == null ? "" : s.getDescription();
    assertThat(CLASS_NAME.matcher(description).find())
        .as("class name or trace in '%s'", description)
        .isFalse();
    for (String w : words) {
      assertThat(description).contains(w);
    }
    fx.awaitStoreSettled(before.memoryUsedBytes());
    ServerFixture.awaitUntil(
        () -> serverBytes() == server,
        () -> "server allocator back to " + server + " bytes, now " + serverBytes());
    StoreStats after = fx.store().stats();
    assertThat(after.datasets()).isEqualTo(before.datasets());
    assertThat(after.rows()).isEqualTo(before.rows());
    assertThat(after.ipcBodyBytes()).isEqualTo(before.ipcBodyBytes());
    assertThat(fx.store().info(dev.flightlab.wire.DatasetPath.parse(VICTIM)).rowCount())
        .isEqualTo(VICTIM_ROWS);
    right.incrementAndGet();
  }

  private static DynamicTest test(String name, Runnable body) {
    return DynamicTest.dynamicTest(name, body::run);
  }

  // ---------------------------------------------------------------- the table

  /** Protobuf that does not parse: each kind against each method. */
  @TestFactory
  Stream<DynamicTest> unparsableProtobufIsInvalidArgumentOnEveryMethod() {
    byte[][] garbage = {
      {0x0b, 0x14}, // start group 1, end group 2: mismatched
      {0x0a, 0x05, 0x01}, // length 5, 1 byte follows
      {(byte) 0x80}, // truncated varint tag
      {0x0f}, // wire type 7
      {0x00, 0x01}, // field number 0
      {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, // 4 GiB length
      {0x0e, 0x01}, // wire type 6
    };
    String[][] methods = {
      {"ListFlights", "SERVER_STREAMING"},
      {"GetFlightInfo", "UNARY"},
      {"PollFlightInfo", "UNARY"},
      {"GetSchema", "UNARY"},
      {"DoGet", "SERVER_STREAMING"},
      {"DoAction", "SERVER_STREAMING"},
      {"DoPut", "BIDI_STREAMING"},
      {"DoExchange", "BIDI_STREAMING"},
    };
    List<DynamicTest> tests = new ArrayList<>();
    for (String[] m : methods) {
      for (int g = 0; g < garbage.length; g++) {
        byte[] bad = garbage[g];
        tests.add(
            test(
                m[0] + " garbage " + g + " " + Arrays.toString(bad),
                () ->
                    check(
                        () ->
                            raw.call(m[0], MethodType.valueOf(m[1]), List.of(bad), mode("replace")),
                        Status.Code.INVALID_ARGUMENT)));
      }
    }
    return tests.stream();
  }

  /** Strings that are not UTF-8, wherever a request carries one. */
  @TestFactory
  Stream<DynamicTest> nonUtf8StringsAreInvalidArgument() {
    byte[] bad = {(byte) 0xc3, 0x28};
    byte[] pathDescriptor = {0x08, 0x01, 0x1a, 0x02, (byte) 0xc3, 0x28}; // type PATH, path [bad]
    byte[] action = {0x0a, 0x02, (byte) 0xc3, 0x28}; // Action.type
    byte[] dropBody =
        Flight.Action.newBuilder()
            .setType("drop")
            .setBody(ByteString.copyFrom(bad))
            .build()
            .toByteArray();
    byte[] ticket =
        Flight.Ticket.newBuilder().setTicket(ByteString.copyFrom(bad)).build().toByteArray();
    byte[] criteria =
        Flight.Criteria.newBuilder().setExpression(ByteString.copyFrom(bad)).build().toByteArray();
    return Stream.of(
        test(
            "GetFlightInfo path",
            () ->
                check(
                    () ->
                        raw.call("GetFlightInfo", MethodType.UNARY, List.of(pathDescriptor), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "GetSchema path",
            () ->
                check(
                    () -> raw.call("GetSchema", MethodType.UNARY, List.of(pathDescriptor), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "PollFlightInfo path",
            () ->
                check(
                    () ->
                        raw.call("PollFlightInfo", MethodType.UNARY, List.of(pathDescriptor), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "DoAction type",
            () ->
                check(
                    () -> raw.call("DoAction", MethodType.SERVER_STREAMING, List.of(action), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "drop body",
            () ->
                check(
                    () ->
                        raw.call("DoAction", MethodType.SERVER_STREAMING, List.of(dropBody), null),
                    Status.Code.INVALID_ARGUMENT,
                    "UTF-8")),
        test(
            "DoGet ticket",
            () ->
                check(
                    () -> raw.call("DoGet", MethodType.SERVER_STREAMING, List.of(ticket), null),
                    Status.Code.INVALID_ARGUMENT,
                    "UTF-8")),
        test(
            "ListFlights prefix",
            () ->
                check(
                    () ->
                        raw.call(
                            "ListFlights", MethodType.SERVER_STREAMING, List.of(criteria), null),
                    Status.Code.INVALID_ARGUMENT,
                    "UTF-8")),
        test(
            "DoPut descriptor path",
            () ->
                check(
                    () ->
                        put(
                            VICTIM,
                            "replace",
                            withDescriptorBytes(pathDescriptor, schema(null, PEOPLE)),
                            people(0, 10)),
                    Status.Code.INVALID_ARGUMENT,
                    "descriptor")),
        test(
            "DoPut descriptor path, append",
            () ->
                check(
                    () ->
                        put(
                            VICTIM,
                            "append",
                            withDescriptorBytes(pathDescriptor, schema(null, PEOPLE)),
                            people(0, 10)),
                    Status.Code.INVALID_ARGUMENT,
                    "descriptor")),
        test(
            "DoExchange descriptor path",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoExchange",
                            MethodType.BIDI_STREAMING,
                            List.of(withDescriptorBytes(pathDescriptor, schema(null, PEOPLE))),
                            null),
                    Status.Code.INVALID_ARGUMENT,
                    "descriptor")));
  }

  /** Requests that parse but name nothing or the wrong thing. */
  @TestFactory
  Stream<DynamicTest> wrongNamesGetTheirFlightStatus() {
    byte[] missing = descriptor("/no/such").toByteArray();
    byte[] emptyTicket = Flight.Ticket.getDefaultInstance().toByteArray();
    byte[] missingTicket =
        Flight.Ticket.newBuilder()
            .setTicket(ByteString.copyFromUtf8("/no/such"))
            .build()
            .toByteArray();
    byte[] dropMissing =
        Flight.Action.newBuilder()
            .setType("drop")
            .setBody(ByteString.copyFromUtf8("/no/such"))
            .build()
            .toByteArray();
    byte[] unknownAction = Flight.Action.newBuilder().setType("explode").build().toByteArray();
    byte[] cmd =
        Flight.FlightDescriptor.newBuilder()
            .setType(Flight.FlightDescriptor.DescriptorType.CMD)
            .setCmd(ByteString.copyFromUtf8("x"))
            .build()
            .toByteArray();
    return Stream.of(
        test(
            "GetFlightInfo missing",
            () ->
                check(
                    () -> raw.call("GetFlightInfo", MethodType.UNARY, List.of(missing), null),
                    Status.Code.NOT_FOUND,
                    "/no/such")),
        test(
            "GetSchema missing",
            () ->
                check(
                    () -> raw.call("GetSchema", MethodType.UNARY, List.of(missing), null),
                    Status.Code.NOT_FOUND,
                    "/no/such")),
        test(
            "DoGet missing",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoGet", MethodType.SERVER_STREAMING, List.of(missingTicket), null),
                    Status.Code.NOT_FOUND,
                    "/no/such")),
        test(
            "DoGet empty ticket",
            () ->
                check(
                    () ->
                        raw.call("DoGet", MethodType.SERVER_STREAMING, List.of(emptyTicket), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "drop missing",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoAction", MethodType.SERVER_STREAMING, List.of(dropMissing), null),
                    Status.Code.NOT_FOUND,
                    "/no/such")),
        test(
            "unknown action",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoAction", MethodType.SERVER_STREAMING, List.of(unknownAction), null),
                    Status.Code.UNIMPLEMENTED,
                    "explode")),
        test(
            "GetFlightInfo command descriptor",
            () ->
                check(
                    () -> raw.call("GetFlightInfo", MethodType.UNARY, List.of(cmd), null),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "create over an existing dataset",
            () ->
                check(
                    () -> put(VICTIM, "create", schema(VICTIM, PEOPLE), people(0, 10)),
                    Status.Code.ALREADY_EXISTS,
                    VICTIM)),
        test(
            "append of another schema",
            () ->
                check(
                    () ->
                        put(
                            VICTIM,
                            "append",
                            schema(VICTIM, CATEGORIES),
                            dictionary(7, "a"),
                            indices(0)),
                    Status.Code.INVALID_ARGUMENT,
                    VICTIM)),
        test(
            "unknown put mode",
            () ->
                check(
                    () -> put(VICTIM, "sideways", schema(VICTIM, PEOPLE), people(0, 10)),
                    Status.Code.INVALID_ARGUMENT)),
        test(
            "empty DoPut",
            () -> check(() -> put(VICTIM, "replace"), Status.Code.INVALID_ARGUMENT, "schema")),
        test(
            "DoPut without a descriptor",
            () ->
                check(
                    () -> put(VICTIM, "replace", schema(null, PEOPLE), people(0, 10)),
                    Status.Code.INVALID_ARGUMENT)));
  }

  /**
   * Bad messages after a valid schema and two valid 4,099-row batches, in replace and append mode,
   * on DoPut (nothing committed) and on DoExchange (nothing echoed past the fault).
   */
  @TestFactory
  Stream<DynamicTest> badMessagesMidStreamCommitNothing() {
    List<Object[]> bad = new ArrayList<>();
    Random random = new Random(42);
    byte[] randomBytes = new byte[64];
    random.nextBytes(randomBytes);
    bad.add(
        new Object[] {"two garbage bytes 0b 0c", (Supplier<byte[]>) () -> new byte[] {0x0b, 0x0c}});
    bad.add(new Object[] {"random bytes", (Supplier<byte[]>) () -> randomBytes.clone()});
    bad.add(
        new Object[] {
          "header not a flatbuffer",
          (Supplier<byte[]>) () -> message(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[0])
        });
    bad.add(
        new Object[] {
          "body shorter than the header says",
          (Supplier<byte[]>) () -> truncateBody(people(0, 100), 64)
        });
    bad.add(
        new Object[] {
          "buffer 4 KiB past the body",
          (Supplier<byte[]>) () -> patchLong(people(0, 1000), 8000, 8000 + 4096)
        });
    bad.add(
        new Object[] {
          "batch of 8000 rows with buffers for 4099",
          (Supplier<byte[]>) () -> patchLong(people(0, 4099), 4099, 8000)
        });
    bad.add(
        new Object[] {
          "node longer than the batch",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      1,
                      node(2, 0),
                      node(1, 0),
                      empty(),
                      longs(1, 2),
                      empty(),
                      ints(0, 1),
                      buf(new byte[] {'a'}))
        });
    bad.add(
        new Object[] {
          "null count above length",
          (Supplier<byte[]>)
              () ->
                  patchLong(
                      peopleWith(
                          3,
                          node(3, 1),
                          node(3, 0),
                          buf(new byte[] {3}),
                          longs(1, 2, 3),
                          empty(),
                          ints(0, 1, 2, 3),
                          buf(new byte[] {'a', 'b', 'c'})),
                      1,
                      9)
        });
    bad.add(
        new Object[] {
          "null count not the bitmap's",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 2),
                      node(3, 0),
                      buf(new byte[] {3}),
                      longs(1, 2, 3),
                      empty(),
                      ints(0, 1, 2, 3),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "validity bitmap too short",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      20,
                      node(20, 1),
                      node(20, 0),
                      buf(new byte[] {1}),
                      longs(new long[20]),
                      empty(),
                      ints(new int[21]),
                      empty())
        });
    bad.add(
        new Object[] {
          "data buffer too short",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 0),
                      node(3, 0),
                      empty(),
                      longs(1, 2),
                      empty(),
                      ints(0, 1, 2, 3),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "offsets falling",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 0),
                      node(3, 0),
                      empty(),
                      longs(1, 2, 3),
                      empty(),
                      ints(0, 2, 1, 3),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "last offset past the data",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 0),
                      node(3, 0),
                      empty(),
                      longs(1, 2, 3),
                      empty(),
                      ints(0, 1, 2, 300),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "negative first offset",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 0),
                      node(3, 0),
                      empty(),
                      longs(1, 2, 3),
                      empty(),
                      ints(-1, 1, 2, 3),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "offsets buffer too short",
          (Supplier<byte[]>)
              () ->
                  peopleWith(
                      3,
                      node(3, 0),
                      node(3, 0),
                      empty(),
                      longs(1, 2, 3),
                      empty(),
                      ints(0, 1),
                      buf(new byte[] {'a', 'b', 'c'}))
        });
    bad.add(
        new Object[] {
          "too few buffers",
          (Supplier<byte[]>)
              () ->
                  batch(
                      crafted(
                          1,
                          List.of(node(1, 0), node(1, 0)),
                          List.of(empty(), longs(1), empty(), ints(0, 1)),
                          null))
        });
    bad.add(
        new Object[] {
          "too many buffers",
          (Supplier<byte[]>)
              () ->
                  batch(
                      crafted(
                          1,
                          List.of(node(1, 0), node(1, 0)),
                          List.of(
                              empty(),
                              longs(1),
                              empty(),
                              ints(0, 1),
                              buf(new byte[] {'a'}),
                              empty()),
                          null))
        });
    bad.add(
        new Object[] {
          "too few field nodes",
          (Supplier<byte[]>)
              () ->
                  batch(
                      crafted(
                          1,
                          List.of(node(1, 0)),
                          List.of(empty(), longs(1), empty(), ints(0, 1), buf(new byte[] {'a'})),
                          null))
        });
    bad.add(
        new Object[] {
          "too many field nodes",
          (Supplier<byte[]>)
              () ->
                  batch(
                      crafted(
                          1,
                          List.of(node(1, 0), node(1, 0), node(1, 0)),
                          List.of(empty(), longs(1), empty(), ints(0, 1), buf(new byte[] {'a'})),
                          null))
        });
    bad.add(new Object[] {"a second schema", (Supplier<byte[]>) () -> schema(VICTIM, PEOPLE)});
    bad.add(
        new Object[] {
          "a dictionary not in the schema", (Supplier<byte[]>) () -> dictionary(7, "a")
        });
    bad.add(
        new Object[] {
          "corrupt LZ4 body",
          (Supplier<byte[]>)
              () ->
                  compressedIds(
                      compressedBuffer(8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}),
                      CompressionUtil.CodecType.LZ4_FRAME)
        });
    bad.add(
        new Object[] {
          "LZ4 shorter than its length prefix",
          (Supplier<byte[]>)
              () ->
                  compressedIds(
                      compressedBuffer(16, lz4(new byte[8])), CompressionUtil.CodecType.LZ4_FRAME)
        });
    bad.add(
        new Object[] {
          "LZ4 longer than its length prefix",
          (Supplier<byte[]>)
              () ->
                  compressedIds(
                      compressedBuffer(8, lz4(new byte[64])), CompressionUtil.CodecType.LZ4_FRAME)
        });
    bad.add(
        new Object[] {
          "corrupt ZSTD body",
          (Supplier<byte[]>)
              () ->
                  compressedIds(
                      compressedBuffer(8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}),
                      CompressionUtil.CodecType.ZSTD)
        });
    bad.add(
        new Object[] {
          "compressed buffer shorter than its prefix field",
          (Supplier<byte[]>)
              () -> compressedIds(new byte[] {1, 2, 3}, CompressionUtil.CodecType.ZSTD)
        });
    bad.add(
        new Object[] {
          "absurd uncompressed length",
          (Supplier<byte[]>)
              () ->
                  compressedIds(
                      compressedBuffer(-5, new byte[8]), CompressionUtil.CodecType.LZ4_FRAME)
        });
    bad.add(
        new Object[] {
          "app_metadata only, then garbage",
          (Supplier<byte[]>) () -> new byte[] {0x22, 0x01, 0x41, 0x0f}
        });
    List<DynamicTest> tests = new ArrayList<>();
    for (Object[] b : bad) {
      String name = (String) b[0];
      @SuppressWarnings("unchecked")
      Supplier<byte[]> message = (Supplier<byte[]>) b[1];
      for (String mode : List.of("replace", "append")) {
        tests.add(
            test(
                "DoPut " + mode + ": " + name,
                () ->
                    check(
                        () ->
                            put(
                                VICTIM,
                                mode,
                                schema(VICTIM, PEOPLE),
                                people(10_000, 4099),
                                people(20_000, 4099),
                                message.get()),
                        Status.Code.INVALID_ARGUMENT,
                        VICTIM)));
      }
      tests.add(
          test(
              "DoExchange: " + name,
              () ->
                  check(
                      () ->
                          raw.call(
                              "DoExchange",
                              MethodType.BIDI_STREAMING,
                              List.of(schema(VICTIM, PEOPLE), people(0, 10), message.get()),
                              null),
                      Status.Code.INVALID_ARGUMENT)));
    }
    return tests.stream();
  }

  /** Dictionaries: missing, unknown, out of range. */
  @TestFactory
  Stream<DynamicTest> dictionaryFaults() {
    String path = "/dict";
    return Stream.of(
        test(
            "no dictionary before the batch",
            () ->
                check(
                    () -> put(path, "replace", schema(path, CATEGORIES), indices(0, 0)),
                    Status.Code.INVALID_ARGUMENT,
                    "dictionary 7")),
        test(
            "index past the dictionary",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, CATEGORIES),
                            dictionary(7, "a", "b"),
                            indices(0, 2)),
                    Status.Code.INVALID_ARGUMENT,
                    "outside dictionary 7")),
        test(
            "negative index",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, CATEGORIES),
                            dictionary(7, "a", "b"),
                            indices(-1)),
                    Status.Code.INVALID_ARGUMENT,
                    "outside dictionary 7")),
        test(
            "unknown dictionary id",
            () ->
                check(
                    () -> put(path, "replace", schema(path, CATEGORIES), dictionary(8, "a")),
                    Status.Code.INVALID_ARGUMENT,
                    "dictionary 8")),
        test(
            "exchange: index past the dictionary",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoExchange",
                            MethodType.BIDI_STREAMING,
                            List.of(schema(path, CATEGORIES), dictionary(7, "a"), indices(5)),
                            null),
                    Status.Code.INVALID_ARGUMENT,
                    "outside dictionary 7")));
  }

  /** Nesting: Arrow's limit of 64 holds on schemas and batches; 3,000 deep is refused cleanly. */
  @TestFactory
  Stream<DynamicTest> nestingFaults() {
    String path = "/deep";
    return Stream.of(
        test(
            "schema 65 deep",
            () ->
                check(
                    () -> put(path, "replace", schema(path, nested(65)), nestedBatch(65)),
                    Status.Code.INVALID_ARGUMENT,
                    "64")),
        test(
            "schema 3000 deep",
            () ->
                check(
                    () -> put(path, "replace", deepSchemaMessage(path, 3000)),
                    Status.Code.INVALID_ARGUMENT,
                    "64")),
        test(
            "exchange schema 3000 deep",
            () ->
                check(
                    () ->
                        raw.call(
                            "DoExchange",
                            MethodType.BIDI_STREAMING,
                            List.of(deepSchemaMessage(path, 3000)),
                            null),
                    Status.Code.INVALID_ARGUMENT,
                    "64")));
  }

  /** A one-column schema of a decimal of {@code bits} bits. */
  private static Schema decimal(int precision, int scale, int bits) {
    return new Schema(List.of(Field.nullable("d", new ArrowType.Decimal(precision, scale, bits))));
  }

  /** A one-column batch of {@code rows} rows, no nulls, over the data buffer given. */
  private byte[] decimalBatch(int rows, ArrowBuf data) {
    return batch(crafted(rows, List.of(node(rows, 0)), List.of(empty(), data), null));
  }

  /**
   * decimal32 and decimal64 (which Arrow Java cannot read, kept as bytes here) are checked as Arrow
   * C++ checks them: precision within the width's bounds, buffers long enough, values within the
   * precision; the status names the dataset, the field and the rule.
   */
  @TestFactory
  Stream<DynamicTest> narrowDecimalFaults() {
    String path = "/dec";
    return Stream.of(
        test(
            "decimal32 data buffer too short",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, decimal(7, 2, 32)),
                            decimalBatch(3, ints(1, 2))),
                    Status.Code.INVALID_ARGUMENT,
                    "DoPut '/dec'",
                    "column 'd'",
                    "data")),
        test(
            "decimal64 data buffer too short",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, decimal(18, 2, 64)),
                            decimalBatch(2, ints(1, 2))),
                    Status.Code.INVALID_ARGUMENT,
                    "DoPut '/dec'",
                    "column 'd'",
                    "data")),
        test(
            "decimal32 value outside its precision",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, decimal(3, 1, 32)),
                            decimalBatch(2, ints(999, 1000))),
                    Status.Code.INVALID_ARGUMENT,
                    "DoPut '/dec'",
                    "column 'd'",
                    "decimal value 1000 does not fit in precision of decimal32(3, 1)")),
        test(
            "decimal64 value outside its precision",
            () ->
                check(
                    () ->
                        put(
                            path,
                            "replace",
                            schema(path, decimal(18, 0, 64)),
                            decimalBatch(1, longs(-1_000_000_000_000_000_000L))),
                    Status.Code.INVALID_ARGUMENT,
                    "DoPut '/dec'",
                    "does not fit in precision of decimal64(18, 0)")),
        test(
            "decimal32 precision 10",
            () ->
                check(
                    () -> put(path, "replace", schema(path, decimal(10, 2, 32))),
                    Status.Code.INVALID_ARGUMENT,
                    "DoPut '/dec'",
                    "field 'd': decimal32 precision out of range [1, 9]: 10")),
        test(
            "decimal64 precision 19",
            () ->
                check(
                    () -> put(path, "replace", schema(path, decimal(19, 2, 64))),
                    Status.Code.INVALID_ARGUMENT,
                    "field 'd': decimal64 precision out of range [1, 18]: 19")),
        test(
            "decimal of 48 bits",
            () ->
                check(
                    () -> put(path, "replace", schema(path, decimal(5, 2, 48))),
                    Status.Code.INVALID_ARGUMENT,
                    "field 'd': a 48-bit decimal")),
        test(
            "append of decimal64 to decimal32",
            () -> {
              assertThat(
                      put(
                              "/dec32",
                              "replace",
                              schema("/dec32", decimal(7, 2, 32)),
                              decimalBatch(1, ints(5)))
                          .status()
                          .getCode())
                  .isEqualTo(Status.Code.OK);
              try {
                check(
                    () ->
                        put(
                            "/dec32",
                            "append",
                            schema("/dec32", decimal(7, 2, 64)),
                            decimalBatch(1, longs(5))),
                    Status.Code.INVALID_ARGUMENT,
                    "Append to '/dec32' has a different schema: dataset has Schema<d: decimal32(7, 2)>,"
                        + " upload has Schema<d: decimal64(7, 2)>");
                assertThat(
                        put(
                                "/dec32",
                                "append",
                                schema("/dec32", decimal(7, 2, 32)),
                                decimalBatch(2, ints(-5, 9_999_999)))
                            .status()
                            .getCode())
                    .isEqualTo(Status.Code.OK);
                assertThat(
                        fx.store().info(dev.flightlab.wire.DatasetPath.parse("/dec32")).rowCount())
                    .isEqualTo(3);
              } finally {
                fx.store().drop(dev.flightlab.wire.DatasetPath.parse("/dec32"));
              }
            }));
  }

  /** Serialised on a thread with a large stack: Arrow Java recurses once per level. */
  private static byte[] deepSchemaMessage(String path, int depth) {
    byte[][] out = new byte[1][];
    Thread t = new Thread(null, () -> out[0] = schema(path, nested(depth)), "deep", 256L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return out[0];
  }

  // ---------------------------------------------------------------- views, unions, run ends

  private static final Schema UTF8_VIEWS =
      new Schema(List.of(Field.nullable("v", ArrowType.Utf8View.INSTANCE)));
  private static final Schema BINARY_VIEWS =
      new Schema(List.of(Field.nullable("b", ArrowType.BinaryView.INSTANCE)));
  private static final String LONG_VALUE = "a value longer than twelve";

  private static Schema union(UnionMode mode) {
    return new Schema(
        List.of(
            new Field(
                "u",
                FieldType.nullable(new ArrowType.Union(mode, new int[] {5, 7})),
                List.of(
                    Field.nullable("i", new ArrowType.Int(32, true)),
                    Field.nullable("l", new ArrowType.Int(64, true))))));
  }

  private static final Schema RUN_ENDS =
      new Schema(
          List.of(
              new Field(
                  "r",
                  FieldType.notNullable(ArrowType.RunEndEncoded.INSTANCE),
                  List.of(
                      Field.notNullable("run_ends", new ArrowType.Int(32, true)),
                      Field.nullable("values", new ArrowType.Int(64, true))))));

  private static Schema listView(ArrowType type) {
    return new Schema(
        List.of(
            new Field(
                "lv",
                FieldType.nullable(type),
                List.of(Field.nullable("item", new ArrowType.Int(32, true))))));
  }

  /** One 16-byte view: inline ({@code size <= 12}, bytes after the length) or a reference. */
  private static byte[] view(int size, byte[] inline, int bufferIndex, int offset) {
    ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    bb.putInt(size);
    if (size <= 12 && size >= 0) {
      bb.put(inline);
    } else {
      bb.put(inline, 0, 4).putInt(8, bufferIndex).putInt(12, offset);
    }
    return bb.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A two-row view batch: "hi" inline, then {@code second}, over one data buffer. */
  private byte[] viewBatch(byte[] second, long variadicCount) {
    byte[] data = LONG_VALUE.getBytes(StandardCharsets.UTF_8);
    ArrowRecordBatch b =
        new ArrowRecordBatch(
            2,
            List.of(node(2, 0)),
            List.of(
                empty(),
                buf(concat(view(2, "hi".getBytes(StandardCharsets.UTF_8), 0, 0), second)),
                buf(data)),
            NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
            List.of(variadicCount),
            true);
    b.getBuffers().forEach(ArrowBuf::close);
    return batch(b);
  }

  private static byte[] longView(int size, String prefix, int index, int offset) {
    return view(size, prefix.getBytes(StandardCharsets.UTF_8), index, offset);
  }

  private byte[] unionBatch(ArrowFieldNode unionNode, int[] typeIds, int... offsets) {
    List<ArrowBuf> buffers = new ArrayList<>();
    byte[] types = new byte[typeIds.length];
    for (int i = 0; i < typeIds.length; i++) {
      types[i] = (byte) typeIds[i];
    }
    buffers.add(buf(types));
    boolean dense = offsets.length > 0;
    if (dense) {
      buffers.add(ints(offsets));
    }
    buffers.addAll(List.of(empty(), ints(42), empty(), longs(43)));
    return batch(
        crafted(typeIds.length, List.of(unionNode, node(1, 0), node(1, 0)), buffers, null));
  }

  private byte[] runEndBatch(
      int length, ArrowFieldNode runEndsNode, ArrowBuf validity, int... ends) {
    return batch(
        crafted(
            length,
            List.of(node(length, 0), runEndsNode, node(2, 0)),
            List.of(validity, ints(ends), empty(), longs(10, 20)),
            null));
  }

  private byte[] listViewBatch(ArrowBuf offsets, ArrowBuf sizes) {
    return batch(
        crafted(
            2,
            List.of(node(2, 0), node(3, 0)),
            List.of(empty(), offsets, sizes, empty(), ints(1, 2, 3)),
            null));
  }

  /**
   * Faults in the layouts Arrow C++ validates beyond offsets: views, unions, run ends, list views.
   */
  @TestFactory
  Stream<DynamicTest> viewUnionRunEndAndListViewFaults() {
    List<Object[]> cases = new ArrayList<>();
    // name, schema, batch, words
    cases.add(
        new Object[] {
          "utf8_view pointing past its variadic buffer",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "a va", 0, 10), 1),
          "past the end of its 26-byte data buffer"
        });
    cases.add(
        new Object[] {
          "utf8_view with a buffer index past the variadic buffers",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "a va", 1, 0), 1),
          "points at data buffer 1 of 1"
        });
    cases.add(
        new Object[] {
          "utf8_view with a negative buffer index",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "a va", -1, 0), 1),
          "points at data buffer -1 of 1"
        });
    cases.add(
        new Object[] {
          "utf8_view with a negative offset",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "a va", 0, -4), 1),
          "(-4+26) is past the end"
        });
    cases.add(
        new Object[] {
          "utf8_view out of line whose prefix is not its data's",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "zzzz", 0, 0), 1),
          "prefix"
        });
    cases.add(
        new Object[] {
          "utf8_view inline with padding that is not zero",
          UTF8_VIEWS,
          (Supplier<byte[]>)
              () ->
                  viewBatch(
                      view(3, "abc\0\0\0\0\0\0\0\0x".getBytes(StandardCharsets.UTF_8), 0, 0), 1),
          "padding"
        });
    cases.add(
        new Object[] {
          "utf8_view with a negative length",
          UTF8_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(-5, "a va", 0, 0), 1),
          "negative length -5"
        });
    cases.add(
        new Object[] {
          "utf8_view with more variadic buffers than the batch holds",
          UTF8_VIEWS,
          (Supplier<byte[]>)
              () -> viewBatch(view(2, "hi".getBytes(StandardCharsets.UTF_8), 0, 0), 3),
          "variadic buffer count 3"
        });
    cases.add(
        new Object[] {
          "binary_view pointing past its variadic buffer",
          BINARY_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "a va", 0, 1), 1),
          "past the end of its 26-byte data buffer"
        });
    cases.add(
        new Object[] {
          "binary_view out of line whose prefix is not its data's",
          BINARY_VIEWS,
          (Supplier<byte[]>) () -> viewBatch(longView(LONG_VALUE.length(), "A VA", 0, 0), 1),
          "prefix"
        });
    cases.add(
        new Object[] {
          "dense union type id not declared",
          union(UnionMode.Dense),
          (Supplier<byte[]>) () -> unionBatch(node(2, 0), new int[] {5, 3}, 0, 0),
          "slot 1 has type id 3, not one of the union's"
        });
    cases.add(
        new Object[] {
          "sparse union type id not declared",
          union(UnionMode.Sparse),
          (Supplier<byte[]>) () -> unionBatch(node(1, 0), new int[] {6}),
          "slot 0 has type id 6"
        });
    cases.add(
        new Object[] {
          "dense union offset past its child",
          union(UnionMode.Dense),
          (Supplier<byte[]>) () -> unionBatch(node(2, 0), new int[] {5, 7}, 0, 1),
          "slot 1 has offset 1 outside its child's 1 values"
        });
    cases.add(
        new Object[] {
          "dense union negative offset",
          union(UnionMode.Dense),
          (Supplier<byte[]>) () -> unionBatch(node(2, 0), new int[] {5, 7}, -1, 0),
          "slot 0 has offset -1"
        });
    cases.add(
        new Object[] {
          "union with a null count",
          union(UnionMode.Dense),
          (Supplier<byte[]>) () -> unionBatch(node(2, 1), new int[] {5, 7}, 0, 0),
          "null count must be 0"
        });
    cases.add(
        new Object[] {
          "sparse union child shorter than the union",
          union(UnionMode.Sparse),
          (Supplier<byte[]>) () -> unionBatch(node(2, 0), new int[] {5, 7}),
          "fewer than its sparse union's 2"
        });
    cases.add(
        new Object[] {
          "run ends not strictly increasing",
          RUN_ENDS,
          (Supplier<byte[]>) () -> runEndBatch(5, node(2, 0), empty(), 3, 3),
          "rise strictly (run 1)"
        });
    cases.add(
        new Object[] {
          "last run end short of the length",
          RUN_ENDS,
          (Supplier<byte[]>) () -> runEndBatch(5, node(2, 0), empty(), 2, 4),
          "last run end 4 is short of length 5"
        });
    cases.add(
        new Object[] {
          "first run end zero",
          RUN_ENDS,
          (Supplier<byte[]>) () -> runEndBatch(5, node(2, 0), empty(), 0, 5),
          "positive"
        });
    cases.add(
        new Object[] {
          "nulls in run ends",
          RUN_ENDS,
          (Supplier<byte[]>) () -> runEndBatch(5, node(2, 1), buf(new byte[] {0x01}), 2, 5),
          "run ends must not be null"
        });
    cases.add(
        new Object[] {
          "more runs than values",
          RUN_ENDS,
          (Supplier<byte[]>)
              () ->
                  batch(
                      crafted(
                          5,
                          List.of(node(5, 0), node(2, 0), node(1, 0)),
                          List.of(empty(), ints(2, 5), empty(), longs(10)),
                          null)),
          "has 2 runs but only 1 values"
        });
    cases.add(
        new Object[] {
          "list view offset+size past its child",
          listView(ArrowType.ListView.INSTANCE),
          (Supplier<byte[]>) () -> listViewBatch(ints(0, 2), ints(1, 2)),
          "list view 1 (2+2) is outside its child's 3"
        });
    cases.add(
        new Object[] {
          "list view negative size",
          listView(ArrowType.ListView.INSTANCE),
          (Supplier<byte[]>) () -> listViewBatch(ints(0, 1), ints(1, -1)),
          "list view 1 (1+-1)"
        });
    cases.add(
        new Object[] {
          "list view negative offset",
          listView(ArrowType.ListView.INSTANCE),
          (Supplier<byte[]>) () -> listViewBatch(ints(-1, 1), ints(1, 1)),
          "list view 0 (-1+1)"
        });
    cases.add(
        new Object[] {
          "large list view offset+size past its child",
          listView(ArrowType.LargeListView.INSTANCE),
          (Supplier<byte[]>) () -> listViewBatch(longs(0, 3), longs(1, 1)),
          "list view 1 (3+1) is outside its child's 3"
        });
    List<DynamicTest> tests = new ArrayList<>();
    for (Object[] c : cases) {
      String name = (String) c[0];
      Schema schema = (Schema) c[1];
      @SuppressWarnings("unchecked")
      Supplier<byte[]> batch = (Supplier<byte[]>) c[2];
      String words = (String) c[3];
      tests.add(
          test(
              name,
              () ->
                  check(
                      () -> put("/typed", "replace", schema("/typed", schema), batch.get()),
                      Status.Code.INVALID_ARGUMENT,
                      words)));
    }
    // Two on DoExchange too: nothing invalid is echoed.
    for (int i : new int[] {4, 12}) {
      Object[] c = cases.get(i);
      @SuppressWarnings("unchecked")
      Supplier<byte[]> batch = (Supplier<byte[]>) c[2];
      tests.add(
          test(
              "exchange: " + c[0],
              () ->
                  check(
                      () ->
                          raw.call(
                              "DoExchange",
                              MethodType.BIDI_STREAMING,
                              List.of(schema(null, (Schema) c[1]), batch.get()),
                              null),
                      Status.Code.INVALID_ARGUMENT,
                      (String) c[3])));
    }
    return tests.stream();
  }

  /** The same layouts, valid: accepted, so that the faults above fail for their own rule. */
  @Test
  void validViewsUnionsRunEndsAndListViewsAreAccepted() {
    Object[][] valid = {
      {UTF8_VIEWS, viewBatch(longView(LONG_VALUE.length(), "a va", 0, 0), 1)},
      {BINARY_VIEWS, viewBatch(longView(LONG_VALUE.length() - 2, "valu", 0, 2), 1)},
      {union(UnionMode.Dense), unionBatch(node(2, 0), new int[] {5, 7}, 0, 0)},
      {union(UnionMode.Sparse), unionBatch(node(1, 0), new int[] {7})},
      {RUN_ENDS, runEndBatch(5, node(2, 0), empty(), 2, 5)},
      {listView(ArrowType.ListView.INSTANCE), listViewBatch(ints(0, 1), ints(1, 2))},
      {listView(ArrowType.LargeListView.INSTANCE), listViewBatch(longs(2, 0), longs(1, 3))},
    };
    for (int i = 0; i < valid.length; i++) {
      String path = "/typed-ok-" + i;
      RawFlight.Outcome o =
          put(path, "replace", schema(path, (Schema) valid[i][0]), (byte[]) valid[i][1]);
      assertThat(o.status().getCode()).as(valid[i][0] + " " + o.status()).isEqualTo(Status.Code.OK);
      fx.store().drop(dev.flightlab.wire.DatasetPath.parse(path));
    }
  }

  // ---------------------------------------------------------------- what must still work

  @Test
  void validStreamsAreStillAccepted() {
    assertThat(
            put("/ok", "replace", schema("/ok", PEOPLE), people(0, 3), people(3, 3))
                .status()
                .getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(fx.store().info(dev.flightlab.wire.DatasetPath.parse("/ok")).rowCount())
        .isEqualTo(6);
    assertThat(
            put("/ok64", "replace", schema("/ok64", nested(64)), nestedBatch(64))
                .status()
                .getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(
            put(
                    "/okdict",
                    "replace",
                    schema("/okdict", CATEGORIES),
                    dictionary(7, "a", "b"),
                    indices(1, 0, 1))
                .status()
                .getCode())
        .isEqualTo(Status.Code.OK);
    assertThat(
            put(
                    "/oklz4",
                    "replace",
                    schema("/oklz4", PEOPLE),
                    compressedIds(
                        compressedBuffer(8, lz4(new byte[] {7, 0, 0, 0, 0, 0, 0, 0})),
                        CompressionUtil.CodecType.LZ4_FRAME))
                .status()
                .getCode())
        .isEqualTo(Status.Code.OK);
    RawFlight.Outcome echo =
        raw.call(
            "DoExchange",
            MethodType.BIDI_STREAMING,
            List.of(schema(null, PEOPLE), people(0, 5), people(5, 5)),
            null);
    assertThat(echo.status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(echo.responses()).hasSize(3);
    for (String p : List.of("/ok", "/ok64", "/okdict", "/oklz4")) {
      fx.store().drop(dev.flightlab.wire.DatasetPath.parse(p));
    }
  }

  /**
   * Item 3: 16 DoPuts of a 16 MB body whose header claims a buffer 4 KiB past its end leak nothing.
   */
  @Test
  void malformedLargeBodiesLeakNothing() {
    long baseline = fx.store().memoryUsedBytes();
    long server = serverBytes();
    for (int i = 0; i < 16; i++) {
      int rows = 2_000_000;
      byte[] big = patchLong(people(0, rows), 8L * rows, 8L * rows + 4096);
      check(
          () -> put(VICTIM, "append", schema(VICTIM, PEOPLE), big),
          Status.Code.INVALID_ARGUMENT,
          VICTIM);
    }
    fx.awaitStoreSettled(baseline);
    assertThat(serverBytes()).isEqualTo(server);
  }
}
