package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A DoGet read message by message with flightlab's codec: each body is copied once, from gRPC's
 * network buffers into direct memory, on the connection's network thread.
 *
 * <p>Two ways to read: {@link #next()} hands each message to the reading thread (while it handles
 * one, the next is parsed), or a {@link Sink} given at construction takes each message on the
 * network thread itself and {@link #awaitEnd()} waits for the end: no hand-off and no wake-up per
 * message. With four streams on two cores that took DoGet from 2,323-2,733 to 2,985-3,357 MiB/s in
 * an A/B (a fifth of a client network thread went to waking readers in a profile).
 *
 * <p>Not thread-safe: one reader thread. Close it to cancel an unfinished stream; messages still
 * queued are freed.
 */
final class DoGetStream implements AutoCloseable {
  /** Messages parsed ahead of the reader. */
  private static final int PREFETCH = 4;

  private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;

  /** Takes each message on the network thread; it must be quick and must not block. */
  @FunctionalInterface
  interface Sink {
    /** Handles one message, borrowed for the call. */
    void accept(InboundFlightData message) throws Exception;
  }

  private final ClientCall<Flight.Ticket, InboundFlightData> call;
  private final Deque<InboundFlightData> queue = new ArrayDeque<>();
  private final Sink sink;
  private Status status;
  private Metadata trailers;
  private Throwable sinkFailure;
  private boolean closed;

  DoGetStream(Channel channel, Ticket ticket, BufferAllocator allocator, Metadata headers) {
    this(channel, ticket, allocator, headers, null);
  }

  DoGetStream(
      Channel channel, Ticket ticket, BufferAllocator allocator, Metadata headers, Sink sink) {
    this.sink = sink;
    // Callbacks run on the connection's network thread (they never block): each message is parsed
    // where it was read, instead of being handed to another thread first.
    call =
        channel.newCall(
            FlightMethods.clientDoGet(allocator),
            CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor()));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(InboundFlightData message) {
            if (sink != null) {
              deliver(message);
              return;
            }
            synchronized (queue) {
              if (closed) {
                message.close();
                return;
              }
              queue.add(message);
              queue.notifyAll();
            }
          }

          @Override
          public void onClose(Status s, Metadata t) {
            synchronized (queue) {
              status = s;
              trailers = t;
              queue.notifyAll();
            }
          }
        },
        headers);
    call.sendMessage(
        Flight.Ticket.newBuilder()
            .setTicket(com.google.protobuf.ByteString.copyFrom(ticket.getBytes()))
            .build());
    call.halfClose();
    call.request(PREFETCH);
  }

  private void deliver(InboundFlightData message) {
    try (message) {
      synchronized (queue) {
        if (closed || sinkFailure != null) {
          return;
        }
      }
      sink.accept(message);
    } catch (Throwable t) {
      synchronized (queue) {
        sinkFailure = t;
      }
      call.cancel("the reader failed", t);
      return;
    }
    call.request(1);
  }

  /**
   * With a {@link Sink}: waits until the stream has ended and every message went to the sink.
   *
   * @throws FlightRuntimeException with the server's status when the stream failed
   * @throws Exception what the sink threw (the call was cancelled)
   */
  void awaitEnd() throws Exception {
    Throwable failed;
    synchronized (queue) {
      while (status == null) {
        queue.wait();
      }
      failed = sinkFailure;
    }
    if (failed instanceof Exception e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (!status.isOk()) {
      throw StatusUtils.fromGrpcStatusAndTrailers(status, trailers).toRuntimeException();
    }
  }

  /**
   * The next message, owned by the caller; null when the stream ended cleanly.
   *
   * @throws FlightRuntimeException with the server's status when the stream failed
   */
  InboundFlightData next() throws InterruptedException {
    InboundFlightData message;
    synchronized (queue) {
      while (queue.isEmpty() && status == null) {
        queue.wait();
      }
      message = queue.poll();
      if (message == null) {
        if (!status.isOk()) {
          throw StatusUtils.fromGrpcStatusAndTrailers(status, trailers).toRuntimeException();
        }
        return null;
      }
    }
    call.request(1);
    return message;
  }

  /**
   * Cancels the call unless it ended, and frees the messages still queued. With a sink, waits (up
   * to a few seconds) for the call to end, so that the sink is not running when this returns.
   */
  @Override
  public void close() {
    synchronized (queue) {
      if (closed) {
        return;
      }
      closed = true;
      queue.forEach(InboundFlightData::close);
      queue.clear();
      if (status == null) {
        call.cancel("reader closed", null);
      }
      if (sink != null) {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        boolean interrupted = false;
        while (status == null && System.nanoTime() < deadline) {
          try {
            queue.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
