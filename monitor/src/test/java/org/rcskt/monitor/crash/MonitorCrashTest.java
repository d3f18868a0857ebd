package org.rcskt.monitor.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.follow.FollowProgress;
import org.rcskt.monitor.follow.LogFollower;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Runs the monitor daemon as a child process following a live log, kills it with SIGKILL at seeded
 * random moments, restarts it on the same data directory, and checks after every restart that:
 *
 * <ul>
 *   <li>it starts on the state the kill left (no corrupt state) and its health endpoint answers
 *       200;
 *   <li>the verified tree size and checkpoint size it reports never go backwards, within a process
 *       or across kills: anything it reported was committed and survives;
 *   <li>within a bounded time it verifies the log up to the size the log had at the restart;
 *   <li>every alert the watched subjects' events must raise up to that size is in the alert file,
 *       and the file keeps the file sink's contract (docs/monitor.md, "Delivery"): exactly once,
 *       {@code seq} 1, 2, 3, ... without gaps or duplicates, every line complete;
 *   <li>nothing else is raised: no misbehaviour alert (the log is honest), no alert for an expected
 *       change;
 *   <li>a webhook (whose receiver holds each answer a little, so kills catch deliveries in flight)
 *       gets every alert at least once, in {@code seq} order, a repeat being the same alert with
 *       the same {@code Idempotency-Key}, as the docs promise for webhooks.
 * </ul>
 *
 * <p>Between a kill and the restart the state is opened here, as the restart will open it: the
 * stored progress covers what was reported, the journal holds the alerts of the verified entries,
 * and each sink's queue holds exactly what that sink has not taken (plus at most the one it took
 * last). At the end the traffic stops, the monitor catches up, both sinks must hold exactly the
 * expected alerts, SIGTERM must stop it within a bounded time, and its state must hold the final
 * progress with empty queues. Set {@code -Drcskt.crash.seed=N} to replay another schedule.
 */
class MonitorCrashTest {
  private static final long SEED = Long.getLong("rcskt.crash.seed", 0x6d6f6e63L);
  private static final int ROUNDS = 4;
  private static final String POLL = "50ms";
  private static final long START_TIMEOUT_S = 60;
  private static final long CATCH_UP_TIMEOUT_MS = 20_000;
  private static final long ALERT_TIMEOUT_MS = 10_000;

  /** The webhook runs behind (each answer is held): time to drain its queue at the end. */
  private static final long WEBHOOK_DRAIN_TIMEOUT_MS = 30_000;

  private static final long STOP_TIMEOUT_S = 20;
  private static final Set<String> WATCH_KINDS =
      Set.of("unexpected-key", "recovery-rotation", "revocation");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE_SINK = "file";
  private static final String HOOK_SINK = "hook";

  /** How long the webhook receiver holds each answer: the window for an unacknowledged alert. */
  private static final long WEBHOOK_DELAY_MS = 30;

  @TempDir Path dir;

  /** The largest values the monitor ever reported, across processes. */
  private long maxVerified;

  private long maxCheckpoint;

  /** What the kills caught in flight, over all rounds. */
  private long fileOwed;

