package dev.flightlab.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.Batches;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.FlightHeaders;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.Json;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.PutMode;
import dev.flightlab.wire.TransportSettings;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.NettyClientBuilder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * A client for flightlab (and any Flight server that stores DoPut uploads by path): the put, get,
 * list and action helpers that the demo, the benchmark and the CLI commands share.
 *
 * <p>Thread-safe for concurrent calls, like the {@link FlightClient} it wraps. Buffers it returns
 * come from its own child allocator; close the client after everything it returned.
 */
public final class FlightLabClient implements AutoCloseable {
  private final BufferAllocator allocator;
  private final FlightClient client;
  private final Location location;
  private final CallOption[] baseOptions;
  private final ManagedChannel channel;
  private final NettyTransport transport;
  private final String token;

  private FlightLabClient(
      BufferAllocator allocator,
      FlightClient client,
      ManagedChannel channel,
      NettyTransport transport,
      Location location,
      String token) {
    this.allocator = allocator;
    this.transport = transport;
    this.client = client;
    this.channel = channel;
    this.location = location;
    this.token = token;
    this.baseOptions = token == null ? new CallOption[0] : new CallOption[] {bearer(token)};
  }

  /**
   * Connects (lazily: the first call opens the channel).
   *
   * @param parent the allocator whose child holds this client's buffers
   */
  public static FlightLabClient connect(ClientOptions options, BufferAllocator parent) {
    return connect(options, parent, NettyTransport.forClient());
  }

  /**
   * Connects like {@link #connect(ClientOptions, BufferAllocator)}, on {@code transport}'s event
   * loop (which the client closes with itself, or here when it cannot connect): for a client beside
   * an embedded server, {@link dev.flightlab.server.FlightLabServer#clientTransport()}.
   */
  public static FlightLabClient connect(
      ClientOptions options, BufferAllocator parent, NettyTransport transport) {
    try {
      return open(toLocation(options.server()), options, parent, transport);
    } catch (RuntimeException e) {
      transport.closeQuietly();
      throw e;
    }
  }

