package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.WebhookReceiver;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Issue 4, test 5: the webhook receiver is down for a while (and the monitor restarts meanwhile);
 * every alert arrives, once and in order, after it comes back.
 */
class WebhookOutageTest {
  private static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path dir;

  @Test
  void everyAlertArrivesAfterTheReceiverReturns() throws Exception {
    Random random = new Random(7);
    List<WatchConfig> watch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      watch.add(Fixtures.watch("w" + i, String.format("+4477009%05d", i)));
    }
    try (TestLog log = TestLog.start(dir.resolve("log"));
        WebhookReceiver hook = WebhookReceiver.start()) {
      hook.stop();
      MonitorConfig config =
          Fixtures.monitor(
              dir.resolve("monitor"),
              List.of(Fixtures.follow(log, POLL, 0)),
              watch,
              List.of(
                  new SinkConfig.Webhook(
                      "hook",
                      hook.url(),
                      Map.of("Authorization", "Bearer test"),
                      Duration.ofSeconds(2),
                      Duration.ofMillis(50),
                      Duration.ofMillis(400))),
              List.of());
      List<Long> leaves = new ArrayList<>();
      try (Monitor m = Monitor.start(config)) {
        for (int i = 0; i < 6; i++) {
          leaves.add(
              log.register(
                  String.format("+4477009%05d", i), "phone", Ed25519.KeyPair.generate(random)));
        }
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size);
        await(Duration.ofSeconds(10), () -> m.store().pendingCount("hook") == 6);
        await(
            Duration.ofSeconds(10),
            () ->
                m.metrics()
                        .value(
                            "rcskt_monitor_alert_deliveries", "sink", "hook", "outcome", "failed")
                    >= 3);
      }
      // Still down; the monitor restarts and more alerts are raised.
      try (Monitor m = Monitor.start(config)) {
        for (int i = 6; i < 12; i++) {
          leaves.add(
              log.register(
                  String.format("+4477009%05d", i), "phone", Ed25519.KeyPair.generate(random)));
        }
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size);
        Thread.sleep(1000);
        assertThat(hook.bodies()).isEmpty();
        assertThat(m.store().pendingCount("hook")).isEqualTo(12);

        hook.restart();
        await(Duration.ofSeconds(20), () -> hook.bodies().size() >= 12);
        await(Duration.ofSeconds(10), () -> m.store().pendingCount("hook") == 0);
      }
      List<Alert> got = new ArrayList<>();
      for (String body : hook.bodies()) {
        got.add(Alert.fromJson(body.getBytes(StandardCharsets.UTF_8)));
      }
      assertThat(got).hasSize(12);
      assertThat(got)
          .extracting(Alert::seq)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
      List<String> ids = new ArrayList<>();
      for (long leaf : leaves) {
        ids.add("unexpected-key:" + log.origin() + ":" + leaf);
      }
      assertThat(got).extracting(Alert::id).containsExactlyElementsOf(ids);
      assertThat(hook.idempotencyKeys()).containsExactlyElementsOf(ids);
    }
  }
}
