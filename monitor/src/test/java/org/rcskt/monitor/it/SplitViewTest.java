package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.charset.StandardCharsets;
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
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Issue 4, test 2: two log servers with the same signing key and different entries (a split view);
 * monitor A follows one, monitor B the other; gossip makes both raise a split-view alert whose
 * evidence verifies.
 */
class SplitViewTest {
  private static final Duration POLL = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void gossipMakesBothMonitorsRaiseSplitViewWithEvidenceThatVerifies() throws Exception {
    Random random = new Random(2);
    try (TestLog logA = TestLog.start(dir.resolve("logA"));
        TestLog logB = TestLog.startWithKeysOf(dir.resolve("logB"), logA)) {
      assertThat(logB.verifierKey()).isEqualTo(logA.verifierKey());
      logA.register("+447700900001", "phone", Ed25519.KeyPair.generate(random));
      logB.register("+447700900002", "phone", Ed25519.KeyPair.generate(random));
      assertThat(logA.treeSize()).isEqualTo(logB.treeSize());

      try (Monitors m = Monitors.start(dir, logA, logB)) {
        Monitor a = m.a();
        Monitor b = m.b();
        Path alertsA = m.alertsA();
        Path alertsB = m.alertsB();
        long size = logA.treeSize();
        await(
            Duration.ofSeconds(20),
            () ->
                a.followers().get(0).verifiedEntries() == size
                    && b.followers().get(0).verifiedEntries() == size);
        await(
            Duration.ofSeconds(20), () -> !alerts(alertsA).isEmpty() && !alerts(alertsB).isEmpty());
        for (Path f : List.of(alertsA, alertsB)) {
          List<Alert> got = alerts(f);
          assertThat(got).hasSize(1);
          Alert alert = got.get(0);
          assertThat(alert.kind()).isEqualTo(AlertKind.SPLIT_VIEW);
          assertThat(alert.origin()).isEqualTo(logA.origin());
          Path evidence = Path.of(alert.details().get("evidenceFile"));
          EvidenceVerifier.Verdict v = EvidenceVerifier.verify(Files.readAllBytes(evidence));
          assertThat(v.confirmed()).isTrue();
          assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.PROVEN);
          assertThat(v.message()).startsWith("the log signed two different trees of size " + size);
        }
        // The counters move just after the alerts are committed: wait for them too.
        String peer = "http://127.0.0.1:" + a.port() + "/";
        await(
            Duration.ofSeconds(10),
            () ->
                a.metrics()
                            .value(
                                "rcskt_monitor_gossip_checkpoints",
                                "origin",
                                logA.origin(),
                                "outcome",
                                "split-view")
                        >= 1.0
                    && b.metrics()
                            .value("rcskt_monitor_gossip_exchanges", "peer", peer, "outcome", "ok")
                        >= 1.0);
      }
    }
  }

  @Test
  void viewsOfDifferentSizesAreCaughtByTheMonitorWithTheLargerOne() throws Exception {
    Random random = new Random(3);
    try (TestLog logA = TestLog.start(dir.resolve("logA"));
        TestLog logB = TestLog.startWithKeysOf(dir.resolve("logB"), logA)) {
      logA.register("+447700900001", "phone", Ed25519.KeyPair.generate(random));
      for (int i = 0; i < 4; i++) {
        logB.register("+44770090010" + i, "phone", Ed25519.KeyPair.generate(random));
      }
      try (Monitors m = Monitors.start(dir, logA, logB)) {
        Monitor a = m.a();
        Monitor b = m.b();
        Path alertsA = m.alertsA();
        Path alertsB = m.alertsB();
        long sizeA = logA.treeSize();
        long sizeB = logB.treeSize();
        await(
            Duration.ofSeconds(20),
            () ->
                a.followers().get(0).verifiedEntries() == sizeA
                    && b.followers().get(0).verifiedEntries() == sizeB);
        // B holds the larger view: its log's proof from A's size cannot match A's root.
        await(Duration.ofSeconds(20), () -> !alerts(alertsB).isEmpty());
        Alert alert = alerts(alertsB).get(0);
        assertThat(alert.kind()).isEqualTo(AlertKind.SPLIT_VIEW);
        EvidenceVerifier.Verdict v =
            EvidenceVerifier.verify(
                Files.readAllBytes(Path.of(alert.details().get("evidenceFile"))));
        assertThat(v.confirmed()).isTrue();
        // A cannot get a proof to B's larger size from its own log yet: it keeps the checkpoint
        // and counts it as unverified rather than guessing.
        await(
            Duration.ofSeconds(20),
            () ->
                a.metrics()
                        .value(
                            "rcskt_monitor_gossip_checkpoints",
                            "origin",
                            logA.origin(),
                            "outcome",
                            "unverified")
                    >= 1.0);
        // Once log A grows past B's size, A's pending check runs against a real proof and fails.
        for (int i = 0; i < 4; i++) {
          logA.register("+44770090020" + i, "phone", Ed25519.KeyPair.generate(random));
        }
        await(Duration.ofSeconds(20), () -> !alerts(alertsA).isEmpty());
        assertThat(alerts(alertsA).get(0).kind()).isEqualTo(AlertKind.SPLIT_VIEW);
      }
    }
  }

  @Test
  void aForkFromAPowerOfTwoSizeGivesProvenEvidence() throws Exception {
    Random random = new Random(4);
    try (TestLog logA = TestLog.start(dir.resolve("logA"));
        TestLog logB = TestLog.startWithKeysOf(dir.resolve("logB"), logA)) {
      int i = 0;
      while (logA.treeSize() < 2 || Long.bitCount(logA.treeSize()) != 1) {
        logA.register("+4477009003" + String.format("%02d", i++), "phone", keyOf(random));
      }
      long sizeA = logA.treeSize();
      for (int j = 0; logB.treeSize() <= sizeA; j++) {
        logB.register("+4477009004" + String.format("%02d", j), "phone", keyOf(random));
      }
      long sizeB = logB.treeSize();
      try (Monitors m = Monitors.start(dir, logA, logB)) {
        Monitor a = m.a();
        Monitor b = m.b();
        Path alertsA = m.alertsA();
        Path alertsB = m.alertsB();
        await(Duration.ofSeconds(20), () -> !alerts(alertsB).isEmpty());
        Alert alert = alerts(alertsB).get(0);
        assertThat(alert.kind()).isEqualTo(AlertKind.SPLIT_VIEW);
        byte[] bundle = Files.readAllBytes(Path.of(alert.details().get("evidenceFile")));
        // RFC 9162 leaves the root of a power-of-two size out of the consistency proof; the
        // inclusion path of the last leaf below it shows which root the larger tree holds.
        assertThat(new String(bundle, StandardCharsets.UTF_8)).contains("\"prefixPath\"");
        EvidenceVerifier.Verdict v = EvidenceVerifier.verify(bundle);
        assertThat(v.confirmed()).isTrue();
        assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.PROVEN);
        assertThat(v.message())
            .startsWith("the log's signed tree of size " + sizeB + " commits to root ")
            .contains(
                " for its first "
                    + sizeA
                    + " leaves (leaf "
                    + (sizeA - 1)
                    + " and its inclusion path, which the signed root authenticates), but the"
                    + " log also signed root ")
            .endsWith(" for size " + sizeA);
      }
    }
  }

  /**
   * A monitor on each log, each with a file sink; B alone names A as its gossip peer, since one
   * exchange checks both ways (B fetches A's view and posts its own to A).
   */
  private record Monitors(Monitor a, Monitor b, Path alertsA, Path alertsB)
      implements AutoCloseable {
    static Monitors start(Path dir, TestLog logA, TestLog logB) throws Exception {
      Path alertsA = dir.resolve("a.jsonl");
      Path alertsB = dir.resolve("b.jsonl");
      Monitor a =
          Monitor.start(
              Fixtures.monitor(
                  dir.resolve("monA"),
                  List.of(Fixtures.follow(logA, POLL, 0)),
                  List.of(),
                  List.of(new SinkConfig.File("file", alertsA)),
                  List.of()));
      try {
        Monitor b =
            Monitor.start(
                Fixtures.monitor(
                    dir.resolve("monB"),
                    List.of(Fixtures.follow(logB, POLL, 0)),
                    List.of(),
                    List.of(new SinkConfig.File("file", alertsB)),
                    List.of("http://127.0.0.1:" + a.port() + "/")));
        return new Monitors(a, b, alertsA, alertsB);
      } catch (Exception | Error e) {
        a.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        b.close();
      } finally {
        a.close();
      }
    }
  }

  private static Ed25519.KeyPair keyOf(Random random) {
    return Ed25519.KeyPair.generate(random);
  }
}
