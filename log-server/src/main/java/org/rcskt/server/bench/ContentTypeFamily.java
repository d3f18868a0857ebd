package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/events} with bodies that are not JSON events and content types that make a
 * framework decode them: URL-encoded forms with broken escapes or too many or too long fields,
 * multipart bodies with valid and broken boundaries and oversized parts, a valid event sent as a
 * form field, a multipart part or text/plain, and other odd types. The log takes only JSON; any 4xx
 * is right, and so is accepting a valid event whatever its declared type.
 */
final class ContentTypeFamily implements HostileFamily {
  private static final String FORM = "Content-Type: application/x-www-form-urlencoded";
  private static final String BOUNDARY = "hostile-0123456789";

  /** A body, its content type header lines, and the name of the variant. */
  private record Post(String what, byte[] body, String... headers) {}

  private final HostileContext ctx;

  ContentTypeFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "content-types";
  }

  @Override
  public String description() {
    return "POST /v1/events as forms (a=%zz, too many or too long fields), multipart (valid and"
        + " broken boundaries, oversized parts, a valid event as a part), text/plain and others";
  }

  @Override
  public double defaultWeight() {
    return 10;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    Post p =
        switch (r.nextInt(8)) {
          case 0 -> new Post("form:a=%zz", utf8("a=%zz"), FORM);
          case 1 -> form(r, i);
          case 2 ->
              new Post(
                  "multipart:valid", multipart(BOUNDARY, part("a", "1")), multipartType(BOUNDARY));
          case 3 -> validEventAsMultipart(r, i);
          case 4 -> brokenMultipart(r);
          case 5 -> oversizedMultipart(r);
          case 6 -> new Post("text-plain:event", event(i), "Content-Type: text/plain");
          default -> odd(r, i);
        };
    return new Exchange(
        p.what(),
        "POST",
        ctx.path("/v1/events"),
        ctx.request("POST", "/v1/events", p.body(), p.headers()),
        Expect.NO_5XX,
        null);
  }

  private byte[] event(long i) {
    HostileEvents ev = ctx.events();
    return HostileEvents.jsonBytes(ev.register(ev.subject(i, 0), ev.key(i)));
  }

  private Post form(SplittableRandom r, long i) {
    String what;
    String body;
    switch (r.nextInt(10)) {
      case 0 -> {
        what = "%zz=1";
        body = "%zz=1";
      }
      case 1 -> {
        what = "a=%";
        body = "a=%";
      }
      case 2 -> {
        what = "a=%u12";
        body = "a=%u12";
      }
      case 3 -> {
        what = "a=%zz&b=%";
        body = "a=%zz&b=%";
      }
      case 4 -> {
        what = "empty-names";
        body = "=&=&=";
      }
      case 5 -> {
        what = "name-only";
        body = "a";
      }
      case 6 -> {
        what = "9000-byte-field";
        body = "a=" + "x".repeat(9000);
      }
      case 7 -> {
        what = "300-fields";
        body = manyFields(300);
      }
      case 8 -> {
        what = "event-as-field";
        body =
            "event="
                + URLEncoder.encode(
                    new String(event(i), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      }
      default -> {
        what = "2000-bad-escapes";
        body = "a=%zz".repeat(2000);
      }
    }
    boolean bogus = r.nextInt(4) == 0;
    return new Post(
        "form:" + what + (bogus ? ":bogus-charset" : ""),
        utf8(body),
        bogus ? FORM + "; charset=x-bogus" : FORM);
  }

  private static String manyFields(int n) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < n; k++) {
      sb.append(k == 0 ? "" : "&").append('f').append(k).append('=').append(k);
    }
    return sb.toString();
  }

  private Post validEventAsMultipart(SplittableRandom r, long i) {
    String json = new String(event(i), StandardCharsets.UTF_8);
    if (r.nextBoolean()) {
      return new Post(
          "multipart:event-field",
          multipart(BOUNDARY, part("event", json)),
          multipartType(BOUNDARY));
    }
    String file =
        "Content-Disposition: form-data; name=\"event\"; filename=\"event.json\"\r\n"
            + "Content-Type: application/json\r\n\r\n"
            + json;
    return new Post("multipart:event-file", multipart(BOUNDARY, file), multipartType(BOUNDARY));
  }

  private Post brokenMultipart(SplittableRandom r) {
    String good = part("a", "1");
    String type = multipartType(BOUNDARY);
    return switch (r.nextInt(10)) {
      case 0 -> new Post("multipart:other-boundary", multipart("other-boundary", good), type);
      case 1 ->
          new Post(
              "multipart:no-closing-boundary",
              utf8("--" + BOUNDARY + "\r\n" + good + "\r\n"),
              type);
      case 2 ->
          new Post(
              "multipart:no-boundary-parameter",
              multipart(BOUNDARY, good),
              "Content-Type: multipart/form-data");
      case 3 ->
          new Post(
              "multipart:empty-boundary",
              multipart(BOUNDARY, good),
              "Content-Type: multipart/form-data; boundary=");
      case 4 -> {
        String b = "b".repeat(100);
        yield new Post("multipart:100-char-boundary", multipart(b, good), multipartType(b));
      }
      case 5 ->
          new Post(
              "multipart:unbalanced-quote",
              multipart(BOUNDARY, good),
              "Content-Type: multipart/form-data; boundary=\"" + BOUNDARY);
      case 6 -> new Post("multipart:no-part-headers", multipart(BOUNDARY, "\r\n1"), type);
      case 7 ->
          new Post(
              "multipart:garbage-part-header",
              multipart(BOUNDARY, "Garbage header line\r\n\r\n1"),
              type);
      case 8 ->
          new Post(
              "multipart:cr-line-ends",
              utf8("--" + BOUNDARY + "\r" + good + "\r--" + BOUNDARY + "--\r"),
              type);
      default ->
          new Post(
              "multipart:escapes-in-disposition",
              multipart(
                  BOUNDARY,
                  "Content-Disposition: form-data; name=\"%zz\"; filename*=UTF-8''%zz\r\n\r\n1"),
              type);
    };
  }

  private Post oversizedMultipart(SplittableRandom r) {
    String type = multipartType(BOUNDARY);
    return switch (r.nextInt(4)) {
      case 0 ->
          new Post(
              "multipart:9000-byte-field", multipart(BOUNDARY, part("a", "x".repeat(9000))), type);
      case 1 ->
          new Post(
              "multipart:60000-byte-field",
              multipart(BOUNDARY, part("a", "x".repeat(60_000))),
              type);
      case 2 -> {
        String[] parts = new String[300];
        for (int k = 0; k < parts.length; k++) {
          parts[k] = part("f" + k, Integer.toString(k));
        }
        yield new Post("multipart:300-parts", multipart(BOUNDARY, parts), type);
      }
      default ->
          new Post(
              "multipart:70000-byte-field",
              multipart(BOUNDARY, part("a", "x".repeat(70_000))),
              type);
    };
  }

  private Post odd(SplittableRandom r, long i) {
    byte[] event = event(i);
    return switch (r.nextInt(9)) {
      case 0 -> new Post("no-content-type:event", event);
      case 1 ->
          new Post(
              "utf-16:event",
              new String(event, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16),
              "Content-Type: application/json; charset=utf-16");
      case 2 -> new Post("json-semicolons:event", event, "Content-Type: application/json;;;;");
      case 3 -> new Post("star-star:event", event, "Content-Type: */*");
      case 4 ->
          new Post(
              "multipart-mixed:event",
              event,
              "Content-Type: multipart/mixed; boundary=" + BOUNDARY);
      case 5 ->
          new Post(
              "gzip-claimed:event",
              event,
              "Content-Type: application/json",
              "Content-Encoding: gzip");
      case 6 ->
          new Post(
              "two-content-types:event",
              event,
              "Content-Type: application/json",
              "Content-Type: text/html");
      case 7 -> new Post("4000-byte-type:event", event, "Content-Type: " + "x".repeat(4000));
      default ->
          new Post(
              "form-escape-in-type",
              utf8("{}"),
              "Content-Type: application/x-www-form-urlencoded; a=%zz");
    };
  }

  private static String multipartType(String boundary) {
    return "Content-Type: multipart/form-data; boundary=" + boundary;
  }

  private static String part(String name, String value) {
    return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value;
  }

  private static byte[] multipart(String boundary, String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : parts) {
      out.writeBytes(utf8("--" + boundary + "\r\n" + p + "\r\n"));
    }
    out.writeBytes(utf8("--" + boundary + "--\r\n"));
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
