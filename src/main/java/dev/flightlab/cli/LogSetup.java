package dev.flightlab.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * flightlab's logging, set up in code: Python logging's default shape, as the original demo printed
 * ("{@code <time> - INFO - <message>}", on standard error), gRPC, Netty and Arrow at WARN.
 *
 * <p>Logback finds it through {@code META-INF/services} before it looks for a {@code logback.xml}.
 * Parsing that XML was most of logback's start: 170-200 ms of a cold JVM, 80-110 ms in code
 * (docs/benchmarks.md, "Client commands"), in every command. {@code
 * -Dlogback.configurationFile=...} still wins: this then leaves the configuration to logback.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The pattern of every line flightlab logs. */
  static final String PATTERN = "%d{\"yyyy-MM-dd HH:mm:ss,SSS\"} - %level - %msg%n";

  /** For logback's service loader. */
  public LogSetup() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    for (String quiet : new String[] {"io.grpc", "io.netty", "org.apache.arrow"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
