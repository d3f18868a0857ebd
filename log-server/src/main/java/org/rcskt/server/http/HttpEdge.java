package org.rcskt.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.metrics.ServerMetrics;

/**
 * Everything between the socket and the router of one HTTP server: the server options (HTTP/1.1
 * only, size limits), the {@link ConnectionGuard}'s time limits, and a JSON 400 for requests the
 * router or the query decoder would fail on. Runs on the server's event loop.
 */
final class HttpEdge {
  /** The longest request line read (a longer one is answered 414). */
  static final int MAX_REQUEST_LINE = 8192;

  /** The most bytes of request headers read (more is answered 431). */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Shared by every server of the process: the log is the process's. */
  private static final ClientErrorLog CLIENT_ERRORS = new ClientErrorLog();

  private final Vertx vertx;
  private final HttpSettings settings;
  private final ServerMetrics metrics;
  private final Router router;
  private final ConnectionGuard guard;
  private final long sweeper;

  HttpEdge(Vertx vertx, HttpSettings settings, ServerMetrics metrics, Router router) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    this.router = router;
    this.guard =
        new ConnectionGuard(
            settings.idleTimeoutSeconds(),
            settings.requestTimeoutSeconds(),
            System::nanoTime,
            CLIENT_ERRORS);
    this.sweeper =
        vertx.setPeriodic(
            ConnectionGuard.sweepIntervalMillis(
                settings.idleTimeoutSeconds(), settings.requestTimeoutSeconds()),
            id -> guard.sweep());
  }

  HttpServerOptions options() {
    // HTTP/1.1 only (docs/api.md): no h2c upgrade, and no HTTP/2 prior knowledge on this port.
    return new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setMaxInitialLineLength(MAX_REQUEST_LINE)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setHttp2ClearTextEnabled(false)
        .setTcpNoDelay(true);
  }

  HttpServer install(HttpServer server) {
    return server.connectionHandler(guard::opened).requestHandler(this::screen);
  }

  void close() {
    vertx.cancelTimer(sweeper);
  }

  /**
   * Refuses, with a JSON 400, what the router or the query decoder would otherwise fail on with a
   * 500 or a plain-text answer: a missing or repeated Host, malformed percent-escapes.
   */
  private void screen(HttpServerRequest req) {
    guard.request(req);
    ApiError refused = null;
    try {
      if (req.version() == HttpVersion.HTTP_1_1
          && (req.headers().getAll(HttpHeaders.HOST).size() != 1 || req.authority() == null)) {
        throw new BadRequestException(
            "Host", "an HTTP/1.1 request needs exactly one Host header holding host[:port]");
      }
      String path = req.path();
      if (path != null) {
        RequestChecks.checkEscapes(path, req.query());
      }
    } catch (BadRequestException e) {
      refused = ApiError.of(e);
    }
    if (refused == null) {
      router.handle(req);
      return;
    }
    long t0 = System.nanoTime();
    Responses.writeError(req, refused);
    metrics.http("unmatched", req.method().name(), refused.status(), System.nanoTime() - t0);
  }
}
