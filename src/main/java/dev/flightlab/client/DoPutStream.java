package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.TransportSettings;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;

/**
 * A DoPut written message by message with flightlab's codec: Arrow buffers go to gRPC in place, and
 * the writer waits for gRPC's onReady callback instead of spinning.
 *
 * <p>Not thread-safe: one writer thread.
 */
final class DoPutStream implements AutoCloseable {
  private final ClientCall<OutboundFlightData, Flight.PutResult> call;
  private final Object lock = new Object();
  private Status status;
  private Metadata trailers;
  private boolean halfClosed;
  // Bytes handed to gRPC before its first onReady (the stream not yet open on the connection).
  private long sentBeforeReady;
  private boolean readySeen;

  DoPutStream(Channel channel, Metadata headers, Consumer<Flight.PutResult> onAck) {
    // gRPC's default reports "not ready" past 32 KiB queued: less than one batch, so each send
    // would wait for the previous one to drain. Callbacks run on the connection's network thread
    // (they never block; neither may onAck).
    call =
        channel.newCall(
            FlightMethods.clientDoPut(),
            CallOptions.DEFAULT
                .withOnReadyThreshold(TransportSettings.SEND_BUFFER_BYTES)
                .withExecutor(MoreExecutors.directExecutor()));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(Flight.PutResult ack) {
            onAck.accept(ack);
            call.request(1);
          }

          @Override
          public void onReady() {
            synchronized (lock) {
              readySeen = true;
              lock.notifyAll();
            }
          }

          @Override
          public void onClose(Status s, Metadata t) {
            synchronized (lock) {
              status = s;
              trailers = t;
              lock.notifyAll();
            }
          }
        },
        headers);
    call.request(1);
  }

  /** Sends one message once gRPC can take it without queueing beyond its buffer. */
  void send(OutboundFlightData message) throws InterruptedException {
    send(message, null);
  }

  /**
   * Sends one message once gRPC can take it; {@code whenReady} (may be null) runs just before the
   * message is handed over, after any wait.
   */
  void send(OutboundFlightData message, Runnable whenReady) throws InterruptedException {
    synchronized (lock) {
      // Until the stream is open, gRPC keeps messages in its own queue and isReady() is false: the
      // first SEND_BUFFER_BYTES go there without waiting (a cold call's first onReady came 100-500
      // us after start in the demo's timeline), the same bound that onReady sets afterwards.
      long bytes = message.wireBytes();
      boolean mayQueue =
          !readySeen && sentBeforeReady + bytes <= TransportSettings.SEND_BUFFER_BYTES;
      while (!mayQueue && !call.isReady() && status == null) {
        lock.wait(100);
      }
      if (!readySeen) {
        sentBeforeReady += bytes;
      }
      if (status != null) {
        message.discard();
        throw failure();
      }
    }
    if (whenReady != null) {
      whenReady.run();
    }
    call.sendMessage(message);
  }

  /** Ends the upload and waits for the server's verdict. */
  void finish() throws InterruptedException {
    halfClosed = true;
    call.halfClose();
    synchronized (lock) {
      while (status == null) {
        lock.wait(TimeUnit.SECONDS.toMillis(1));
      }
    }
    if (!status.isOk()) {
      throw failure();
    }
  }

  private RuntimeException failure() {
    Status s = status == null ? Status.UNKNOWN : status;
    return StatusUtils.fromGrpcStatusAndTrailers(s, trailers).toRuntimeException();
  }

  /** Cancels the upload unless it finished. */
  @Override
  public void close() {
    synchronized (lock) {
      if (status == null && !halfClosed) {
        call.cancel("upload abandoned", null);
      }
    }
  }
}
