package org.rcskt.monitor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.WebhookReceiver;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.RevocationReason;

/**
 * Submit-to-alert latency of a watched number's revocation, end to end: the event submitted over
 * HTTP, logged, noticed by the monitor, fetched and verified, the alert committed and delivered to
 * a webhook on loopback. Two monitors follow the same log at once, so every revocation is timed by
 * both in the same run: one on the push feed (with a one-minute poll underneath, so the feed alone
 * makes it fast), one polling every second with the feed off (the baseline).
 *
 * <p>Run it with {@code mvn -pl monitor -am verify -Dtest=FeedLatencyBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.argLine="-Drcskt.bench.dir=DIR"} (not a
 * default test); {@code rcskt.bench.trials} (default 100) sets the number of revocations.
 */
class FeedLatencyBenchmark {
  @Test
  void submitToAlert() throws Exception {
    String dir = System.getProperty("rcskt.bench.dir");
    Assumptions.assumeTrue(dir != null, "set rcskt.bench.dir to run");
    int trials = Integer.getInteger("rcskt.bench.trials", 100);
    Path base = Path.of(dir);
    if (Files.exists(base)) {
      try (var w = Files.walk(base)) {
        w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(base);
    Random random = new Random(21);
    try (TestLog log = TestLog.start(base.resolve("log"));
        WebhookReceiver feedHook = WebhookReceiver.start();
        WebhookReceiver pollHook = WebhookReceiver.start()) {
      List<String> numbers = new ArrayList<>();
      List<Ed25519.KeyPair> keys = new ArrayList<>();
      List<WatchConfig> watch = new ArrayList<>();
      for (int i = 0; i < trials; i++) {
        String n = "+4477008" + (10000 + i);
        Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
        log.register(n, "phone", k);
        numbers.add(n);
        keys.add(k);
        watch.add(Fixtures.watchSubject("w" + i, n, k));
      }
      try (Monitor feed =
              Monitor.start(
                  Fixtures.monitor(
                      base.resolve("feed-monitor"),
                      List.of(Fixtures.follow(log, Duration.ofMinutes(1), 0)),
                      watch,
                      List.of(sink(feedHook)),
                      List.of()));
          Monitor poll =
              Monitor.start(
                  Fixtures.monitor(
                      base.resolve("poll-monitor"),
                      List.of(Fixtures.withoutFeed(Fixtures.follow(log, Duration.ofSeconds(1), 0))),
                      watch,
                      List.of(sink(pollHook)),
                      List.of()))) {
        long size = log.treeSize();
        Fixtures.await(
            Duration.ofSeconds(60),
            () ->
                feed.followers().get(0).verifiedEntries() >= size
                    && poll.followers().get(0).verifiedEntries() >= size
                    && feed.feeds().get(0).connected());
        long[] viaFeed = new long[trials];
        long[] viaPoll = new long[trials];
        for (int i = 0; i < trials; i++) {
          int f0 = feedHook.bodies().size();
          int p0 = pollHook.bodies().size();
          long t0 = System.nanoTime();
          log.revoke(numbers.get(i), "phone", keys.get(i), RevocationReason.COMPROMISED);
          long tf = -1;
          long tp = -1;
          long deadline = t0 + Duration.ofSeconds(30).toNanos();
          while ((tf < 0 || tp < 0) && System.nanoTime() < deadline) {
            if (tf < 0 && feedHook.bodies().size() > f0) {
              tf = System.nanoTime();
            }
            if (tp < 0 && pollHook.bodies().size() > p0) {
              tp = System.nanoTime();
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
          }
          if (tf < 0 || tp < 0) {
            throw new AssertionError("trial " + i + ": no alert within 30 s");
          }
          viaFeed[i] = (tf - t0) / 1000;
          viaPoll[i] = (tp - t0) / 1000;
          // Spread the revocations over the poll phase, as real ones would be.
          Thread.sleep(random.nextInt(300));
        }
        System.out.println(
            "FEED-LATENCY trials="
                + trials
                + " feed "
                + summary(viaFeed)
                + " | poll(1s) "
                + summary(viaPoll)
                + " | p50 ratio poll/feed "
                + String.format("%.1f", pct(viaPoll, 50) / (double) pct(viaFeed, 50)));
      }
    }
  }

  private static SinkConfig sink(WebhookReceiver r) {
    return new SinkConfig.Webhook(
        "hook",
        r.url(),
        Map.of(),
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        Duration.ofSeconds(5));
  }

  private static long pct(long[] us, int p) {
    long[] s = us.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  private static String summary(long[] us) {
    return String.format(
        "p50 %.1f ms p99 %.1f ms max %.1f ms",
        pct(us, 50) / 1000.0, pct(us, 99) / 1000.0, pct(us, 100) / 1000.0);
  }
}
