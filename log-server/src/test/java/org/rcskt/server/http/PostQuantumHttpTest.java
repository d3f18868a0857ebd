package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;
import org.rcskt.verifier.event.AlgorithmPolicy;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;

/**
 * Post-quantum keys through a real log over HTTP: hybrid and ML-DSA-65 registrations and rotations
 * are logged; the downgrade rule and the per-carrier requirement answer 422 naming the rule;
 * malformed post-quantum input answers 400 naming the field; the policy is published and cannot be
 * changed so that logged events would become invalid.
 */
class PostQuantumHttpTest {
  private static final Random RANDOM = new Random(12_12);

  @TempDir Path dir;
  LogServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Http start(AlgorithmPolicy policy) {
    server =
        LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).algorithms(policy).build());
    return new Http(server.baseUrl());
  }

  private EventBuilder register(Hash subject) {
    return EventBuilder.forSubject(subject, "dev-carrier")
        .sequence(0)
        .previousHash(Hash.ZERO)
        .timestampMs(System.currentTimeMillis());
  }

  private static Http.Response post(Http http, KeyEvent e) {
    return http.post("/v1/events", EventJson.toJsonString(e));
  }

  @Test
  void hybridAndMlDsaKeysAreLoggedAndDowngradesRefused() throws Exception {
    Http http = start(AlgorithmPolicy.DEFAULT);
    EventSigner carrier = EventSigner.of(server.devCarrierKey());
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(RANDOM));
    EventSigner mlDsa = EventSigner.of(MlDsa65.KeyPair.generate(RANDOM));
    EventSigner classic = EventSigner.of(Ed25519.KeyPair.generate(RANDOM));
    Hash subject = TestVrf.index("+15550001111");

    KeyEvent reg = register(subject).register("phone", hybrid.publicKey()).sign(hybrid, carrier);
    Http.Response r = post(http, reg);
    assertThat(r.status()).as(r.text()).isEqualTo(200);

    // Down to Ed25519: 422 naming the rule and the field.
    KeyEvent down =
        EventBuilder.forSubject(subject, "dev-carrier")
            .after(reg)
            .timestampMs(System.currentTimeMillis())
            .rotate("phone", classic.publicKey())
            .sign(classic, hybrid);
    r = post(http, down);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("ALGORITHM_DOWNGRADE");
    assertThat(r.json().get("field").asText()).isEqualTo("payload.publicKey");

    // To ML-DSA-65 alone: accepted; the subject's history serves the post-quantum key.
    KeyEvent rot =
        EventBuilder.forSubject(subject, "dev-carrier")
            .after(reg)
            .timestampMs(System.currentTimeMillis())
            .rotate("phone", mlDsa.publicKey())
            .sign(mlDsa, hybrid);
    r = post(http, rot);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode subj = http.get("/v1/subjects/" + subject.toHex()).json();
    JsonNode device = subj.get("state").get("devices").get(0);
    assertThat(device.get("publicKey").get("algorithm").asText()).isEqualTo("ML_DSA_65");
    assertThat(Base64.getDecoder().decode(device.get("publicKey").get("key").asText()))
        .isEqualTo(mlDsa.publicKey().key());

    JsonNode info = http.get("/v1/info").json();
    assertThat(info.get("algorithms").toString())
        .isEqualTo("[\"ED25519\",\"ML_DSA_65\",\"ED25519_ML_DSA_65\"]");
    assertThat(info.get("rules").get("postQuantum").toString())
        .isEqualTo("{\"requiredFrom\":{},\"allowDowngrade\":false}");
  }

  @Test
  void brokenPostQuantumInputIsAClearErrorAndNothingIsLogged() throws Exception {
    Http http = start(AlgorithmPolicy.DEFAULT);
    EventSigner carrier = EventSigner.of(server.devCarrierKey());
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(RANDOM));
    long before = http.get("/v1/info").json().get("treeSize").asLong();
    KeyEvent good =
        register(TestVrf.index("+15550002222"))
            .register("phone", hybrid.publicKey())
            .sign(hybrid, carrier);
    ObjectNode json = (ObjectNode) EventJson.toJson(good);
    int hybridSig =
        json.get("signatures")
                .get(0)
                .get("keyId")
                .asText()
                .equals(hybrid.publicKey().keyId().toHex())
            ? 0
            : 1;

    // The ML-DSA half broken, the Ed25519 half intact: 422, the half named.
    byte[] sig = good.signatures().get(hybridSig).signature();
    sig[2000] ^= 1;
    ObjectNode broken = json.deepCopy();
    ((ObjectNode) broken.get("signatures").get(hybridSig))
        .put("signature", Base64.getEncoder().encodeToString(sig));
    Http.Response r = http.post("/v1/events", broken.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("BAD_SIGNATURE");
    assertThat(r.json().get("detail").asText())
        .endsWith("does not verify: its ML-DSA-65 half is not a valid signature");

    // Truncated by one byte: 422 BAD_SIGNATURE naming both lengths.
    ObjectNode cut = json.deepCopy();
    byte[] whole = good.signatures().get(hybridSig).signature();
    ((ObjectNode) cut.get("signatures").get(hybridSig))
        .put(
            "signature",
            Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(whole, whole.length - 1)));
    r = http.post("/v1/events", cut.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("detail").asText())
        .endsWith("is 3372 bytes; ED25519_ML_DSA_65 signatures are 3373 bytes");

    // A hybrid key labelled as Ed25519: 400, the field named.
    ObjectNode wrongAlg = json.deepCopy();
    ((ObjectNode) wrongAlg.get("payload").get("publicKey")).put("algorithm", "ED25519");
    ((ObjectNode) wrongAlg.get("payload").get("publicKey")).remove("keyId");
    r = http.post("/v1/events", wrongAlg.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo("payload.publicKey.key");
    assertThat(r.json().get("detail").asText())
        .contains("ED25519 key must be 32 bytes, got 1984 bytes");

    // A signature over the 4,096-byte limit: 400 from the decoder.
    ObjectNode huge = json.deepCopy();
    ((ObjectNode) huge.get("signatures").get(hybridSig))
        .put("signature", Base64.getEncoder().encodeToString(new byte[4097]));
    r = http.post("/v1/events", huge.toString());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).startsWith("signatures[");

    assertThat(http.get("/v1/info").json().get("treeSize").asLong()).isEqualTo(before);
    // And the good one still goes in.
    assertThat(post(http, good).status()).isEqualTo(200);
  }

  @Test
  void aCarrierRequirementIsEnforcedPublishedAndCannotBeMadeRetroactive() throws Exception {
    long now = System.currentTimeMillis();
    AlgorithmPolicy strict = AlgorithmPolicy.DEFAULT.requirePostQuantum("dev-carrier", 0);
    // A requirement that starts in the past is refused on a log that never had it.
    assertThatThrownBy(() -> start(strict))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the requirement for carrier dev-carrier would start at")
        .hasMessageContaining("now plus the accepted future skew");
    server = null;

    // One that starts in the future is taken: it must start after the log's clock plus the future
    // skew (2 minutes), so it starts 8 s after that here, and the test waits until events stamped
    // after the start fit in the skew window.
    long start = now + 120_000 + 8_000;
    Http http = start(AlgorithmPolicy.DEFAULT.requirePostQuantum("dev-carrier", start));
    assertThat(http.get("/v1/info").json().get("rules").get("postQuantum").toString())
        .isEqualTo("{\"requiredFrom\":{\"dev-carrier\":" + start + "},\"allowDowngrade\":false}");
    EventSigner carrier = EventSigner.of(server.devCarrierKey());
    EventSigner classic = EventSigner.of(Ed25519.KeyPair.generate(RANDOM));
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(RANDOM));
    KeyEvent early =
        register(TestVrf.index("+15550003333"))
            .register("phone", classic.publicKey())
            .sign(classic, carrier);
    assertThat(post(http, early).status()).isEqualTo(200);
    while (System.currentTimeMillis() + 120_000 < start + 1_000) {
      Thread.sleep(100);
    }
    KeyEvent late =
        register(TestVrf.index("+15550004444"))
            .timestampMs(start + 500)
            .register("phone", classic.publicKey())
            .sign(classic, carrier);
    Http.Response r = post(http, late);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("POST_QUANTUM_REQUIRED");
    KeyEvent latePq =
        register(TestVrf.index("+15550004444"))
            .timestampMs(start + 500)
            .register("phone", hybrid.publicKey())
            .sign(hybrid, carrier);
    r = post(http, latePq);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    server.close();

    // Restarting with the same policy is fine; moving the start into the accepted past is not.
    start(AlgorithmPolicy.DEFAULT.requirePostQuantum("dev-carrier", start)).get("/v1/info");
    server.close();
    assertThatThrownBy(() -> start(AlgorithmPolicy.DEFAULT.requirePostQuantum("dev-carrier", now)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("earlier than");
    server = null;
    // Loosening (dropping the requirement) is always allowed; allowing downgrades too, but not
    // taking that back.
    start(AlgorithmPolicy.DEFAULT.withAllowDowngrade(true)).get("/v1/info");
    server.close();
    assertThatThrownBy(() -> start(AlgorithmPolicy.DEFAULT))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("allowDowngrade was true and is now false");
    server = null;
  }

  @Test
  void checkpointsCarryAnMlDsa44LineThatAClientCanRequire() throws Exception {
    Http http = start(AlgorithmPolicy.DEFAULT);
    JsonNode info = http.get("/v1/info").json();
    String pqKey = info.get("postQuantumVerifierKey").asText();
    org.rcskt.verifier.note.SubtreeCosignature.Verifier pq =
        org.rcskt.verifier.note.SubtreeCosignature.Verifier.fromVerifierKey(pqKey);
    org.rcskt.verifier.note.NoteVerifier logKey =
        org.rcskt.verifier.note.NoteVerifiers.parse(info.get("verifierKey").asText());
    String cp = http.get("/checkpoint").text();
    assertThat(cp.lines().filter(l -> l.startsWith("\u2014 " + server.origin() + " "))).hasSize(2);
    assertThat(cp.length()).isLessThan(3_600);
    // The Ed25519 line alone verifies it (what Ed25519-only tools do), and the ML-DSA-44 line
    // verifies with the published key.
    org.rcskt.verifier.checkpoint.SignedCheckpoint.verify(
        cp.getBytes(java.nio.charset.StandardCharsets.UTF_8), server.origin(), logKey);
    assertThat(
            org.rcskt.verifier.checkpoint.SignedCheckpoint.verify(
                    cp.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    server.origin(),
                    logKey,
                    org.rcskt.verifier.note.NoteVerifiers.of(pq))
                .cosignatures())
        .hasSize(1);

    // A client that requires the post-quantum line takes the log's checkpoints and receipts ...
    org.rcskt.verifier.client.LogClient client =
        org.rcskt.verifier.client.LogClient.builder(
                java.net.URI.create(server.baseUrl() + "/"),
                server.origin(),
                logKey,
                new org.rcskt.verifier.client.FileCheckpointStore(dir.resolve("client/cp")))
            .requirePostQuantumSignature(pq)
            .build();
    assertThat(client.fetchCheckpoint().checkpoint().treeSize()).isPositive();
    EventSigner carrier = EventSigner.of(server.devCarrierKey());
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(RANDOM));
    Http.Response r =
        post(
            http,
            register(TestVrf.index("+15550005555"))
                .register("phone", hybrid.publicKey())
                .sign(hybrid, carrier));
    assertThat(r.status()).isEqualTo(200);
    client.acceptReceipt(
        r.json().get("checkpoint").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    // ... and refuses one without it (the line stripped, as a log without the key would serve).
    String receipt = r.json().get("checkpoint").asText();
    String stripped = receipt.substring(0, receipt.lastIndexOf("\u2014 "));
    assertThatThrownBy(
            () -> client.acceptReceipt(stripped.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(org.rcskt.verifier.note.UnverifiedNoteException.class)
        .hasMessageContaining("has no post-quantum signature from " + server.origin());
  }

  @Test
  void aDevicesKeyAgreementKeysAreLoggedServedAndCheckedOverHttp() throws Exception {
    Http http = start(AlgorithmPolicy.DEFAULT);
    EventSigner carrier = EventSigner.of(server.devCarrierKey());
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(RANDOM));
    Hash subject = TestVrf.index("+15550006666");
    KeyEvent reg = register(subject).register("phone", hybrid.publicKey()).sign(hybrid, carrier);
    assertThat(post(http, reg).status()).isEqualTo(200);
    byte[] x25519 = new byte[32];
    x25519[0] = 9;
    org.rcskt.verifier.event.KexKey kex =
        org.rcskt.verifier.event.KexKey.of(org.rcskt.verifier.event.KexAlgorithm.X25519, x25519, 0);
    KeyEvent keys =
        EventBuilder.forSubject(subject, "dev-carrier")
            .after(reg)
            .timestampMs(System.currentTimeMillis())
            .keys("phone", List.of(kex))
            .sign(hybrid);
    Http.Response r = post(http, keys);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode device =
        http.get("/v1/subjects/" + subject.toHex()).json().get("state").get("devices").get(0);
    assertThat(device.get("keyAgreementKeys").get(0).get("algorithm").asText()).isEqualTo("X25519");
    assertThat(
            Base64.getDecoder().decode(device.get("keyAgreementKeys").get(0).get("key").asText()))
        .isEqualTo(x25519);

    // A small-order X25519 key: 422 naming the field; signed by the carrier alone: 422.
    KeyEvent bad =
        EventBuilder.forSubject(subject, "dev-carrier")
            .after(keys)
            .timestampMs(System.currentTimeMillis())
            .keys(
                "phone",
                List.of(
                    org.rcskt.verifier.event.KexKey.of(
                        org.rcskt.verifier.event.KexAlgorithm.X25519, new byte[32], 0)))
            .sign(hybrid);
    r = post(http, bad);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("INVALID_KEX_KEY");
    assertThat(r.json().get("field").asText()).isEqualTo("payload.keyAgreementKeys");
    KeyEvent byCarrier =
        EventBuilder.forSubject(subject, "dev-carrier")
            .after(keys)
            .timestampMs(System.currentTimeMillis())
            .keys("phone", List.of())
            .sign(carrier);
    r = post(http, byCarrier);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo("MISSING_SIGNATURE");
  }
}
