package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.Submitter;
import org.rcskt.server.config.WriteLimitConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Who may write and how fast, on a real log: with submitters configured, a write needs one's bearer
 * token (401 otherwise, before the body is read) and may name only its carriers (403, before any
 * signature is checked); reads stay public; per-submitter and per-address token buckets answer 429
 * with {@code Retry-After}, a batch taking one token an event; a refused write leaves the log as it
 * was.
 */
class WriteAccessHttpTest {
  private static final Random RANDOM = new Random(16);
  private static final String TOKEN = "s3cret-token-of-carrier-a";

  @TempDir Path dir;
  LogServer server;
  Http http;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(ServerConfig.Builder b) {
    server = LogServer.start(b.port(0).devMode(true).build());
    http = new Http(server.baseUrl());
  }

  private ServerConfig.Builder config() {
    return ServerConfig.builder(dir);
  }

  private static Submitter submitter(double perSecond, int burst) {
    return new Submitter(
        "carrier-a",
        Hash.sha256(TOKEN.getBytes(StandardCharsets.UTF_8)),
        Set.of(LogServer.DEV_CARRIER_ID),
        perSecond,
        burst);
  }

  private KeyEvent register(String number, String carrier) {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(RANDOM);
    return EventBuilder.forSubject(TestVrf.index(number), carrier)
        .timestampMs(System.currentTimeMillis())
        .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
        .sign(k, server.devCarrierKey());
  }

