package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Token and user files, and the rate limit of the refusal log. */
class CredentialsTest {
  @TempDir Path dir;

  @Test
  void aTokenFileHoldsTokensCommentsAndReadOnlyMarks() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("tokens"),
            "# team tokens\n\nabc123\n  def456 read-only\nghi789 read-write\n");
    Credentials c = Credentials.readTokenFile(file);
    assertThat(c.tokens())
        .containsExactly(
            new Credentials.Token("abc123", false),
            new Credentials.Token("def456", true),
            new Credentials.Token("ghi789", false));
    assertThat(c.toString()).doesNotContain("abc123", "def456");
    assertThat(Credentials.firstToken(file)).isEqualTo("abc123");
  }

  @Test
  void aBadLineIsNamedByNumberWithoutItsSecret() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "ok-token\nsecret-one readonly\n");
    assertThatThrownBy(() -> Credentials.readTokenFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("secret-one");
  }

  @Test
  void aUserFileHoldsUserColonPasswordLines() throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "# users\nalice:pa:ss\nbob:pw read-only\n");
    Credentials c = Credentials.readUserFile(file);
    assertThat(c.users())
        .containsExactly(
            new Credentials.User("alice", "pa:ss", false), new Credentials.User("bob", "pw", true));
    assertThat(c.toString()).doesNotContain("pa:ss");
    assertThat(Credentials.parseUser("carol:pw").users())
        .containsExactly(new Credentials.User("carol", "pw", false));
    assertThatThrownBy(() -> Credentials.parseUser("nocolon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("USER:PASSWORD");
  }

  @Test
  void theRefusalLogWritesOneLineAPeerPerIntervalAndCountsTheRest() {
    Logger logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      AtomicLong now = new AtomicLong(1);
      RefusalLog log = new RefusalLog(TimeUnit.SECONDS.toNanos(10), now::get);
      log.refused("10.0.0.1", "10.0.0.1:5000", "DoPut", "no credentials");
      log.refused("10.0.0.1", "10.0.0.1:5001", "DoGet", "no credentials");
      log.refused("10.0.0.1", "10.0.0.1:5002", "DoGet", "no credentials");
      log.refused("10.0.0.2", "10.0.0.2:7000", "DoGet", "no credentials");
      now.addAndGet(TimeUnit.SECONDS.toNanos(10));
      log.refused("10.0.0.1", "10.0.0.1:5003", "ListFlights", "bearer token not accepted");
      assertThat(logged.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "Refused DoPut from 10.0.0.1:5000: no credentials",
              "Refused DoGet from 10.0.0.2:7000: no credentials",
              "Refused ListFlights from 10.0.0.1:5003: bearer token not accepted (2 more refused"
                  + " from 10.0.0.1 since the last line, not logged)");
    } finally {
      logger.detachAppender(logged);
    }
  }
}
