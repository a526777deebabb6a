package dev.flightlab.testing;

import dev.flightlab.server.ServerOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ServerFixture} per test: a real flightlab server on a free loopback port, started before
 * each test and closed after it, failing the test when any allocator still holds memory.
 *
 * <pre>{@code
 * @RegisterExtension final FlightServerExtension server = new FlightServerExtension();
 * }</pre>
 */
public final class FlightServerExtension implements BeforeEachCallback, AfterEachCallback {
  private final ServerOptions options;
  private ServerFixture fixture;

  /** A server with default options on port 0. */
  public FlightServerExtension() {
    this(ServerOptions.ephemeral());
  }

  /** A server with {@code options} (use port 0). */
  public FlightServerExtension(ServerOptions options) {
    this.options = options;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    fixture = ServerFixture.start(options);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    ServerFixture f = fixture;
    fixture = null;
    if (f != null) {
      f.close();
    }
  }

  /** The running test's fixture. */
  public ServerFixture fixture() {
    if (fixture == null) {
      throw new IllegalStateException("no test is running");
    }
    return fixture;
  }
}
