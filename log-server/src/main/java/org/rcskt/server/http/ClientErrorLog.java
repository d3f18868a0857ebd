package org.rcskt.server.http;

import java.util.function.LongSupplier;

/**
 * The server log's record of client mistakes at the HTTP layer (malformed requests, timeouts): one
 * short line each, at most {@link #MAX_LINES_PER_SECOND} a second, the rest counted and the count
 * reported on the next line written. A line names the kind of mistake and the peer address, never
 * request bytes, and has no stack trace: a hostile client must not be able to flood the log or
 * write into it. Ordinary 4xx answers (a bad parameter, a rejected event) are not logged at all.
 * Safe for use from several event loops.
 */
final class ClientErrorLog {
  static final int MAX_LINES_PER_SECOND = 5;
  private static final System.Logger LOG = System.getLogger(ClientErrorLog.class.getName());
  private static final long SECOND = 1_000_000_000L;

  private final LongSupplier nanoClock;
  private final System.Logger logger;
  private long windowStart;
  private int linesInWindow;
  private long suppressed;

  ClientErrorLog() {
    this(System::nanoTime, LOG);
  }

  ClientErrorLog(LongSupplier nanoClock, System.Logger logger) {
    this.nanoClock = nanoClock;
    this.logger = logger;
    this.windowStart = nanoClock.getAsLong();
  }

  /**
   * Notes one client mistake.
   *
   * @param what a fixed description chosen by the server (never text from the request)
   * @param peer the client's address, or null when unknown
   */
  void note(String what, String peer) {
    String line;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (now - windowStart >= SECOND) {
        windowStart = now;
        linesInWindow = 0;
      }
      if (linesInWindow >= MAX_LINES_PER_SECOND) {
        suppressed++;
        return;
      }
      linesInWindow++;
      StringBuilder b = new StringBuilder(96).append("client error: ").append(what);
      if (peer != null) {
        b.append(" (from ").append(peer).append(')');
      }
      if (suppressed > 0) {
        b.append("; ").append(suppressed).append(" more not logged");
        suppressed = 0;
      }
      line = b.toString();
    }
    logger.log(System.Logger.Level.INFO, line);
  }

  /** Client mistakes noted but not logged since the last line written; for tests. */
  synchronized long suppressed() {
    return suppressed;
  }
}
