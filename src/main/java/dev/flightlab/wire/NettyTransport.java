package dev.flightlab.wire;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The Netty event loops and channels under flightlab's gRPC server and client, set up so that
 * received bytes are not copied on their way to a FlightData message.
 *
 * <p>gRPC's HTTP/2 handler collects socket reads with Netty's merging cumulator, which copies all
 * bytes collected so far into a new buffer on every read while gRPC holds slices of an incomplete
 * message; each connection here gets the composite cumulator, which only links the reads.
 *
 * <p>gRPC takes a channel factory only together with the loops, so this class owns them. Each
 * client has a network thread of its own (on a shared group, connections can pile onto one thread),
 * except beside an embedded server ({@link #forEmbeddedServer()}), where both ends share one.
 */
public final class NettyTransport implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Whether the loops and channels are Netty's native epoll ones: where epoll loads (Linux), unless
   * system property {@code flightlab.transport} is {@code nio}.
   */
  public static final boolean EPOLL =
      !"nio".equals(System.getProperty("flightlab.transport")) && Epoll.isAvailable();

  /**
   * Write buffer bounds of 512 KiB / 1 MiB: Netty's HTTP/2 flow controller writes no more than the
   * room left below the high mark, so Netty's 64 KiB default means small writes and a writability
   * flip (and another flow-controller pass) per drained write.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

  /**
   * Socket reads of up to 1 MiB rather than Netty's 64 KiB cap: each read costs a system call, a
   * pooled buffer and a pass through the HTTP/2 decoder.
   */
  static final AdaptiveRecvByteBufAllocator RECEIVE_BUFFERS =
      new AdaptiveRecvByteBufAllocator(64, 16 << 10, 1 << 20);

  /**
   * Where every connection's buffers come from (socket reads, outbound frames): Netty's adaptive
   * allocator, direct memory. gRPC's own pooled allocator (2 MiB chunks) frees a chunk as soon as
   * the last buffer in it is released, which on a server taking 2 MB uploads was after nearly every
   * message: the next message's socket reads then landed on fresh pages, and a warm server took
   * 31,000-53,000 page faults for 600 uploads of 2.2 MB (about one page received in seven), against
   * about 4,700 with this one. The adaptive allocator keeps its chunks for reuse.
   */
  static final ByteBufAllocator BUFFERS = new AdaptiveByteBufAllocator(true);

  /**
   * The SETTINGS_MAX_FRAME_SIZE a connection to another process asks of its peer: 256 KiB instead
   * of HTTP/2's 16 KiB (which gRPC keeps), as each frame costs a header, a promise and a pass
   * through both ends' HTTP/2 code; larger frames delay the reader, which holds a frame until all
   * of it has arrived. System property {@code flightlab.maxFrameBytes} (16384 to 16777215) sets it
   * for every connection, {@link #SAME_THREAD_MAX_FRAME_BYTES} included.
   */
  static final Integer CONFIGURED_MAX_FRAME_BYTES =
      configuredMaxFrameBytes(Integer.getInteger("flightlab.maxFrameBytes"));

  static final int MAX_FRAME_BYTES =
      CONFIGURED_MAX_FRAME_BYTES != null ? CONFIGURED_MAX_FRAME_BYTES : 256 << 10;

  /**
   * The frame size asked for when both ends are served by one network thread of this JVM: HTTP/2's
   * largest, since with nothing overlapping a smaller frame buys nothing but more passes per frame.
   */
  static final int SAME_THREAD_MAX_FRAME_BYTES =
      CONFIGURED_MAX_FRAME_BYTES != null
          ? CONFIGURED_MAX_FRAME_BYTES
          : Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND;

  static Integer configuredMaxFrameBytes(Integer configured) {
    if (configured == null) {
      return null;
    }
    if (configured < Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE
        || configured > Http2CodecUtil.MAX_FRAME_SIZE_UPPER_BOUND) {
      throw new IllegalArgumentException(
          "-Dflightlab.maxFrameBytes="
              + configured
              + ": HTTP/2 frames may be 16384 to 16777215 bytes");
    }
    return configured;
  }

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  /** The open connections this transport opened or accepted (a closed one leaves by itself). */
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private final AcceptedChannels accepted = new AcceptedChannels();

  private final CumulatorInstaller installer = new CumulatorInstaller();

  private final java.util.concurrent.atomic.AtomicInteger acceptedOpen =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong refusedConnections =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong acceptedEver =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile int maxConnections = Integer.MAX_VALUE;

  // Told of each accepted connection whose TLS handshake fails; null for none.
  private volatile BiConsumer<SocketAddress, Throwable> handshakeRefusals;

  private static final AttributeKey<Boolean> HANDSHAKE_WATCHED =
      AttributeKey.valueOf("flightlab-handshake-watched");

  // Connections accepted over the cap, by peer address, until they close.
  private final Map<SocketAddress, Channel> refusing = new ConcurrentHashMap<>();

  // False for a client on a server's loop: the server stops that loop, not the client.
  private final boolean ownsWorkers;

  // The connections of an embedded server's transport and of its clientOnSameLoop() ones, shared
  // by all of them, where a connection looks for its peer; null for other transports.
  private final ChannelGroup family;

  private NettyTransport(
      EventLoopGroup boss, EventLoopGroup workers, boolean ownsWorkers, ChannelGroup family) {
    this.boss = boss;
    this.workers = workers;
    this.ownsWorkers = ownsWorkers;
    this.family = family;
  }

  /** Event loops for one server: one thread accepting, one per core serving connections. */
  public static NettyTransport forServer() {
    return new NettyTransport(
        loops(1, "flightlab-accept"),
        loops(Runtime.getRuntime().availableProcessors(), "flightlab-server-io"),
        true,
        null);
  }

  /**
   * Event loops for a server whose clients run in the same JVM (the demo's embedded server): one
   * thread accepting and a single network thread, which {@link #clientOnSameLoop()} lends to those
   * clients, so that both ends of a connection are served by one thread.
   *
   * <p>Bytes still cross loopback TCP; what goes is a hand-off between two network threads (a
   * wake-up and a context switch) at every step of a call.
   */
  public static NettyTransport forEmbeddedServer() {
    return new NettyTransport(
        loops(1, "flightlab-accept"),
        loops(1, "flightlab-io"),
        true,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
  }

  /** The event loop for one client (one connection): a single thread. */
  public static NettyTransport forClient() {
    return new NettyTransport(null, loops(1, "flightlab-client-io"), true, null);
  }

  /**
   * A client transport on this transport's network thread (see {@link #forEmbeddedServer()}).
   * Closing it leaves the thread running: it stops with this transport.
   */
  public NettyTransport clientOnSameLoop() {
    return new NettyTransport(null, workers, false, family);
  }

  private static EventLoopGroup loops(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(name, true), ioHandlers());
  }

  private static IoHandlerFactory ioHandlers() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The groups this transport owns: the accepting one (servers only), then its own workers. */
  private List<EventLoopGroup> groups() {
    List<EventLoopGroup> owned = new ArrayList<>(2);
    if (boss != null) {
      owned.add(boss);
    }
    if (ownsWorkers) {
      owned.add(workers);
    }
    return owned;
  }

  /** Serves on this transport's loops, with the composite cumulator on every connection. */
  public void configure(NettyServerBuilder builder) {
    configure(builder, false);
  }

  /**
   * Like {@link #configure(NettyServerBuilder)}; with {@code domainSocket}, on a Unix domain socket
   * (epoll only): the builder's address must then be a {@code DomainSocketAddress}.
   */
  public void configure(NettyServerBuilder builder, boolean domainSocket) {
    requireEpollFor(domainSocket);
    if (boss == null) {
      throw new IllegalStateException("a client transport cannot serve");
    }
    builder
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelFactory(
            () -> {
              ServerChannel channel =
                  domainSocket
                      ? new EpollServerDomainSocketChannel()
                      : EPOLL ? new EpollServerSocketChannel() : new NioServerSocketChannel();
              channel.pipeline().addLast(accepted);
              return channel;
            })
        // After gRPC's own, so these win.
        .withOption(ChannelOption.ALLOCATOR, BUFFERS)
        .withChildOption(ChannelOption.ALLOCATOR, BUFFERS);
    if (domainSocket) {
      // gRPC sets TCP keep-alive on every connection; a Unix socket has none, and Netty would warn
      // "Unknown channel option 'SO_KEEPALIVE'" for each one. A null value removes the option.
      builder.withChildOption(ChannelOption.SO_KEEPALIVE, null);
    }
  }

  /** Connects on this transport's loop, with the composite cumulator on the connection. */
  public void configure(NettyChannelBuilder builder) {
    configure(builder, false);
  }

  /**
   * Like {@link #configure(NettyChannelBuilder)}; with {@code domainSocket}, over a Unix domain
   * socket (epoll only): the builder's target must then be a {@code DomainSocketAddress}.
   */
  public void configure(NettyChannelBuilder builder, boolean domainSocket) {
    requireEpollFor(domainSocket);
    builder
        .eventLoopGroup(workers)
        .channelFactory(
            () -> {
              Channel channel =
                  domainSocket
                      ? new EpollDomainSocketChannel()
                      : EPOLL ? new EpollSocketChannel() : new NioSocketChannel();
              prepare(channel);
              return channel;
            })
        .withOption(ChannelOption.ALLOCATOR, BUFFERS); // after gRPC's own, so it wins
    if (domainSocket) {
      builder.withOption(ChannelOption.SO_KEEPALIVE, null); // as for the server, above
    }
  }

  private static void requireEpollFor(boolean domainSocket) {
    if (domainSocket && !EPOLL) {
      throw new IllegalArgumentException(
          "grpc+unix:// needs Netty's native epoll transport (Linux, not -Dflightlab.transport=nio)");
    }
  }

  /**
   * What every connection gets, opened or accepted: a place in {@link #connections()}, the water
   * marks, the read sizes, and the handler that installs the cumulator and sends the frame size.
   */
  private void prepare(Channel connection) {
    connections.add(connection);
    if (family != null) {
      family.add(connection);
    }
    connection.config().setWriteBufferWaterMark(WATER_MARK);
    connection.config().setRecvByteBufAllocator(RECEIVE_BUFFERS);
    connection.pipeline().addFirst(installer);
  }

  /** Stops the loops (after the gRPC server on them has shut down), waiting up to 5 seconds. */
  @Override
  public void close() throws InterruptedException {
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    groups().forEach(g -> g.shutdownGracefully(0, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    for (EventLoopGroup group : groups()) {
      group.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Stops the loops without waiting for them (for clean-up after a failure). */
  public void closeQuietly() {
    groups().forEach(g -> g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS));
  }

  /** The open connections, for tests that look at what a connection negotiated. */
  ChannelGroup connections() {
    return connections;
  }

  /**
   * Caps the connections a server transport keeps open at once. A TCP connection accepted past the
   * cap is kept just long enough to be told why: {@link #refuses} names it, so that the server can
   * answer its calls with a status and then {@link #closeRefused} it; it is closed after {@link
   * #REFUSAL_GRACE} whatever happens. Past {@link #MAX_REFUSING} of those, or on a Unix domain
   * socket (whose peers have no address of their own), a connection is closed as it is accepted.
   * Call before the server starts.
   */
  public void limitConnections(int max) {
    this.maxConnections = max;
  }

  /** The most connections over the cap kept open at once to be told why. */
  static final int MAX_REFUSING = 64;

  /** How long a connection over the cap is kept open at most. */
  static final Duration REFUSAL_GRACE = Duration.ofSeconds(5);

  /**
   * Tells {@code listener} of every connection whose TLS handshake fails (no client certificate,
   * one not trusted, bytes that are not TLS), with the peer's address and the failure. Call before
   * the server starts.
   */
  public void onHandshakeRefused(BiConsumer<SocketAddress, Throwable> listener) {
    this.handshakeRefusals = listener;
  }

  /** The cap {@link #limitConnections} set. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Accepted connections open now. */
  public int acceptedConnections() {
    return acceptedOpen.get();
  }

  /** Connections accepted since the transport started, refused ones and closed ones included. */
  public long connectionsAcceptedEver() {
    return acceptedEver.get();
  }

  /** True when {@code remote} is the address of a connection accepted over the cap. */
  public boolean refuses(SocketAddress remote) {
    return remote != null && !refusing.isEmpty() && refusing.containsKey(remote);
  }

  /**
   * Closes the connection over the cap from {@code remote} once what is queued on it has been
   * written (gRPC sends GOAWAY, waits for the call in progress, then closes).
   */
  public void closeRefused(SocketAddress remote) {
    Channel channel = remote == null ? null : refusing.get(remote);
    if (channel != null) {
      channel.eventLoop().execute(channel::close);
    }
  }

  /** On the listening channel: prepares each accepted connection before it is registered. */
  @ChannelHandler.Sharable
  private final class AcceptedChannels extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        acceptedEver.incrementAndGet();
        if (acceptedOpen.incrementAndGet() > maxConnections) {
          acceptedOpen.decrementAndGet();
          refusedConnections.incrementAndGet();
          SocketAddress remote = accepted.remoteAddress();
          if (!(remote instanceof InetSocketAddress) || refusing.size() >= MAX_REFUSING) {
            accepted.unsafe().closeForcibly();
            return;
          }
          refusing.put(remote, accepted);
          accepted.closeFuture().addListener(f -> refusing.remove(remote, accepted));
          ctx.executor()
              .schedule(() -> accepted.close(), REFUSAL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          accepted.closeFuture().addListener(f -> acceptedOpen.decrementAndGet());
        }
        prepare(accepted);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * The largest frame to ask {@code connection}'s peer for: {@link #SAME_THREAD_MAX_FRAME_BYTES}
   * when the peer is a connection of this transport's family served by the same thread (found by
   * its addresses, which are the mirror image of this one's), else {@link #MAX_FRAME_BYTES}.
   */
  int maxFrameBytesFor(Channel connection) {
    if (family != null) {
      for (Channel other : family) {
        if (other != connection
            && Objects.equals(connection.remoteAddress(), other.localAddress())
            && Objects.equals(connection.localAddress(), other.remoteAddress())
            && other.isRegistered()
            && other.eventLoop() == connection.eventLoop()) {
          return SAME_THREAD_MAX_FRAME_BYTES;
        }
      }
    }
    return MAX_FRAME_BYTES;
  }

  /**
   * At a connection's first read, while the TLS handshake is under way, hands a failed handshake to
   * {@link #onHandshakeRefused}'s listener (gRPC only logs it at FINE).
   */
  private void watchHandshake(Channel connection) {
    BiConsumer<SocketAddress, Throwable> listener = handshakeRefusals;
    if (listener == null || connection.hasAttr(HANDSHAKE_WATCHED)) {
      return;
    }
    SslHandler ssl = connection.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return;
    }
    connection.attr(HANDSHAKE_WATCHED).set(Boolean.TRUE);
    SocketAddress remote = connection.remoteAddress();
    ssl.handshakeFuture()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                listener.accept(remote, f.cause());
              }
            });
  }

  private static final FlushBeforeReset FLUSH_BEFORE_RESET = new FlushBeforeReset();

  /**
   * Behind gRPC's HTTP/2 handler, where gRPC's queued commands pass on their way to it: flushes
   * what the stream has queued before a server stream is reset.
   *
   * <p>gRPC ends a call whose message it cannot take (over the largest size) with a
   * CancelServerStreamCommand, and once response headers are out that is a bare RST_STREAM. The
   * server's own trailers, queued just before it (see server's MessageSizeLimit), would sit in
   * Netty's flow controller behind the stream's last DATA until the next flush, and the reset drops
   * whatever is still queued there: the client would see CANCELLED instead of the status. Flushing
   * first sends the trailers ahead of the reset.
   */
  @ChannelHandler.Sharable
  private static final class FlushBeforeReset extends ChannelOutboundHandlerAdapter {
    // Package-private in grpc-netty; looked up once, since every write of every call passes here.
    private static final Class<?> CANCEL_SERVER_STREAM =
        grpcNettyClass("CancelServerStreamCommand");

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg.getClass() == CANCEL_SERVER_STREAM) {
        ctx.flush();
      }
      ctx.write(msg, promise);
    }
  }

  /** A class of grpc-netty's by its simple name; fails at once if a gRPC upgrade renamed it. */
  private static Class<?> grpcNettyClass(String simpleName) {
    try {
      return Class.forName(
          "io.grpc.netty." + simpleName, false, GrpcHttp2ConnectionHandler.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("grpc-netty has no " + simpleName, e);
    }
  }

  /**
   * Sets the composite cumulator on gRPC's HTTP/2 handler at the first read that finds it in the
   * pipeline (after the TLS handshake, with TLS), sends the peer a SETTINGS frame raising the
   * largest frame it may send to {@link #maxFrameBytesFor}, then leaves the pipeline.
   *
   * <p>gRPC has no setting for either. A second SETTINGS frame is allowed at any time, and the peer
   * acknowledges it before sending anything under it; by the first read a peer in this JVM has
   * joined the family, so it can be recognised.
   */
  @ChannelHandler.Sharable
  private final class CumulatorInstaller extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      watchHandshake(ctx.channel());
      GrpcHttp2ConnectionHandler grpc = ctx.pipeline().get(GrpcHttp2ConnectionHandler.class);
      if (grpc != null) {
        grpc.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        ctx.pipeline().addAfter(ctx.pipeline().context(grpc).name(), null, FLUSH_BEFORE_RESET);
        int frameBytes = maxFrameBytesFor(ctx.channel());
        if (frameBytes != Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE) {
          ChannelHandlerContext grpcContext = ctx.pipeline().context(grpc);
          grpc.encoder()
              .writeSettings(
                  grpcContext,
                  new Http2Settings().maxFrameSize(frameBytes),
                  grpcContext.voidPromise());
          grpcContext.flush();
        }
      }
      ctx.fireChannelRead(msg);
      if (grpc != null) {
        ctx.pipeline().remove(this);
      }
    }
  }
}