  private long fileAgain;
  private long hookOwed;
  private long hookAgain;
  private long hookRepeats;
  private long tornTotal;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void sigkilledMonitorLosesNoProgressAndNoAlert() throws Exception {
    long t0 = System.nanoTime();
    Random schedule = new Random(SEED);
    Path alertFile = dir.resolve("alerts.jsonl");
    Path stderr = dir.resolve("monitor.stderr");
    Path vertxCache = dir.resolve("vertx-cache");
    Path dataDir = dir.resolve("monitor-data");
    List<String> notes = new ArrayList<>();
    try (TestLog log = TestLog.start(dir.resolve("log"));
        Traffic traffic = new Traffic(log, SEED, 8);
        SlowWebhookReceiver hook = new SlowWebhookReceiver(WEBHOOK_DELAY_MS)) {
      Path config = writeConfig(log, traffic, hook, dataDir, alertFile);
      // A backlog for the first start, then the log keeps growing through every kill and restart.
      traffic.submitNow(400);
      traffic.start();

      for (int round = 0; round <= ROUNDS; round++) {
        long startNanos = System.nanoTime();
        try (MonitorProcess m = MonitorProcess.start(config, stderr, vertxCache, START_TIMEOUT_S)) {
          long startMs = (System.nanoTime() - startNanos) / 1_000_000;
          String where = "after start " + round + " (seed " + SEED + ")";
          JsonNode first = observe(m, where);
          assertThat(first.get("status").asText())
              .as("%s: status\n%s", where, m.log())
              .isEqualTo("ok");

          long target = log.treeSize();
          long caughtUpMs = awaitVerified(m, target, where);
          awaitAlerts(m, alertFile, traffic, target, where);
          assertThat(traffic.failure()).as("traffic writer failure").isNull();
          if (round == ROUNDS) {
            notes.add(
                String.format(
                    "final start: %d ms, verified %d after %d ms",
                    startMs, first.at("/logs/0/verifiedEntries").asLong(), caughtUpMs));
            finish(m, log, traffic, hook, alertFile, dataDir, stderr, notes);
            break;
          }

          long delay = 500 + schedule.nextInt(2501);
          long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
          while (System.nanoTime() < killAt) {
            observe(m, where);
            Thread.sleep(20);
          }
          // Odd rounds aim the kill at a webhook delivery the receiver has read but not answered
          // (waiting at most a second for one); even rounds kill wherever the delay ends.
          boolean aimed = round % 2 == 1;
          long aimUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          while (aimed && hook.unanswered() == 0 && System.nanoTime() < aimUntil) {
            Thread.onSpinWait();
          }
          m.kill();
          long logSize = log.treeSize();
          String left = inspectKilledState(dataDir, alertFile, hook, log, traffic, round);
          notes.add(
              String.format(
                  "round %d: start %d ms, caught up to %d in %d ms, killed %d ms later%s (log at"
                      + " %d); %s",
                  round,
                  startMs,
                  target,
                  caughtUpMs,
                  delay,
                  aimed ? " at a webhook delivery" : "",
                  logSize,
                  left));
        }
      }
    }
    System.out.println(
        "monitor crash test (seed "
            + SEED
            + "): "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms; the kills left "
            + fileOwed
            + " alerts owed to the file ("
            + fileAgain
            + " written, not dequeued; "
            + tornTotal
            + " torn lines) and "
            + hookOwed
            + " to the webhook ("
            + hookAgain
            + " received, not dequeued; "
            + hookRepeats
            + " received twice)\n  "
            + String.join("\n  ", notes));
  }

  /**
   * The state and the sinks as the kill left them, the state opened here as the next start will
   * open it (RocksDB replays its write-ahead log): the progress covers everything reported, the
   * journal holds every alert the verified entries raise, and each sink's queue holds exactly the
   * alerts after the last one the sink took, plus possibly that one (delivered, not yet dequeued).
   */
  private String inspectKilledState(
      Path dataDir,
      Path alertFile,
      SlowWebhookReceiver hook,
      TestLog log,
      Traffic traffic,
      int round)
      throws IOException {
    String where = "the state left by kill " + round + " (seed " + SEED + ")";
    byte[] raw = Files.exists(alertFile) ? Files.readAllBytes(alertFile) : new byte[0];
    boolean torn = raw.length > 0 && raw[raw.length - 1] != '\n';
    List<Alert> lines = readAlerts(alertFile);
    checkContract(lines, null, where);
    List<String> fileIds = lines.stream().map(Alert::id).toList();
    List<String> hookIds = checkWebhook(hook.received(), fileIds, where);
    try (RocksDbStateStore state = RocksDbStateStore.open(dataDir.resolve("state"))) {
      long progress = FollowProgress.decode(state.progress(log.origin())).treeSize();
      assertThat(progress).as("%s: stored progress", where).isGreaterThanOrEqualTo(maxVerified);
      for (String id : traffic.alertsBelow(progress)) {
        assertThat(state.alertRaised(id)).as("%s: journal holds %s", where, id).isTrue();
      }
      long raised = state.alertCount();
      int[] file = checkQueue(state, FILE_SINK, fileIds, raised, where);
      int[] webhook = checkQueue(state, HOOK_SINK, hookIds, raised, where);
      fileOwed += file[0] - file[1];
      fileAgain += file[1];
      hookOwed += webhook[0] - webhook[1];
      hookAgain += webhook[1];
      tornTotal += torn ? 1 : 0;
      return String.format(
          "left progress %d (%d reported), %d alerts raised; file: %d lines%s, %d queued (%d"
              + " already written); webhook: %d received, %d queued (%d already received)",
          progress,
          maxVerified,
          raised,
          lines.size(),
          torn ? " and a torn one" : "",
          file[0],
          file[1],
          hookIds.size(),
          webhook[0],
          webhook[1]);
    }
  }

