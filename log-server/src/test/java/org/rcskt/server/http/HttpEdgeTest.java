package org.rcskt.server.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.RawHttp;
import org.rcskt.verifier.event.EventJson;

/**
 * Hostile and malformed input at the HTTP edge (issue 9), over real sockets against the real
 * server: every answer the HTTP layer can still give is the JSON error body, never a 500.
 */
class HttpEdgeTest {
  static final String HEX64 = "ab".repeat(32);

  @TempDir Path dir;
  LogServer server;
  Http http;
  Events events;

  @BeforeEach
  void start() {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    events = new Events(9, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One request on a fresh connection; its response (null if none came). */
  RawHttp.Response raw(String request) {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(request);
      return c.readResponse();
    }
  }

  RawHttp.Response get(String target) {
    return raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  static void assertJsonError(RawHttp.Response r, int status, String error, String field) {
    assertThat(r).as("a response").isNotNull();
    assertThat(r.status()).as(r.statusLine() + " " + r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json().get("error").asText()).isEqualTo(error);
    if (field == null) {
      assertThat(r.json().get("field").isNull()).as(r.text()).isTrue();
    } else {
      assertThat(r.json().get("field").asText()).as(r.text()).isEqualTo(field);
    }
    assertThat(r.json().get("detail").asText()).isNotEmpty();
  }

  @Test
  void connectionFailuresVertxLogsWithoutAHandlerAreClientMistakesNotSevereLines() {
    java.util.logging.LogRecord preface =
        new java.util.logging.LogRecord(
            java.util.logging.Level.SEVERE,
            "First received frame was not SETTINGS. Hex dump for first 5 bytes: 0102030405");
    java.util.logging.LogRecord frame =
        new java.util.logging.LogRecord(
            java.util.logging.Level.SEVERE, "Frame length: 7721193 exceeds maximum: 16384");
    java.util.logging.LogRecord bug =
        new java.util.logging.LogRecord(java.util.logging.Level.SEVERE, "boom");
    bug.setThrown(new IllegalStateException("a server bug"));
    java.util.logging.LogRecord warning =
        new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "something");
    assertThat(HttpEdge.notAPeerProtocolError(preface)).isFalse();
    assertThat(HttpEdge.notAPeerProtocolError(frame)).isFalse();
    assertThat(HttpEdge.notAPeerProtocolError(bug)).isTrue();
    assertThat(HttpEdge.notAPeerProtocolError(warning)).isTrue();
  }

  @Test
  void malformedPercentEscapesAre400NamingTheParameterOrPath() {
    assertJsonError(get("/v1/proof/inclusion?index=1&size=%zz"), 400, "bad_request", "size");
    assertJsonError(get("/v1/proof/consistency?from=%zz&to=2"), 400, "bad_request", "from");
    assertJsonError(get("/v1/entries?start=0&end=%zz"), 400, "bad_request", "end");
    assertJsonError(get("/v1/subjects/%zz"), 400, "bad_request", "path");
    assertJsonError(get("/v1/subjects/" + HEX64 + "?from=%zz"), 400, "bad_request", "from");
    assertJsonError(get("/tile/%zz/000"), 400, "bad_request", "path");
    // Truncated escapes, at the end of a value and of the whole target, and in a name.
    assertJsonError(get("/v1/entries?start=%4&end=2"), 400, "bad_request", "start");
    assertJsonError(get("/v1/entries?start=0&end=%"), 400, "bad_request", "end");
    assertJsonError(get("/v1/entries?st%zzart=0&end=1"), 400, "bad_request", "query");
    RawHttp.Response r = get("/v1/proof/inclusion?index=1&size=%zz");
    assertThat(r.json().get("detail").asText())
        .isEqualTo(
            "parameter size has a malformed percent-escape \"%zz\" (a % must be followed by two"
                + " hex digits)");
    // Well-formed escapes still decode as before.
    RawHttp.Response ok = get("/v1/entries?start=%30&end=%31");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
  }

  @Test
  void http11RequestWithoutOneValidHostIs400() {
    assertJsonError(raw("GET /checkpoint HTTP/1.1\r\n\r\n"), 400, "bad_request", "Host");
    assertJsonError(
        raw("GET /checkpoint HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "bad_request", "Host");
    assertJsonError(
        raw("GET /checkpoint HTTP/1.1\r\nHost: a b:x\r\n\r\n"), 400, "bad_request", "Host");
    // HTTP/1.0 has no Host requirement.
    RawHttp.Response old = raw("GET /checkpoint HTTP/1.0\r\n\r\n");
    assertThat(old.status()).isEqualTo(200);
  }

  @Test
  void eventsAreTakenAsJsonOrWithoutContentTypeAndAnythingElseIs415() {
    String event =
        EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey()));
    assertUnsupported(
        post("application/x-www-form-urlencoded", "a=%zz"), "application/x-www-form-urlencoded");
    assertUnsupported(post("text/plain", event), "text/plain");
    assertUnsupported(post("application/json; charset=iso-8859-1", event), null);
    String boundary = "b0undary";
    String multipart =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"event\"\r\n"
            + "Content-Type: application/json\r\n\r\n"
            + event
            + "\r\n--"
            + boundary
            + "--\r\n";
    assertUnsupported(post("multipart/form-data; boundary=" + boundary, multipart), null);
    // A multipart body with a field longer than the form decoder's limit (TooLongFormField).
    String longField =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"
            + "y".repeat(20_000)
            + "\r\n--"
            + boundary
            + "--\r\n";
    assertUnsupported(post("multipart/form-data; boundary=" + boundary, longField), null);

    Http.Response json = post("Application/JSON; charset=\"UTF-8\"", event);
    assertThat(json.status()).as(json.text()).isEqualTo(200);
    String other =
        EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey()));
    Http.Response bare =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString(other)));
    assertThat(bare.status()).as(bare.text()).isEqualTo(200);
  }

  @Test
  void expectContinueIsHonouredAndOtherExpectationsAre417() {
    String event =
        EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey()));
    byte[] body = event.getBytes(UTF_8);
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(
          "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Expect: 100-continue\r\nContent-Length: "
              + body.length
              + "\r\n\r\n");
      RawHttp.Response cont = c.readResponse();
      assertThat(cont.status()).isEqualTo(100);
      c.send(body);
      RawHttp.Response r = c.readResponse();
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
    RawHttp.Response r =
        raw(
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Expect: something-else\r\nContent-Length: 2\r\n\r\n{}");
    assertJsonError(r, 417, "expectation_failed", "Expect");
  }

  Http.Response post(String contentType, String body) {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static void assertUnsupported(Http.Response r, String quoted) {
    assertThat(r.status()).as(r.text()).isEqualTo(415);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json().get("error").asText()).isEqualTo("unsupported_media_type");
    assertThat(r.json().get("field").asText()).isEqualTo("Content-Type");
    if (quoted != null) {
      assertThat(r.json().get("detail").asText())
          .isEqualTo("Content-Type must be application/json (or absent), got \"" + quoted + "\"");
    }
  }

  @Test
  void malformedRequestHeadsAreAnsweredWithJsonAndTheConnectionClosed() {
    String post = "POST /v1/events HTTP/1.1\r\nHost: x\r\n";
    assertClosedAfter(
        "GET /checkpoint HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400, "bad_request");
    assertClosedAfter(post + "Content-Length: -5\r\n\r\n", 400, "bad_request");
    assertClosedAfter(post + "Content-Length: abc\r\n\r\n", 400, "bad_request");
    assertClosedAfter(post + "Content-Length: 99999999999999999999999\r\n\r\n", 400, "bad_request");
    assertClosedAfter(
        post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "bad_request");
    assertClosedAfter(
        "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long");
    StringBuilder big = new StringBuilder("GET /checkpoint HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 200; i++) {
      big.append("X-H").append(i).append(": ").append("v".repeat(100)).append("\r\n");
    }
    assertClosedAfter(big.append("\r\n").toString(), 431, "headers_too_large");
  }

  void assertClosedAfter(String request, int status, String error) {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(request);
      RawHttp.Response r = c.readResponse();
      assertJsonError(r, status, error, null);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.awaitClose(5000)).as("closed after " + status).isTrue();
    }
  }

  @Test
  void brokenChunkedBodiesAreAnswered400AndClosed() {
    String head =
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    for (String size : new String[] {"zz", "-5", "ffffffffffffffffffffff"}) {
      try (RawHttp c = new RawHttp(server.port())) {
        c.send(head + size + "\r\nabc\r\n0\r\n\r\n");
        RawHttp.Response r = c.readResponse();
        assertJsonError(r, 400, "bad_request", null);
        assertThat(r.json().get("detail").asText())
            .isEqualTo("malformed HTTP request: the request body could not be read");
        assertThat(c.awaitClose(5000)).as("closed after chunk size " + size).isTrue();
      }
    }
  }

  @Test
  void unknownHttpVersionsAreRefusedAndClosed() {
    for (String version : new String[] {"HTTP/1.7", "HTTP/2.0", "HTTP/9.9"}) {
      try (RawHttp c = new RawHttp(server.port())) {
        c.send("GET /checkpoint " + version + "\r\nHost: x\r\n\r\n");
        RawHttp.Response r = c.readResponse();
        assertJsonError(r, 400, "bad_request", null);
        assertThat(r.json().get("detail").asText())
            .isEqualTo(
                "malformed HTTP request: unsupported HTTP version; this server speaks HTTP/1.1");
        assertThat(c.awaitClose(5000)).as(version).isTrue();
      }
    }
  }

  @Test
  void webSocketUpgradesAreRefused() {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(
          "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
              + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      RawHttp.Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(400);
    }
    // The same connection shape without the upgrade is served.
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("GET /checkpoint HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void h2cUpgradeAndPriorKnowledgeAreNotServed() {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(
          "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      RawHttp.Response r = c.readResponse();
      assertThat(r.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(r.text()).startsWith(server.origin() + "\n");
      assertThat(c.pending()).isEmpty();
    }
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(ISO_8859_1));
      c.send(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      String all = new String(c.readToEnd(), ISO_8859_1);
      // No HTTP/2 SETTINGS frame back, no checkpoint: an HTTP/1 refusal, then the close.
      assertThat(all).startsWith("HTTP/");
      assertThat(all.substring(9, 10)).isIn("4", "5");
      assertThat(all).doesNotContain(server.origin());
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(new String(http.get("/checkpoint").body(), UTF_8)).startsWith(server.origin());
  }
}