  private Http.Response post(String path, String body, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b);
  }

  private long treeSize() {
    return server.log().head().treeSize();
  }

  @Test
  void withSubmittersAWriteNeedsAKnownTokenAndMayNameOnlyItsCarriers() {
    start(config().submitters(List.of(submitter(1000, 1000))));
    String event = EventJson.toJsonString(register("+15550006001", LogServer.DEV_CARRIER_ID));
    long before = treeSize();

    Http.Response none = post("/v1/events", event, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"rcskt\"");
    assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(none.json().get("field").asText()).isEqualTo("Authorization");
    assertThat(none.json().get("detail").asText()).contains("configured submitters");

    Http.Response wrong = post("/v1/events", event, "Bearer not-the-token");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("detail").asText()).contains("not one of this log's submitters");
    Http.Response basic = post("/v1/events", event, "Basic dXNlcjpwYXNz");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.json().get("detail").asText()).contains("Bearer <token>");
    assertThat(treeSize()).isEqualTo(before);

    // Another carrier's event: 403 before its signatures are looked at (they would not verify:
    // that carrier has no anchor key, which would be a 422).
    Http.Response other =
        post(
            "/v1/events",
            EventJson.toJsonString(register("+15550006002", "other.example")),
            "Bearer " + TOKEN);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().get("error").asText()).isEqualTo("forbidden");
    assertThat(other.json().get("field").asText()).isEqualTo("carrierId");
    assertThat(other.json().get("detail").asText())
        .isEqualTo("submitter carrier-a may not submit events naming carrier \"other.example\"");

    Http.Response ok = post("/v1/events", event, "bearer " + TOKEN);
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);

    // In a batch the forbidden event is one outcome among others.
    String batch =
        "{\"events\": ["
            + EventJson.toJsonString(register("+15550006003", LogServer.DEV_CARRIER_ID))
            + ","
            + EventJson.toJsonString(register("+15550006004", "other.example"))
            + "]}";
    Http.Response b = post("/v1/events/batch", batch, "Bearer " + TOKEN);
    assertThat(b.status()).isEqualTo(200);
    assertThat(b.json().at("/results/0/status").asInt()).isEqualTo(200);
    assertThat(b.json().at("/results/1/status").asInt()).isEqualTo(403);

    // Reads stay public.
    assertThat(http.get("/checkpoint").status()).isEqualTo(200);
    assertThat(http.get("/v1/info").status()).isEqualTo(200);
  }

  /** A batch of {@code n} elements that are not events: each a 400 outcome, no signature work. */
  private static String junkBatch(int n) {
    return "{\"events\": [" + String.join(",", Collections.nCopies(n, "{}")) + "]}";
  }

  @Test
  void aSubmittersBucketCountsEventsAndRefusesBeforeAnySignature() {
    start(config().submitters(List.of(submitter(0.001, 1000))));
    Http.Response first = post("/v1/events/batch", junkBatch(998), "Bearer " + TOKEN);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().at("/results/0/status").asInt()).isEqualTo(400);
    // Two tokens left. A batch of three takes its first before the body is read, then finds one
    // where it needs two more: refused whole, nothing of it verified or logged.
    long before = treeSize();
    String two =
        "{\"events\": ["
            + EventJson.toJsonString(register("+15550006011", LogServer.DEV_CARRIER_ID))
            + ","
            + EventJson.toJsonString(register("+15550006012", LogServer.DEV_CARRIER_ID))
            + ","
            + EventJson.toJsonString(register("+15550006014", LogServer.DEV_CARRIER_ID))
            + "]}";
    Http.Response refused = post("/v1/events/batch", two, "Bearer " + TOKEN);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("error").asText()).isEqualTo("rate_limited");
    assertThat(refused.json().get("detail").asText())
        .startsWith("too many events from submitter carrier-a: the limit is 0.001 events a second");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
    assertThat(treeSize()).isEqualTo(before);
    Http.Response one =
        post(
            "/v1/events",
            EventJson.toJsonString(register("+15550006013", LogServer.DEV_CARRIER_ID)),
            "Bearer " + TOKEN);
    assertThat(one.status()).as(one.text()).isEqualTo(200);
    assertThat(post("/v1/events", "{}", "Bearer " + TOKEN).status()).isEqualTo(429);
    assertThat(server.metrics().rateLimitedCount("/v1/events")).isEqualTo(1);
    assertThat(server.metrics().rateLimitedCount("/v1/events/batch")).isEqualTo(1);
  }

  @Test
  void openWritesAreLimitedPerAddressUnlessLoopbackIsExempt() {
    start(config().writeRateLimit(new WriteLimitConfig(0.001, 1000, 100, false)));
    assertThat(post("/v1/events/batch", junkBatch(1000), null).status()).isEqualTo(200);
    Http.Response over = post("/v1/events", "{}", null);
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.json().get("detail").asText()).startsWith("too many events from this address");
    // A wrong token is charged to the address too: guessing is as slow as the address limit.
    assertThat(post("/v1/events", "{}", "Bearer guess").status()).isEqualTo(429);
  }

  @Test
  void theDefaultExemptsLoopbackSoLocalLoadIsNotLimited() {
    start(config());
    for (int i = 0; i < 3; i++) {
      assertThat(post("/v1/events/batch", junkBatch(1000), null).status()).isEqualTo(200);
    }
    // Open writes with a credential that is not a submitter's: 401, not silently anonymous.
    assertThat(post("/v1/events", "{}", "Bearer whatever").status()).isEqualTo(401);
  }

  @Test
  void aSubmittersLookupsCountAgainstItsOwnRateNotItsAddresss() {
    start(config().submitters(List.of(submitter(1000, 1000))));
    // Past the per-address lookup limit (20 at once) anonymously...
    int limited = 0;
    for (int i = 0; i < 25; i++) {
      if (http.get("/v1/keys/+1555000" + (9000 + i)).status() == 429) {
        limited++;
      }
    }
    assertThat(limited).isPositive();
    // ... while the submitter, from the same address, is still let through on its own bucket.
    for (int i = 0; i < 25; i++) {
      Http.Response r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(server.baseUrl() + "/v1/keys/+1555001" + (9000 + i)))
                  .header("Authorization", "Bearer " + TOKEN));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
    Http.Response wrong =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/keys/+15550029000"))
                .header("Authorization", "Bearer nope"));
    assertThat(wrong.status()).isIn(401, 429);
  }
}
