package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The routes and headers of the public edge (issue 14): the push feed's parameters and {@code
 * Last-Event-ID} gone wrong (a feed that would stream is never opened here: the run waits for every
 * answer to end), credentials that are garbage, unknown, oversized or of the wrong scheme on both
 * submission routes, and the OpenAPI description. A correct server answers the bad ones 4xx and the
 * description 200.
 */
final class EdgeFamily implements HostileFamily {
  static final String NAME = "edge";

  private static final String[] VARIANTS = {
    "feed-bad-type",
    "feed-bad-subject",
    "feed-bad-from",
    "feed-bad-last-event-id",
    "feed-repeated-parameter",
    "auth-garbage",
    "auth-unknown-bearer",
    "auth-huge-bearer",
    "auth-other-scheme",
    "openapi"
  };

  private static final String[] TYPES = {
    "FOO", "register", "REGISTER,", ",", "", "MAP_ROOT,NOPE", "%00", "REGISTER%2CROTATE%2CX", "*"
  };

  private static final String[] AUTH = {
    "Bearer",
    "Bearer ",
    "bearer  ",
    "Bearer a b",
    "Token x",
    "Bearer\tx",
    "Basic",
    "Negotiate Zm9v",
    "Bearer " + "%00",
    "\u00e9\u00e8",
    "Bearer ==",
    ":",
    "Bearer " + "x".repeat(2000)
  };

  private final HostileContext ctx;

  EdgeFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "feed parameters and Last-Event-ID gone wrong, bad credentials on the submission routes,"
        + " the OpenAPI description";
  }

  @Override
  public double defaultWeight() {
    return 6;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    int v = r.nextInt(VARIANTS.length);
    String hex = ctx.events().setupSubject(0).toHex();
    switch (v) {
      case 0 -> {
        return get(v, "/v1/feed?type=" + EscapeFamily.pick(r, TYPES));
      }
      case 1 -> {
        String s =
            switch (r.nextInt(5)) {
              case 0 -> hex.substring(1);
              case 1 -> hex + "," + "zz".repeat(32);
              case 2 -> (hex + ",").repeat(101) + hex;
              case 3 -> "";
              default -> hex.toUpperCase(java.util.Locale.ROOT) + "x";
            };
        return get(v, "/v1/feed?subject=" + s);
      }
      case 2 -> {
        String from =
            switch (r.nextInt(5)) {
              case 0 -> "-1";
              case 1 -> "99999999999999999999";
              case 2 -> Long.toString(ctx.treeSize() + 1_000_000_000L);
              case 3 -> "1e3";
              default -> "";
            };
        return get(v, "/v1/feed?from=" + from);
      }
      case 3 -> {
        String id =
            switch (r.nextInt(4)) {
              case 0 -> "abc";
              case 1 -> "-5";
              case 2 -> "1".repeat(25);
              default -> Long.toString(Long.MAX_VALUE);
            };
        return new Exchange(
            VARIANTS[v],
            "GET",
            ctx.path("/v1/feed"),
            ctx.request("GET", "/v1/feed", null, "Last-Event-ID: " + id),
            Expect.REFUSAL,
            null);
      }
      case 4 -> {
        return get(
            v, r.nextBoolean() ? "/v1/feed?type=REGISTER&type=ROTATE" : "/v1/feed?from=0&from=1");
      }
      case 9 -> {
        return new Exchange(
            VARIANTS[v],
            "GET",
            ctx.path("/openapi.json"),
            ctx.get("/openapi.json"),
            Expect.success("\"openapi\""),
            null);
      }
      default -> {
        String header =
            switch (v) {
              case 5 -> "Authorization: " + EscapeFamily.pick(r, AUTH);
              case 6 -> "Authorization: Bearer " + Long.toHexString(r.nextLong());
              case 7 -> "Authorization: Bearer " + "A".repeat(1000 + r.nextInt(8000));
              default -> "Authorization: Basic dXNlcjpwYXNz";
            };
        String route = r.nextBoolean() ? "/v1/events" : "/v1/events/batch";
        byte[] body = "{\"events\": [{}]}".getBytes(StandardCharsets.US_ASCII);
        // Headers are ISO-8859-1 on the wire: the non-ASCII credentials go as their bytes.
        return new Exchange(
            VARIANTS[v],
            "POST",
            ctx.path(route),
            ctx.request("POST", route, body, "Content-Type: application/json", header),
            // With submitters configured a well-formed credential that is no submitter's is 401
            // before the body is read (a malformed or oversized header may be refused sooner);
            // without, the dev log trusts loopback and the empty event is refused on its own.
            ctx.authenticated() && v != 5 && v != 7 ? Expect.status(401) : Expect.REFUSAL,
            null);
      }
    }
  }

  private Exchange get(int v, String target) {
    return new Exchange(
        VARIANTS[v], "GET", ctx.path(target), ctx.get(target), Expect.REFUSAL, null);
  }
}
