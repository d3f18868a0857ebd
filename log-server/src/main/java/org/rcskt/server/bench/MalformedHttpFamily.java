package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Malformed HTTP/1.1, each request on a connection of its own: a missing {@code Host}, broken
 * header lines, negative, non-numeric, huge and duplicate {@code Content-Length}, a request line
 * over the server's 8,192-byte limit, over 16 KiB of headers, chunked bodies with bad chunk sizes,
 * unknown protocol versions, {@code Upgrade: h2c}, the HTTP/2 prior-knowledge preface, and garbage
 * bytes. The server may answer 4xx or close the connection; it must not answer 5xx, hang, or log
 * SEVERE.
 */
final class MalformedHttpFamily implements HostileFamily {
  private static final String EVENTS_POST =
      "POST /v1/events HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n";

  private final HostileContext ctx;

  MalformedHttpFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "malformed-http";
  }

  @Override
  public String description() {
    return "raw sockets: no Host, bad header lines, bad Content-Length, 9,000-byte request line,"
        + " 16 KiB+ headers, bad chunk sizes, HTTP/1.7, Upgrade: h2c, HTTP/2 preface, garbage";
  }

  @Override
  public double defaultWeight() {
    return 10;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    return switch (r.nextInt(20)) {
      case 0 -> new Raw("no-host", "GET " + p("/v1/info") + " HTTP/1.1\r\n\r\n");
      case 1 -> badHeaderLine(r);
      case 2 -> withLength("-1");
      case 3 -> withLength(EscapeFamily.pick(r, new String[] {"abc", "1a", "0x10", "", "1.0"}));
      case 4 -> duplicateLength(r);
      case 5 -> hugeLength(r);
      case 6 -> lengthAndChunked();
      case 7 -> new Raw("long-request-line", get("/v1/info?x=" + "a".repeat(9000)));
      case 8 -> bigHeaders(r);
      case 9 -> badChunks(r);
      case 10 -> badVersion(r);
      case 11 -> upgrade(r);
      case 12 -> preface(r);
      case 13 -> garbage(r);
      case 14 -> oddTargets(r);
      case 15 -> expect(r);
      case 16 -> pipelined(r);
      case 17 -> lineEndings(r);
      case 18 -> badMethodToken(r);
      default -> truncated(r);
    };
  }

  private String p(String path) {
    return ctx.path(path);
  }

  /** A GET with a Host header, complete. */
  private String get(String path) {
    return "GET " + p(path) + " HTTP/1.1\r\nHost: " + ctx.host() + "\r\n\r\n";
  }

  /** The head of a write, with the run's submitter token when it has one, so the body is read. */
  private String postHead() {
    StringBuilder b =
        new StringBuilder(
            String.format(EVENTS_POST, ctx.host()).replace("/v1/events", p("/v1/events")));
    for (String h : ctx.writeHeaders()) {
      b.append(h).append("\r\n");
    }
    return b.toString();
  }

  private static final String[][] BAD_HEADER_LINES = {
    {"no-colon", "NoColonHere"},
    {"leading-space", " Leading: space"},
    {"space-in-name", "Bad Name: x"},
    {"nul-in-value", "X-Nul: a\0b"},
    {"empty-name", ": novalue"},
    {"obs-fold", "X-Folded: a\r\n  continued"},
    {"del-in-name", "X-\u007f: y"},
    {"latin1-value", "X-Latin: \u00e9\u00ff"},
    {"bare-cr-in-value", "X-Crlf: a\rb"},
    {"second-host", "Host: second.example"}
  };

  private Raw badHeaderLine(SplittableRandom r) {
    String[] line = BAD_HEADER_LINES[r.nextInt(BAD_HEADER_LINES.length)];
    return new Raw(
        "bad-header-line:" + line[0],
        "GET "
            + p("/v1/info")
            + " HTTP/1.1\r\nHost: "
            + ctx.host()
            + "\r\n"
            + line[1]
            + "\r\n\r\n");
  }

  private Raw withLength(String value) {
    String body = "{}";
    return new Raw(
        "content-length:" + value, postHead() + "Content-Length: " + value + "\r\n\r\n" + body);
  }

  private Raw duplicateLength(SplittableRandom r) {
    String head =
        switch (r.nextInt(4)) {
          case 0 -> "Content-Length: 2\r\nContent-Length: 3\r\n";
          case 1 -> "Content-Length: 2\r\nContent-Length: 2\r\n";
          case 2 -> "Content-Length: 2, 2\r\n";
          default -> "Content-Length: 2, 3\r\n";
        };
    return new Raw("duplicate-content-length", postHead() + head + "\r\n{}");
  }

  private Raw hugeLength(SplittableRandom r) {
    String value =
        EscapeFamily.pick(
            r, new String[] {"99999999999999999999", "9223372036854775808", "9223372036854775807"});
    if (r.nextBoolean()) {
      // A plausible length with too few bytes, then the end of the stream.
      return new Raw(
          "content-length-short",
          bytes(postHead() + "Content-Length: 1000000\r\n\r\n{\"a\":1}"),
          true);
    }
    return new Raw(
        "content-length-huge", bytes(postHead() + "Content-Length: " + value + "\r\n\r\n{}"), true);
  }

  private Raw lengthAndChunked() {
    return new Raw(
        "content-length-and-chunked",
        postHead()
            + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  private Raw bigHeaders(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("GET " + p("/v1/info") + " HTTP/1.1\r\n");
    sb.append("Host: ").append(ctx.host()).append("\r\n");
    if (r.nextBoolean()) {
      sb.append("X-Big: ").append("b".repeat(17_000)).append("\r\n");
    } else {
      for (int k = 0; k < 400; k++) {
        sb.append("X-H").append(k).append(": ").append("v".repeat(40)).append("\r\n");
      }
    }
    return new Raw("headers-over-16k", sb.append("\r\n").toString());
  }

  private Raw badChunks(SplittableRandom r) {
    String[] sizes = {"zz", "-5", "FFFFFFFFFFFFFFFFFFFF", "1;%zz", "", " 2", "0x2", "2 2"};
    String size = EscapeFamily.pick(r, sizes);
    String head = postHead() + "Transfer-Encoding: chunked\r\n\r\n";
    return switch (r.nextInt(4)) {
      case 0, 1 -> new Raw("chunk-size:" + size, bytes(head + size + "\r\n{}\r\n0\r\n\r\n"), true);
      case 2 -> new Raw("chunk-longer-than-data", bytes(head + "ff\r\n{}\r\n"), true);
      default -> new Raw("chunk-no-terminator", bytes(head + "2\r\n{}\r\n"), true);
    };
  }

  private Raw badVersion(SplittableRandom r) {
    String[] versions = {
      "HTTP/1.7", "HTTP/2.0", "HTTP/0.9", "HTTP/1.1.1", "FOO/1.1", "HTTP/1", "http/1.1", "HTTP/9.9"
    };
    String v = EscapeFamily.pick(r, versions);
    if (r.nextInt(4) == 0) {
      return new Raw("http-0.9", "GET " + p("/v1/info") + "\r\n");
    }
    return new Raw(
        "version:" + v, "GET " + p("/v1/info") + " " + v + "\r\nHost: " + ctx.host() + "\r\n\r\n");
  }

  private Raw upgrade(SplittableRandom r) {
    String settings = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[0]);
    String head = "GET " + p("/v1/info") + " HTTP/1.1\r\nHost: " + ctx.host() + "\r\n";
    return switch (r.nextInt(5)) {
      case 0, 1 ->
          new Raw(
              "upgrade-h2c",
              bytes(
                  head
                      + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: "
                      + settings
                      + "\r\n\r\n"),
              false,
              Dialect.H2_UPGRADE);
      case 2 ->
          new Raw(
              "upgrade-h2c-bad-settings",
              bytes(
                  head
                      + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings:"
                      + " %%%\r\n\r\n"),
              false,
              Dialect.H2_UPGRADE);
      case 3 ->
          new Raw(
              "upgrade-h2c-no-settings",
              bytes(head + "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n"),
              false,
              Dialect.H2_UPGRADE);
      default ->
          new Raw(
              "upgrade-websocket",
              head
                  + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                  + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n");
    };
  }

  private Raw preface(SplittableRandom r) {
    String[] paths = {
      "/v1/info", "/v1/proof/inclusion?index=1&size=%zz", "/v1/subjects/%zz", "/tile/%zz/000"
    };
    return switch (r.nextInt(3)) {
      case 0 -> new Raw("h2-preface-only", H2c.PREFACE, false, Dialect.H2_PREFACE);
      case 1 -> {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(H2c.PREFACE);
        byte[] junk = new byte[1 + r.nextInt(64)];
        r.nextBytes(junk);
        b.writeBytes(junk);
        yield new Raw("h2-preface-garbage", b.toByteArray(), true, Dialect.H2_PRIOR_KNOWLEDGE);
      }
      default ->
          new Raw(
              "h2-prior-knowledge",
              H2c.priorKnowledge(ctx.host(), p(EscapeFamily.pick(r, paths))),
              false,
              Dialect.H2_PRIOR_KNOWLEDGE);
    };
  }

  private Raw garbage(SplittableRandom r) {
    return switch (r.nextInt(5)) {
      case 0, 1 -> {
        byte[] b = new byte[1 + r.nextInt(2048)];
        r.nextBytes(b);
        yield new Raw("random-bytes", b, true);
      }
      case 2 ->
          // The start of a TLS ClientHello.
          new Raw(
              "tls-hello",
              new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03},
              true);
      case 3 -> new Raw("nul-bytes", new byte[512], true);
      default -> new Raw("blank-lines", bytes("\r\n".repeat(1 + r.nextInt(50))), true);
    };
  }

  private Raw oddTargets(SplittableRandom r) {
    String host = "\r\nHost: " + ctx.host() + "\r\n\r\n";
    return switch (r.nextInt(6)) {
      case 0 ->
          new Raw("absolute-form", "GET http://evil.example" + p("/v1/info") + " HTTP/1.1" + host);
      case 1 -> new Raw("connect", "CONNECT 127.0.0.1:22 HTTP/1.1" + host);
      case 2 -> new Raw("options-asterisk", "OPTIONS * HTTP/1.1" + host);
      case 3 -> new Raw("get-asterisk", "GET * HTTP/1.1" + host);
      case 4 -> new Raw("target-with-space", "GET " + p("/v1/ info") + " HTTP/1.1" + host);
      default ->
          new Raw("target-non-ascii", "GET " + p("/v1/\u00ff\u0001info") + " HTTP/1.1" + host);
    };
  }

  private Raw expect(SplittableRandom r) {
    String value = r.nextBoolean() ? "100-continue" : "999-weird";
    return new Raw(
        "expect:" + value, postHead() + "Expect: " + value + "\r\nContent-Length: 2\r\n\r\n{}");
  }

  private Raw pipelined(SplittableRandom r) {
    String g = get("/v1/info");
    return r.nextBoolean()
        ? new Raw("pipelined-garbage", g + "\u0000\u00ffGARBAGE\r\n\r\n")
        : new Raw("pipelined-two", g + g);
  }

  private Raw lineEndings(SplittableRandom r) {
    String target = p("/v1/info");
    return switch (r.nextInt(4)) {
      case 0 -> new Raw("bare-lf", "GET " + target + " HTTP/1.1\nHost: " + ctx.host() + "\n\n");
      case 1 ->
          new Raw(
              "bare-cr", bytes("GET " + target + " HTTP/1.1\rHost: " + ctx.host() + "\r\r"), true);
      case 2 ->
          new Raw(
              "double-spaces", "GET  " + target + "  HTTP/1.1\r\nHost: " + ctx.host() + "\r\n\r\n");
      default ->
          new Raw("tabs", "GET\t" + target + "\tHTTP/1.1\r\nHost:\t" + ctx.host() + "\r\n\r\n");
    };
  }

  private Raw badMethodToken(SplittableRandom r) {
    String target = " " + p("/v1/info") + " HTTP/1.1\r\nHost: " + ctx.host() + "\r\n\r\n";
    return switch (r.nextInt(4)) {
      case 0 -> new Raw("method-5000-bytes", "G".repeat(5000) + target);
      case 1 -> new Raw("method-lowercase", "get" + target);
      case 2 -> new Raw("method-empty", target);
      default -> new Raw("method-punctuation", "GE(T)" + target);
    };
  }

  private Raw truncated(SplittableRandom r) {
    String full = get("/v1/info");
    int cut = 1 + r.nextInt(full.length() - 2);
    return new Raw("truncated-request", bytes(full.substring(0, cut)), true);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
