package org.rcskt.server.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;
import java.io.IOException;
import org.rcskt.server.config.TlsConfig;
import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.metrics.ServerMetrics;

/**
 * Everything between the socket and the router of one HTTP server (docs/design/0003-http-edge.md):
 * the server options (HTTP/1.1 only, size limits), the {@link ConnectionGuard}'s time limits, a
 * JSON answer for requests the HTTP decoder could not parse, a JSON 400 for requests the router or
 * the query decoder would fail on, and quiet, rate-limited logging of connection-level client
 * mistakes. Runs on the server's event loop.
 */
final class HttpEdge {
  /** The longest request line read (a longer one is answered 414). */
  static final int MAX_REQUEST_LINE = 8192;

  /** The most bytes of request headers read (more is answered 431). */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Shared by every server of the process: the log is the process's. */
  private static final ClientErrorLog CLIENT_ERRORS = new ClientErrorLog();

  /**
   * Vert.x's logger for connection failures that reach no handler. A client that opens an h2
   * connection over TLS and sends a broken preface fails the connection before Vert.x hands it to
   * {@link #connected}, and Vert.x then logs the peer's protocol error at SEVERE, a line per
   * connection that any client can produce (the first hostile run over TLS made 1,334 of them, the
   * second, with broken prefaces quietened, 5 for oversized frames). Held here, because
   * java.util.logging keeps its loggers only weakly.
   */
  private static final java.util.logging.Logger VERTX_CONNECTIONS =
      java.util.logging.Logger.getLogger("io.vertx.core.net.impl.ConnectionBase");

  static {
    VERTX_CONNECTIONS.setFilter(HttpEdge::notAPeerProtocolError);
  }

  /**
   * False, after noting it as a client mistake, for what this logger writes about a connection that
   * failed before it had a handler: Vert.x writes the failure's message alone (no stack trace), and
   * the only such failures are the peer's HTTP/2 protocol errors while the connection is set up (a
   * broken preface, a first frame that is not SETTINGS, an oversized frame). The message is not
   * repeated, since it can hold the peer's bytes. True (log it as it is) for anything else.
   */
  static boolean notAPeerProtocolError(java.util.logging.LogRecord r) {
    Throwable t = r.getThrown();
    boolean peer =
        r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
            && (t == null || t instanceof io.netty.handler.codec.http2.Http2Exception);
    if (!peer) {
      return true;
    }
    CLIENT_ERRORS.note("HTTP/2 connection failed while being set up (a protocol error)", null);
    return false;
  }

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

  /** The most HTTP/2 streams one connection may have open at once. */
  static final int MAX_HTTP2_STREAMS = 100;

  HttpServerOptions options() {
    // No h2c: plain HTTP is HTTP/1.1 only (docs/api.md). Over TLS, HTTP/2 is offered by ALPN.
    HttpServerOptions o =
        new HttpServerOptions()
            .setHost(settings.host())
            .setPort(settings.port())
            .setMaxInitialLineLength(MAX_REQUEST_LINE)
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setIdleTimeout(settings.idleTimeoutSeconds())
            .setHttp2ClearTextEnabled(false)
            .setTcpNoDelay(true);
    TlsConfig tls = settings.tls();
    if (tls != null) {
      o.setSsl(true)
          .setKeyCertOptions(keyCert(tls))
          .setSslHandshakeTimeout(settings.idleTimeoutSeconds())
          .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
          .setUseAlpn(tls.http2())
          .setAlpnVersions(
              tls.http2()
                  ? java.util.List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                  : java.util.List.of(HttpVersion.HTTP_1_1))
          .setInitialSettings(
              new io.vertx.core.http.Http2Settings()
                  .setMaxConcurrentStreams(MAX_HTTP2_STREAMS)
                  .setMaxHeaderListSize(MAX_HEADER_BYTES));
      if (tls.requestClientCertificates()) {
        // Any certificate is taken: a submitter is recognized by its key's hash, not by a CA
        // (docs/design/0017-tls.md). The handshake proves the client holds the key.
        o.setClientAuth(io.vertx.core.http.ClientAuth.REQUEST)
            .setTrustOptions(AnyClientCertificate.OPTIONS);
      }
    }
    return o;
  }

  /** The certificate and key options of {@code tls}, read from its files when used. */
  static io.vertx.core.net.PemKeyCertOptions keyCert(TlsConfig tls) {
    return new io.vertx.core.net.PemKeyCertOptions()
        .setCertPath(tls.certificateChain().toString())
        .setKeyPath(tls.privateKey().toString());
  }

  /** The TLS options of {@code tls}, for {@link HttpServer#updateSSLOptions}. */
  static io.vertx.core.net.ServerSSLOptions sslOptions(TlsConfig tls) {
    io.vertx.core.net.ServerSSLOptions o =
        new io.vertx.core.net.ServerSSLOptions()
            .setKeyCertOptions(keyCert(tls))
            .setUseAlpn(tls.http2())
            .setApplicationLayerProtocols(
                tls.http2() ? java.util.List.of("h2", "http/1.1") : java.util.List.of("http/1.1"));
    if (tls.requestClientCertificates()) {
      o.setClientAuth(io.vertx.core.http.ClientAuth.REQUEST)
          .setTrustOptions(AnyClientCertificate.OPTIONS);
    }
    return o;
  }

