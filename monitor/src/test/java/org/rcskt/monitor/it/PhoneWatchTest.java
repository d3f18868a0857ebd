package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TamperingProxy;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * A watch entry by phone number: its index is looked up on the log once, checked against the
 * configured VRF key and kept in the state; an answer whose proof does not verify raises
 * BAD_VRF_PROOF and no entries are followed until one verifies.
 */
class PhoneWatchTest {
  private static final String ALICE = "+447700900123";
  private static final String ALICE_DIGITS = ALICE.substring(1);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private MonitorConfig config(
      TestLog log, TamperingProxy proxy, Path alertFile, Ed25519.KeyPair k) {
    LogConfig direct = Fixtures.follow(log, POLL, 0);
    LogConfig viaProxy =
        new LogConfig(
            proxy.url(),
            direct.origin(),
            direct.verifierKey(),
            Optional.of(TestLog.vrfKey()),
            Optional.empty(),
            POLL,
            LogConfig.Replay.ALL,
            0);
    return Fixtures.monitor(
        dir.resolve("monitor"),
        List.of(viaProxy),
        List.of(Fixtures.watch("alice", ALICE, k)),
        List.of(new SinkConfig.File("file", alertFile)),
        List.of());
  }

  @Test
  void theIndexIsLookedUpOnceVerifiedAndKeptAcrossRestarts() throws Exception {
    Random random = new Random(11);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      AtomicInteger lookups = new AtomicInteger();
      proxy.rewrite(
          (path, body) -> {
            if (path.startsWith("/v1/keys/")) {
              lookups.incrementAndGet();
            }
            return body;
          });
      long reg = log.register(ALICE, "phone", expected);
      long rot = log.rotate(ALICE, "phone", expected, rogue);
      MonitorConfig mc = config(log, proxy, alertFile, expected);
      try (Monitor m = Monitor.start(mc)) {
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        Alert a = alerts(alertFile).get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.UNEXPECTED_KEY);
        assertThat(a.label()).isEqualTo("alice");
        assertThat(a.subject()).isEqualTo(TestVrf.index(ALICE));
        assertThat(a.leafIndex()).isEqualTo(rot);
        assertThat(a.toJson()).doesNotContain(ALICE_DIGITS);
        assertThat(reg).isLessThan(rot);
      }
      assertThat(lookups.get()).isEqualTo(1);

      // A second start reads the index from the state: the number is not sent again.
      Ed25519.KeyPair rogue2 = Ed25519.KeyPair.generate(random);
      long rot2 = log.rotate(ALICE, "phone", rogue, rogue2);
      try (Monitor m = Monitor.start(mc)) {
        await(Duration.ofSeconds(20), () -> alerts(alertFile).size() >= 2);
        assertThat(alerts(alertFile).get(1).leafIndex()).isEqualTo(rot2);
        assertThat(alerts(alertFile).get(1).subject()).isEqualTo(TestVrf.index(ALICE));
      }
      assertThat(lookups.get()).isEqualTo(1);
      assertThat(Files.readString(alertFile)).doesNotContain(ALICE_DIGITS);
    }
  }

  @Test
  void aTamperedProofIsRefusedAlertsAndNothingIsFollowedUntilOneVerifies() throws Exception {
    Random random = new Random(12);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      proxy.rewrite((path, body) -> path.startsWith("/v1/keys/") ? tamperProof(body) : body);
      log.register(ALICE, "phone", expected);
      long rot = log.rotate(ALICE, "phone", expected, rogue);
      long size = log.treeSize();
      try (Monitor m = Monitor.start(config(log, proxy, alertFile, expected))) {
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        // Several polls: still the one alert, and no entry followed past the unknown index.
        Thread.sleep(5 * POLL.toMillis());
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.BAD_VRF_PROOF);
        assertThat(a.kind().isMisbehaviour()).isFalse();
        assertThat(a.evidence()).isNull();
        assertThat(a.origin()).isEqualTo(log.origin());
        assertThat(a.label()).isEqualTo("alice");
        assertThat(a.subject()).isNull();
        assertThat(a.message())
            .isEqualTo(
                "the log's index for the watched number \"alice\" does not verify: the VRF proof"
                    + " does not verify (its challenge does not match: it is not for this key and"
                    + " number); the log's entries are not followed until it does");
        assertThat(a.details()).containsEntry("statedIndex", TestVrf.index(ALICE).toHex());
        assertThat(a.toJson()).doesNotContain(ALICE_DIGITS);
        assertThat(m.followers().get(0).verifiedEntries()).isZero();
        assertThat(m.followers().get(0).lastProblem()).isEqualTo(a.message());
        assertThat(m.followers().get(0).verifiedCheckpoint().checkpoint().treeSize())
            .as("checkpoints are still verified")
            .isEqualTo(size);

        // The log answers honestly again: the index verifies, and the rotation that happened
        // meanwhile is caught, since no entry passed unchecked.
        proxy.rewrite((path, body) -> body);
        await(Duration.ofSeconds(20), () -> alerts(alertFile).size() >= 2);
        Alert b = alerts(alertFile).get(1);
        assertThat(b.kind()).isEqualTo(AlertKind.UNEXPECTED_KEY);
        assertThat(b.leafIndex()).isEqualTo(rot);
        assertThat(b.subject()).isEqualTo(TestVrf.index(ALICE));
      }
      assertThat(Files.readString(alertFile)).doesNotContain(ALICE_DIGITS);
    }
  }

  /** Flips one bit in the scalar s of the served VRF proof: c no longer matches. */
  private static byte[] tamperProof(byte[] body) {
    try {
      ObjectNode o = (ObjectNode) JSON.readTree(body);
      byte[] proof = Base64.getDecoder().decode(o.get("vrfProof").asText());
      proof[50] ^= 1;
      o.put("vrfProof", Base64.getEncoder().encodeToString(proof));
      return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
