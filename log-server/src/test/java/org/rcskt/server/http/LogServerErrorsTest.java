package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.storage.FaultInjectingLogStore;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.note.NoteVerifiers;

/** Every error status the API promises, with its exact JSON body. */
class LogServerErrorsTest {
  @TempDir Path dir;
  LogServer server;
  FaultInjectingLogStore faults;
  Http http;
  Events events;

  void start(ServerConfig.Builder b) {
    server =
        LogServer.start(
            b.port(0).devMode(true).build(), s -> faults = new FaultInjectingLogStore(s));
    http = new Http(server.baseUrl());
    events = new Events(7, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
  }

  void start() {
    start(ServerConfig.builder(dir));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static void assertError(Http.Response r, int status, String json) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(Http.parse(json));
  }

  static String body(String error, String field, String detail) {
    ObjectNode o = ApiError.body(error, field, detail);
    return o.toString();
  }

  @Test
  void malformedEventsAre400NamingTheField() throws Exception {
    start();
    assertError(
        http.post("/v1/events", "[]"),
        400,
        body("malformed_event", null, "event must be a JSON object"));
    assertError(
        http.post("/v1/events", new byte[0]),
        400,
        body("malformed_event", null, "request body is empty"));

    KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
    ObjectNode j = EventJson.toJson(e);
    j.remove("sequence");
    EventFormatException expected = parseFailure(j.toString());
    assertThat(expected.field()).isEqualTo("sequence");
    assertError(
        http.post("/v1/events", j.toString()),
        400,
        body("malformed_event", "sequence", expected.getMessage()));

    ObjectNode k = EventJson.toJson(e);
    ((ObjectNode) k.get("payload").get("publicKey")).put("key", "not base64!");
    EventFormatException expected2 = parseFailure(k.toString());
    assertError(
        http.post("/v1/events", k.toString()),
        400,
        body("malformed_event", expected2.field(), expected2.getMessage()));
    assertThat(expected2.field()).startsWith("payload.publicKey");
  }

  static EventFormatException parseFailure(String json) {
    try {
      EventJson.parse(json);
    } catch (EventFormatException e) {
      return e;
    }
    throw new AssertionError("parsed: " + json);
  }

  @Test
  void oversizeBodyIs413() {
    start();
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) ' ');
    assertError(
        http.post("/v1/events", big),
        413,
        body("body_too_large", null, "request body is larger than 65536 bytes"));
  }

  @Test
  void sequenceConflictsAre409WithTheCurrentSequence() throws Exception {
    start();
    Hash subject = events.newSubject();
    Ed25519.KeyPair device = events.newKey();
    KeyEvent reg = events.register(subject, "phone-1", device);
    assertThat(http.post("/v1/events", EventJson.toJsonString(reg)).status()).isEqualTo(200);

    KeyEvent again = events.register(subject, "phone-2", events.newKey());
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(again));
    ObjectNode want =
        ApiError.body(
            "conflict", "sequence", "expected sequence 1 for subject " + subject + ", found 0");
    want.put("violation", "WRONG_SEQUENCE");
    want.put("nextSequence", 1);
    want.put("currentSequence", 0);
    assertError(r, 409, want.toString());

    Ed25519.KeyPair next = events.newKey();
    KeyEvent badPrev =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .sequence(1)
            .previousHash(Hash.ZERO)
            .timestampMs(System.currentTimeMillis())
            .rotate("phone-1", PublicKeyInfo.ed25519(next.publicKey()))
            .sign(device, next);
    ObjectNode want2 =
        ApiError.body(
            "conflict",
            "previousHash",
            "expected previous hash "
                + reg.leafHash()
                + " for subject "
                + subject
                + ", found "
                + Hash.ZERO);
    want2.put("violation", "WRONG_PREVIOUS_HASH");
    want2.put("nextSequence", 1);
    want2.put("currentSequence", 0);
    assertError(http.post("/v1/events", EventJson.toJsonString(badPrev)), 409, want2.toString());
  }

  @Test
  void ruleViolationsAre422NamingTheRule() throws Exception {
    start();
    Ed25519.KeyPair device = events.newKey();
    Hash subject = events.newSubject();
    KeyEvent unattested =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .sequence(0)
            .timestampMs(System.currentTimeMillis())
            .register("phone-1", PublicKeyInfo.ed25519(device.publicKey()))
            .sign(device);
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(unattested));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    JsonNode j = r.json();
    assertThat(j.get("error").asText()).isEqualTo("rule_violation");
    assertThat(j.get("violation").asText()).isEqualTo("MISSING_CARRIER_ATTESTATION");
    // The fix is a carrier's signature, not evidence.
    assertThat(j.get("field").asText()).isEqualTo("signatures");
    assertThat(j.get("detail").asText()).contains("unattested registration is not allowed");

    // A signature by a key nobody knows.
    Ed25519.KeyPair stranger = events.newKey();
    KeyEvent unknown =
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .sequence(0)
            .timestampMs(System.currentTimeMillis())
            .register("phone-1", PublicKeyInfo.ed25519(device.publicKey()))
            .sign(device, stranger);
    ObjectNode want =
        ApiError.body(
            "rule_violation",
            "signatures",
            "signature by unknown key " + PublicKeyInfo.ed25519(stranger.publicKey()).keyId());
    want.put("violation", "UNKNOWN_SIGNER");
    assertError(http.post("/v1/events", EventJson.toJsonString(unknown)), 422, want.toString());

    // A signature that does not verify.
    ObjectNode tampered = EventJson.toJson(events.register(subject, "phone-1", device));
    ObjectNode sig = (ObjectNode) tampered.get("signatures").get(0);
    byte[] raw = java.util.Base64.getDecoder().decode(sig.get("signature").asText());
    raw[0] ^= 1;
    sig.put("signature", java.util.Base64.getEncoder().encodeToString(raw));
    Http.Response bad = http.post("/v1/events", tampered.toString());
    assertThat(bad.status()).as(bad.text()).isEqualTo(422);
    assertThat(bad.json().get("violation").asText()).isEqualTo("BAD_SIGNATURE");
    assertThat(bad.json().get("field").asText()).isEqualTo("signatures");
  }

  @Test
  void unknownThingsAre404And405() {
    // Tree size 2 here and below: the dev carrier's anchor and its map root.
    start();
    assertError(http.get("/nope"), 404, body("not_found", null, "no resource GET /nope"));
    assertError(
        http.get("/tile/0/005"),
        404,
        body("not_found", null, "tile 0/5 is beyond the tree of size 2"));
    assertError(
        http.get("/tile/entries/000.p/3"),
        404,
        body("not_found", null, "entry bundle 0.p/3 is beyond the tree of size 2"));
    String h = Hash.sha256(new byte[] {1}).toHex();
    assertError(
        http.get("/v1/proof/inclusion?hash=" + h + "&size=1"),
        404,
        body("not_found", null, "no entry has leaf hash " + Hash.fromHex(h).toBase64()));
    Http.Response del =
        http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/checkpoint")).DELETE());
    assertError(del, 405, body("method_not_allowed", null, "DELETE is not allowed on /checkpoint"));
  }

  @Test
  void badQueryParametersAre400WithTheNumbers() {
    start();
    assertError(
        http.get("/v1/proof/inclusion?index=0&size=12"),
        400,
        body("bad_request", "size", "size 12 is larger than tree size 2"));
    assertError(
        http.get("/v1/proof/inclusion?index=3&size=1"),
        400,
        body("bad_request", "index", "index 3 is not below size 1"));
    assertError(
        http.get("/v1/proof/inclusion?index=abc&size=1"),
        400,
        body(
            "bad_request",
            "index",
            "parameter index must be a non-negative decimal integer, got \"abc\""));
    assertError(
        http.get("/v1/proof/inclusion?size=1"),
        400,
        body("bad_request", "index", "give exactly one of the parameters index and hash"));
    assertError(
        http.get("/v1/proof/inclusion?index=0"),
        400,
        body("bad_request", "size", "missing parameter size"));
    assertError(
        http.get("/v1/proof/inclusion?hash=zz&size=1"),
        400,
        body(
            "bad_request",
            "hash",
            "parameter hash must be a 32-byte hash in hex or base64, got \"zz\""));
    assertError(
        http.get("/v1/proof/consistency?from=0&to=1"),
        400,
        body("bad_request", "from", "from 0 is not at least 1"));
    assertError(
        http.get("/v1/proof/consistency?from=1&to=12"),
        400,
        body("bad_request", "to", "to 12 is larger than tree size 2"));
    assertError(
        http.get("/v1/entries?start=5&end=9"),
        400,
        body("bad_request", "start", "start 5 is larger than tree size 2"));
    assertError(
        http.get("/v1/entries?start=0&end=0"),
        400,
        body("bad_request", "end", "end 0 is not larger than start 0"));
    assertError(
        http.get("/v1/subjects/xyz"),
        400,
        body("bad_request", "subject", "subject \"xyz\" is not 64 hex digits"));
    Http.Response tile = http.get("/tile/0/x000/001");
    assertThat(tile.status()).isEqualTo(400);
    assertThat(tile.json().get("field").asText()).isEqualTo("path");
  }

  @Test
  void failedWriteIs503AndLogsNothing() throws Exception {
    start();
    SignedCheckpoint before =
        SignedCheckpoint.verify(
            http.get("/checkpoint").body(),
            server.origin(),
            NoteVerifiers.parse(server.verifierKey()));
    KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
    faults.failNextAppends(1);
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(e));
    assertError(
        r,
        503,
        body("write_failed", null, "the log could not store this batch; nothing of it was logged"));
    assertThat(r.header("Retry-After")).isEqualTo("5");
    assertThat(faults.appendsFailed()).isEqualTo(1);
    assertThat(http.get("/checkpoint").body()).isEqualTo(before.raw());
    // Neither the event nor its batch's map root.
    assertThat(http.get("/v1/entries?start=2&end=4").json().get("entries")).isEmpty();

    // The retry lands at the index the failed attempt would have had, on a consistent tree.
    Http.Response ok = http.post("/v1/events", EventJson.toJsonString(e));
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(ok.json().get("leafIndex").asLong()).isEqualTo(2);
    assertThat(ok.json().get("treeSize").asLong()).isEqualTo(4);
    SignedCheckpoint after =
        SignedCheckpoint.verify(
            http.get("/checkpoint").body(),
            server.origin(),
            NoteVerifiers.parse(server.verifierKey()));
    List<Hash> proof = new ArrayList<>();
    http.get("/v1/proof/consistency?from=2&to=4")
        .json()
        .get("consistencyProof")
        .forEach(n -> proof.add(Hash.fromBase64(n.asText())));
    ConsistencyProof.verify(
        2, 4, before.checkpoint().rootHash(), after.checkpoint().rootHash(), proof);
    assertThat(server.metrics().submissions("failed")).isEqualTo(1.0);
  }

  @Test
  void fullQueueIs503WithRetryAfter() throws Exception {
    start(ServerConfig.builder(dir).queueSize(1).maxBatch(1).verifyThreads(1));
    faults.delayAppends(200);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      bodies.add(
          EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    int ok = 0;
    int full = 0;
    for (Http.Response r : http.postConcurrently("/v1/events", bodies)) {
      if (r.status() == 200) {
        ok++;
      } else {
        assertThat(r.status()).as(r.text()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.json().get("error").asText()).isEqualTo("queue_full");
        assertThat(r.json().get("detail").asText())
            .isIn("the log's queue of 1 events is full", "the log's verification queue is full");
        full++;
      }
    }
    assertThat(ok).isPositive();
    assertThat(full).isPositive();
    assertThat(ok + full).isEqualTo(12);
    // Everything answered 200 is logged, nothing else: with batches of one, each event is followed
    // by its batch's map root.
    JsonNode page = http.get("/v1/entries?start=2&end=100").json();
    assertThat(page.get("entries")).hasSize(2 * ok);
    for (int i = 0; i < 2 * ok; i++) {
      assertThat(page.get("entries").get(i).has(i % 2 == 0 ? "event" : "mapRoot")).isTrue();
    }
  }
}
