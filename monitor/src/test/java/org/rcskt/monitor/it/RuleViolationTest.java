package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * An accepted event that breaks the rules: the log announced that it requires carrier attestation,
 * then (restarted with another setting) accepted an unattested registration. The monitor replays
 * with the policy it pinned and reports the event with its history as evidence.
 */
class RuleViolationTest {
  @TempDir Path dir;

  @Test
  void anAcceptedEventThatBreaksThePinnedPolicyIsARuleViolation() throws Exception {
    Random random = new Random(31);
    Path alertFile = dir.resolve("alerts.jsonl");
    String bob = "+447700900777";
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900001", "phone", Ed25519.KeyPair.generate(random));
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, Duration.ofMillis(200), 0)),
                  List.of(Fixtures.watch("bob", bob)),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size);
        log.stop();
        log.restart(s -> s, true);
        long leaf = log.registerUnattested(bob, "phone", Ed25519.KeyPair.generate(random));
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        // The event's batch ends with its map root: the tree grows to leaf + 2.
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == leaf + 2);
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.RULE_VIOLATION);
        assertThat(a.leafIndex()).isEqualTo(leaf);
        assertThat(a.subject()).isEqualTo(TestVrf.index(bob));
        assertThat(a.label()).isEqualTo("bob");
        assertThat(a.message()).contains("breaks the rules");
        EvidenceVerifier.Verdict v =
            EvidenceVerifier.verify(Files.readAllBytes(Path.of(a.details().get("evidenceFile"))));
        assertThat(v.confirmed()).isTrue();
        assertThat(v.message())
            .startsWith(
                "the signed tree of size "
                    + (leaf + 2)
                    + " includes at leaf "
                    + leaf
                    + " an event that breaks the rules (MISSING_CARRIER_ATTESTATION)");
      }
    }
  }
}
