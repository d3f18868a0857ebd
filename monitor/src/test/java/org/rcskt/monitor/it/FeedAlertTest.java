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
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.RevocationReason;

/**
 * The monitor follows the log's push feed: with a poll interval of a minute, a watched number's
 * revocation still alerts within a second or two, because the feed's checkpoint wakes the follower;
 * and a monitor with the feed off waits for its poll.
 */
class FeedAlertTest {
  private static final String ALICE = "+447700900777";
  private static final Duration SLOW_POLL = Duration.ofMinutes(1);

  @TempDir Path dir;

  @Test
  void aRevocationAlertsWithinAMomentThroughTheFeedNotAtTheNextPoll() throws Exception {
    Random random = new Random(19);
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register(ALICE, "phone", k);
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, SLOW_POLL, 0)),
                  List.of(Fixtures.watch("alice", ALICE, k)),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() >= size);
        await(Duration.ofSeconds(10), () -> m.feeds().get(0).connected());
        long t0 = System.nanoTime();
        long leaf = log.revoke(ALICE, "phone", k, RevocationReason.COMPROMISED);
        await(Duration.ofSeconds(10), () -> !alerts(alertFile).isEmpty());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("submit to alert, with a %s poll", SLOW_POLL).isLessThan(3000);
        Alert a = alerts(alertFile).get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.REVOCATION);
        assertThat(a.leafIndex()).isEqualTo(leaf);
        assertThat(m.feeds().get(0).checkpoints()).isPositive();
      }
    }
  }

  @Test
  void withTheFeedOffTheMonitorWaitsForItsPoll() throws Exception {
    Random random = new Random(20);
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register(ALICE, "phone", k);
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.withoutFeed(Fixtures.follow(log, Duration.ofSeconds(4), 0))),
                  List.of(Fixtures.watch("alice", ALICE, k)),
                  List.of(new SinkConfig.File("file", alertFile)),
                  List.of()))) {
        long size = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() >= size);
        assertThat(m.feeds()).isEmpty();
        log.revoke(ALICE, "phone", k, RevocationReason.COMPROMISED);
        Thread.sleep(300);
        // The next poll is up to 4 s away: nothing yet this soon (the feed would have been).
        long verified = m.followers().get(0).verifiedEntries();
        await(Duration.ofSeconds(15), () -> !alerts(alertFile).isEmpty());
        assertThat(verified).isLessThan(log.treeSize());
      }
    }
  }
}
