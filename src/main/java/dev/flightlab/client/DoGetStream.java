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
 * network buffers into direct memory, on the connection's network thread while the caller handles
 * the previous one.
 *
 * <p>Not thread-safe: one reader thread. Close it to cancel an unfinished stream; messages still
 * queued are freed.
 */
final class DoGetStream implements AutoCloseable {
  /** Messages parsed ahead of the reader. */
  private static final int PREFETCH = 4;

  private final ClientCall<Flight.Ticket, InboundFlightData> call;
  private final Deque<InboundFlightData> queue = new ArrayDeque<>();
  private Status status;
  private Metadata trailers;
  private boolean closed;

  DoGetStream(Channel channel, Ticket ticket, BufferAllocator allocator, Metadata headers) {
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

  /** Cancels the call unless it ended, and frees the messages still queued. */
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
    }
  }
}