  private static FlightLabClient open(
      Location location, ClientOptions options, BufferAllocator parent, NettyTransport transport) {
    BufferAllocator allocator =
        parent.newChildAllocator("client:" + options.server(), 0, Long.MAX_VALUE);
    try {
      NettyClientBuilder builder = new NettyClientBuilder(allocator, location);
      if (location.getUri().getScheme().equals("grpc+tls")) {
        if (options.trustedCertificates() != null) {
          // Read whole: the builder reads the stream later, in build().
          builder.trustedCertificates(
              new ByteArrayInputStream(Files.readAllBytes(options.trustedCertificates())));
        }
        builder.verifyServer(options.verifyServer());
      }
      NettyChannelBuilder channel =
          builder
              .build()
              // Retries make gRPC keep a copy of every message sent until the call ends.
              .disableRetry()
              .flowControlWindow(TransportSettings.FLOW_CONTROL_WINDOW_BYTES);
      transport.configure(channel);
      ManagedChannel managed = channel.build();
      FlightClient flight = FlightGrpcUtils.createFlightClient(allocator, managed);
      return new FlightLabClient(
          allocator, flight, managed, transport, location, options.authToken());
    } catch (IOException e) {
      allocator.close();
      throw new UncheckedIOException("cannot read trusted certificates: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  /**
   * Turns grpc://, grpc+tcp://, grpc+tls:// or host:port into a Flight location.
   *
   * @throws IllegalArgumentException for another scheme or a missing port
   */
  public static Location toLocation(URI server) {
    URI uri = server.getScheme() == null ? URI.create("grpc://" + server) : server;
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "server must look like grpc://HOST:PORT, got '" + server + "'");
    }
    return switch (scheme) {
      case "grpc", "grpc+tcp" -> Location.forGrpcInsecure(uri.getHost(), uri.getPort());
      case "grpc+tls" -> Location.forGrpcTls(uri.getHost(), uri.getPort());
      default ->
          throw new IllegalArgumentException(
              "unsupported scheme '" + scheme + "' (use grpc, grpc+tcp or grpc+tls)");
    };
  }

  /** The location this client talks to. */
  public Location location() {
    return location;
  }

  /** This client's allocator. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** The underlying Arrow Flight client, for calls this class does not wrap. */
  public FlightClient flight() {
    return client;
  }

  /** The call options every call carries (the bearer token, when set), plus {@code extra}. */
  public CallOption[] options(CallOption... extra) {
    CallOption[] all = new CallOption[baseOptions.length + extra.length];
    System.arraycopy(baseOptions, 0, all, 0, baseOptions.length);
    System.arraycopy(extra, 0, all, baseOptions.length, extra.length);
    return all;
  }

  /**
   * Uploads {@code data} to {@code path} and waits for the server to commit it.
   *
   * <p>Batches go out zero-copy from {@code data}, with their app_metadata, columns without nulls
   * without their all-ones validity bitmap (as Arrow C++ and pyarrow send them). The time runs from
   * opening the DoPut to the server's final answer.
   */
  public PutOutcome put(DatasetPath path, BatchSet data, PutMode mode) {
    return put(path, data, data.appMetadata(), mode, IpcCompression.NONE, null);
  }

  /**
   * Watches an upload batch by batch, for timing it. Called on the uploading thread ({@link
   * #sending}) and on gRPC's thread ({@link #acked}); both must return quickly.
   */
  public interface UploadListener {
    /**
     * Record batch {@code index} goes to gRPC now (flow control permitting it).
     *
     * @param bodyBytes its IPC body as sent: after dropping all-valid bitmaps and compressing
     */
    void sending(int index, long bodyBytes);

    /**
     * The server acknowledged something; {@code appMetadata} is the ack's (read-only, may be
     * empty). Runs on the connection's network thread: it must not block.
     */
    void acked(ByteBuffer appMetadata);
  }

  /**
   * Uploads {@code data} like {@link #put(DatasetPath, BatchSet, PutMode)}, with each batch's
   * app_metadata taken from {@code appMetadata} (borrowed; null entries send none), its body
   * compressed with {@code compression} (on this thread, as part of the upload), and {@code
   * listener} (may be null) told of every batch sent and every ack.
   */
  public PutOutcome put(
      DatasetPath path,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      PutMode mode,
      IpcCompression compression,
      UploadListener listener) {
    AtomicLong acks = new AtomicLong();
    Schema wireSchema = messageSchema(data.schema(), data.dictionaries());
    long ipcStreamBytes = IpcSizes.END_OF_STREAM_BYTES;
    CompressionCodec codec = compression.enabled() ? compression.newCodec() : null;
    long start = System.nanoTime();
    try (DoPutStream stream =
        new DoPutStream(
            channel,
            headers(mode),
            ack -> {
              acks.incrementAndGet();
              if (listener != null) {
                listener.acked(ack.getAppMetadata().asReadOnlyByteBuffer());
              }
            })) {
      OutboundFlightData schemaMessage =
          OutboundFlightData.schema(path.toDescriptor(), wireSchema, IpcOption.DEFAULT);
      ipcStreamBytes += IpcSizes.messageBytes(schemaMessage);
      stream.send(schemaMessage, null);
      for (long id : data.dictionaries().getDictionaryIds()) {
        try (ArrowDictionaryBatch dictionary = dictionaryBatch(data.dictionaries().lookup(id))) {
          OutboundFlightData message =
              OutboundFlightData.dictionaryBatch(dictionary, IpcOption.DEFAULT);
          ipcStreamBytes += IpcSizes.messageBytes(message);
          stream.send(message, null);
        }
      }
      List<ArrowRecordBatch> batches = data.batches();
      for (int i = 0; i < batches.size(); i++) {
        try (ArrowRecordBatch wire = wireBatch(batches.get(i), data.schema(), codec)) {
          // The message holds its own references to the batch's and the metadata's buffers.
          OutboundFlightData message =
              OutboundFlightData.recordBatch(wire, appMetadata.get(i), IpcOption.DEFAULT);
          ipcStreamBytes += IpcSizes.messageBytes(message);
          int index = i;
          long body = message.ipcBodyBytes();
          stream.send(message, listener == null ? null : () -> listener.sending(index, body));
        }
      }
      stream.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("upload interrupted").toRuntimeException();
    }
    long elapsed = System.nanoTime() - start;
    return new PutOutcome(
        data.rowCount(), data.batches().size(), acks.get(), elapsed, ipcStreamBytes);
  }

  /** The batch as it goes on the wire: all-valid bitmaps dropped, then compressed if asked. */
  private ArrowRecordBatch wireBatch(
      ArrowRecordBatch batch, Schema schema, CompressionCodec codec) {
    ArrowRecordBatch wire = Batches.withoutAllValidBitmaps(batch, schema, allocator);
    if (codec == null) {
      return wire;
    }
    try (wire) {
      List<ArrowBuf> compressed = new ArrayList<>(wire.getBuffers().size());
      try {
        for (ArrowBuf buf : wire.getBuffers()) {
          // The codec releases its input: hand it a reference of its own.
          buf.getReferenceManager().retain();
          compressed.add(codec.compress(allocator, buf));
        }
      } catch (RuntimeException e) {
        compressed.forEach(ArrowBuf::close);
        throw e;
      }
      ArrowRecordBatch out =
          new ArrowRecordBatch(
              wire.getLength(),
              wire.getNodes(),
              compressed,
              CompressionUtil.createBodyCompression(codec),
              wire.getVariadicBufferCounts(),
              true,
              true);
      // The batch took its own references.
      compressed.forEach(ArrowBuf::close);
      return out;
    }
  }

  /** The call headers of a data call: the bearer token and, for uploads, the put mode. */
  private Metadata headers(PutMode mode) {
    return headers(mode, IpcCompression.NONE);
  }

  private Metadata headers(PutMode mode, IpcCompression compression) {
    Metadata headers = new Metadata();
    if (compression.enabled()) {
      headers.put(COMPRESSION, compression.toString());
    }
    if (token != null) {
      headers.put(AUTHORIZATION, "Bearer " + token);
    }
    if (mode != null && mode != PutMode.REPLACE) {
      headers.put(PUT_MODE, mode.wireName());
    }
    return headers;
  }

  private static final Metadata.Key<String> COMPRESSION =
      Metadata.Key.of(FlightHeaders.COMPRESSION, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of(FlightHeaders.AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> PUT_MODE =
      Metadata.Key.of(FlightHeaders.PUT_MODE, Metadata.ASCII_STRING_MARSHALLER);

  private static Schema messageSchema(Schema memorySchema, DictionaryProvider dictionaries) {
    if (dictionaries.getDictionaryIds().isEmpty()) {
      return memorySchema;
    }
    Set<Long> used = new HashSet<>();
    List<Field> fields = new ArrayList<>();
    for (Field f : memorySchema.getFields()) {
      fields.add(DictionaryUtility.toMessageFormat(f, dictionaries, used));
    }
    return new Schema(fields, memorySchema.getCustomMetadata());
  }

  private static ArrowDictionaryBatch dictionaryBatch(Dictionary dictionary) {
    FieldVector vector = dictionary.getVector();
    // A root over the caller's vector, not closed: closing it would free the dictionary.
    VectorSchemaRoot one =
        new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount());
    ArrowRecordBatch data = new VectorUnloader(one, true, true).getRecordBatch();
    return new ArrowDictionaryBatch(dictionary.getEncoding().getId(), data, false);
  }

  /** The call option that selects a put mode (REPLACE sends nothing: it is the default). */
  public static CallOption[] putModeOption(PutMode mode) {
    if (mode == PutMode.REPLACE) {
      return new CallOption[0];
    }
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert(FlightHeaders.PUT_MODE, mode.wireName());
    return new CallOption[] {new HeaderCallOption(headers)};
  }

  /**
   * Downloads {@code path} with its batch boundaries, app_metadata and dictionaries.
   *
   * @return the table, owned by the caller (close it)
   */
  public BatchSet get(DatasetPath path) {
    return get(path.toTicket(), null);
  }

  /**
   * Downloads what {@code ticket} names (from a FlightInfo endpoint, say), like {@link
   * #get(DatasetPath)}; {@code onRecordBatch} (may be null) runs as each record batch arrives.
   *
   * @return the table, owned by the caller (close it)
   */
  public BatchSet get(Ticket ticket, Runnable onRecordBatch) {
    return get(
        ticket,
        onRecordBatch == null ? null : bodyBytes -> onRecordBatch.run(),
        IpcCompression.NONE);
  }

  /**
   * Like {@link #get(Ticket, Runnable)}, asking a flightlab server to compress what it sends
   * ({@code flightlab-compression} header); batches are decompressed as they arrive, and {@code
   * onRecordBatch} (may be null) is told each one's body bytes as received (compressed or not).
   */
  public BatchSet get(Ticket ticket, LongConsumer onRecordBatch, IpcCompression compression) {
    String path = new String(ticket.getBytes(), StandardCharsets.UTF_8);
    BatchSet.Builder out = null;
    VectorSchemaRoot decompressed = null;
    Map<Long, Dictionary> dictionaries = new HashMap<>();
    try (DoGetStream stream =
        new DoGetStream(channel, ticket, allocator, headers(null, compression))) {
      for (InboundFlightData next = stream.next(); next != null; next = stream.next()) {
        try (InboundFlightData message = next) {
          switch (message.headerType()) {
            case MessageHeader.Schema -> {
              List<Field> fields = new ArrayList<>();
              Schema schema = message.schema();
              for (Field f : schema.getFields()) {
                fields.add(DictionaryUtility.toMemoryFormat(f, allocator, dictionaries));
              }
              out = BatchSet.builder(new Schema(fields, schema.getCustomMetadata()));
              dictionaries.values().forEach(out::dictionary);
            }
            case MessageHeader.DictionaryBatch -> {
              try (ArrowDictionaryBatch batch = message.dictionaryBatch()) {
                Dictionary d = dictionaries.get(batch.getDictionaryId());
                if (d == null) {
                  throw CallStatus.INTERNAL
                      .withDescription("dictionary " + batch.getDictionaryId() + " not in schema")
                      .toRuntimeException();
                }
                FieldVector vector = d.getVector();
                new VectorLoader(
                        new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0))
                    .load(batch.getDictionary());
              }
            }
            case MessageHeader.RecordBatch -> {
              if (onRecordBatch != null) {
                onRecordBatch.accept(message.bodyBytes());
              }
              if (out == null) {
                throw CallStatus.INTERNAL
                    .withDescription("DoGet '" + path + "': a batch before the schema")
                    .toRuntimeException();
              }
              ArrowBuf metadata = message.appMetadata();
              if (metadata != null) {
                metadata.getReferenceManager().retain();
              }
              ArrowRecordBatch batch = message.recordBatch();
              if (batch.getBodyCompression().getCodec() == NoCompressionCodec.COMPRESSION_TYPE) {
                out.add(batch, metadata);
              } else {
                try (batch) {
                  if (decompressed == null) {
                    decompressed = VectorSchemaRoot.create(out.schema(), allocator);
                  }
                  new VectorLoader(decompressed, CommonsCompressionFactory.INSTANCE).load(batch);
                  out.add(decompressed, metadata);
                }
              }
            }
            default -> {}
          }
        }
      }
      if (out == null) {
        throw CallStatus.INTERNAL
            .withDescription("DoGet '" + path + "' ended without a schema")
            .toRuntimeException();
      }
      return out.build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      freeUnbuilt(out, dictionaries);
      throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
    } catch (RuntimeException e) {
      freeUnbuilt(out, dictionaries);
      throw e;
    } finally {
      if (decompressed != null) {
        decompressed.close();
      }
    }
  }

  private static void freeUnbuilt(BatchSet.Builder out, Map<Long, Dictionary> dictionaries) {
    if (out != null) {
      out.build().close();
    } else {
      dictionaries.values().forEach(d -> d.getVector().close());
    }
  }

  /**
   * Receives a downloaded batch; both arguments are borrowed for the call only.
   *
   * <p>Runs on the connection's network thread, one batch at a time, in order: it must be quick and
   * must not block (other calls on the connection wait meanwhile). Heavier work belongs in {@link
   * FlightLabClient#get}.
   */
  @FunctionalInterface
  public interface BatchVisitor {
    /** Called once per record batch, in order. */
    void batch(ArrowRecordBatch batch, ArrowBuf appMetadata);
  }

  /**
   * Downloads {@code path} batch by batch without loading vectors: what a benchmark or a
   * pass-through reads. Dictionary batches are skipped.
   *
   * @return the schema (message format)
   */
  public Schema readBatches(DatasetPath path, BatchVisitor visitor) {
    return readBatches(path.toTicket(), visitor);
  }

  /** {@link #readBatches(DatasetPath, BatchVisitor)} for what {@code ticket} names. */
  public Schema readBatches(Ticket ticket, BatchVisitor visitor) {
    return readBatches(ticket, visitor, IpcCompression.NONE);
  }

  /**
   * Like {@link #readBatches(Ticket, BatchVisitor)}, asking a flightlab server to compress what it
   * sends; the visitor sees the batches as they arrived, compressed.
   */
  public Schema readBatches(Ticket ticket, BatchVisitor visitor, IpcCompression compression) {
    Schema[] schema = new Schema[1];
    DoGetStream.Sink sink =
        message -> {
          if (message.headerType() == MessageHeader.Schema) {
            schema[0] = message.schema();
          } else if (message.headerType() == MessageHeader.RecordBatch) {
            try (ArrowRecordBatch batch = message.recordBatch()) {
              visitor.batch(batch, message.appMetadata());
            }
          }
        };
    try (DoGetStream stream =
        new DoGetStream(channel, ticket, allocator, headers(null, compression), sink)) {
      stream.awaitEnd();
      // awaitEnd saw the call end after the last message: the schema written there is visible.
      return schema[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("batch visitor failed: " + e.getMessage(), e);
    }
  }

  /** Lists flights whose path lies under {@code prefix} (all when null or empty). */
  public List<FlightInfo> list(String prefix) {
    Criteria criteria =
        prefix == null || prefix.isEmpty()
            ? Criteria.ALL
            : new Criteria(prefix.getBytes(StandardCharsets.UTF_8));
    List<FlightInfo> out = new ArrayList<>();
    client.listFlights(criteria, options()).forEach(out::add);
    return out;
  }

  /** GetFlightInfo for {@code path}. */
  public FlightInfo info(DatasetPath path) {
    return client.getInfo(path.toDescriptor(), options());
  }

  /** GetSchema for {@code path}. */
  public Schema schema(DatasetPath path) {
    return client.getSchema(path.toDescriptor(), options()).getSchema();
  }

  /** Runs an action and returns its results' bodies as UTF-8 strings. */
  public List<String> action(String type, byte[] body) {
    List<String> out = new ArrayList<>();
    Iterator<Result> results = client.doAction(new Action(type, body), options());
    results.forEachRemaining(r -> out.add(new String(r.getBody(), StandardCharsets.UTF_8)));
    return out;
  }

  /** Runs an action whose single result is JSON. */
  public JsonNode actionJson(String type, byte[] body) {
    List<String> results = action(type, body);
    if (results.isEmpty()) {
      throw new IllegalStateException("action '" + type + "' returned no result");
    }
    try {
      return Json.MAPPER.readTree(results.get(0));
    } catch (IOException e) {
      throw new IllegalStateException(
          "action '" + type + "' returned non-JSON: " + results.get(0), e);
    }
  }

  /** Drops {@code path}; NOT_FOUND when it does not exist. */
  public JsonNode drop(DatasetPath path) {
    return actionJson("drop", path.canonical().getBytes(StandardCharsets.UTF_8));
  }

  /** Drops every dataset. */
  public JsonNode clear() {
    return actionJson("clear", new byte[0]);
  }

  /** The server's store statistics (flightlab servers only). */
  public JsonNode stats() {
    return actionJson("stats", new byte[0]);
  }

  /** The server's health (flightlab servers only). */
  public JsonNode health() {
    return actionJson("health", new byte[0]);
  }

  /** The actions the server offers. */
  public List<ActionType> listActions() {
    List<ActionType> out = new ArrayList<>();
    client.listActions(options()).forEach(out::add);
    return out;
  }

  /** Closes the connection and the client's allocator. */
  @Override
  public void close() throws InterruptedException {
    try {
      client.close();
    } finally {
      try {
        // Messages gRPC had not written yet are released on the event loop, before it stops.
        transport.close();
      } finally {
        Allocators.closeWhenDrained(allocator, Duration.ofSeconds(5));
      }
    }
  }

  private static CallOption bearer(String token) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }
}
