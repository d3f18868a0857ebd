package org.rcskt.server.bench;

import java.util.SplittableRandom;

/**
 * Malformed percent-escapes in query strings and paths of every read route, and query parameters
 * that are garbage, huge, negative or given twice. A correct server answers all of them 4xx (or,
 * where it ignores a parameter, 200).
 */
final class EscapeFamily implements HostileFamily {
  private static final String[] BAD_ESCAPES = {
    "%zz", "%", "%z", "%1", "%g0", "%%", "%u0041", "%ZZ", "%0", "%-1", "%+f", "%%zz", "%2", "%fz"
  };

  private static final String[] ROUTES = {
    "/v1/proof/inclusion",
    "/v1/proof/consistency",
    "/v1/entries",
    "/v1/subjects/" + "ab".repeat(32),
    "/checkpoint",
    "/v1/info",
    "/tile/0/000",
    "/tile/entries/000",
    "/healthz",
    "/readyz",
    "/v1/events"
  };

  private static final String[] PARAMS = {"index", "size", "hash", "from", "to", "start", "end"};

  private static final String[] HUGE = {
    "99999999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "1e10",
    "0x10",
    "1" + "0".repeat(300),
    "00000000000000000000001"
  };

  private static final String[] NEGATIVE = {"-1", "-0", "-9223372036854775808", "-5", "+1", " 1"};

  private static final String GARBAGE = "abcxyzABC019%+&=;[]'\"<>{}|\\^`~!$()*,/:@?.-_#";

  /** The names of the variants, in the order of {@link #next}'s cases. */
  private static final String[] VARIANTS = {
    "inclusion-size-escape",
    "consistency-from-escape",
    "entries-end-escape",
    "subject-path-escape",
    "subject-from-escape",
    "tile-path-escape",
    "garbage-query",
    "huge-number",
    "negative-number",
    "duplicate-parameter",
    "bad-path",
    "escaped-parameter",
    "bad-parameter-name",
    "escape-anywhere-in-query"
  };

  private final HostileContext ctx;

  EscapeFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "escapes";
  }

  @Override
  public String description() {
    return "malformed %-escapes in queries and paths; garbage, huge, negative and duplicate"
        + " parameters";
  }

  @Override
  public double defaultWeight() {
    return 14;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    String bad = pick(r, BAD_ESCAPES);
    String hex = ctx.events().setupSubject(0).toHex();
    int v = r.nextInt(14);
    String target =
        switch (v) {
          case 0 -> "/v1/proof/inclusion?index=1&size=" + bad;
          case 1 -> "/v1/proof/consistency?from=" + bad + "&to=2";
          case 2 -> "/v1/entries?start=0&end=" + bad;
          case 3 -> "/v1/subjects/" + bad;
          case 4 -> "/v1/subjects/" + hex + "?from=" + bad;
          case 5 -> "/tile/" + bad + "/000";
          case 6 -> pick(r, ROUTES) + "?" + garbageQuery(r);
          case 7 -> numbers(r, pick(r, HUGE));
          case 8 -> numbers(r, pick(r, NEGATIVE).replace(" ", "%20"));
          case 9 -> duplicates(r);
          case 10 -> badPath(r, bad, hex);
          case 11 -> escapedParams(r, bad);
          case 12 -> badNames(r, bad);
          default ->
              escapeIn(r, pick(r, ROUTES) + "?index=1&size=2&from=1&to=2&start=0&end=1", bad);
        };
    return new Exchange(VARIANTS[v], "GET", ctx.path(target), ctx.get(target), Expect.NO_5XX, null);
  }

  /** A route with one parameter set to {@code v} and the others valid. */
  private static String numbers(SplittableRandom r, String v) {
    return switch (r.nextInt(7)) {
      case 0 -> "/v1/proof/inclusion?index=" + v + "&size=1";
      case 1 -> "/v1/proof/inclusion?index=0&size=" + v;
      case 2 -> "/v1/proof/consistency?from=" + v + "&to=1";
      case 3 -> "/v1/proof/consistency?from=1&to=" + v;
      case 4 -> "/v1/entries?start=" + v + "&end=1";
      case 5 -> "/v1/entries?start=0&end=" + v;
      default -> "/v1/subjects/" + "00".repeat(32) + "?from=" + v;
    };
  }

  private static String duplicates(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> "/v1/proof/inclusion?index=0&index=1&size=2";
      case 1 -> "/v1/proof/inclusion?index=0&size=1&size=1";
      case 2 -> "/v1/proof/consistency?from=1&from=1&to=1";
      case 3 -> "/v1/entries?start=0&start=0&end=1&end=2";
      case 4 -> "/v1/proof/inclusion?index=0&hash=" + "00".repeat(32) + "&size=1";
      default -> "/v1/subjects/" + "00".repeat(32) + "?from=0&from=1";
    };
  }

  private static String badPath(SplittableRandom r, String bad, String hex) {
    return switch (r.nextInt(14)) {
      case 0 -> "/v1/" + bad;
      case 1 -> "/" + bad;
      case 2 -> "/tile/0/" + bad;
      case 3 -> "/tile/entries/" + bad;
      case 4 -> "/tile/0/000.p/" + bad;
      case 5 -> "/v1/subjects/" + hex.substring(1) + bad;
      case 6 -> "/%00";
      case 7 -> "/%C0%AF";
      case 8 -> "/v1/subjects/%ff%fe" + hex.substring(4);
      case 9 -> "/checkpoint" + bad;
      case 10 -> "/tile/%2e%2e/%2e%2e/etc/passwd";
      case 11 -> "/v1/subjects/" + "%41".repeat(64);
      case 12 -> "//v1//info";
      default -> "/tile/" + r.nextInt(70) + "/" + (r.nextBoolean() ? "x" : "") + bad + "/000";
    };
  }

  /** Parameters whose values are escaped, well or badly. */
  private static String escapedParams(SplittableRandom r, String bad) {
    return switch (r.nextInt(8)) {
      case 0 -> "/v1/proof/inclusion?index=%30&size=%31"; // "0" and "1": valid once decoded
      case 1 -> "/v1/proof/inclusion?index=0%00&size=1";
      case 2 -> "/v1/proof/inclusion?index=0&size=%2B1";
      case 3 -> "/v1/proof/inclusion?index=0&size=1%20";
      case 4 -> "/v1/proof/inclusion?hash=" + bad + "&size=1";
      case 5 -> "/v1/proof/inclusion?hash=AAAA+AAAA%2B%3D%3D&size=1";
      case 6 -> "/v1/proof/inclusion?hash====&size=1";
      default -> "/v1/proof/inclusion?hash=" + "zz".repeat(32) + "&size=1";
    };
  }

  /** Malformed parameter names and query shapes. */
  private static String badNames(SplittableRandom r, String bad) {
    return switch (r.nextInt(8)) {
      case 0 -> "/v1/entries?" + bad + "=1";
      case 1 -> "/v1/entries?=1&=2";
      case 2 -> "/v1/entries?&&&";
      case 3 -> "/v1/entries?=&=&" + bad;
      case 4 -> "/v1/entries?start[]=0&end[]=1";
      case 5 -> "/v1/entries?start=0;end=1";
      case 6 -> "/v1/proof/consistency?" + "from=1&".repeat(400) + "to=1";
      default -> "/v1/entries?start=0&end=1&" + "x".repeat(6000) + "=" + bad;
    };
  }

  /** {@code target} with {@code bad} put in at a random place of its query. */
  private static String escapeIn(SplittableRandom r, String target, String bad) {
    int q = target.indexOf('?');
    int at = q + 1 + r.nextInt(target.length() - q);
    return target.substring(0, at) + bad + target.substring(at);
  }

  private static String garbageQuery(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(6);
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        sb.append('&');
      }
      String name = r.nextInt(3) == 0 ? pick(r, PARAMS) : garbage(r, r.nextInt(12));
      sb.append(name).append('=').append(garbage(r, r.nextInt(16)));
    }
    return sb.toString();
  }

  private static String garbage(SplittableRandom r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int k = 0; k < length; k++) {
      sb.append(GARBAGE.charAt(r.nextInt(GARBAGE.length())));
    }
    return sb.toString();
  }

  static String pick(SplittableRandom r, String[] choices) {
    return choices[r.nextInt(choices.length)];
  }
}
