package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Invented methods (uppercase tokens, a fixed number of distinct ones per run) on known and unknown
 * paths, real methods on the wrong routes, and random paths that match no route. A correct server
 * answers 404 or 405 (or 501), and its metrics do not grow with the number of distinct methods or
 * paths, which {@code hostile} shows by comparing {@code /metrics} before and after.
 */
final class MethodFamily implements HostileFamily {
  private static final String[] ROUTES = {
    "/v1/events",
    "/checkpoint",
    "/v1/info",
    "/tile/0/000",
    "/v1/proof/inclusion?index=0&size=1",
    "/v1/entries?start=0&end=1",
    "/healthz",
    "/v1/subjects/" + "cd".repeat(32)
  };

  private static final String[] WRONG_METHODS = {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"};

  private static final Set<String> REAL_METHODS =
      Set.of(
          "OPTIONS",
          "GET",
          "HEAD",
          "POST",
          "PUT",
          "DELETE",
          "TRACE",
          "CONNECT",
          "PATCH",
          "PROPFIND",
          "PROPPATCH",
          "MKCOL",
          "COPY",
          "MOVE",
          "LOCK",
          "UNLOCK",
          "MKCALENDAR",
          "REPORT",
          "CHECKOUT",
          "CHECKIN",
          "UNCHECKOUT",
          "MKWORKSPACE",
          "UPDATE",
          "LABEL",
          "MERGE",
          "MKACTIVITY",
          "ORDERPATCH",
          "ACL",
          "SEARCH");

  private static final String PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~";

  private final HostileContext ctx;
  private final int distinct;
  private final int width;
  private final AtomicLongArray used;

  /**
   * @param distinctMethods how many distinct invented methods the run draws from
   */
  MethodFamily(HostileContext ctx, int distinctMethods) {
    if (distinctMethods < 1) {
      throw new IllegalArgumentException("distinctMethods must be >= 1, got " + distinctMethods);
    }
    this.ctx = ctx;
    this.distinct = distinctMethods;
    int w = 4;
    while (Math.pow(26, w) < distinctMethods) {
      w++;
    }
    this.width = w;
    this.used = new AtomicLongArray((distinctMethods + 63) / 64);
  }

  @Override
  public String name() {
    return "methods";
  }

  @Override
  public String description() {
    return distinct
        + " distinct invented methods, real methods on the wrong routes, random unmatched paths";
  }

  @Override
  public double defaultWeight() {
    return 12;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    String what;
    String method;
    String target;
    byte[] body = null;
    switch (r.nextInt(8)) {
      case 0, 1, 2 -> {
        what = "invented-method";
        method = invented(r);
        target = EscapeFamily.pick(r, ROUTES);
        if (r.nextInt(4) == 0) {
          body = "{}".getBytes(StandardCharsets.US_ASCII);
        }
      }
      case 3 -> {
        what = "invented-method-unmatched-path";
        method = invented(r);
        target = randomPath(r);
      }
      case 4 -> {
        what = "wrong-method";
        method = EscapeFamily.pick(r, WRONG_METHODS);
        target = EscapeFamily.pick(r, ROUTES);
      }
      case 5 -> {
        what = "get-unmatched-path";
        method = "GET";
        target = randomPath(r);
      }
      case 6 -> {
        what = "post-unmatched-path";
        method = "POST";
        target = randomPath(r);
        body = "{}".getBytes(StandardCharsets.US_ASCII);
      }
      default -> {
        what = "head";
        method = "HEAD";
        target = EscapeFamily.pick(r, ROUTES);
      }
    }
    return new Exchange(
        what, method, ctx.path(target), ctx.request(method, target, body), Expect.NO_5XX, null);
  }

  private String invented(SplittableRandom r) {
    int k = r.nextInt(distinct);
    used.getAndAccumulate(k >>> 6, 1L << (k & 63), (a, b) -> a | b);
    return token(ctx.seed(), k, width);
  }

  /**
   * Invented method {@code k} of a run: two random letters, {@code k} in base 26 in {@code width}
   * letters, and up to six more random letters, all from the seed and {@code k}. Distinct for
   * distinct {@code k}; never a method Vert.x knows.
   */
  static String token(long seed, int k, int width) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
    StringBuilder sb = new StringBuilder(width + 8);
    sb.append((char) ('A' + r.nextInt(26))).append((char) ('A' + r.nextInt(26)));
    char[] code = new char[width];
    int v = k;
    for (int d = width - 1; d >= 0; d--) {
      code[d] = (char) ('A' + v % 26);
      v /= 26;
    }
    sb.append(code);
    int tail = r.nextInt(7);
    for (int t = 0; t < tail; t++) {
      sb.append((char) ('A' + r.nextInt(26)));
    }
    String s = sb.toString();
    return REAL_METHODS.contains(s) ? s + "X" : s;
  }

  private static String randomPath(SplittableRandom r) {
    String seg = segment(r);
    return switch (r.nextInt(8)) {
      case 0 -> "/" + seg;
      case 1 -> "/v1/" + seg;
      case 2 -> "/v1/events/" + seg;
      case 3 -> "/checkpoint/" + seg;
      case 4 -> "/v1/proof/" + seg;
      case 5 -> "/v2/" + seg + "/" + segment(r);
      case 6 -> "/" + seg + ".php?id=" + r.nextInt(1000);
      default -> "/" + seg + "/" + segment(r) + "/" + segment(r) + "%41";
    };
  }

  private static String segment(SplittableRandom r) {
    int n = 1 + r.nextInt(16);
    StringBuilder sb = new StringBuilder(n);
    for (int k = 0; k < n; k++) {
      sb.append(PATH_CHARS.charAt(r.nextInt(PATH_CHARS.length())));
    }
    return sb.toString();
  }

  /** How many distinct invented methods were sent so far. */
  long distinctSent() {
    long n = 0;
    for (int w = 0; w < used.length(); w++) {
      n += Long.bitCount(used.get(w));
    }
    return n;
  }

  @Override
  public Map<String, Object> figures() {
    return Map.of("distinctInventedMethods", distinctSent());
  }
}
