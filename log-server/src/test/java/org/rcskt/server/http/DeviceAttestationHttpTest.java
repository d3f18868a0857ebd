package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.attestation.AndroidAuthorizationList.VerifiedBootState;
import org.rcskt.verifier.attestation.AndroidKeyAttestation;
import org.rcskt.verifier.attestation.AndroidStatusList;
import org.rcskt.verifier.attestation.AttestationChallenge;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.DeviceEvidence;
import org.rcskt.verifier.attestation.SecurityLevel;
import org.rcskt.verifier.attestation.TrustAnchors;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.attestation.testing.AppleTestAttestations;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;

/**
 * Device attestation through a real log over HTTP, with evidence from test certificate authorities
 * (real device evidence cannot bind to our events): good Android and Apple evidence is logged and
 * its mark served; every broken kind answers 422 naming the check, and nothing is logged; a carrier
 * that requires hardware refuses software keys and missing evidence; the policy is published.
 */
class DeviceAttestationHttpTest {
  private static final Random RANDOM = new Random(13_13);
  private static final String CARRIER = "dev-carrier";
  private static final BigInteger REVOKED_SERIAL = new BigInteger("5cb838f1fe157a85", 16);

  @TempDir Path dir;
  LogServer server;
  Http http;

  private final AppleTestAttestations apple = new AppleTestAttestations(Instant.now());

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private AndroidTestChains android(byte[] challenge, AndroidTestChainsSettings s) {
    AndroidTestChains.Builder b = AndroidTestChains.builder().challenge(challenge);
    s.apply(b);
    return b.build();
  }

  @FunctionalInterface
  interface AndroidTestChainsSettings {
    void apply(AndroidTestChains.Builder b);
  }

  /** Starts a log trusting {@code androidRoots} and the Apple test root. */
  private void start(String androidRoots, Map<String, Long> hardwareFrom) throws Exception {
    AndroidStatusList status =
        AndroidStatusList.parse(
            "{\"entries\": {\""
                + REVOKED_SERIAL.toString(16)
                + "\": {\"status\": \"REVOKED\", \"reason\": \"KEY_COMPROMISE\"}}}",
            "test status list");
    DeviceAttestationPolicy policy =
        new DeviceAttestationPolicy(
            TrustAnchors.fromPem(androidRoots, "android roots"),
            apple.roots(),
            new DeviceAttestationPolicy.Apps(
                List.of(
                    new AndroidKeyAttestation.AllowedApp(
                        AndroidTestChains.DEFAULT_PACKAGE, defaultDigest())),
                Set.of(AppleTestAttestations.DEFAULT_APP_ID)),
            Map.of(),
            hardwareFrom,
            false,
            status);
    server =
        LogServer.start(
            ServerConfig.builder(dir).port(0).devMode(true).deviceAttestation(policy).build());
    http = new Http(server.baseUrl());
  }

  private static byte[] defaultDigest() {
    return AndroidTestChains.builder().build().signingDigest();
  }

  private record Pending(Hash subject, EventSigner device, long timestampMs, byte[] challenge) {}

  private static Pending pending(String number, String carrier) {
    Hash subject = TestVrf.index(number);
    EventSigner device = EventSigner.of(Ed25519.KeyPair.generate(RANDOM));
    long now = System.currentTimeMillis();
    byte[] challenge =
        AttestationChallenge.of(
            subject.toByteArray(), carrier, "phone", device.publicKey().keyId().toByteArray(), now);
    return new Pending(subject, device, now, challenge);
  }

  private KeyEvent register(Pending p, String carrier, byte[] evidence) {
    EventBuilder b =
        EventBuilder.forSubject(p.subject(), carrier)
            .sequence(0)
            .previousHash(Hash.ZERO)
            .timestampMs(p.timestampMs());
    if (evidence != null) {
      b.attestationEvidence(evidence);
    }
    return b.register("phone", p.device().publicKey())
        .sign(p.device(), EventSigner.of(server.devCarrierKey()));
  }

  private Http.Response post(KeyEvent e) {
    return http.post("/v1/events", EventJson.toJsonString(e));
  }

  private long treeSize() {
    return http.get("/v1/info").json().get("treeSize").asLong();
  }

