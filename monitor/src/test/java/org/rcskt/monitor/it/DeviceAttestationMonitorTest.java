package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.attestation.AndroidKeyAttestation;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.DeviceAttestationPolicyJson;
import org.rcskt.verifier.attestation.DeviceEvidence;
import org.rcskt.verifier.attestation.Platform;
import org.rcskt.verifier.attestation.SecurityLevel;
import org.rcskt.verifier.attestation.TrustAnchors;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.client.FileCheckpointStore;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.continuity.ContinuityChecker;
import org.rcskt.verifier.continuity.FilePinStore;
import org.rcskt.verifier.continuity.Verdict;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * Device attestation marks beyond the log: a monitor replays evidence under the policy the log
 * publishes and names the mark in its alert, and a messaging app's continuity verdict shows the
 * shown key as hardware-backed.
 */
class DeviceAttestationMonitorTest {
  private static final String ALICE = "+447700900321";
  private static final String BOB = "+447700900322";

  @TempDir Path dir;

  @Test
  void theMonitorAndTheAppSeeTheMarkTheLogComputed() throws Exception {
    Random random = new Random(1313);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair bob = Ed25519.KeyPair.generate(random);
    // One test CA: chains issued with the same seed, leaf key and serial have the same root.
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair leafKey = g.generateKeyPair();
    java.math.BigInteger serial = java.math.BigInteger.valueOf(77);
    AndroidTestChains template =
        AndroidTestChains.builder().seed(7).leafKey(leafKey).intermediateSerial(serial).build();
    DeviceAttestationPolicy policy =
        new DeviceAttestationPolicy(
            TrustAnchors.fromPem(template.rootPem(), "test root"),
            TrustAnchors.none(),
            new DeviceAttestationPolicy.Apps(
                List.of(
                    new AndroidKeyAttestation.AllowedApp(
                        template.packageName(), template.signingDigest())),
                Set.of()),
            Map.of(),
            Map.of(),
            false,
            null);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.startWithDeviceAttestation(dir.resolve("log"), policy)) {
      long leaf =
          log.registerWithEvidence(
              ALICE,
              "phone",
              rogue,
              challenge ->
                  DeviceEvidence.android(
                          AndroidTestChains.builder()
                              .seed(7)
                              .leafKey(leafKey)
                              .intermediateSerial(serial)
                              .challenge(challenge)
                              .securityLevel(SecurityLevel.STRONG_BOX, SecurityLevel.STRONG_BOX)
                              .build()
                              .chainDer())
                      .encode());
      log.register(BOB, "phone", bob);

      // The monitor fetched the published policy and checked the evidence itself.
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, Duration.ofMillis(200), 0)),
                  List.of(Fixtures.watch("alice", ALICE, expected)),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        Alert a = alerts(alertFile).get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.UNEXPECTED_KEY);
        assertThat(a.leafIndex()).isEqualTo(leaf);
        assertThat(a.details().get("deviceAttestation"))
            .isEqualTo("ANDROID_KEY_ATTESTATION STRONG_BOX hardware-backed");
      }

      // A messaging app replaying with the published policy gets the same mark in its verdict.
      JsonNode info =
          new ObjectMapper()
              .readTree(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(log.url().resolve("v1/info")).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body());
      DeviceAttestationPolicy published =
          DeviceAttestationPolicyJson.fromJson(
              info.get("rules").get("deviceAttestation"), "rules.deviceAttestation");
      LogClient client =
          LogClient.builder(
                  URI.create(log.url().toString()),
                  log.origin(),
                  NoteVerifiers.parse(log.verifierKey()),
                  new FileCheckpointStore(dir.resolve("app-checkpoint")))
              .vrfKey(TestVrf.PUBLIC)
              .build();
      RulesContext rules = RulesContext.replay(log.server().policyKey());
      ContinuityChecker app =
          new ContinuityChecker(
              client,
              new FilePinStore(dir.resolve("app-pins")),
              rules.withDeviceAttestation(published));
      Verdict v = app.check(ALICE, rogue.publicKey());
      assertThat(v.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
      assertThat(v.shownKeyAttestation().platform()).isEqualTo(Platform.ANDROID_KEY_ATTESTATION);
      assertThat(v.shownKeyAttestation().securityLevel()).isEqualTo(SecurityLevel.STRONG_BOX);
      assertThat(v.shownKeyAttestation().hardwareBacked()).isTrue();
      assertThat(app.check(BOB, bob.publicKey()).shownKeyAttestation()).isNull();

      // Without the policy the evidence is only structure: the mark says "not checked".
      ContinuityChecker blind =
          new ContinuityChecker(client, new FilePinStore(dir.resolve("blind-pins")), rules);
      Verdict b = blind.check(ALICE, rogue.publicKey());
      assertThat(b.shownKeyAttestation().verified()).isFalse();
      assertThat(b.shownKeyAttestation().hardwareBacked()).isFalse();
    }
  }
}
