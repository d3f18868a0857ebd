package org.rcskt.server.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the body of {@code POST /v1/events} into memory, bounded, for the next handler ({@link
 * #of}). Only {@code application/json} or no {@code Content-Type} is read; anything else is refused
 * with 415 before a byte of the body is looked at. This replaces Vert.x Web's {@code BodyHandler},
 * which decodes form and multipart bodies by their content type whatever its options say about
 * uploads, and whose decoder failures surfaced as 500s.
 */
final class JsonBody implements Handler<RoutingContext> {
  private static final String KEY = "rcskt.jsonBody";
  private final int maxBytes;

  JsonBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The body read for this request; empty when the request had none. */
  static Buffer of(RoutingContext ctx) {
    Buffer b = ctx.get(KEY);
    return b == null ? Buffer.buffer() : b;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String refusal = RequestChecks.contentTypeRefusal(req.getHeader(HttpHeaders.CONTENT_TYPE));
    if (refusal != null) {
      ctx.fail(new HttpRefusal(ApiError.unsupportedMediaType(refusal)));
      return;
    }
    // The HTTP decoder has already refused a Content-Length that is not a decimal number.
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && declaredLength(length) > maxBytes) {
      ctx.fail(new HttpRefusal(ApiError.tooLarge(maxBytes)));
      return;
    }
    String expect = req.getHeader(HttpHeaders.EXPECT);
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        ctx.fail(
            new HttpRefusal(
                ApiError.expectationFailed(
                    "only Expect: 100-continue is understood, got \""
                        + RequestChecks.clip(expect)
                        + "\"")));
        return;
      }
      if (req.version() == HttpVersion.HTTP_1_1) {
        req.response().writeContinue();
      }
    }
    if (req.isEnded()) {
      // Only possible if a handler before this one went asynchronous: a bug, not the client's.
      ctx.fail(new IllegalStateException("the request body was consumed before it was read"));
      return;
    }
    Reader reader = new Reader(ctx);
    req.handler(reader::chunk);
    req.endHandler(reader::end);
    req.exceptionHandler(reader::failed);
    req.resume();
  }

  private static long declaredLength(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** One request's body as it arrives; after the first failure, the rest is ignored. */
  private final class Reader {
    private final RoutingContext ctx;
    private final Buffer body = Buffer.buffer();
    private boolean done;

    Reader(RoutingContext ctx) {
      this.ctx = ctx;
    }

    void chunk(Buffer b) {
      if (done) {
        return;
      }
      if (body.length() + b.length() > maxBytes) {
        done = true;
        ctx.fail(new HttpRefusal(ApiError.tooLarge(maxBytes)));
        return;
      }
      body.appendBuffer(b);
    }

    void end(Void v) {
      if (done) {
        return;
      }
      done = true;
      ctx.put(KEY, body);
      ctx.next();
    }

    void failed(Throwable t) {
      // A broken chunk encoding or a connection that went away: the connection-level exception
      // handler logs it (rate-limited); the answer, if the connection can still carry one, is 400.
      if (done) {
        return;
      }
      done = true;
      ctx.fail(new HttpRefusal(ApiError.malformedRequest("the request body could not be read")));
    }
  }
}
