package dev.flightlab.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * What this server's DoGets have done since it started, for the {@code stats} action: calls
 * answered with data, record batches sent, and calls the client cancelled before the end (a preview
 * that read its rows, a reader that gave up).
 */
final class DoGetCounters {
  final LongAdder calls = new LongAdder();
  final LongAdder batchesSent = new LongAdder();
  final LongAdder cancelled = new LongAdder();
}
