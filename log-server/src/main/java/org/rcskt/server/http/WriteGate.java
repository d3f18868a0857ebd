package org.rcskt.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.rcskt.server.config.Submitter;
import org.rcskt.server.config.WriteLimitConfig;
import org.rcskt.server.log.SubmissionScope;
import org.rcskt.server.metrics.ServerMetrics;
import org.rcskt.verifier.Hash;

/**
 * Who may write, and how fast (docs/design/0016-submitters-and-write-limits.md). The first handler
 * of the submission routes, before the body is read: it authenticates the caller by its bearer
 * token, takes a token from the caller's bucket (the submitter's own, or its address's when no
 * submitter authenticated), and leaves the submitter's carrier scope for the handler. Everything it
 * refuses costs a hash of the header at most: no body is parsed and no signature verified.
 *
 * <ul>
 *   <li>With submitters configured, a write without {@code Authorization: Bearer <token>} of one of
 *       them is {@code 401}; with none, writes are open to every client, limited per address.
 *   <li>A credential that is malformed or unknown is {@code 401} whether or not submitters are
 *       configured: a client that sends one expects it to count. Such attempts are charged to the
 *       address, so guessing tokens is as slow as the address limit.
 *   <li>Over the limit, {@code 429} with {@code Retry-After}; a batch takes one token an event
 *       ({@link #admitMore}), checked once the envelope is split and still before any signature.
 * </ul>
 *
 * <p>One gate is shared by every event loop. Thread-safe.
 */
public final class WriteGate {
  private static final String CALLER = "rcskt.writeCaller";
  private static final SourceKey ONE = new SourceKey(0, 0);

  private final Map<Hash, Caller> byToken = new HashMap<>();
  private final Map<Hash, Caller> byCertificateKey = new HashMap<>();
  private final boolean closed;
  private final SourceRateLimiter anonymous;
  private final String anonymousLimit;
  private final boolean exemptLoopback;
  private final SourceKeys keys;
  private final LongSupplier nanoClock;
  private final ServerMetrics metrics;

  /** An authenticated submitter with its own bucket. */
  private record Caller(Submitter submitter, SourceRateLimiter bucket, String limit)
      implements SubmissionScope {
    @Override
    public boolean permits(String carrierId) {
      return submitter.mayNameCarrier(carrierId);
    }

    @Override
    public String describe() {
      return "submitter " + submitter.name();
    }
  }

  /**
   * @param submitters the configured submitters; none opens writes to every client
   * @param limit the per-address limit of writes no submitter authenticated
   * @param keys which address a request counts against (the lookup limit's addressing)
   * @param nanoClock a monotonic clock ({@code System::nanoTime})
   */
  public WriteGate(
      List<Submitter> submitters,
      WriteLimitConfig limit,
      SourceKeys keys,
      LongSupplier nanoClock,
      ServerMetrics metrics) {
    for (Submitter s : submitters) {
      Caller c =
          new Caller(
              s,
              new SourceRateLimiter(s.perSecond(), s.burst(), 1),
              eventLimit(s.perSecond(), s.burst()));
      if (s.tokenSha256() != null) {
        byToken.put(s.tokenSha256(), c);
      }
      if (s.clientCertSpkiSha256() != null) {
        byCertificateKey.put(s.clientCertSpkiSha256(), c);
      }
    }
    this.closed = !submitters.isEmpty();
    this.anonymous =
        limit.enabled()
            ? new SourceRateLimiter(limit.perSecond(), limit.burst(), limit.maxSources())
            : null;
    this.anonymousLimit = eventLimit(limit.perSecond(), limit.burst());
    this.exemptLoopback = limit.exemptLoopback();
    this.keys = keys;
    this.nanoClock = nanoClock;
    this.metrics = metrics;
  }

  /** Whether only configured submitters may write. */
  public boolean closed() {
    return closed;
  }

  /** The handler for the route named {@code route}: authenticate, then take one token. */
  public Handler<RoutingContext> forRoute(String route) {
    return ctx -> {
      HttpServerRequest req = ctx.request();
      Credential c = credential(req);
      if (c.refusal() != null || (c.caller() == null && closed)) {
        if (admitAnonymous(req, route, 1)) {
          refuse(
              ctx,
              c.refusal() != null
                  ? c.refusal()
                  : "this log accepts events only from its configured submitters: send"
                      + " \"Authorization: Bearer <token>\" or a pinned TLS client certificate");
        }
        return;
      }
      if (c.caller() != null
          ? admitCaller(req, c.caller(), route, 1)
          : admitAnonymous(req, route, 1)) {
        ctx.put(CALLER, c.caller());
        ctx.next();
      }
    };
  }

  /**
   * The handler for the lookup route {@code route}: a lookup that a submitter authenticates (its
   * bearer token, or its pinned client certificate) takes a token from that submitter's own bucket,
   * so a key directory or a carrier that looks numbers up in bulk is limited by its own rate, not
   * by the per-address one; any other lookup goes through {@code byAddress}. A credential that is
   * malformed or unknown is {@code 401} here too, after being charged to the address.
   */
  public Handler<RoutingContext> lookups(RateLimitGate byAddress, String route) {
    return ctx -> {
      HttpServerRequest req = ctx.request();
      Credential c = credential(req);
      if (c.refusal() != null) {
        if (byAddress.admit(req, route)) {
          refuse(ctx, c.refusal());
        }
        return;
      }
      if (c.caller() != null
          ? admitCaller(req, c.caller(), route, 1)
          : byAddress.admit(req, route)) {
        ctx.next();
      }
    };
  }

