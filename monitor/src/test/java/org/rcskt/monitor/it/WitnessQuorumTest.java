package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WitnessConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.server.config.WitnessSettings;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.CosignatureV1Verifier;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.witness.QuorumException;
import org.rcskt.verifier.witness.WitnessPolicy;

/**
 * Issue 11: a real log and three real monitor-witnesses on loopback, a policy of two. Checkpoints
 * become witnessed; one witness down keeps them witnessed; two down stops new checkpoints from
 * being witnessed while submissions go on; clients with the policy accept only witnessed ones.
 */
class WitnessQuorumTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void checkpointsAreWitnessedByTwoOfThreeAndStopBeingSoWhenTwoAreDown() throws Exception {
    Random random = new Random(31);
    List<CosignatureV1Verifier> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(
          WitnessKeys.generate("witness.test/w" + i, dir.resolve("w" + i + ".key")).verifier());
    }
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      // The log's port is fixed by its first start; the witnesses follow that URL.
      log.stop();
      List<Monitor> monitors = new ArrayList<>();
      try {
        List<WitnessSettings.Witness> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Monitor m =
              Monitor.start(
                  Fixtures.monitor(
                          dir.resolve("monitor" + i),
                          List.of(Fixtures.follow(log, Duration.ofMillis(200), 1)),
                          List.of(),
                          List.of(new SinkConfig.File("file", dir.resolve("alerts" + i))),
                          List.of())
                      .withWitness(new WitnessConfig(dir.resolve("w" + i + ".key"))));
          monitors.add(m);
          ws.add(
              new WitnessSettings.Witness(
                  keys.get(i), URI.create("http://127.0.0.1:" + m.port() + "/")));
        }
        log.restartWithWitnesses(new WitnessSettings(ws, 2));
        Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(log.verifierKey());
        WitnessPolicy twoOfThree = WitnessPolicy.of(2, keys);

        log.register("+447700900201", "phone", Ed25519.KeyPair.generate(random));
        long size1 = log.treeSize();
        SignedCheckpoint w1 = awaitWitnessed(log, logKey, twoOfThree, size1);
        assertThat(twoOfThree.signers(w1)).hasSizeGreaterThanOrEqualTo(2);

        // A client with the policy accepts it; one that wants all three may not get them all.
        LogClient client =
            LogClient.builder(
                    log.url(),
                    log.origin(),
                    logKey,
                    new org.rcskt.verifier.client.FileCheckpointStore(dir.resolve("client.cp")))
                .witnessPolicy(twoOfThree)
                .build();
        assertThat(client.fetchCheckpoint().checkpoint().treeSize()).isGreaterThanOrEqualTo(size1);

        // A monitor told of the witnesses reports who cosigned the checkpoint it polled.
        org.rcskt.monitor.config.LogConfig f = Fixtures.follow(log, Duration.ofMillis(100), 0);
        try (Monitor observer =
            Monitor.start(
                Fixtures.monitor(
                    dir.resolve("observer"),
                    List.of(
                        new org.rcskt.monitor.config.LogConfig(
                            f.url(),
                            f.origin(),
                            f.verifierKey(),
                            f.vrfKey(),
                            f.policyKey(),
                            f.pollInterval(),
                            f.replay(),
                            f.recheckBundles(),
                            keys)),
                    List.of(),
                    List.of(new SinkConfig.File("file", dir.resolve("alerts-observer"))),
                    List.of()))) {
          await(
              Duration.ofSeconds(20),
              () -> observer.followers().get(0).lastCosigners().size() >= 2);
          String health = get(URI.create("http://127.0.0.1:" + observer.port() + "/healthz"));
          assertThat(health).contains("\"cosignedBy\":[\"witness.test/w");
        }

        // The audit states which of the given witnesses cosigned the checkpoint it audited.
        Path auditJson = dir.resolve("audit.json");
        int exit =
            new picocli.CommandLine(new org.rcskt.monitor.audit.AuditCommand())
                .execute(
                    "--log-url",
                    log.url().toString(),
                    "--log-key",
                    log.verifierKey(),
                    "--witness",
                    keys.get(0).verifierKey(),
                    "--witness",
                    keys.get(1).verifierKey(),
                    "--witness",
                    keys.get(2).verifierKey(),
                    "--json",
                    auditJson.toString(),
                    "--html",
                    dir.resolve("audit.html").toString(),
                    "--quiet");
        assertThat(exit).isZero();
        org.rcskt.monitor.audit.Cosigners cosigners =
            org.rcskt.monitor.audit.ReportJson.read(java.nio.file.Files.readAllBytes(auditJson))
                .cosigners();
        assertThat(cosigners.given())
            .containsExactly(keys.get(0).name(), keys.get(1).name(), keys.get(2).name());
        // The served checkpoint is witnessed by a quorum of two; the third may have cosigned it.
        assertThat(cosigners.cosignedBy()).hasSizeBetween(2, 3);
        assertThat(cosigners.given()).containsAll(cosigners.cosignedBy());
        assertThat(cosigners.uncheckedSignatureLines()).isZero();

        // A restarted log knows no witness's size: it learns each from the 409 to its first
        // request (old size 0) and resends with the consistency proof from there.
        WitnessSettings settings = log.server().config().witnesses();
        log.stop();
        log.restartWithWitnesses(settings);
        log.register("+447700900209", "phone", Ed25519.KeyPair.generate(random));
        awaitWitnessed(log, logKey, twoOfThree, log.treeSize());
        assertThat(
                new String(
                    log.server().metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8))
            .contains("rcskt_witness_requests_total{outcome=\"cosigned\"");

        // One witness down: still witnessed.
        monitors.get(0).close();
        log.register("+447700900202", "phone", Ed25519.KeyPair.generate(random));
        long size2 = log.treeSize();
        SignedCheckpoint w2 = awaitWitnessed(log, logKey, twoOfThree, size2);
        assertThat(twoOfThree.signers(w2)).containsExactly("witness.test/w1", "witness.test/w2");

        // Two down: submissions still succeed, but no newer checkpoint becomes witnessed.
        monitors.get(1).close();
        log.register("+447700900203", "phone", Ed25519.KeyPair.generate(random));
        long size3 = log.treeSize();
        assertThat(size3).isGreaterThan(size2);
        Thread.sleep(1500);
        SignedCheckpoint served = served(log, logKey, twoOfThree);
        assertThat(served.checkpoint().treeSize()).isEqualTo(size2);
        // The JSON API still gives the newest log-signed checkpoint.
        String json = get(log.url().resolve("v1/checkpoints"));
        assertThat(json).contains(log.origin() + "\\n" + size3 + "\\n");
        // A client asking for all three witnesses refuses the witnessed checkpoint, naming who
        // signed.
        LogClient strict =
            LogClient.builder(
                    log.url(),
                    log.origin(),
                    logKey,
                    new org.rcskt.verifier.client.FileCheckpointStore(dir.resolve("strict.cp")))
                .witnessPolicy(WitnessPolicy.of(3, keys))
                .build();
        assertThatThrownBy(strict::fetchCheckpoint)
            .isInstanceOf(QuorumException.class)
            .hasMessageContaining("carries 2 of the 3 witness cosignatures required")
            .satisfies(
                e ->
                    assertThat(((QuorumException) e).signed())
                        .containsExactly("witness.test/w1", "witness.test/w2"));
      } finally {
        for (Monitor m : monitors) {
          m.close();
        }
      }
    }
  }

  private static SignedCheckpoint awaitWitnessed(
      TestLog log, Ed25519NoteVerifier logKey, WitnessPolicy policy, long size) throws Exception {
    SignedCheckpoint[] got = new SignedCheckpoint[1];
    await(
        Duration.ofSeconds(20),
        () -> {
          try {
            SignedCheckpoint cp = served(log, logKey, policy);
            got[0] = cp;
            return cp.checkpoint().treeSize() >= size;
          } catch (QuorumException e) {
            return false;
          }
        });
    return got[0];
  }

  private static SignedCheckpoint served(
      TestLog log, Ed25519NoteVerifier logKey, WitnessPolicy policy) throws Exception {
    byte[] note =
        HTTP.send(
                HttpRequest.newBuilder(log.url().resolve("checkpoint")).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    return policy.verify(note, log.origin(), logKey);
  }

  private static String get(URI u) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
