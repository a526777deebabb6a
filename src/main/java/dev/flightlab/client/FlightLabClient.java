package dev.flightlab.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flightlab.data.BatchSet;
import dev.flightlab.store.DatasetPath;
import dev.flightlab.store.PutMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A client for flightlab (and any Flight server that stores DoPut uploads by path): the put, get,
 * list and action helpers that the demo, the benchmark and the CLI commands share.
 *
 * <p>Thread-safe for concurrent calls, like the {@link FlightClient} it wraps. Buffers it returns
 * come from its own child allocator; close the client after everything it returned.
 */
public final class FlightLabClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PUT_MODE_HEADER = "flightlab-put-mode";

  private final BufferAllocator allocator;
  private final FlightClient client;
  private final Location location;
  private final CallOption[] baseOptions;

  private FlightLabClient(
      BufferAllocator allocator, FlightClient client, Location location, String token) {
    this.allocator = allocator;
    this.client = client;
    this.location = location;
    this.baseOptions = token == null ? new CallOption[0] : new CallOption[] {bearer(token)};
  }

  /**
   * Connects (lazily: the first call opens the channel).
   *
   * @param parent the allocator whose child holds this client's buffers
   */
  public static FlightLabClient connect(ClientOptions options, BufferAllocator parent) {
    Location location = toLocation(options.server());
    BufferAllocator allocator =
        parent.newChildAllocator("client:" + options.server(), 0, Long.MAX_VALUE);
    try {
      FlightClient.Builder builder = FlightClient.builder(allocator, location);
      if (location.getUri().getScheme().equals("grpc+tls")) {
        if (options.trustedCertificates() != null) {
          // The builder reads the stream only in build(): hand it the bytes, not an open file.
          builder.trustedCertificates(
              new ByteArrayInputStream(Files.readAllBytes(options.trustedCertificates())));
        }
        builder.verifyServer(options.verifyServer());
      }
      return new FlightLabClient(allocator, builder.build(), location, options.authToken());
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
   * <p>Batches are sent zero-copy from {@code data}, with their app_metadata; the time runs from
   * opening the DoPut to the server's final answer.
   */
  public PutOutcome put(DatasetPath path, BatchSet data, PutMode mode) {
    AtomicLong acks = new AtomicLong();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(data.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      long start = System.nanoTime();
      FlightClient.ClientStreamListener stream =
          client.startPut(
              path.toDescriptor(),
              root,
              data.dictionaries(),
              new AsyncPutListener() {
                @Override
                public void onNext(PutResult val) {
                  acks.incrementAndGet();
                }
              },
              options(putModeOption(mode)));
      // The batches stay untouched until the put ends, so gRPC may send them in place.
      stream.setUseZeroCopy(true);
      List<ArrowRecordBatch> batches = data.batches();
      for (int i = 0; i < batches.size(); i++) {
        loader.load(batches.get(i));
        ArrowBuf metadata = data.appMetadata().get(i);
        if (metadata != null) {
          // The message closes the metadata it sends: give it its own reference.
          metadata.getReferenceManager().retain();
        }
        stream.putNext(metadata);
      }
      stream.completed();
      stream.getResult();
      long elapsed = System.nanoTime() - start;
      return new PutOutcome(data.rowCount(), batches.size(), acks.get(), elapsed);
    }
  }

  /** The call option that selects a put mode (REPLACE sends nothing: it is the default). */
  public static CallOption[] putModeOption(PutMode mode) {
    if (mode == PutMode.REPLACE) {
      return new CallOption[0];
    }
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert(PUT_MODE_HEADER, mode.wireName());
    return new CallOption[] {new HeaderCallOption(headers)};
  }

  /**
   * Downloads {@code path} with its batch boundaries, app_metadata and dictionaries.
   *
   * @return the table, owned by the caller (close it)
   */
  public BatchSet get(DatasetPath path) {
    try (FlightStream stream = client.getStream(path.toTicket(), options())) {
      VectorSchemaRoot root = stream.getRoot();
      BatchSet.Builder out = BatchSet.builder(root.getSchema());
      try {
        while (stream.next()) {
          ArrowBuf metadata = stream.getLatestMetadata();
          ArrowBuf owned = null;
          if (metadata != null) {
            metadata.getReferenceManager().retain();
            owned = metadata;
          }
          out.add(root, owned);
        }
        DictionaryProvider dictionaries = stream.takeDictionaryOwnership();
        for (long id : dictionaries.getDictionaryIds()) {
          Dictionary d = dictionaries.lookup(id);
          out.dictionary(d);
        }
      } catch (RuntimeException e) {
        out.build().close();
        throw e;
      }
      return out.build();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not close DoGet stream: " + e.getMessage(), e);
    }
  }

  /**
   * Streams {@code path} batch by batch into {@code onBatch}, which must not keep the root.
   *
   * @return the schema (message format: dictionary fields show their value type)
   */
  public Schema read(DatasetPath path, Consumer<FlightStream> onBatch) {
    try (FlightStream stream = client.getStream(path.toTicket(), options())) {
      Schema schema = stream.getSchema();
      while (stream.next()) {
        onBatch.accept(stream);
      }
      return schema;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not close DoGet stream: " + e.getMessage(), e);
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
      return JSON.readTree(results.get(0));
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
      allocator.close();
    }
  }

  private static CallOption bearer(String token) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", "Bearer " + token);
    return new HeaderCallOption(headers);
  }
}
