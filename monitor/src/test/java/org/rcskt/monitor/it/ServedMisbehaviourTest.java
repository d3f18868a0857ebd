package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TamperingProxy;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;

/**
 * The follower's own detections against a real log seen through a tampering proxy: entries that do
 * not make the signed tree, a rolled-back checkpoint, a checkpoint with a broken signature. Each
 * raises one alert whose evidence rechecks.
 */
class ServedMisbehaviourTest {
  private static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path dir;

  private Monitor monitor(TestLog log, TamperingProxy proxy, Path alertFile) throws Exception {
    LogConfig direct = Fixtures.follow(log, POLL, 0);
    LogConfig viaProxy =
        new LogConfig(
            proxy.url(),
            direct.origin(),
            direct.verifierKey(),
            direct.vrfKey(),
            Optional.empty(),
            POLL,
            LogConfig.Replay.ALL,
            0);
    return Monitor.start(
        Fixtures.monitor(
            dir.resolve("monitor"),
            List.of(viaProxy),
            List.of(),
            List.of(new SinkConfig.File("file", alertFile)),
            List.of()));
  }

  private static Alert onlyAlert(Path alertFile, AlertKind kind) throws Exception {
    await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
    Thread.sleep(4 * POLL.toMillis());
    List<Alert> got = alerts(alertFile);
    assertThat(got).as("one alert, however many polls see it").hasSize(1);
    assertThat(got.get(0).kind()).isEqualTo(kind);
    return got.get(0);
  }

  private static EvidenceVerifier.Verdict recheck(Alert a) throws Exception {
    return EvidenceVerifier.verify(Files.readAllBytes(Path.of(a.details().get("evidenceFile"))));
  }

  @Test
  void entriesThatDoNotMakeTheSignedTreeAreARootMismatch() throws Exception {
    Random random = new Random(21);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      for (int i = 0; i < 5; i++) {
        log.register(String.format("+4477009%05d", i), "phone", Ed25519.KeyPair.generate(random));
      }
      long size = log.treeSize();
      // Entry 3 of bundle 0 is swapped for another well-formed entry.
      proxy.rewrite(
          (path, body) -> {
            if (!path.startsWith("/tile/entries/")) {
              return body;
            }
            try {
              TilePath t = TilePath.parse(path.substring(1));
              List<byte[]> es = new ArrayList<>(EntryBundle.parse(t, body));
              es.set(3, es.get(2));
              return EntryBundle.encode(es);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      try (Monitor m = monitor(log, proxy, alertFile)) {
        Alert a = onlyAlert(alertFile, AlertKind.ROOT_MISMATCH);
        assertThat(m.followers().get(0).verifiedEntries()).isZero();
        EvidenceVerifier.Verdict v = recheck(a);
        assertThat(v.confirmed()).isTrue();
        assertThat(v.message()).startsWith("entries 0 to " + (size - 1) + " as served give root ");
      }
    }
  }

  @Test
  void anOlderCheckpointServedAgainIsARollback() throws Exception {
    Random random = new Random(22);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      log.register("+447700900001", "phone", Ed25519.KeyPair.generate(random));
      AtomicReference<byte[]> old = new AtomicReference<>();
      proxy.rewrite(
          (path, body) -> {
            if (path.equals("/checkpoint")) {
              old.compareAndSet(null, body);
            }
            return body;
          });
      try (Monitor m = monitor(log, proxy, alertFile)) {
        long first = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == first);
        log.register("+447700900002", "phone", Ed25519.KeyPair.generate(random));
        long second = log.treeSize();
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == second);
        proxy.rewrite((path, body) -> path.equals("/checkpoint") ? old.get() : body);
        Alert a = onlyAlert(alertFile, AlertKind.ROLLBACK);
        EvidenceVerifier.Verdict v = recheck(a);
        assertThat(v.confirmed()).isTrue();
        assertThat(v.message())
            .isEqualTo(
                "the log served tree size "
                    + first
                    + " after serving the larger "
                    + second
                    + "; the smaller tree is a prefix of the larger (a stale view)");
      }
    }
  }

  @Test
  void aCheckpointWhoseSignatureDoesNotVerifyIsReported() throws Exception {
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      // Change the tree size line: the signature no longer covers the text.
      proxy.rewrite(
          (path, body) -> {
            if (!path.equals("/checkpoint")) {
              return body;
            }
            String[] lines =
                new String(body, java.nio.charset.StandardCharsets.UTF_8).split("\n", 3);
            return (lines[0] + "\n" + (Long.parseLong(lines[1]) + 1) + "\n" + lines[2])
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          });
      try (Monitor m = monitor(log, proxy, alertFile)) {
        Alert a = onlyAlert(alertFile, AlertKind.BAD_SIGNATURE);
        assertThat(m.followers().get(0).verifiedCheckpoint()).isNull();
        EvidenceVerifier.Verdict v = recheck(a);
        assertThat(v.confirmed()).isTrue();
        assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.SERVED);
        assertThat(
                m.metrics()
                    .value(
                        "rcskt_monitor_verification_failures",
                        "origin",
                        log.origin(),
                        "kind",
                        "bad-signature"))
            .isGreaterThanOrEqualTo(2.0);
      }
    }
  }
}
