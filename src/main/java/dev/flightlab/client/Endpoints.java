package dev.flightlab.client;

import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.IpcCompression;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;

/**
 * Follows a FlightInfo: every endpoint's ticket redeemed at its location, in order or several at a
 * time, the parts joined in endpoint order.
 */
final class Endpoints {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private Endpoints() {}

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
      throw CallStatus.INTERNAL
          .withDescription("the server's FlightInfo has no endpoints: nothing to fetch")
          .toRuntimeException();
    }
    List<BatchSet> parts = new ArrayList<>(endpoints.size());
    try {
      if (parallelism == 1 || endpoints.size() == 1) {
        for (FlightEndpoint e : endpoints) {
          parts.add(fetch(client, e, onRecordBatch, compression));
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

  private static BatchSet fetch(
      FlightLabClient client,
      FlightEndpoint endpoint,
      LongConsumer onRecordBatch,
      IpcCompression compression) {
    return client.clientFor(endpoint).get(endpoint.getTicket(), onRecordBatch, compression);
  }

  /** Fetches every endpoint on up to {@code parallelism} threads; adds the parts in order. */
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
    List<Future<BatchSet>> futures = new ArrayList<>();
    try {
      for (FlightEndpoint e : endpoints) {
        futures.add(pool.submit(() -> fetch(client, e, onRecordBatch, compression)));
      }
      RuntimeException failure = null;
      for (Future<BatchSet> f : futures) {
        try {
          BatchSet part = f.get();
          if (failure == null) {
            parts.add(part);
          } else {
            part.close();
          }
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = unwrap(e.getCause());
            // The rest are not needed: those not started never start.
            futures.forEach(other -> other.cancel(false));
          }
        } catch (java.util.concurrent.CancellationException e) {
          // cancelled after an earlier failure
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(other -> other.cancel(true));
          failure =
              CallStatus.CANCELLED.withDescription("download interrupted").toRuntimeException();
          break;
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdown();
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
