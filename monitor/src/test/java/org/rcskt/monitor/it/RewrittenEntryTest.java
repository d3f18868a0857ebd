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
import org.rcskt.monitor.testing.RewritingLogStore;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Issue 4, test 3: a log that rewrites an entry it has already served (restarted on an altered
 * store) is caught, with evidence that verifies against the log's own signed checkpoint.
 */
class RewrittenEntryTest {
  private static final Duration POLL = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void anEntryRewrittenAfterItWasServedIsDetected() throws Exception {
    Random random = new Random(4);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      long victim = -1;
      for (int i = 0; i < 300; i++) {
        long leaf =
            log.register(
                String.format("+4477009%05d", i), "phone", Ed25519.KeyPair.generate(random));
        if (i == 40) {
          victim = leaf;
        }
      }
      long size = log.treeSize();
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, POLL, 2)),
                  List.of(),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        await(Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() == size);
        assertThat(alerts(alertFile)).isEmpty();

        // The operator stops the log, rewrites entry `victim` (a registration of another key for
        // the same number), and starts it again on the altered store.
        log.stop();
        byte[] forged =
            EventBuilder.forSubject(TestVrf.index("+447700900040"), LogServer.DEV_CARRIER_ID)
                .timestampMs(System.currentTimeMillis())
                .register(
                    "phone", PublicKeyInfo.ed25519(Ed25519.KeyPair.generate(random).publicKey()))
                .sign(Ed25519.KeyPair.generate(random))
                .encoded();
        long target = victim;
        log.restart(store -> new RewritingLogStore(store, target, forged));

        await(Duration.ofSeconds(30), () -> !alerts(alertFile).isEmpty());
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.ENTRY_REWRITTEN);
        assertThat(a.leafIndex()).isEqualTo(0);
        EvidenceVerifier.Verdict v =
            EvidenceVerifier.verify(Files.readAllBytes(Path.of(a.details().get("evidenceFile"))));
        assertThat(v.confirmed()).isTrue();
        assertThat(v.message())
            .startsWith("the signed tree of size " + size + " commits to bundle 0 with root ");
      }
    }
  }
}
