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
import org.rcskt.monitor.config.ExpectedKey;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;
import org.rcskt.verifier.event.AlgorithmPolicy;
import org.rcskt.verifier.event.EventSigner;

/**
 * A monitor following a real log with post-quantum keys: it replays hybrid and ML-DSA-65 events
 * under the log's published algorithm policy, which it pins, and raises an algorithm-downgrade
 * alert when a watched subject's post-quantum key is replaced by an Ed25519 key.
 */
class PostQuantumWatchTest {
  private static final String ALICE = "+447700900777";

  @TempDir Path dir;

  private static ExpectedKey expected(EventSigner s) {
    return new ExpectedKey(s.publicKey().keyId().toHex(), s.publicKey().keyId());
  }

  @Test
  void postQuantumKeysReplayAndADowngradeAlerts() throws Exception {
    Random random = new Random(404);
    EventSigner hybrid = EventSigner.of(Ed25519MlDsa65.KeyPair.generate(random));
    EventSigner mlDsa = EventSigner.of(MlDsa65.KeyPair.generate(random));
    EventSigner classic = EventSigner.of(Ed25519.KeyPair.generate(random));
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log =
        TestLog.startWithAlgorithms(
            dir.resolve("log"), AlgorithmPolicy.DEFAULT.withAllowDowngrade(true))) {
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, Duration.ofMillis(200), 2)),
                  List.of(
                      WatchConfig.ofPhone(
                          "alice",
                          ALICE,
                          List.of(expected(hybrid), expected(mlDsa), expected(classic)))),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        log.register(ALICE, "phone", hybrid);
        log.rotate(ALICE, "phone", hybrid, mlDsa);
        // An unwatched subject with post-quantum keys is replayed too.
        log.register("+15550000777", "phone", EventSigner.of(MlDsa65.KeyPair.generate(random)));
        byte[] x25519 = new byte[32];
        x25519[0] = 9;
        long keysLeaf =
            log.keys(
                ALICE,
                "phone",
                mlDsa,
                List.of(
                    org.rcskt.verifier.event.KexKey.of(
                        org.rcskt.verifier.event.KexAlgorithm.X25519, x25519, 0)));
        long leaf = log.rotate(ALICE, "phone", mlDsa, classic);
        long size = log.treeSize();
        await(Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() >= size);
        await(Duration.ofSeconds(10), () -> alerts(alertFile).size() >= 2);
        Thread.sleep(500);
        List<Alert> got = alerts(alertFile);
        assertThat(got)
            .extracting(Alert::kind)
            .containsExactly(AlertKind.KEY_AGREEMENT_KEYS, AlertKind.ALGORITHM_DOWNGRADE);
        assertThat(got.get(0).leafIndex()).isEqualTo(keysLeaf);
        assertThat(got.get(0).details()).containsEntry("keyAgreementAlgorithms", "X25519");
        Alert a = got.get(1);
        assertThat(a.leafIndex()).isEqualTo(leaf);
        assertThat(a.details())
            .containsEntry("keyAlgorithm", "ED25519")
            .containsEntry("keyId", classic.publicKey().keyId().toHex());
        assertThat(m.followers().get(0).lastProblem()).isNull();
      }
    }
  }
}