  private void assertRefused(KeyEvent e, String violation, String check) {
    long before = treeSize();
    Http.Response r = post(e);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().get("violation").asText()).isEqualTo(violation);
    assertThat(r.json().get("field").asText()).isEqualTo("attestationEvidence");
    if (check == null) {
      assertThat(r.json().has("check")).as(r.text()).isFalse();
    } else {
      assertThat(r.json().get("check").asText()).as(r.text()).isEqualTo(check);
    }
    assertThat(treeSize()).isEqualTo(before);
  }

  private JsonNode deviceMark(Hash subject) {
    JsonNode s = http.get("/v1/subjects/" + subject.toHex()).json();
    return s.get("state").get("devices").get(0).get("deviceAttestation");
  }

  @Test
  void goodEvidenceIsLoggedAndEveryBrokenKindIsRefusedByName() throws Exception {
    Pending a = pending("+15550003001", CARRIER);
    AndroidTestChains good =
        android(
            a.challenge(),
            b -> b.securityLevel(SecurityLevel.STRONG_BOX, SecurityLevel.STRONG_BOX));
    Pending rev = pending("+15550003002", CARRIER);
    AndroidTestChains revoked = android(rev.challenge(), b -> b.intermediateSerial(REVOKED_SERIAL));
    Pending p = pending("+15550003005", CARRIER);
    AndroidTestChains untrusted = android(p.challenge(), b -> {});
    AndroidTestChains forOtherKey = android(pending("+15550003005", CARRIER).challenge(), b -> {});
    AndroidTestChains expired =
        android(
            p.challenge(),
            b ->
                b.leafValidity(
                    Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z")));
    AndroidTestChains otherApp =
        android(p.challenge(), b -> b.app("com.example.cloned", new byte[32]));
    start(
        good.rootPem()
            + revoked.rootPem()
            + forOtherKey.rootPem()
            + expired.rootPem()
            + otherApp.rootPem(),
        Map.of());

    // Android, StrongBox: logged, and the subject's state shows the mark.
    Http.Response r = post(register(a, CARRIER, DeviceEvidence.android(good.chainDer()).encode()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode mark = deviceMark(a.subject());
    assertThat(mark.get("platform").asText()).isEqualTo("ANDROID_KEY_ATTESTATION");
    assertThat(mark.get("securityLevel").asText()).isEqualTo("STRONG_BOX");
    assertThat(mark.get("hardwareBacked").asBoolean()).isTrue();

    // Apple: logged as Secure Enclave.
    Pending ap = pending("+15550003003", CARRIER);
    byte[] obj = apple.clientDataHash(ap.challenge()).attestationObject();
    r = post(register(ap, CARRIER, DeviceEvidence.apple(obj).encode()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(deviceMark(ap.subject()).get("securityLevel").asText()).isEqualTo("SECURE_ENCLAVE");

    // No evidence: accepted, unmarked, as before.
    Pending none = pending("+15550003004", CARRIER);
    r = post(register(none, CARRIER, null));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(deviceMark(none.subject())).isNull();

    // A revoked intermediate (status list), a root the log does not trust, evidence made for
    // another key, a tampered certificate, an expired leaf, an app not allowed, garbage framing.
    assertRefused(
        register(rev, CARRIER, DeviceEvidence.android(revoked.chainDer()).encode()),
        "INVALID_ATTESTATION",
        "revoked");
    assertRefused(
        register(p, CARRIER, DeviceEvidence.android(untrusted.chainDer()).encode()),
        "INVALID_ATTESTATION",
        "root");
    assertRefused(
        register(p, CARRIER, DeviceEvidence.android(forOtherKey.chainDer()).encode()),
        "INVALID_ATTESTATION",
        "challenge");
    List<byte[]> tampered = good.chainDer();
    tampered.get(0)[tampered.get(0).length - 5] ^= 1;
    assertRefused(
        register(p, CARRIER, DeviceEvidence.android(tampered).encode()),
        "INVALID_ATTESTATION",
        "chain");
    assertRefused(
        register(p, CARRIER, DeviceEvidence.android(expired.chainDer()).encode()),
        "INVALID_ATTESTATION",
        "validity");
    assertRefused(
        register(p, CARRIER, DeviceEvidence.android(otherApp.chainDer()).encode()),
        "INVALID_ATTESTATION",
        "app-id");
    assertRefused(register(p, CARRIER, new byte[] {9, 9, 9}), "INVALID_ATTESTATION", "malformed");
    Pending ap2 = pending("+15550003006", CARRIER);
    byte[] otherApple =
        new AppleTestAttestations(Instant.now())
            .clientDataHash(ap2.challenge())
            .attestationObject();
    assertRefused(
        register(ap2, CARRIER, DeviceEvidence.apple(otherApple).encode()),
        "INVALID_ATTESTATION",
        "root");

    // The policy is published, roots as PEM, without the status list.
    JsonNode policy = http.get("/v1/info").json().get("rules").get("deviceAttestation");
    assertThat(policy.get("androidRoots").asText()).contains("BEGIN CERTIFICATE");
    assertThat(policy.get("apps").get("apple").get(0).asText())
        .isEqualTo(AppleTestAttestations.DEFAULT_APP_ID);
    assertThat(policy.has("statusList")).isFalse();

    // fsck's replay checks the logged evidence under the policy the log ran with and reaches the
    // same device states (marks included).
    server.close();
    server = null;
    org.rcskt.server.testing.Cli.Run fsck =
        org.rcskt.server.testing.Cli.run("fsck", "--data-dir", dir.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.out()).isZero();
  }

  @Test
  void aCarrierThatRequiresHardwareRefusesSoftwareKeysAndMissingEvidence() throws Exception {
    Pending soft = pending("+15550004001", CARRIER);
    AndroidTestChains software =
        android(
            soft.challenge(), b -> b.securityLevel(SecurityLevel.SOFTWARE, SecurityLevel.SOFTWARE));
    Pending unlocked = pending("+15550004002", CARRIER);
    AndroidTestChains unlockedChain =
        android(unlocked.challenge(), b -> b.bootState(VerifiedBootState.UNVERIFIED, false));
    Pending tee = pending("+15550004003", CARRIER);
    AndroidTestChains teeChain = android(tee.challenge(), b -> {});
    start(software.rootPem() + unlockedChain.rootPem() + teeChain.rootPem(), Map.of("*", 0L));

    assertRefused(
        register(soft, CARRIER, DeviceEvidence.android(software.chainDer()).encode()),
        "DEVICE_ATTESTATION_REQUIRED",
        "security-level");
    assertRefused(
        register(unlocked, CARRIER, DeviceEvidence.android(unlockedChain.chainDer()).encode()),
        "DEVICE_ATTESTATION_REQUIRED",
        "security-level");
    assertRefused(
        register(pending("+15550004004", CARRIER), CARRIER, null),
        "DEVICE_ATTESTATION_REQUIRED",
        null);
    Http.Response r =
        post(register(tee, CARRIER, DeviceEvidence.android(teeChain.chainDer()).encode()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(deviceMark(tee.subject()).get("hardwareBacked").asBoolean()).isTrue();
  }
}
