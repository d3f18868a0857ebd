package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.rcskt.monitor.config.WitnessConfig;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import org.rcskt.monitor.follow.LogClient;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.Cosignature;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.KeyFileIo;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/** The monitor as a C2SP witness of a real log, over real HTTP. */
class WitnessHttpTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> post(URI u, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(u).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void cosignsTheLogsCheckpointsAndTurnsAnOfferedForkIntoEvidence() throws Exception {
    Random random = new Random(12);
    CosignatureV1Signer key = WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    Path alertsFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(random));
      try (Monitor m = startWitness(log, alertsFile)) {
        URI add = URI.create("http://127.0.0.1:" + m.port() + "/add-checkpoint");
        LogClient client = new LogClient(log.url(), Duration.ofSeconds(10));
        Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(log.verifierKey());

        byte[] first = client.checkpoint();
        long size1 = SignedCheckpoint.verify(first, log.origin(), logKey).checkpoint().treeSize();
        HttpResponse<String> ok = post(add, new AddCheckpointRequest(0, List.of(), first).encode());
        assertThat(ok.statusCode()).isEqualTo(200);
        SignedCheckpoint cosigned =
            SignedCheckpoint.verify(
                concat(first, ok.body().getBytes(StandardCharsets.UTF_8)),
                log.origin(),
                logKey,
                NoteVerifiers.of(key.verifier()));
        assertThat(cosigned.cosignatures())
            .extracting(Cosignature::name)
            .containsExactly("witness.test/w1");

        HttpResponse<String> stale =
            post(add, new AddCheckpointRequest(0, List.of(), first).encode());
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(stale.body()).isEqualTo(size1 + "\n");

        // The log grows; the witness follows with the log's own consistency proof.
        log.register("+447700900124", "phone", Ed25519.KeyPair.generate(random));
        byte[] second = client.checkpoint();
        long size2 = SignedCheckpoint.verify(second, log.origin(), logKey).checkpoint().treeSize();
        List<Hash> proof = client.consistencyProof(size1, size2);
        assertThat(post(add, new AddCheckpointRequest(size1, proof, second).encode()).statusCode())
            .isEqualTo(200);

        // Bad input: plain-text one-line reasons with the spec's codes.
        HttpResponse<String> garbage = post(add, "old x\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).isEqualTo("the old size is not a decimal number\n");
        HttpResponse<String> big = post(add, new byte[AddCheckpointRequest.MAX_BODY + 1]);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).isEqualTo("the body is larger than 20480 bytes\n");

        // The log (its key) signs a second tree of the cosigned size and offers it: refused, and
        // the monitor, checking it against its own verified view of the log, raises a proven split
        // view (two signed trees of one size).
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size2);
        CheckpointSigner evil =
            CheckpointSigner.of(Ed25519NoteSigner.fromSignerKey(KeyFileIo.read(log.logKeyFile())));
        byte[] fork = evil.sign(size2, Hash.sha256("fork".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> refused =
            post(add, new AddCheckpointRequest(size2, List.of(), fork).encode());
        assertThat(refused.statusCode()).isEqualTo(409);
        await(Duration.ofSeconds(20), () -> !alerts(alertsFile).isEmpty());
        Alert alert = alerts(alertsFile).get(0);
        assertThat(alert.kind()).isEqualTo(AlertKind.SPLIT_VIEW);
        EvidenceVerifier.Verdict v =
            EvidenceVerifier.verify(
                Files.readAllBytes(Path.of(alert.details().get("evidenceFile"))));
        assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.PROVEN);

        // The metrics count the answers by status.
        String metrics =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics).contains("rcskt_monitor_witness_requests_total{status=\"200\"} 2.0");
        assertThat(metrics).contains("rcskt_monitor_witness_requests_total{status=\"409\"} 2.0");
      }
    }
  }

  @Test
  void seededGarbageGetsOneLineRefusalsAndLeavesTheStateUsable() throws Exception {
    Random random = new Random(77);
    WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(random));
      try (Monitor m = startWitness(log, dir.resolve("alerts.jsonl"))) {
        URI add = URI.create("http://127.0.0.1:" + m.port() + "/add-checkpoint");
        LogClient client = new LogClient(log.url(), Duration.ofSeconds(10));
        byte[] cp = client.checkpoint();
        assertThat(post(add, new AddCheckpointRequest(0, List.of(), cp).encode()).statusCode())
            .isEqualTo(200);
        long size =
            SignedCheckpoint.verify(
                    cp, log.origin(), Ed25519NoteVerifier.fromVerifierKey(log.verifierKey()))
                .checkpoint()
                .treeSize();
        byte[] valid = new AddCheckpointRequest(size, List.of(), cp).encode();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < 400; i++) {
          byte[] b = valid.clone();
          switch (random.nextInt(4)) {
            case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> {
              byte[] junk = new byte[random.nextInt(300)];
              random.nextBytes(junk);
              b = junk;
            }
            default -> {
              for (int f = 0; f < 8; f++) {
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
              }
            }
          }
          HttpResponse<String> r = post(add, b);
          statuses.merge(r.statusCode(), 1, Integer::sum);
          assertThat(r.statusCode()).as("answer %d", i).isIn(200, 400, 403, 404, 409, 422);
          if (r.statusCode() != 200) {
            assertThat(r.body()).endsWith("\n");
            assertThat(r.body().strip()).doesNotContain("\n").isNotEmpty();
          }
        }
        assertThat(statuses.keySet()).contains(400);
        // The witness still knows where it stands and still cosigns the log.
        HttpResponse<String> again = post(add, valid);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(post(add, new AddCheckpointRequest(0, List.of(), cp).encode()).body())
            .isEqualTo(size + "\n");
      }
    }
  }

  /** A monitor following {@code log} and witnessing it with the key in {@code w.key}. */
  @Test
  void aWitnessOnlyMonitorCosignsWithoutFetchingTheLog() throws Exception {
    Random random = new Random(31);
    CosignatureV1Signer key = WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(random));
      LogClient client = new LogClient(log.url(), Duration.ofSeconds(10));
      Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(log.verifierKey());
      byte[] first = client.checkpoint();
      long size1 = SignedCheckpoint.verify(first, log.origin(), logKey).checkpoint().treeSize();
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                      dir.resolve("monitor"),
                      List.of(Fixtures.follow(log, Duration.ofMillis(20), 1).witnessOnly()),
                      List.of(),
                      List.of(new SinkConfig.File("file", dir.resolve("alerts.jsonl"))),
                      List.of())
                  .withWitness(new WitnessConfig(dir.resolve("w.key"))))) {
        URI add = URI.create("http://127.0.0.1:" + m.port() + "/add-checkpoint");
        HttpResponse<String> ok = post(add, new AddCheckpointRequest(0, List.of(), first).encode());
        assertThat(ok.statusCode()).isEqualTo(200);
        SignedCheckpoint.verify(
            concat(first, ok.body().getBytes(StandardCharsets.UTF_8)),
            log.origin(),
            logKey,
            NoteVerifiers.of(key.verifier()));
        log.register("+447700900124", "phone", Ed25519.KeyPair.generate(random));
        byte[] second = client.checkpoint();
        long size2 = SignedCheckpoint.verify(second, log.origin(), logKey).checkpoint().treeSize();
        List<Hash> proof = client.consistencyProof(size1, size2);
        assertThat(post(add, new AddCheckpointRequest(size1, proof, second).encode()).statusCode())
            .isEqualTo(200);
        // A fork of the cosigned size is refused by the witness state alone.
        CheckpointSigner evil =
            CheckpointSigner.of(Ed25519NoteSigner.fromSignerKey(KeyFileIo.read(log.logKeyFile())));
        byte[] fork = evil.sign(size2, Hash.sha256("fork".getBytes(StandardCharsets.UTF_8)));
        assertThat(
                post(add, new AddCheckpointRequest(size2, List.of(), fork).encode()).statusCode())
            .isEqualTo(409);
        // With a 20 ms poll interval a following monitor would have verified the log by now.
        Thread.sleep(500);
        assertThat(m.followers().get(0).lastPollOkMs()).isZero();
        assertThat(m.followers().get(0).verifiedCheckpoint()).isNull();
        String health =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/healthz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(health).contains("\"following\":false");
      }
    }
  }

  private Monitor startWitness(TestLog log, Path alerts) throws Exception {
    return Monitor.start(
        Fixtures.monitor(
                dir.resolve("monitor"),
                List.of(Fixtures.follow(log, Duration.ofMillis(200), 1)),
                List.of(),
                List.of(new SinkConfig.File("file", alerts)),
                List.of())
            .withWitness(new WitnessConfig(dir.resolve("w.key"))));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
