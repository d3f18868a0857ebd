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

  /** A request in progress and when its headers came. */
  private record InFlight(HttpServerRequest req, long start) {}

  private static final class State {
    /**
     * The requests in progress with their start times: one at a time on HTTP/1.1, up to {@link
     * HttpEdge#MAX_HTTP2_STREAMS} on an HTTP/2 connection.
     */
    final List<InFlight> active = new ArrayList<>(1);

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

  void opened(HttpConnection c, Runnable onClose) {
    open.put(c, new State(nanoClock.getAsLong()));
    c.closeHandler(
        v -> {
          open.remove(c);
          onClose.run();
        });
  }

  void request(HttpServerRequest req) {
    State s = open.get(req.connection());
    if (s != null) {
      prune(s);
      s.active.add(new InFlight(req, nanoClock.getAsLong()));
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
      prune(s);
      if (s.active.isEmpty()) {
        if (!s.idle) {
          s.idle = true;
          s.idleSince = now;
        } else if (now - s.idleSince >= idleNanos) {
          expired.add(e);
        }
      } else if (late(s, now) != null) {
        if (s.active.get(0).req().version() == io.vertx.core.http.HttpVersion.HTTP_2) {
          timeOutStreams(e.getKey(), s, now);
        } else {
          expired.add(e);
        }
      }
    }
    // Closing runs close handlers, which change the map: act after the walk.
    for (Map.Entry<HttpConnection, State> e : expired) {
      State s = e.getValue();
      s.closing = true;
      HttpServerRequest r = late(s, now);
      if (r != null) {
        noteLate(e.getKey());
        Responses.writeErrorAndClose(r, ApiError.requestTimeout(requestTimeoutSeconds));
      } else {
        // An idle keep-alive connection, or a next request's head that never completed: nothing
        // to answer (an unasked-for 408 confuses clients), and not worth a log line.
        e.getKey().close();
      }
    }
  }

  /**
   * On an HTTP/2 connection a stalled body is one stream's problem: that stream is answered 408 and
   * reset, and the connection's other streams go on.
   */
  private void timeOutStreams(HttpConnection c, State s, long now) {
    for (int i = s.active.size() - 1; i >= 0; i--) {
      HttpServerRequest r = s.active.get(i).req();
      if (isLate(s.active.get(i), now)) {
        s.active.remove(i);
        noteLate(c);
        // A complete answer, then RST_STREAM NO_ERROR: "stop sending, nothing is wrong"
        // (RFC 9113 section 8.1).
        ApiError t = ApiError.requestTimeout(requestTimeoutSeconds);
        if (!r.response().ended() && !r.response().headWritten()) {
          r.response().putHeader(io.vertx.core.http.HttpHeaders.CACHE_CONTROL, "no-store");
          Responses.writeJson(r.response(), t.status(), t.body())
              .onComplete(ar -> r.response().reset(0));
        } else {
          r.response().reset(0);
        }
      }
    }
  }

  /** Forgets the requests that are read and answered. */
  private static void prune(State s) {
    s.active.removeIf(f -> f.req().isEnded() && f.req().response().ended());
  }

  /** Whether {@code f}'s body is still not in after the request timeout. */
  private boolean isLate(InFlight f, long now) {
    return !f.req().isEnded() && now - f.start() >= requestNanos;
  }

  /** A request whose body is still not in after the request timeout, or null. */
  private HttpServerRequest late(State s, long now) {
    for (InFlight f : s.active) {
      if (isLate(f, now)) {
        return f.req();
      }
    }
    return null;
  }

  private void noteLate(HttpConnection c) {
    clientErrors.note(
        "request not received within " + requestTimeoutSeconds + " s of its headers", peer(c));
  }

  static String peer(HttpConnection c) {
    return c.remoteAddress() == null ? null : c.remoteAddress().hostAddress();
  }
}
