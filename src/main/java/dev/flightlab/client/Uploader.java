package dev.flightlab.client;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.OutboundFlightData;
import dev.flightlab.wire.OutboundStream;
import dev.flightlab.wire.PutMode;
import dev.flightlab.wire.TransportSettings;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;

/**
 * One DoPut: a batch set's {@link OutboundStream} written as gRPC's onReady callbacks allow
 * (Arrow's writer spins on {@code isReady()} instead, taking a core from the network threads), then
 * the server's verdict.
 *
 * <p>One writer thread; gRPC's callbacks run on the connection's network thread.
 */
final class Uploader implements AutoCloseable {
  private final ClientCall<OutboundFlightData, Flight.PutResult> call;
  private final SendGate gate = new SendGate();
  private boolean halfClosed;

  /** Uploads {@code data} to {@code path}: see {@link FlightLabClient#put}. */
  static PutOutcome put(
      Connection connection,
      DatasetPath path,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      PutMode mode,
      IpcCompression compression,
      FlightLabClient.UploadListener listener) {
    return put(connection, path.toDescriptor(), data, appMetadata, mode, compression, listener);
  }

  /** Uploads {@code data} with {@code descriptor} as it is: see {@link FlightLabClient#put}. */
  static PutOutcome put(
      Connection connection,
      FlightDescriptor descriptor,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      PutMode mode,
      IpcCompression compression,
      FlightLabClient.UploadListener listener) {
    AtomicLong acks = new AtomicLong();
    long ipcStreamBytes;
    long start = System.nanoTime();
    try (Uploader upload =
        new Uploader(
            connection.channel,
            connection.headers(mode, IpcCompression.NONE),
            ack -> {
              acks.incrementAndGet();
              if (listener != null) {
                listener.acked(ack.getAppMetadata().asReadOnlyByteBuffer());
              }
            })) {
      ipcStreamBytes =
          OutboundStream.encode(
              descriptor,
              data,
              appMetadata,
              compression,
              connection.allocator,
              (message, index) ->
                  upload.send(
                      message,
                      listener == null || index < 0
                          ? null
                          : () -> listener.sending(index, message.ipcBodyBytes())));
      upload.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("upload interrupted").toRuntimeException();
    }
    long elapsed = System.nanoTime() - start;
    return new PutOutcome(
        data.rowCount(), data.batches().size(), acks.get(), elapsed, ipcStreamBytes);
  }

  private Uploader(Channel channel, Metadata headers, Consumer<Flight.PutResult> onAck) {
    // gRPC's default reports "not ready" past 32 KiB queued: less than one batch, so each send
    // would wait for the previous one to drain. Callbacks never block; neither may onAck.
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
            gate.ready();
          }

          @Override
          public void onClose(Status s, Metadata t) {
            gate.closed(s, t);
          }
        },
        headers);
    call.request(1);
  }

  /**
   * Sends one message once gRPC can take it, or discards it when the call has failed; {@code
   * whenReady} (may be null) runs just before the message is handed over, after any wait.
   */
  private void send(OutboundFlightData message, Runnable whenReady) throws InterruptedException {
    if (gate.awaitSendable(message.wireBytes(), call) != null) {
      message.discard();
      throw gate.failure();
    }
    if (whenReady != null) {
      whenReady.run();
    }
    call.sendMessage(message);
  }

  /** Ends the upload and waits for the server's verdict. */
  private void finish() throws InterruptedException {
    halfClosed = true;
    call.halfClose();
    if (!gate.awaitClose().isOk()) {
      throw gate.failure();
    }
  }

  /** Cancels the upload unless it finished. */
  @Override
  public void close() {
    synchronized (gate.lock()) {
      if (gate.status() == null && !halfClosed) {
        call.cancel("upload abandoned", null);
      }
    }
  }
}
