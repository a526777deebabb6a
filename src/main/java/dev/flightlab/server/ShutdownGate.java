package dev.flightlab.server;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the calls in flight and, once the server is {@linkplain #startDraining() draining},
 * answers every new call UNAVAILABLE ("server is shutting down") while those in flight finish.
 */
final class ShutdownGate implements ServerInterceptor {
  /** What a call that arrives during shutdown is told. */
  static final String SHUTTING_DOWN = "server is shutting down";

  private boolean draining;
  private int inFlight;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    synchronized (this) {
      if (!draining) {
        inFlight++;
      } else {
        call.close(Status.UNAVAILABLE.withDescription(SHUTTING_DOWN), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    CallEnd end = new CallEnd();
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      end.run();
      throw e;
    }
    // A call ends when gRPC completes or cancels it, not when the handler closes it: a DoGet's
    // last messages may still wait for the client's flow-control window.
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          end.run();
        }
      }

      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          end.run();
        }
      }
    };
  }

  /**
   * Ends one call's count once, whichever of its ends comes first. A class rather than a lambda:
   * C1, which compiles the server, makes a capturing lambda through a method-handle call.
   */
  private final class CallEnd extends AtomicBoolean implements Runnable {
    @Override
    public void run() {
      if (compareAndSet(false, true)) {
        callEnded();
      }
    }
  }

  private synchronized void callEnded() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  /** From now on, new calls are answered UNAVAILABLE. */
  synchronized void startDraining() {
    draining = true;
  }

  /** True once draining started. */
  synchronized boolean draining() {
    return draining;
  }

  /** The calls started and not yet ended. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** Waits until no call is in flight, up to {@code timeoutNanos}; true when none is. */
  synchronized boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
