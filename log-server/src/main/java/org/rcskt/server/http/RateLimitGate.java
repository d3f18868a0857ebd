package org.rcskt.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import org.rcskt.server.metrics.ServerMetrics;

/**
 * A per-client rate limit in front of a route's handler (docs/design/0008-lookup-rate-limit.md).
 * One gate is shared by every event loop of the server, so that a client gets the same limit
 * whichever loop its connection landed on. A route applies it as its first handler:
 *
 * <pre>{@code
 * r.get("/v1/keys/:number").setName("/v1/keys")
 *     .handler(lookupLimit.forRoute("/v1/keys"))
 *     .handler(this::lookup);
 * }</pre>
 *
 * <p>A refused request is answered {@code 429} with {@code Retry-After} through {@link ApiError}
 * and {@link Responses}, and counted in {@code rcskt_rate_limited_total}.
 */
public final class RateLimitGate {
  private final SourceRateLimiter limiter;
  private final SourceKeys keys;
  private final LongSupplier nanoClock;
  private final ServerMetrics metrics;
  private final String limit;

  /**
   * @param limiter the buckets
   * @param keys which client a request counts against
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @param metrics where refusals are counted
   */
  public RateLimitGate(
      SourceRateLimiter limiter, SourceKeys keys, LongSupplier nanoClock, ServerMetrics metrics) {
    this.limiter = limiter;
    this.keys = keys;
    this.nanoClock = nanoClock;
    this.metrics = metrics;
    this.limit = describe(limiter.perSecond(), limiter.burst());
  }

  /** A gate that lets everything through (the limit is switched off). */
  public static RateLimitGate unlimited() {
    return new RateLimitGate();
  }

  private RateLimitGate() {
    this.limiter = null;
    this.keys = null;
    this.nanoClock = null;
    this.metrics = null;
    this.limit = "none";
  }

  /** Whether this gate limits anything. */
  public boolean enabled() {
    return limiter != null;
  }

  /**
   * Takes a token for {@code req}'s client. When there is none, answers {@code req} with {@code
   * 429} and returns false: the caller must then leave the request alone.
   *
   * @param route the route's name, from the server's closed set (a metric label)
   * @return true when the request may go on
   */
  public boolean admit(HttpServerRequest req, String route) {
    if (limiter == null) {
      return true;
    }
    long wait = limiter.tryAcquire(keys.of(req), nanoClock.getAsLong());
    if (wait == 0) {
      return true;
    }
    metrics.rateLimited(route);
    Responses.writeError(
        req, ApiError.rateLimited(limit, SourceRateLimiter.retryAfterSeconds(wait)));
    return false;
  }

  /** A Vert.x Web handler that calls the next handler only for admitted requests. */
  public Handler<RoutingContext> forRoute(String route) {
    return ctx -> {
      if (admit(ctx.request(), route)) {
        ctx.next();
      }
    };
  }

  /** "1 request a second, in bursts of up to 20", "0.5 requests a second, ...". */
  static String describe(double perSecond, int burst) {
    String rate =
        perSecond == Math.rint(perSecond)
            ? Long.toString((long) perSecond)
            : java.math.BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString();
    return rate
        + (perSecond == 1 ? " request" : " requests")
        + " a second, in bursts of up to "
        + burst;
  }
}