  /**
   * Checks the queue of {@code sink} against the alerts it took ({@code delivered}, ids by seq -
   * 1): in order without gaps up to {@code raised}, starting at most one after the last one taken,
   * any alert already taken being that same alert. Returns {queued, queued but already taken}.
   */
  private static int[] checkQueue(
      RocksDbStateStore state, String sink, List<String> delivered, long raised, String where)
      throws IOException {
    List<Alert> queued = state.pending(sink, Integer.MAX_VALUE);
    assertThat(raised)
        .as("%s: alerts raised against the %d %s took", where, delivered.size(), sink)
        .isGreaterThanOrEqualTo(delivered.size());
    long next = queued.isEmpty() ? raised + 1 : queued.get(0).seq();
    assertThat(next)
        .as("%s: first alert queued for %s, which took %d", where, sink, delivered.size())
        .isLessThanOrEqualTo(delivered.size() + 1L);
    int again = 0;
    for (Alert a : queued) {
      assertThat(a.seq()).as("%s: alerts queued for %s in order", where, sink).isEqualTo(next);
      next++;
      if (a.seq() <= delivered.size()) {
        assertThat(a.id())
            .as("%s: alert %d queued for %s against the one it took", where, a.seq(), sink)
            .isEqualTo(delivered.get((int) a.seq() - 1));
        again++;
      }
    }
    assertThat(next - 1).as("%s: last alert queued for %s", where, sink).isEqualTo(raised);
    return new int[] {queued.size(), again};
  }

  /**
   * The webhook's contract (docs/monitor.md, "Delivery"): at least once, in {@code seq} order, each
   * POST carrying the alert id as {@code Idempotency-Key}. A kill between the receiver reading an
   * alert and the monitor dequeuing it repeats that alert, so each POST is either the previous
   * alert again (same seq, same bytes) or the next one. Every alert is the one of the same seq in
   * the file. Returns the distinct ids received, by seq - 1.
   */
  private List<String> checkWebhook(
      List<SlowWebhookReceiver.Received> received, List<String> fileIds, String where)
      throws IOException {
    List<String> ids = new ArrayList<>();
    byte[] previous = null;
    int repeats = 0;
    for (int i = 0; i < received.size(); i++) {
      SlowWebhookReceiver.Received r = received.get(i);
      Alert a = Alert.fromJson(r.body());
      assertThat(r.idempotencyKey())
          .as("%s: Idempotency-Key of POST %d", where, i + 1)
          .isEqualTo(a.id());
      if (a.seq() == ids.size()) {
        assertThat(r.body())
            .as("%s: POST %d repeats alert %d with other bytes", where, i + 1, a.seq())
            .isEqualTo(previous);
        repeats++;
      } else {
        assertThat(a.seq())
            .as("%s: seq of POST %d after alert %d", where, i + 1, ids.size())
            .isEqualTo(ids.size() + 1L);
        ids.add(a.id());
      }
      previous = r.body();
      if (a.seq() <= fileIds.size()) {
        assertThat(a.id())
            .as("%s: webhook alert %d against the file's", where, a.seq())
            .isEqualTo(fileIds.get((int) a.seq() - 1));
      }
    }
    assertThat(repeats)
        .as("%s: repeated POSTs (at most one per kill)", where)
        .isLessThanOrEqualTo(ROUNDS);
    hookRepeats = repeats;
    return ids;
  }

  private Path writeConfig(
      TestLog log, Traffic traffic, SlowWebhookReceiver hook, Path dataDir, Path alertFile)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("dataDir", dataDir.toString());
    root.putObject("listen").put("host", "127.0.0.1").put("port", 0);
    root.put("pollInterval", POLL);
    root.putArray("logs")
        .addObject()
        .put("url", log.url().toString())
        .put("origin", log.origin())
        .put("verifierKey", log.verifierKey())
        .put("vrfKey", TestLog.vrfKey())
        .put("recheckBundles", 2);
    ArrayNode watch = root.putArray("watch");
    ArrayNode keys =
        watch
            .addObject()
            .put("label", "alice")
            .put("phone", Traffic.ALICE)
            .putArray("expectedKeys");
    for (Ed25519.KeyPair k : traffic.expectedKeys()) {
      keys.add(LogFollower.keyText(PublicKeyInfo.ed25519(k.publicKey())));
    }
    watch.addObject().put("label", "bob").put("phone", Traffic.BOB);
    ArrayNode sinks = root.putArray("sinks");
    sinks.addObject().put("type", "file").put("name", FILE_SINK).put("path", alertFile.toString());
    sinks
        .addObject()
        .put("type", "webhook")
        .put("name", HOOK_SINK)
        .put("url", hook.url().toString())
        .put("timeout", "5s")
        .put("minBackoff", "50ms")
        .put("maxBackoff", "1s");
    Path config = dir.resolve("monitor.json");
    Files.write(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    return config;
  }

