package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.PublicKeyInfo;

/** A watched key past its not-after date alerts once; heartbeats arrive on their interval. */
class ExpiryAndHeartbeatTest {
  private static final String ALICE = "+447700900123";

  @TempDir Path dir;

  @Test
  void anExpiredKeyAlertsOnceAndHeartbeatsFlow() throws Exception {
    Random random = new Random(10);
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      long notAfter = System.currentTimeMillis() + 3_600_000;
      long leaf =
          log.submit(
              EventBuilder.forSubject(TestVrf.index(ALICE), LogServer.DEV_CARRIER_ID)
                  .timestampMs(System.currentTimeMillis())
                  .register("phone", PublicKeyInfo.ed25519(k.publicKey(), notAfter))
                  .sign(k, log.carrier()));
      MonitorConfig base =
          Fixtures.monitor(
              dir.resolve("monitor"),
              List.of(Fixtures.follow(log, Duration.ofMillis(200), 0)),
              List.of(Fixtures.watch("alice", ALICE, k)),
              List.of(new SinkConfig.File("file", alertFile)),
              List.of());
      MonitorConfig config =
          new MonitorConfig(
              base.dataDir(),
              base.listenHost(),
              base.listenPort(),
              base.logs(),
              base.watch(),
              base.sinks(),
              base.gossip(),
              Optional.of(Duration.ofMillis(300)));
      // The monitor's clock runs a day ahead: the key has expired by its reckoning.
      Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
      try (Monitor m = Monitor.start(config, ahead)) {
        await(
            Duration.ofSeconds(20),
            () ->
                alerts(alertFile).stream().filter(a -> a.kind() == AlertKind.HEARTBEAT).count()
                    >= 2);
        Thread.sleep(600);
      }
      List<Alert> got = alerts(alertFile);
      List<Alert> expired = got.stream().filter(a -> a.kind() == AlertKind.KEY_EXPIRED).toList();
      assertThat(expired).hasSize(1);
      assertThat(expired.get(0).label()).isEqualTo("alice");
      assertThat(expired.get(0).details())
          .containsEntry("keyId", PublicKeyInfo.ed25519(k.publicKey()).keyId().toHex())
          .containsEntry("deviceId", "phone");
      assertThat(got.stream().filter(a -> a.kind() == AlertKind.UNEXPECTED_KEY)).isEmpty();
      Alert hb =
          got.stream().filter(a -> a.kind() == AlertKind.HEARTBEAT).findFirst().orElseThrow();
      // The event and its batch's map root.
      assertThat(hb.details()).containsEntry("treeSize." + log.origin(), Long.toString(leaf + 2));
    }
  }
}