  /**
   * Who a request says it is: a submitter, no one (null caller and refusal), or a credential this
   * log does not accept (the refusal's detail).
   */
  private record Credential(Caller caller, String refusal) {}

  private static final Credential ANONYMOUS = new Credential(null, null);

  /**
   * The submitter of {@code req}'s bearer token, or else of its TLS client certificate's key. A
   * request that sends an {@code Authorization} header is judged by it alone.
   */
  private Credential credential(HttpServerRequest req) {
    String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (auth == null) {
      Caller byKey = byCertificate(req);
      return byKey == null ? ANONYMOUS : new Credential(byKey, null);
    }
    String token = bearerToken(auth);
    if (token == null) {
      return new Credential(null, "the Authorization header must be \"Bearer <token>\"");
    }
    Caller c = byToken.get(Hash.sha256(token.getBytes(StandardCharsets.UTF_8)));
    return c != null
        ? new Credential(c, null)
        : new Credential(null, "the bearer token is not one of this log's submitters");
  }

  /** "20 events a second, in bursts of up to 1000". */
  private static String eventLimit(double perSecond, int burst) {
    return RateLimitGate.describe(perSecond, burst).replace("request", "event");
  }

  /**
   * The submitter whose pinned key the TLS client certificate of {@code req}'s connection has, or
   * null (no TLS, no certificate, or a key no submitter pinned).
   */
  private Caller byCertificate(HttpServerRequest req) {
    if (byCertificateKey.isEmpty() || !req.isSSL()) {
      return null;
    }
    java.util.List<java.security.cert.Certificate> chain;
    try {
      chain = req.connection().peerCertificates();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain == null || chain.isEmpty()) {
      return null;
    }
    return byCertificateKey.get(Hash.sha256(chain.get(0).getPublicKey().getEncoded()));
  }

  /**
   * Takes {@code more} further tokens for the request {@link #forRoute} admitted (a batch's other
   * events). When they are not there, answers {@code 429} and returns false.
   */
  public boolean admitMore(RoutingContext ctx, String route, int more) {
    if (more <= 0) {
      return true;
    }
    Caller caller = ctx.get(CALLER);
    return caller != null
        ? admitCaller(ctx.request(), caller, route, more)
        : admitAnonymous(ctx.request(), route, more);
  }

  /** The carriers the admitted request may name. */
  public SubmissionScope scope(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    return caller != null ? caller : SubmissionScope.ANY;
  }

  private boolean admitCaller(HttpServerRequest req, Caller c, String route, int tokens) {
    long wait = c.bucket().tryAcquire(ONE, nanoClock.getAsLong(), tokens);
    if (wait == 0) {
      return true;
    }
    tooMany(req, route, "events from submitter " + c.submitter().name(), c.limit(), wait);
    return false;
  }

  private boolean admitAnonymous(HttpServerRequest req, String route, int tokens) {
    if (anonymous == null || (exemptLoopback && fromLoopback(req))) {
      return true;
    }
    long wait = anonymous.tryAcquire(keys.of(req), nanoClock.getAsLong(), tokens);
    if (wait == 0) {
      return true;
    }
    tooMany(req, route, "events from this address", anonymousLimit, wait);
    return false;
  }

  private void tooMany(HttpServerRequest req, String route, String who, String limit, long wait) {
    metrics.rateLimited(route);
    Responses.writeError(
        req, ApiError.rateLimited(who, limit, SourceRateLimiter.retryAfterSeconds(wait)));
  }

  private static void refuse(RoutingContext ctx, String detail) {
    ctx.fail(new HttpRefusal(ApiError.unauthorized(detail)));
  }

  /**
   * Whether the request came over a loopback connection and names no other client: with {@code
   * X-Forwarded-For} trusted and present, the forwarded address is the client, never exempt.
   */
  private boolean fromLoopback(HttpServerRequest req) {
    if (keys.trustForwardedFor() && req.getHeader("X-Forwarded-For") != null) {
      return false;
    }
    SocketAddress peer = req.remoteAddress();
    byte[] a =
        peer == null || peer.hostAddress() == null
            ? null
            : io.netty.util.NetUtil.createByteArrayFromIpAddressString(peer.hostAddress());
    try {
      // getByAddress does no lookup; an IPv4-mapped IPv6 address comes back as IPv4.
      return a != null && java.net.InetAddress.getByAddress(a).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The token of {@code Bearer <token>} (scheme in any case), or null for anything else. */
  static String bearerToken(String header) {
    if (header.length() < 8
        || header.length() > 1024
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = header.substring(7).strip();
    if (t.isEmpty() || t.indexOf(' ') >= 0) {
      return null;
    }
    return t;
  }
}
