package dev.flightlab.client;

import dev.flightlab.wire.TransportSettings;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.apache.arrow.flight.grpc.StatusUtils;

/**
 * What a client call's sending thread shares with gRPC's callbacks (which run on the network thread
 * and never block): whether the stream has been ready yet, how much went to gRPC before that, and
 * how the call ended. The uploads ({@link Uploader}) and exchanges ({@link Exchanger}) send through
 * one.
 *
 * <p>Its monitor ({@link #lock()}) guards that state; callers may guard their own call state with
 * it too.
 */
final class SendGate {
  private final Object lock = new Object();
  private Status status;
  private Metadata trailers;
  // Bytes handed to gRPC before its first onReady (the stream not yet open on the connection).
  private long sentBeforeReady;
  private boolean readySeen;

  /** The monitor that guards this gate's state. */
  Object lock() {
    return lock;
  }

  /** gRPC's onReady. */
  void ready() {
    synchronized (lock) {
      readySeen = true;
      lock.notifyAll();
    }
  }

  /** gRPC's onClose. */
  void closed(Status s, Metadata t) {
    synchronized (lock) {
      status = s;
      trailers = t;
      lock.notifyAll();
    }
  }

  /**
   * Waits until {@code call} can take a message of {@code bytes} or the call has ended, and returns
   * how it ended (null while it runs).
   *
   * <p>Until the stream is open, gRPC queues messages itself and isReady() is false: the first
   * {@link TransportSettings#SEND_BUFFER_BYTES} go there without waiting, the bound that onReady
   * sets afterwards.
   */
  Status awaitSendable(long bytes, ClientCall<?, ?> call) throws InterruptedException {
    synchronized (lock) {
      boolean mayQueue =
          !readySeen && sentBeforeReady + bytes <= TransportSettings.SEND_BUFFER_BYTES;
      while (!mayQueue && !call.isReady() && status == null) {
        lock.wait(100);
      }
      if (!readySeen) {
        sentBeforeReady += bytes;
      }
      return status;
    }
  }

  /** Waits for the call to end and returns how it ended. */
  Status awaitClose() throws InterruptedException {
    synchronized (lock) {
      while (status == null) {
        lock.wait(1000);
      }
      return status;
    }
  }

  /** How the call ended, or null while it runs. */
  Status status() {
    synchronized (lock) {
      return status;
    }
  }

  /** The call's end as a Flight exception (UNKNOWN while it has not ended). */
  RuntimeException failure() {
    synchronized (lock) {
      Status s = status == null ? Status.UNKNOWN : status;
      return StatusUtils.fromGrpcStatusAndTrailers(s, trailers).toRuntimeException();
    }
  }
}
