package dev.flightlab.wire;

import io.grpc.netty.NettyServerBuilder;

/** gRPC/Netty transport settings that flightlab's server and client share. */
public final class TransportSettings {
  /**
   * HTTP/2 flow-control window per stream, in bytes. gRPC's default (1 MiB) is smaller than one
   * 65,536-row batch of 4 x int64 (2 MiB), so every such message would wait for window updates.
   */
  public static final int FLOW_CONTROL_WINDOW_BYTES = 16 << 20;

  /** Bytes a server stream may queue before it reports not ready (gRPC's default is 32 KiB). */
  public static final int SERVER_BACKPRESSURE_THRESHOLD_BYTES = 10 << 20;

  /** Bytes a client upload may queue before it reports not ready (gRPC's default is 32 KiB). */
  public static final int SEND_BUFFER_BYTES = 8 << 20;

  private TransportSettings() {}

  /** Applies flightlab's settings to a gRPC Netty server builder. */
  public static void tune(NettyServerBuilder builder) {
    builder.flowControlWindow(FLOW_CONTROL_WINDOW_BYTES);
  }
}
