package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

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
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;

/** Issue 4, test 1: an unexpected rotation of a watched number alerts within one poll interval. */
class UnexpectedRotationTest {
  private static final String ALICE = "+447700900123";
  private static final String BOB = "+447700900456";
  private static final Duration POLL = Duration.ofSeconds(1);

  @TempDir Path dir;

  @Test
  void unexpectedRotationAlertsOnceWithinOnePollAndExpectedOnesDoNot() throws Exception {
    Random random = new Random(1);
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair bobKey = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, POLL, 4)),
                  List.of(Fixtures.watch("alice", ALICE, k1, k2), Fixtures.watch("bob", BOB)),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        log.register(ALICE, "phone", k1);
        log.rotate(ALICE, "phone", k1, k2);
        // An unwatched subject's events are replayed but raise nothing.
        log.register("+15550000001", "phone", Ed25519.KeyPair.generate(random));
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() >= size);
        Thread.sleep(POLL.toMillis());
        assertThat(alerts(alertFile)).as("expected changes raise nothing").isEmpty();

        long submitted = System.nanoTime();
        long leaf = log.rotate(ALICE, "phone", k2, rogue);
        await(POLL.plusMillis(1500), () -> !alerts(alertFile).isEmpty());
        long tookMs = (System.nanoTime() - submitted) / 1_000_000;
        assertThat(tookMs).as("alert latency").isLessThanOrEqualTo(POLL.toMillis() + 1500);

        // Give it two more polls: still exactly one alert.
        Thread.sleep(2 * POLL.toMillis());
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.UNEXPECTED_KEY);
        assertThat(a.label()).isEqualTo("alice");
        assertThat(a.subject()).isEqualTo(TestVrf.index(ALICE));
        assertThat(a.leafIndex()).isEqualTo(leaf);
        assertThat(a.id()).isEqualTo("unexpected-key:" + log.origin() + ":" + leaf);
        assertThat(a.details())
            .containsEntry("keyId", PublicKeyInfo.ed25519(rogue.publicKey()).keyId().toHex())
            .containsEntry("eventType", "ROTATE")
            .containsEntry("deviceId", "phone");
        assertThat(a.toJson()).doesNotContain(ALICE);

        // Bob expects nothing: his registration alerts, then a recovery and a revocation do.
        long reg = log.register(BOB, "tablet", bobKey);
        Ed25519.KeyPair bobNew = Ed25519.KeyPair.generate(random);
        long rec = log.recover(BOB, "tablet", bobNew);
        long rev = log.revoke(BOB, "tablet", bobNew, RevocationReason.DEVICE_LOST);
        await(Duration.ofSeconds(20), () -> alerts(alertFile).size() >= 5);
        Thread.sleep(POLL.toMillis());
        List<Alert> all = alerts(alertFile);
        assertThat(all)
            .extracting(x -> x.kind() + "@" + x.leafIndex())
            .containsExactly(
                "UNEXPECTED_KEY@" + leaf,
                "UNEXPECTED_KEY@" + reg,
                "UNEXPECTED_KEY@" + rec,
                "RECOVERY_ROTATION@" + rec,
                "REVOCATION@" + rev);
        assertThat(all.get(4).details()).containsEntry("reason", "DEVICE_LOST");
        assertThat(all).extracting(Alert::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(m.metrics().value("rcskt_monitor_alerts", "kind", "unexpected-key"))
            .isEqualTo(3.0);
      }
    }
  }
}
