package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Issue 4, test 4: the monitor is stopped in the middle of catching up while the log keeps growing,
 * then started again on the same state: every alert arrives exactly once.
 */
class RestartTest {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int WATCHED = 40;

  @TempDir Path dir;

  @Test
  void stoppingMidStreamLosesNoAlertAndRepeatsNone() throws Exception {
    Random random = new Random(5);
    Path alertFile = dir.resolve("alerts.jsonl");
    List<WatchConfig> watch = new ArrayList<>();
    for (int i = 0; i < WATCHED; i++) {
      watch.add(Fixtures.watch("w" + i, String.format("+4477009%05d", i)));
    }
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      List<Long> watchedLeaves = Collections.synchronizedList(new ArrayList<>());
      // A backlog of 1,500 entries with the first half of the watched registrations in it.
      for (int i = 0; i < 1500; i++) {
        if (i % 75 == 0) {
          int w = watchedLeaves.size();
          watchedLeaves.add(
              log.register(
                  String.format("+4477009%05d", w), "phone", Ed25519.KeyPair.generate(random)));
        } else {
          log.register(String.format("+1555%07d", i), "phone", Ed25519.KeyPair.generate(random));
        }
      }
      MonitorConfig config =
          Fixtures.monitor(
              dir.resolve("monitor"),
              List.of(Fixtures.follow(log, POLL, 0)),
              watch,
              List.of(new SinkConfig.File("file", alertFile)),
              List.of());
      // The log keeps growing while the monitor stops and starts.
      AtomicReference<Exception> failed = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  Random r = new Random(6);
                  for (int i = 0; i < WATCHED - 20; i++) {
                    watchedLeaves.add(
                        log.register(
                            String.format("+4477009%05d", 20 + i),
                            "phone",
                            Ed25519.KeyPair.generate(r)));
                    log.register(
                        String.format("+1666%07d", i), "phone", Ed25519.KeyPair.generate(r));
                    Thread.sleep(40);
                  }
                } catch (Exception e) {
                  failed.set(e);
                }
              });
      writer.start();

      // One bundle per commit: stop after a few commits, in the middle of the backlog.
      try (Monitor m = Monitor.start(config, Clock.systemUTC(), 1)) {
        await(Duration.ofSeconds(30), () -> m.followers().get(0).verifiedEntries() >= 512);
      }
      int before = alerts(alertFile).size();
      Thread.sleep(300);
      try (Monitor m = Monitor.start(config, Clock.systemUTC(), 1)) {
        writer.join();
        assertThat(failed.get()).isNull();
        long size = log.treeSize();
        await(Duration.ofSeconds(60), () -> m.followers().get(0).verifiedEntries() == size);
        await(Duration.ofSeconds(10), () -> alerts(alertFile).size() >= WATCHED);
        Thread.sleep(3 * POLL.toMillis());
      }
      List<Alert> got = alerts(alertFile);
      assertThat(before).as("alerts before the restart").isBetween(1, WATCHED - 1);
      Set<String> expected = new HashSet<>();
      for (long leaf : watchedLeaves) {
        expected.add("unexpected-key:" + log.origin() + ":" + leaf);
      }
      assertThat(got).extracting(Alert::id).doesNotHaveDuplicates();
      assertThat(new HashSet<>(got.stream().map(Alert::id).toList())).isEqualTo(expected);
      List<Long> seqs = got.stream().map(Alert::seq).toList();
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(i + 1L);
      }
    }
  }
}
