package dev.flightlab.client;

import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Follows a FlightInfo: every endpoint's ticket redeemed at its locations, in order or several at a
 * time, the parts joined in endpoint order.
 *
 * <p>An endpoint is read where {@link FlightLabClient#locationsOf} says: this connection first when
 * it may be used, then each other location in turn while the last one could not be reached
 * (UNAVAILABLE: refused, unresolvable, dropped) before it delivered anything. A failure names the
 * endpoint when the FlightInfo has several.
 */
final class Endpoints {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private Endpoints() {}

  /** One attempt at an endpoint, on the client of one of its locations. */
  interface Attempt<T> {
    T run(FlightLabClient at);
  }

  /**
   * Runs {@code attempt} at {@code endpoint}'s locations in turn until one answers (see the class
   * comment); {@code mayRetry} says whether a location that failed UNAVAILABLE may be left for the
   * next (false once it delivered something that cannot be taken back).
   *
   * @throws FlightRuntimeException the last location's failure, naming the endpoint
   */
  static <T> T atLocations(
      FlightLabClient client,
      FlightEndpoint endpoint,
      int index,
      int count,
      Attempt<T> attempt,
      java.util.function.BooleanSupplier mayRetry) {
    List<URI> locations = client.locationsOf(endpoint);
    for (int i = 0; ; i++) {
      URI location = locations.get(i);
      boolean last = i == locations.size() - 1;
      FlightLabClient at;
      try {
        at = client.at(location);
      } catch (IllegalArgumentException e) {
        if (last) {
          throw CallStatus.INVALID_ARGUMENT
              .withDescription(
                  name(client, endpoint, index, count, location)
                      + ": cannot connect there: "
                      + e.getMessage())
              .toRuntimeException();
        }
        continue;
      }
      try {
        return attempt.run(at);
      } catch (FlightRuntimeException e) {
        if (!last && e.status().code() == FlightStatusCode.UNAVAILABLE && mayRetry.getAsBoolean()) {
          continue;
        }
        throw named(e, client, endpoint, index, count, location);
      }
    }
  }

  /**
   * "endpoint 2 of 4 at grpc+tcp://host:port", or "" when the FlightInfo has one endpoint and it
   * was read on this connection (nothing worth naming).
   */
  static String name(
      FlightLabClient client, FlightEndpoint endpoint, int index, int count, URI location) {
    URI where = location == null ? client.location().getUri() : location;
    if (count == 1 && location == null) {
      return "";
    }
    return "endpoint " + (index + 1) + " of " + count + " at " + where;
  }

  /** {@code e} with the endpoint named in front of its description, same code and cause. */
  static FlightRuntimeException named(
      FlightRuntimeException e,
      FlightLabClient client,
      FlightEndpoint endpoint,
      int index,
      int count,
      URI location) {
    String name = name(client, endpoint, index, count, location);
    if (name.isEmpty()) {
      return e;
    }
    String description = e.status().description();
    CallStatus status =
        new CallStatus(
            e.status().code(),
            e,
            name + ": " + (description == null || description.isEmpty() ? "failed" : description),
            e.status().metadata());
    return status.toRuntimeException();
  }

  /** See {@link FlightLabClient#get(FlightInfo, int, LongConsumer, IpcCompression)}. */
  static BatchSet get(
      FlightLabClient client,
      FlightInfo info,
      int parallelism,
      LongConsumer onRecordBatch,
      IpcCompression compression) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    List<FlightEndpoint> endpoints = info.getEndpoints();
    if (endpoints.isEmpty()) {
      throw noEndpoints();
    }
    List<BatchSet> parts = new ArrayList<>(endpoints.size());
    try {
      if (parallelism == 1 || endpoints.size() == 1) {
        for (int i = 0; i < endpoints.size(); i++) {
          parts.add(fetch(client, endpoints, i, onRecordBatch, compression));
        }
      } else {
        fetchInParallel(client, endpoints, parallelism, onRecordBatch, compression, parts);
      }
    } catch (RuntimeException | Error e) {
      parts.forEach(BatchSet::close);
      throw e;
    }
    return BatchSet.concat(parts);
  }

  static FlightRuntimeException noEndpoints() {
    return CallStatus.INTERNAL
        .withDescription("the server's FlightInfo has no endpoints: nothing to fetch")
        .toRuntimeException();
  }

  /** One endpoint whole; a download that fails frees what it had, so any failure may retry. */
  private static BatchSet fetch(
      FlightLabClient client,
      List<FlightEndpoint> endpoints,
      int index,
      LongConsumer onRecordBatch,
      IpcCompression compression) {
    FlightEndpoint endpoint = endpoints.get(index);
    return atLocations(
        client,
        endpoint,
        index,
        endpoints.size(),
        at -> at.get(endpoint.getTicket(), onRecordBatch, compression),
        () -> true);
  }

  /**
   * See {@link FlightLabClient#readBatches(FlightInfo, FlightLabClient.BatchVisitor,
   * IpcCompression)}.
   */
  static Schema readBatches(
      FlightLabClient client,
      FlightInfo info,
      FlightLabClient.BatchVisitor visitor,
      IpcCompression compression) {
    List<FlightEndpoint> endpoints = info.getEndpoints();
    if (endpoints.isEmpty()) {
      throw noEndpoints();
    }
    Schema schema = null;
    for (int i = 0; i < endpoints.size(); i++) {
      FlightEndpoint e = endpoints.get(i);
      boolean[] visited = {false};
      FlightLabClient.BatchVisitor watching =
          (batch, metadata) -> {
            visited[0] = true;
            visitor.batch(batch, metadata);
          };
      Schema s =
          atLocations(
              client,
              e,
              i,
              endpoints.size(),
              at -> at.readBatches(e.getTicket(), watching, compression),
              () -> !visited[0]);
      schema = schema == null ? s : schema;
    }
    return schema;
  }

  /**
   * Fetches every endpoint on up to {@code parallelism} threads; adds the parts in order. After a
   * failure the others are cancelled, and this returns only once every thread has stopped and freed
   * what it fetched.
   */
  private static void fetchInParallel(
      FlightLabClient client,
      List<FlightEndpoint> endpoints,
      int parallelism,
      LongConsumer onRecordBatch,
      IpcCompression compression,
      List<BatchSet> parts) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, endpoints.size()),
            r -> {
              Thread t = new Thread(r, "flightlab-endpoint-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Each task leaves its part here, so that a part finished as the others are cancelled is
    // still found and freed (a cancelled Future drops its result).
    AtomicReferenceArray<BatchSet> fetched = new AtomicReferenceArray<>(endpoints.size());
    List<Future<?>> futures = new ArrayList<>();
    RuntimeException failure = null;
    try {
      for (int i = 0; i < endpoints.size(); i++) {
        int index = i;
        futures.add(
            pool.submit(
                () ->
                    fetched.set(
                        index, fetch(client, endpoints, index, onRecordBatch, compression))));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          failure = unwrap(e.getCause());
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure =
              CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
          break;
        }
      }
    } finally {
      if (failure != null) {
        futures.forEach(f -> f.cancel(true));
      }
      pool.shutdown();
      awaitQuietly(pool);
    }
    for (int i = 0; i < endpoints.size(); i++) {
      BatchSet part = fetched.get(i);
      if (part == null) {
        continue;
      }
      if (failure == null) {
        parts.add(part);
      } else {
        part.close();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException unwrap(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t.getMessage(), t);
  }
}
