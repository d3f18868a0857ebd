package org.rcskt.server.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Time limits on the connections of one HTTP server (one event loop), which Vert.x's idle timeout
 * alone does not give: that timeout is reset by every byte, so a client sending one byte every few
 * seconds could hold a connection for ever.
 *
 * <ul>
 *   <li>A connection without a request in progress is closed once it has been so for the idle
 *       timeout, whether or not bytes of a next request's head are trickling in: a request's
 *       headers must be complete within the idle timeout of the connection going idle (or being
 *       opened).
 *   <li>A request whose body has not been received in full within the request timeout of its
 *       headers is answered {@code 408} (when no answer has been started) and its connection
 *       closed.
 * </ul>
 *
 * <p>Rather than a timer per request, one periodic sweep per event loop looks at every open
 * connection; the limits are thus enforced to within one sweep interval. Every method runs on the
 * server's event loop.
 */
final class ConnectionGuard {
  private final long idleNanos;
  private final long requestNanos;
  private final int requestTimeoutSeconds;
  private final LongSupplier nanoClock;
  private final ClientErrorLog clientErrors;
  private final Map<HttpConnection, State> open = new IdentityHashMap<>();

  private static final class State {
    HttpServerRequest current;
    long requestStart;
    boolean idle = true;
    long idleSince;
    boolean closing;
    Throwable reported;

    State(long now) {
      idleSince = now;
    }
  }

  ConnectionGuard(
      int idleTimeoutSeconds,
      int requestTimeoutSeconds,
      LongSupplier nanoClock,
      ClientErrorLog clientErrors) {
    this.idleNanos = idleTimeoutSeconds * 1_000_000_000L;
    this.requestNanos = requestTimeoutSeconds * 1_000_000_000L;
    this.requestTimeoutSeconds = requestTimeoutSeconds;
    this.nanoClock = nanoClock;
    this.clientErrors = clientErrors;
  }

  /** How often {@link #sweep} should run: a quarter of the shorter limit, from 0.1 s to 1 s. */
  static long sweepIntervalMillis(int idleTimeoutSeconds, int requestTimeoutSeconds) {
    long shorter = Math.min(idleTimeoutSeconds, requestTimeoutSeconds) * 1000L;
    return Math.max(100, Math.min(1000, shorter / 4));
  }

  void opened(HttpConnection c) {
    open.put(c, new State(nanoClock.getAsLong()));
    c.closeHandler(v -> open.remove(c));
  }

  void request(HttpServerRequest req) {
    State s = open.get(req.connection());
    if (s != null) {
      s.current = req;
      s.requestStart = nanoClock.getAsLong();
      s.idle = false;
    }
  }

  /**
   * Remembers that {@code t}, a failure of connection {@code c}, has been logged already, so that
   * the connection's exception handler, which Vert.x may give it again, does not log it twice.
   */
  void reported(HttpConnection c, Throwable t) {
    State s = open.get(c);
    if (s != null) {
      s.reported = t;
    }
  }

  /** Whether {@code t} was passed to {@link #reported} for {@code c}. */
  boolean wasReported(HttpConnection c, Throwable t) {
    State s = open.get(c);
    return s != null && s.reported == t;
  }

  void sweep() {
    long now = nanoClock.getAsLong();
    List<Map.Entry<HttpConnection, State>> expired = new ArrayList<>();
    for (Map.Entry<HttpConnection, State> e : open.entrySet()) {
      State s = e.getValue();
      if (s.closing) {
        continue;
      }
      HttpServerRequest r = s.current;
      if (r == null || (r.isEnded() && r.response().ended())) {
        if (!s.idle) {
          s.idle = true;
          s.idleSince = now;
        } else if (now - s.idleSince >= idleNanos) {
          expired.add(e);
        }
      } else if (!r.isEnded() && now - s.requestStart >= requestNanos) {
        expired.add(e);
      }
    }
    // Closing runs close handlers, which change the map: act after the walk.
    for (Map.Entry<HttpConnection, State> e : expired) {
      State s = e.getValue();
      s.closing = true;
      HttpServerRequest r = s.current;
      if (r != null && !r.isEnded()) {
        clientErrors.note(
            "request not received within " + requestTimeoutSeconds + " s of its headers",
            peer(e.getKey()));
        Responses.writeErrorAndClose(r, ApiError.requestTimeout(requestTimeoutSeconds));
      } else {
        // An idle keep-alive connection, or a next request's head that never completed: nothing
        // to answer (an unasked-for 408 confuses clients), and not worth a log line.
        e.getKey().close();
      }
    }
  }

  static String peer(HttpConnection c) {
    return c.remoteAddress() == null ? null : c.remoteAddress().hostAddress();
  }
}
