package org.rcskt.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Writing JSON answers and errors; the one place an {@link ApiError} becomes bytes. */
final class Responses {
  static final String JSON_TYPE = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Responses() {}

  static Future<Void> writeJson(HttpServerResponse res, int status, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
    return res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE)
        .end(Buffer.buffer(bytes));
  }

  /**
   * Answers {@code req} with {@code e}, unless an answer is already complete (then nothing) or
   * under way (then the stream is reset). When the request's body has not been read to its end, the
   * answer says {@code Connection: close}; the rest of the body is discarded and the connection
   * closed once it has arrived (the request timeout bounds how long that may take).
   */
  static void writeError(HttpServerRequest req, ApiError e) {
    HttpServerResponse res = req.response();
    if (res.ended() || res.closed()) {
      return;
    }
    if (res.headWritten()) {
      res.reset();
      return;
    }
    if (e.retryAfterSeconds() > 0) {
      res.putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    if (e.status() == 401) {
      res.putHeader("WWW-Authenticate", "Bearer realm=\"rcskt\"");
    }
    res.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    boolean unread = bodyPending(req);
    if (unread && req.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      // One stream of a multiplexed connection: answer it and drop the rest of its body; the
      // connection and its other streams go on (and HTTP/2 has no Connection header).
      writeJson(res, e.status(), e.body());
      req.handler(b -> {});
      req.exceptionHandler(t -> {});
      req.resume();
      return;
    }
    if (unread) {
      res.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    writeJson(res, e.status(), e.body());
    if (unread) {
      req.handler(b -> {});
      req.exceptionHandler(t -> {});
      req.resume();
      req.end().onComplete(ar -> req.connection().close());
    }
  }

  /**
   * Whether part of the request's body is still to come. A request without a body may not have been
   * marked ended yet when its handler runs (the end arrives as a separate message), so its headers
   * decide.
   */
  static boolean bodyPending(HttpServerRequest req) {
    if (req.isEnded()) {
      return false;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !length.trim().equals("0"));
  }

  /** Answers {@code req} with {@code e} and then closes its connection, read or not. */
  static void writeErrorAndClose(HttpServerRequest req, ApiError e) {
    HttpServerResponse res = req.response();
    if (res.ended() || res.closed() || res.headWritten()) {
      req.connection().close();
      return;
    }
    res.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    res.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    writeJson(res, e.status(), e.body()).onComplete(ar -> req.connection().close());
  }
}