  HttpServer install(HttpServer server) {
    return server
        .connectionHandler(this::connected)
        .exceptionHandler(t -> connectionFailed(t, null))
        .invalidRequestHandler(this::invalid)
        // With a handshake handler, Vert.x hands requests naming an unknown HTTP version to the
        // request handler (which answers them in JSON) instead of answering an empty 501 itself.
        // The price: WebSocket upgrades, which this API has none of, are refused without a body.
        .webSocketHandshakeHandler(this::refuseWebSocket)
        .requestHandler(this::screen);
  }

  void close() {
    vertx.cancelTimer(sweeper);
  }

  private void connected(HttpConnection c) {
    String peer = ConnectionGuard.peer(c);
    String address = peer == null ? "" : peer;
    String refusal = settings.connectionLimits().admit(address);
    if (refusal != null) {
      // Nothing of it is read: closed at once, noted (rate-limited) as a client mistake.
      CLIENT_ERRORS.note("connection refused: " + refusal, peer);
      metrics.connectionRefused();
      c.close();
      return;
    }
    guard.opened(c, () -> settings.connectionLimits().closed(address));
    c.exceptionHandler(
        t -> {
          if (!guard.wasReported(c, t)) {
            connectionFailed(t, peer);
          }
        });
  }

  /**
   * Refuses, with a JSON 400, what the router or the query decoder would otherwise fail on with a
   * 500 or a plain-text answer: a missing or repeated Host, malformed percent-escapes.
   */
  private void screen(HttpServerRequest req) {
    guard.request(req);
    if (req.version() == null) {
      // HTTP/1.7, HTTP/2.0 on an HTTP/1 connection and the like: nothing more of this connection
      // can be read with confidence.
      long t0 = System.nanoTime();
      CLIENT_ERRORS.note("unsupported HTTP version", ConnectionGuard.peer(req.connection()));
      ApiError e =
          ApiError.malformedRequest("unsupported HTTP version; this server speaks HTTP/1.1");
      Responses.writeErrorAndClose(req, e);
      metrics.http("invalid", req.method().name(), e.status(), System.nanoTime() - t0);
      return;
    }
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

  /** A WebSocket upgrade: this API has no WebSocket endpoint. */
  private void refuseWebSocket(ServerWebSocketHandshake handshake) {
    long t0 = System.nanoTime();
    handshake.reject(400);
    metrics.http("invalid", "GET", 400, System.nanoTime() - t0);
  }

  /** A request the HTTP decoder failed on: answered, then its connection is closed. */
  private void invalid(HttpServerRequest req) {
    long t0 = System.nanoTime();
    Throwable cause = req.decoderResult().cause();
    ApiError e;
    if (cause instanceof TooLongHttpLineException) {
      e = ApiError.uriTooLong(MAX_REQUEST_LINE);
    } else if (cause instanceof TooLongHttpHeaderException) {
      e = ApiError.headersTooLarge(MAX_HEADER_BYTES);
    } else {
      e = ApiError.malformedRequest("the request line or headers are not well-formed");
    }
    // Logged here: once the answer is written Vert.x fails the connection with the same cause,
    // but the close that follows the answer may come first.
    connectionFailed(cause, ConnectionGuard.peer(req.connection()));
    guard.reported(req.connection(), cause);
    Responses.writeErrorAndClose(req, e);
    metrics.http("invalid", req.method().name(), e.status(), System.nanoTime() - t0);
  }

  /**
   * A connection-level failure: the decoder's (after {@link #invalid} answered, or in a chunked
   * body), a reset, a peer that went away. Our handlers' own failures never get here (the router
   * gives them to the failure handler), so all of these are the client's or the network's: at most
   * one short, rate-limited line, never a stack trace.
   */
  private static void connectionFailed(Throwable t, String peer) {
    if (t instanceof IOException || t instanceof HttpClosedException) {
      return; // resets and closes: ordinary network events
    }
    String what;
    if (t == null) {
      what = "malformed request";
    } else if (t instanceof TooLongHttpLineException) {
      what = "request line too long";
    } else if (t instanceof TooLongHttpHeaderException) {
      what = "request headers too large";
    } else if (t instanceof TooLongFrameException) {
      what = "request part too long";
    } else if (t instanceof NumberFormatException) {
      what = "malformed number in the request (Content-Length or chunk size)";
    } else if (t instanceof IllegalArgumentException) {
      what = "malformed request line or headers";
    } else {
      what = "connection failed (" + t.getClass().getSimpleName() + ")";
    }
    CLIENT_ERRORS.note(what, peer);
  }
}
