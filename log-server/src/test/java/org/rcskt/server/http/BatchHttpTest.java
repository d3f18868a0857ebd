package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.merkle.InclusionProof;

/**
 * {@code POST /v1/events/batch} on a real log: one outcome per event, in order, every receipt
 * against the one stated checkpoint; events of one subject applied in batch order; one bad event
 * never fails the others; a bad envelope is one 400 naming {@code events}.
 */
class BatchHttpTest {
  private static final Random RANDOM = new Random(14);

  @TempDir Path dir;
  LogServer server;
  Http http;

  @BeforeEach
  void start() {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Ed25519.KeyPair key() {
    return Ed25519.KeyPair.generate(RANDOM);
  }

  private KeyEvent register(String number, Ed25519.KeyPair k) {
    return EventBuilder.forSubject(TestVrf.index(number), LogServer.DEV_CARRIER_ID)
        .sequence(0)
        .previousHash(Hash.ZERO)
        .timestampMs(System.currentTimeMillis())
        .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
        .sign(k, server.devCarrierKey());
  }

  private static String batch(List<String> events) {
    return "{\"events\": [" + String.join(",", events) + "]}";
  }

  @Test
  void everyEventGetsItsOutcomeInOrderAgainstOneCheckpoint() throws Exception {
    Ed25519.KeyPair a1 = key();
    Ed25519.KeyPair a2 = key();
    KeyEvent reg = register("+15550005001", a1);
    // The rotation depends on the registration in the same batch: applied after it.
    KeyEvent rot =
        EventBuilder.forSubject(reg.subject(), LogServer.DEV_CARRIER_ID)
            .after(reg)
            .timestampMs(System.currentTimeMillis())
            .rotate("phone", PublicKeyInfo.ed25519(a2.publicKey()))
            .sign(a2, a1);
    KeyEvent other = register("+15550005002", key());
    KeyEvent unsigned =
        EventBuilder.forSubject(TestVrf.index("+15550005003"), LogServer.DEV_CARRIER_ID)
            .sequence(0)
            .previousHash(Hash.ZERO)
            .timestampMs(System.currentTimeMillis())
            .register("phone", PublicKeyInfo.ed25519(key().publicKey()))
            .sign(key(), server.devCarrierKey());
    List<String> events = new ArrayList<>();
    events.add(EventJson.toJsonString(reg));
    events.add("{\"version\": 2}");
    events.add(EventJson.toJsonString(rot));
    events.add(EventJson.toJsonString(unsigned));
    events.add("17");
    events.add(EventJson.toJsonString(other));
    events.add(EventJson.toJsonString(reg));
    Http.Response r = http.post("/v1/events/batch", batch(events));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    JsonNode results = j.get("results");
    assertThat(results).hasSize(7);
    assertThat(j.get("accepted").asInt()).isEqualTo(4);
    int[] want = {200, 400, 200, 422, 400, 200, 200};
    for (int i = 0; i < want.length; i++) {
      assertThat(results.get(i).get("status").asInt())
          .as("event %d: %s", i, results.get(i))
          .isEqualTo(want[i]);
    }
    assertThat(results.get(1).get("error").asText()).isEqualTo("malformed_event");
    assertThat(results.get(3).get("violation").asText()).isEqualTo("UNKNOWN_SIGNER");
    assertThat(results.get(6).get("duplicate").asBoolean()).isTrue();
    assertThat(results.get(6).get("leafIndex").asLong())
        .isEqualTo(results.get(0).get("leafIndex").asLong());
    assertThat(results.get(2).get("leafIndex").asLong())
        .isGreaterThan(results.get(0).get("leafIndex").asLong());

    // Every receipt is against the one checkpoint stated.
    String note = j.get("checkpoint").asText();
    Checkpoint cp = Checkpoint.parse(note.substring(0, note.indexOf("\n\n") + 1));
    assertThat(cp.treeSize()).isEqualTo(j.get("treeSize").asLong());
    for (int i : new int[] {0, 2, 5, 6}) {
      JsonNode x = results.get(i);
      List<byte[]> proof = new ArrayList<>();
      x.get("inclusionProof").forEach(h -> proof.add(Base64.getDecoder().decode(h.asText())));
      InclusionProof.verify(
          x.get("leafIndex").asLong(),
          cp.treeSize(),
          Base64.getDecoder().decode(x.get("leafHash").asText()),
          proof,
          cp.rootHash().toByteArray());
    }
    JsonNode state = http.get("/v1/subjects/" + reg.subject().toHex()).json().get("state");
    assertThat(state.get("nextSequence").asLong()).isEqualTo(2);
  }

  @Test
  void aBadEnvelopeIsOneErrorNamingTheField() {
    String good = EventJson.toJsonString(register("+15550005101", key()));
    long before = http.get("/v1/info").json().get("treeSize").asLong();
    assertEnvelope("not json", 400, "not valid JSON");
    assertEnvelope("[]", 400, "must be {\"events\"");
    assertEnvelope("{}", 400, "no \"events\"");
    assertEnvelope("{\"events\": []}", 400, "\"events\" is empty");
    assertEnvelope("{\"events\": {}}", 400, "must be an array");
    Http.Response unknown =
        http.post("/v1/events/batch", "{\"events\": [" + good + "], \"more\": 1}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("field").asText()).isEqualTo("more");
    assertEnvelope("{\"events\": [], \"events\": []}", 400, "not valid JSON");
    assertEnvelope("{\"events\": [" + good + "]} {}", 400, "nothing may follow");
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= BatchBody.MAX_EVENTS; i++) {
      many.add("1");
    }
    assertEnvelope(batch(many), 400, "more than 1000 events");
    Http.Response big = http.post("/v1/events/batch", "x".repeat(BatchBody.MAX_BYTES + 1));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().get("detail").asText()).contains(Integer.toString(BatchBody.MAX_BYTES));
    assertThat(http.get("/v1/info").json().get("treeSize").asLong()).isEqualTo(before);
    // The single route keeps its own limit in its message.
    Http.Response single = http.post("/v1/events", "x".repeat(ApiError.MAX_BODY_BYTES + 1));
    assertThat(single.status()).isEqualTo(413);
    assertThat(single.json().get("detail").asText())
        .contains(Integer.toString(ApiError.MAX_BODY_BYTES));
  }

  private void assertEnvelope(String body, int status, String detail) {
    Http.Response r = http.post("/v1/events/batch", body);
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json().get("field").asText()).isEqualTo("events");
    assertThat(r.json().get("detail").asText()).contains(detail);
  }
}