  /**
   * One look at {@code /healthz}: the verified tree size and checkpoint size must not be smaller
   * than anything reported before, by this process or an earlier, killed one.
   */
  private JsonNode observe(MonitorProcess m, String where) throws Exception {
    JsonNode h = m.health();
    JsonNode l = h.at("/logs/0");
    long verified = l.get("verifiedEntries").asLong();
    long checkpoint = l.get("checkpointTreeSize").asLong();
    assertThat(verified)
        .as("%s: verified tree size against %d reported before\n%s", where, maxVerified, m.log())
        .isGreaterThanOrEqualTo(maxVerified);
    assertThat(checkpoint)
        .as("%s: checkpoint size against %d reported before\n%s", where, maxCheckpoint, m.log())
        .isGreaterThanOrEqualTo(maxCheckpoint);
    assertThat(verified)
        .as("%s: verified entries beyond the verified checkpoint\n%s", where, m.log())
        .isLessThanOrEqualTo(checkpoint);
    maxVerified = verified;
    maxCheckpoint = checkpoint;
    return h;
  }

  /** Waits until the monitor verified at least {@code size} entries; returns how long it took. */
  private long awaitVerified(MonitorProcess m, long size, String where) throws Exception {
    long t = System.nanoTime();
    long deadline = t + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MS);
    while (true) {
      JsonNode h = observe(m, where);
      if (h.at("/logs/0/verifiedEntries").asLong() >= size) {
        return (System.nanoTime() - t) / 1_000_000;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            where
                + ": verified "
                + h.at("/logs/0/verifiedEntries").asLong()
                + " entries, not the "
                + size
                + " the log had at the start, within "
                + CATCH_UP_TIMEOUT_MS
                + " ms; health "
                + h
                + "\n"
                + m.log());
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until every alert the events below {@code size} must raise is in the file, checking the
   * file's contract on every read.
   */
  private void awaitAlerts(
      MonitorProcess m, Path alertFile, Traffic traffic, long size, String where) throws Exception {
    List<String> expected = traffic.alertsBelow(size);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ALERT_TIMEOUT_MS);
    while (true) {
      List<Alert> got = readAlerts(alertFile);
      checkContract(got, m, where);
      Set<String> ids = new HashSet<>();
      got.forEach(a -> ids.add(a.id()));
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(ids);
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            where
                + ": "
                + missing.size()
                + " of the "
                + expected.size()
                + " alerts raised by entries below "
                + size
                + " are not in the alert file after "
                + ALERT_TIMEOUT_MS
                + " ms, for example "
                + missing.iterator().next()
                + "\n"
                + m.log());
      }
      Thread.sleep(20);
    }
  }

  /**
   * The file sink's contract: complete lines, each an alert, in {@code seq} order 1, 2, 3, ...
   * without gaps or duplicates (so no alert delivered twice), each id once, only watch alerts.
   */
  private static void checkContract(List<Alert> got, MonitorProcess m, String where) {
    String log = m == null ? "" : m.log();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < got.size(); i++) {
      Alert a = got.get(i);
      assertThat(a.seq())
          .as("%s: seq of line %d of the alert file (%s)\n%s", where, i + 1, a.id(), log)
          .isEqualTo(i + 1L);
      assertThat(ids.add(a.id()))
          .as("%s: alert %s delivered twice (again at line %d)\n%s", where, a.id(), i + 1, log)
          .isTrue();
      assertThat(a.kind().isMisbehaviour())
          .as("%s: misbehaviour alert from an honest log: %s\n%s", where, a.toJson(), log)
          .isFalse();
      assertThat(WATCH_KINDS)
          .as("%s: alert kind of %s\n%s", where, a.toJson(), log)
          .contains(a.kind().wireName());
    }
  }

  /**
   * The complete lines of the alert file. A last line without its newline is being written by the
   * running monitor (or was cut by a kill, which the next start cuts off): it is not read yet.
   */
  private static List<Alert> readAlerts(Path file) throws IOException {
    List<Alert> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    byte[] all = Files.readAllBytes(file);
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        byte[] line = java.util.Arrays.copyOfRange(all, start, i);
        try {
          out.add(Alert.fromJson(line));
        } catch (IOException e) {
          throw new AssertionError(
              "line "
                  + (out.size() + 1)
                  + " of the alert file is not an alert: "
                  + new String(line, StandardCharsets.UTF_8),
              e);
        }
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * Stops the traffic, lets the monitor catch up with the final log, checks the alert file holds
   * exactly the expected alerts, stops the monitor with SIGTERM and checks the state it left.
   */
  private void finish(
      MonitorProcess m,
      TestLog log,
      Traffic traffic,
      SlowWebhookReceiver hook,
      Path alertFile,
      Path dataDir,
      Path stderr,
      List<String> notes)
      throws Exception {
    traffic.close();
    assertThat(traffic.failure()).as("traffic writer failure").isNull();
    long size = log.treeSize();
    String where = "final run (seed " + SEED + ", tree size " + size + ")";
    awaitVerified(m, size, where);
    awaitAlerts(m, alertFile, traffic, size, where);
    // A few more polls: nothing more may come.
    long quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < quiet) {
      observe(m, where);
      Thread.sleep(50);
    }
    List<String> expected = traffic.alertsBelow(Long.MAX_VALUE);
    List<Alert> got = readAlerts(alertFile);
    checkContract(got, m, where);
    assertThat(got)
        .as("%s: the alert file against every alert the traffic must raise\n%s", where, m.log())
        .extracting(Alert::id)
        .containsExactlyInAnyOrderElementsOf(expected);
    for (Alert a : got) {
      assertThat(a.kind()).isNotEqualTo(AlertKind.KEY_EXPIRED);
      assertThat(a.label()).isIn("alice", "bob");
      assertThat(a.origin()).isEqualTo(log.origin());
    }
    List<String> fileIds = got.stream().map(Alert::id).toList();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WEBHOOK_DRAIN_TIMEOUT_MS);
    while (checkWebhook(hook.received(), fileIds, where).size() < got.size()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            where
                + ": the webhook received "
                + checkWebhook(hook.received(), fileIds, where).size()
                + " of "
                + got.size()
                + " alerts\n"
                + m.log());
      }
      Thread.sleep(20);
    }
    assertThat(checkWebhook(hook.received(), fileIds, where))
        .as("%s: the alerts the webhook received", where)
        .isEqualTo(fileIds);
    // Every alert a kill left received but queued was sent again (and no other was).
    assertThat(hookRepeats)
        .as("%s: repeated POSTs against alerts left received but queued", where)
        .isGreaterThanOrEqualTo(hookAgain);
    assertThat(hookAgain)
        .as("%s: kills that caught a webhook delivery in flight (the aimed rounds)", where)
        .isPositive();
    JsonNode h = observe(m, where);
    assertThat(h.at("/logs/0/verifiedEntries").asLong()).isEqualTo(size);
    assertThat(h.at("/logs/0/checkpointTreeSize").asLong()).isEqualTo(size);
    assertThat(h.at("/logs/0/lastProblem").isMissingNode())
        .as("%s: last problem %s", where, h.at("/logs/0/lastProblem"))
        .isTrue();

    long stopNanos = System.nanoTime();
    int status = m.stop(STOP_TIMEOUT_S);
    long stopMs = (System.nanoTime() - stopNanos) / 1_000_000;
    // The JVM ends a SIGTERM shutdown with 143 (128 + 15), unless the CLI's main thread, released
    // by the shutdown hook, gets its System.exit(0) in first: both are the orderly path.
    assertThat(status)
        .as(
            "%s: exit status after SIGTERM (-1: still running after %d s)\n%s",
            where, STOP_TIMEOUT_S, m.log())
        .isIn(0, 128 + 15);

    // The state it left, opened as the next start would open it.
    try (RocksDbStateStore state = RocksDbStateStore.open(dataDir.resolve("state"))) {
      assertThat(FollowProgress.decode(state.progress(log.origin())).treeSize())
          .as("%s: stored progress", where)
          .isEqualTo(size);
      assertThat(state.pendingCount(FILE_SINK))
          .as("%s: alerts queued for the file", where)
          .isZero();
      assertThat(state.pendingCount(HOOK_SINK))
          .as("%s: alerts queued for the webhook", where)
          .isZero();
      assertThat(state.alertCount()).as("%s: alerts ever raised", where).isEqualTo(got.size());
      for (String id : expected) {
        assertThat(state.alertRaised(id)).as("%s: journal holds %s", where, id).isTrue();
      }
    }
    // Nothing went wrong quietly either: JUL writes Level.ERROR as SEVERE.
    assertThat(Files.readAllLines(stderr, StandardCharsets.UTF_8))
        .as("%s: errors the monitor logged over all its runs", where)
        .noneMatch(line -> line.startsWith("SEVERE"));
    notes.add(
        String.format(
            "final: %d entries (%d submitted by the traffic), %d alerts, SIGTERM exit in %d ms",
            size, traffic.submitted(), got.size(), stopMs));
  }
}
