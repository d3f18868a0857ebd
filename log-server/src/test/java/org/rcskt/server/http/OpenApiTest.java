package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.Submitter;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * The OpenAPI 3.1 description (resource {@code openapi.json}, served at {@code /openapi.json})
 * cannot drift from the server: real answers of every route, successes and the error bodies the
 * routes give, are validated with a JSON Schema 2020-12 validator (networknt) against the schema
 * the description gives for that path, method and status; a status the description does not list
 * for the route fails; and every path it describes is exercised.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "https://rcskt.test/openapi.json";
  private static final Random RANDOM = new Random(23);
  private static final String TOKEN = "openapi-test-token";

  @TempDir Path dir;
  LogServer server;
  Http http;
  JsonNode doc;
  SchemaRegistry schemas;
  final Set<String> exercised = new HashSet<>();
  int validated;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(ServerConfig.Builder b) throws Exception {
    server = LogServer.start(b.port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    String text;
    try (InputStream in = LogVerticle.class.getResourceAsStream("/openapi.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    doc = JSON.readTree(text);
    schemas =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, r -> r.schemas(Map.of(BASE, text)));
  }

  /** Checks {@code r}, the answer to {@code method} on the described {@code path}. */
  private void check(String path, String method, Http.Response r) {
    exercised.add(path);
    JsonNode op = doc.path("paths").path(path).path(method);
    assertThat(op.isMissingNode()).as("%s %s is described", method, path).isFalse();
    JsonNode response = op.path("responses").path(Integer.toString(r.status()));
    assertThat(response.isMissingNode())
        .as(
            "%s %s answered %d, which the description does not list: %s",
            method, path, r.status(), r.text())
        .isFalse();
    JsonNode json = response.path("content").path("application/json");
    if (json.isMissingNode()) {
      return; // text, binary or event-stream answers: nothing to validate as JSON
    }
    String pointer =
        "#/paths/"
            + escape(path)
            + "/"
            + method
            + "/responses/"
            + r.status()
            + "/content/application~1json/schema";
    validate(pointer, r, method + " " + path + " " + r.status());
  }

  private void validate(String pointer, Http.Response r, String what) {
    validate(pointer, r.text(), what);
  }

  private void validate(String pointer, String text, String what) {
    Schema s = schemas.getSchema(SchemaLocation.of(BASE + pointer));
    tools.jackson.databind.JsonNode body = new tools.jackson.databind.ObjectMapper().readTree(text);
    List<com.networknt.schema.Error> errors = s.validate(body);
    assertThat(errors)
        .as("%s: %s", what, text.length() > 600 ? text.substring(0, 600) : text)
        .isEmpty();
    validated++;
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }

  private Http.Response post(String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b);
  }

  private KeyEvent register(String number, String carrier) {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(RANDOM);
    return EventBuilder.forSubject(TestVrf.index(number), carrier)
        .timestampMs(System.currentTimeMillis())
        .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
        .sign(k, server.devCarrierKey());
  }

  @Test
  void everyRouteAnswersAsDescribed() throws Exception {
    start(ServerConfig.builder(dir.resolve("open")).feedMaxSubscribers(0));
    KeyEvent reg = register("+15550009001", LogServer.DEV_CARRIER_ID);
    check("/v1/events", "post", post("/v1/events", EventJson.toJsonString(reg), null));
    check("/v1/events", "post", post("/v1/events", EventJson.toJsonString(reg), null)); // duplicate
    check("/v1/events", "post", post("/v1/events", "{}", null));
    check(
        "/v1/events",
        "post",
        post(
            "/v1/events",
            EventJson.toJsonString(register("+15550009001", LogServer.DEV_CARRIER_ID)),
            null)); // 409
    check(
        "/v1/events",
        "post",
        post(
            "/v1/events",
            EventJson.toJsonString(register("+15550009002", "nobody.example")),
            null)); // 422
    check("/v1/events", "post", post("/v1/events", "x".repeat(70_000), null)); // 413
    check(
        "/v1/events",
        "post",
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")))); // 415
    check(
        "/v1/events/batch",
        "post",
        post(
            "/v1/events/batch",
            "{\"events\": ["
                + EventJson.toJsonString(register("+15550009003", LogServer.DEV_CARRIER_ID))
                + ", {}]}",
            null));
    check("/v1/events/batch", "post", post("/v1/events/batch", "{\"events\": []}", null));
    long size = server.log().head().treeSize();
    check("/checkpoint", "get", http.get("/checkpoint"));
    check("/tile/{path}", "get", http.get("/tile/0/000.p/1"));
    check("/tile/{path}", "get", http.get("/tile/0/x"));
    check("/tile/{path}", "get", http.get("/tile/0/999"));
    check("/v1/info", "get", http.get("/v1/info"));
    check("/v1/checkpoints", "get", http.get("/v1/checkpoints"));
    check("/v1/proof/inclusion", "get", http.get("/v1/proof/inclusion?index=0&size=" + size));
    check(
        "/v1/proof/inclusion",
        "get",
        http.get(
            "/v1/proof/inclusion?hash="
                + reg.leafHash()
                    .toBase64()
                    .replace("+", "%2B")
                    .replace("/", "%2F")
                    .replace("=", "%3D")
                + "&size="
                + size));
    check("/v1/proof/inclusion", "get", http.get("/v1/proof/inclusion?index=0&size=" + (size + 5)));
    check(
        "/v1/proof/inclusion",
        "get",
        http.get(
            "/v1/proof/inclusion?hash="
                + Hash.ZERO.toBase64().replace("=", "%3D")
                + "&size="
                + size));
    check("/v1/proof/consistency", "get", http.get("/v1/proof/consistency?from=1&to=" + size));
    check("/v1/proof/consistency", "get", http.get("/v1/proof/consistency?from=x&to=1"));
    check("/v1/entries", "get", http.get("/v1/entries?start=0&end=" + size));
    check("/v1/entries", "get", http.get("/v1/entries?start=5&end=1"));
    check("/v1/subjects/{subject}", "get", http.get("/v1/subjects/" + reg.subject().toHex()));
    check("/v1/subjects/{subject}", "get", http.get("/v1/subjects/" + Hash.ZERO.toHex()));
    check("/v1/subjects/{subject}", "get", http.get("/v1/subjects/nothex"));
    check("/v1/keys/{number}", "get", http.get("/v1/keys/+33612345678"));
    check("/v1/keys/{number}", "get", http.get("/v1/keys/33612345678"));
    Http.Response limited = null;
    for (int i = 0; i < 40 && (limited == null || limited.status() != 429); i++) {
      limited = http.get("/v1/keys/+3361234" + (5000 + i));
    }
    check("/v1/keys/{number}", "get", limited);
    check("/v1/feed", "get", http.get("/v1/feed")); // 503: the feed is off on this server
    check("/v1/feed", "get", http.get("/v1/feed?type=NOPE"));
    check("/openapi.json", "get", http.get("/openapi.json"));
    check("/metrics", "get", http.get("/metrics"));
    check("/healthz", "get", http.get("/healthz"));
    check("/readyz", "get", http.get("/readyz"));
    // Answers outside any described path are errors too.
    validate("#/components/schemas/Error", http.get("/no/such/route"), "unknown route");
    validate(
        "#/components/schemas/Error",
        http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/info")).DELETE()),
        "405");

    // The validator is not vacuous: a body the description forbids is refused.
    Schema receipt = schemas.getSchema(SchemaLocation.of(BASE + "#/components/schemas/Receipt"));
    tools.jackson.databind.ObjectMapper j3 = new tools.jackson.databind.ObjectMapper();
    assertThat(receipt.validate(j3.readTree("{\"leafIndex\": \"x\"}"))).isNotEmpty();
    Schema error = schemas.getSchema(SchemaLocation.of(BASE + "#/components/schemas/Error"));
    assertThat(
            error.validate(
                j3.readTree(
                    "{\"error\": \"x\", \"field\": null, \"detail\": \"d\", \"extra\": 1}")))
        .isNotEmpty();

    // The served description is the resource.
    assertThat(JSON.readTree(http.get("/openapi.json").text())).isEqualTo(doc);
    Set<String> described = new HashSet<>();
    doc.path("paths").fieldNames().forEachRemaining(described::add);
    assertThat(exercised).containsExactlyInAnyOrderElementsOf(described);
    assertThat(validated).isGreaterThan(30);
  }

  @Test
  void theAuthenticationErrorsAreDescribed() throws Exception {
    start(
        ServerConfig.builder(dir.resolve("closed"))
            .submitters(
                List.of(
                    new Submitter(
                        "s",
                        Hash.sha256(TOKEN.getBytes(StandardCharsets.UTF_8)),
                        Set.of(LogServer.DEV_CARRIER_ID),
                        0.001,
                        1000))));
    String e = EventJson.toJsonString(register("+15550009101", LogServer.DEV_CARRIER_ID));
    check("/v1/events", "post", post("/v1/events", e, null)); // 401
    check(
        "/v1/events",
        "post",
        post(
            "/v1/events",
            EventJson.toJsonString(register("+15550009102", "other.example")),
            TOKEN)); // 403
    check("/v1/events/batch", "post", post("/v1/events/batch", "{\"events\": [{}]}", null)); // 401
    List<String> junk = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      junk.add("{}");
    }
    check(
        "/v1/events/batch",
        "post",
        post("/v1/events/batch", "{\"events\": [" + String.join(",", junk) + "]}", TOKEN));
    check("/v1/events", "post", post("/v1/events", e, TOKEN)); // 429
  }

  /** One raw HTTP/1.1 exchange: the bytes as sent, the answer as read. */
  private org.rcskt.server.testing.RawHttp.Response raw(String request) {
    try (org.rcskt.server.testing.RawHttp c =
        new org.rcskt.server.testing.RawHttp(server.port(), 10_000)) {
      c.send(request);
      return c.readResponse();
    }
  }

  @Test
  void theEdgesOwnErrorsAreTheErrorObject() throws Exception {
    start(ServerConfig.builder(dir.resolve("edge")).requestTimeoutSeconds(1));
    String host = "Host: 127.0.0.1\r\n";
    org.rcskt.server.testing.RawHttp.Response uri =
        raw("GET /v1/info?" + "a".repeat(9000) + " HTTP/1.1\r\n" + host + "\r\n");
    assertThat(uri.status()).isEqualTo(414);
    validate("#/components/schemas/Error", uri.text(), "414");
    org.rcskt.server.testing.RawHttp.Response headers =
        raw("GET /v1/info HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(17_000) + "\r\n\r\n");
    assertThat(headers.status()).isEqualTo(431);
    validate("#/components/schemas/Error", headers.text(), "431");
    org.rcskt.server.testing.RawHttp.Response version =
        raw("GET /v1/info HTTP/1.7\r\n" + host + "\r\n");
    assertThat(version.status()).isEqualTo(400);
    validate("#/components/schemas/Error", version.text(), "400 version");
    org.rcskt.server.testing.RawHttp.Response expect =
        raw(
            "POST /v1/events HTTP/1.1\r\n"
                + host
                + "Content-Type: application/json\r\nExpect: nope\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(expect.status()).isEqualTo(417);
    validate(
        "#/paths/~1v1~1events/post/responses/417/content/application~1json/schema",
        expect.text(),
        "417");
    org.rcskt.server.testing.RawHttp.Response slow =
        raw(
            "POST /v1/events HTTP/1.1\r\n"
                + host
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"version\"");
    assertThat(slow.status()).isEqualTo(408);
    validate(
        "#/paths/~1v1~1events/post/responses/408/content/application~1json/schema",
        slow.text(),
        "408");
  }
}
