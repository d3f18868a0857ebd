package org.rcskt.monitor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.metrics.MonitorMetrics;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.monitor.testing.WebhookReceiver;

class AlertDispatcherTest {
  @TempDir Path dir;

  private static List<Alert> raise(RocksDbStateStore s, int from, int count) throws IOException {
    try (RocksDbStateStore.Commit c = s.begin()) {
      for (int i = from; i < from + count; i++) {
        c.raise(
            new Alert(
                0, "a" + i, AlertKind.REVOCATION, i, "o", null, null, i, "m" + i, Map.of(), null));
      }
      return c.commit();
    }
  }

  static void await(BooleanSupplier cond, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + max);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aWebhookThatIsDownGetsEveryAlertInOrderOnceItIsBack() throws Exception {
    try (WebhookReceiver hook = WebhookReceiver.start();
        RocksDbStateStore s = RocksDbStateStore.open(dir.resolve("state"))) {
      s.useSinks(List.of("hook", "file"));
      hook.stop();
      MonitorMetrics metrics = new MonitorMetrics();
      Path file = dir.resolve("alerts.jsonl");
      AlertDispatcher d =
          new AlertDispatcher(
              s,
              List.of(
                  new AlertDispatcher.Route(
                      new WebhookSink("hook", hook.url(), Map.of(), Duration.ofSeconds(2)),
                      Duration.ofMillis(20),
                      Duration.ofMillis(200)),
                  new AlertDispatcher.Route(
                      new FileSink("file", file), Duration.ofMillis(20), Duration.ofMillis(200))),
              metrics);
      d.start();
      raise(s, 0, 5);
      d.wake();
      // The file sink is not held up by the webhook's outage.
      await(() -> lines(file) == 5, Duration.ofSeconds(10));
      await(
          () ->
              metrics.value("rcskt_monitor_alert_deliveries", "sink", "hook", "outcome", "failed")
                  >= 3,
          Duration.ofSeconds(10));
      raise(s, 5, 5);
      d.wake();
      hook.restart();
      await(() -> hook.bodies().size() == 10, Duration.ofSeconds(10));
      d.close();
      List<Long> seqs = new ArrayList<>();
      for (String body : hook.bodies()) {
        seqs.add(Alert.fromJson(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).seq());
      }
      assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(s.pendingCount("hook")).isZero();
      assertThat(lines(file)).isEqualTo(10);
    }
  }

  /** Runs a dispatcher with one file sink until the file's queue is empty; its metrics. */
  private static MonitorMetrics drainToFile(RocksDbStateStore s, Path file) throws Exception {
    MonitorMetrics metrics = new MonitorMetrics();
    AlertDispatcher d =
        new AlertDispatcher(
            s,
            List.of(
                new AlertDispatcher.Route(
                    new FileSink("file", file), Duration.ofMillis(20), Duration.ofMillis(200))),
            metrics);
    d.start();
    await(
        () -> {
          try {
            return s.pendingCount("file") == 0;
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        },
        Duration.ofSeconds(10));
    d.close();
    return metrics;
  }

  @Test
  void alertsTheFileAlreadyHoldsAreNotWrittenAgain() throws Exception {
    Path file = dir.resolve("alerts.jsonl");
    try (RocksDbStateStore s = RocksDbStateStore.open(dir.resolve("state"))) {
      s.useSinks(List.of("file"));
      List<Alert> raised = raise(s, 0, 3);
      // A crash after writing two alerts to the file and before dequeuing them.
      try (FileSink f = new FileSink("file", file)) {
        f.deliver(raised.get(0));
        f.deliver(raised.get(1));
      }
      MonitorMetrics metrics = drainToFile(s, file);
      assertThat(lines(file)).isEqualTo(3);
      assertThat(
              metrics.value("rcskt_monitor_alert_deliveries", "sink", "file", "outcome", "skipped"))
          .isEqualTo(2.0);
    }
  }

  /**
   * An alert file left by an earlier monitor state (deleted, or another monitor's) whose last
   * sequence number is ahead of the new state's alerts must not make the dispatcher skip them.
   */
  @Test
  void aFileFromAnEarlierStateDoesNotSwallowNewAlerts() throws Exception {
    Path file = dir.resolve("alerts.jsonl");
    try (FileSink f = new FileSink("file", file)) {
      for (int i = 1; i <= 3; i++) {
        f.deliver(
            new Alert(
                i, "old" + i, AlertKind.REVOCATION, i, "o", null, null, i, "m", Map.of(), null));
      }
    }
    try (RocksDbStateStore s = RocksDbStateStore.open(dir.resolve("state"))) {
      s.useSinks(List.of("file"));
      List<Alert> raised = raise(s, 0, 3);
      assertThat(raised).extracting(Alert::seq).containsExactly(1L, 2L, 3L);
      MonitorMetrics metrics = drainToFile(s, file);
      assertThat(lines(file)).isEqualTo(6);
      assertThat(
              metrics.value("rcskt_monitor_alert_deliveries", "sink", "file", "outcome", "skipped"))
          .isEqualTo(0.0);
    }
  }

  /** A sink whose receiver takes a while to acknowledge; an interrupt fails the attempt. */
  private static final class SlowSink implements AlertSink {
    final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    final List<Long> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public void deliver(Alert alert) throws IOException {
      started.countDown();
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while delivering alert " + alert.seq(), e);
      }
      delivered.add(alert.seq());
    }
  }

  @Test
  void closingLetsADeliveryInFlightFinishAndDequeuesIt() throws Exception {
    try (RocksDbStateStore s = RocksDbStateStore.open(dir.resolve("state"))) {
      s.useSinks(List.of("slow"));
      SlowSink sink = new SlowSink();
      AlertDispatcher d =
          new AlertDispatcher(
              s,
              List.of(
                  new AlertDispatcher.Route(sink, Duration.ofMillis(20), Duration.ofMillis(200))),
              new MonitorMetrics());
      d.start();
      raise(s, 0, 1);
      d.wake();
      assertThat(sink.started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      d.close();
      // Interrupting the attempt would leave the alert queued, to be delivered again next start.
      assertThat(sink.delivered).containsExactly(1L);
      assertThat(s.pendingCount("slow")).isZero();
    }
  }

  private static long lines(Path f) {
    try {
      return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
