package org.rcskt.monitor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.evidence.EvidenceVerifier;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TamperingProxy;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * A lookup answer's map part (docs/api.md, {@code GET /v1/keys}): its map root leaf must be the
 * checkpoint's last leaf, proven in its tree, and its completeness proof must verify against that
 * map root. An answer whose VRF proof verifies but whose map part does not raises {@code
 * bad-lookup-proof}, and the number is not watched until an answer verifies; an honest answer
 * raises nothing.
 */
class LookupProofTest {
  private static final String ALICE = "+447700900123";
  private static final Duration POLL = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private MonitorConfig config(
      TestLog log, TamperingProxy proxy, Path alertFile, Ed25519.KeyPair k) {
    LogConfig direct = Fixtures.follow(log, POLL, 0);
    LogConfig viaProxy =
        new LogConfig(
            proxy.url(),
            direct.origin(),
            direct.verifierKey(),
            Optional.of(TestLog.vrfKey()),
            Optional.empty(),
            POLL,
            LogConfig.Replay.ALL,
            0);
    return Fixtures.monitor(
        dir.resolve("monitor"),
        List.of(viaProxy),
        List.of(Fixtures.watch("alice", ALICE, k)),
        List.of(new SinkConfig.File("file", alertFile)),
        List.of());
  }

  @Test
  void aTamperedCompletenessProofIsRefused() throws Exception {
    refused(
        o -> flip(o, "completeness", -1),
        "the completeness proof does not verify against the map root of tree size ");
  }

  @Test
  void aTamperedMapRootEntryIsRefused() throws Exception {
    refused(
        o -> {
          flip((ObjectNode) o.get("mapRoot"), "entry", -1);
          return o;
        },
        "is not proven in the tree of size ");
  }

  @Test
  void aMapRootLeafThatIsNotTheLastLeafIsRefused() throws Exception {
    refused(
        o -> {
          ObjectNode m = (ObjectNode) o.get("mapRoot");
          m.put("leafIndex", m.get("leafIndex").asLong() - 1);
          return o;
        },
        ", the last leaf of its checkpoint");
  }

  @Test
  void anHonestAnswerRaisesNothing() throws Exception {
    Random random = new Random(31);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      log.register(ALICE, "phone", expected);
      long size = log.treeSize();
      try (Monitor m = Monitor.start(config(log, proxy, alertFile, expected))) {
        await(Duration.ofSeconds(20), () -> m.followers().get(0).verifiedEntries() == size);
        Thread.sleep(4 * POLL.toMillis());
        assertThat(alerts(alertFile)).isEmpty();
        assertThat(m.followers().get(0).lastProblem()).isNull();
      }
    }
  }

  @Test
  void aLookupAnswerFromAnotherSignedTreeIsASplitViewWithEvidence() throws Exception {
    Random random = new Random(33);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TestLog fork = TestLog.startWithKeysOf(dir.resolve("fork"), log);
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      log.register(ALICE, "phone", expected);
      // The fork holds the number under another key: its lookup answer verifies on its own.
      fork.register(ALICE, "phone", Ed25519.KeyPair.generate(random));
      assertThat(fork.treeSize()).isEqualTo(log.treeSize());
      HttpClient http = HttpClient.newHttpClient();
      proxy.rewrite(
          (path, body) -> {
            if (!path.startsWith("/v1/keys/")) {
              return body;
            }
            try {
              return http.send(
                      HttpRequest.newBuilder(fork.url().resolve(path.substring(1))).build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          });
      try (Monitor m = Monitor.start(config(log, proxy, alertFile, expected))) {
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        Thread.sleep(4 * POLL.toMillis());
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.SPLIT_VIEW);
        assertThat(a.toJson()).doesNotContain(ALICE.substring(1));
        EvidenceVerifier.Verdict v =
            EvidenceVerifier.verify(Files.readAllBytes(Path.of(a.details().get("evidenceFile"))));
        assertThat(v.confirmed()).isTrue();
        assertThat(v.strength()).isEqualTo(EvidenceVerifier.Strength.PROVEN);
        assertThat(v.message())
            .startsWith("the log signed two different trees of size " + log.treeSize());
      }
    }
  }

  private void refused(UnaryOperator<ObjectNode> tamper, String reasonPart) throws Exception {
    Random random = new Random(32);
    Ed25519.KeyPair expected = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
    Path alertFile = dir.resolve("alerts.jsonl");
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      proxy.rewrite((path, body) -> path.startsWith("/v1/keys/") ? rewrite(body, tamper) : body);
      log.register(ALICE, "phone", expected);
      long rot = log.rotate(ALICE, "phone", expected, rogue);
      try (Monitor m = Monitor.start(config(log, proxy, alertFile, expected))) {
        await(Duration.ofSeconds(20), () -> !alerts(alertFile).isEmpty());
        Thread.sleep(4 * POLL.toMillis());
        List<Alert> got = alerts(alertFile);
        assertThat(got).hasSize(1);
        Alert a = got.get(0);
        assertThat(a.kind()).isEqualTo(AlertKind.BAD_LOOKUP_PROOF);
        assertThat(a.kind().isMisbehaviour()).isFalse();
        assertThat(a.evidence()).isNull();
        assertThat(a.label()).isEqualTo("alice");
        assertThat(a.message())
            .startsWith(
                "the log's answer to the lookup of the watched number \"alice\" does not verify: ")
            .contains(reasonPart)
            .endsWith("; the log's entries are not followed until it does");
        assertThat(a.toJson()).doesNotContain(ALICE.substring(1));
        assertThat(m.followers().get(0).verifiedEntries()).isZero();

        // Honest again: the index is kept and the rotation meanwhile is caught.
        proxy.rewrite((path, body) -> body);
        await(Duration.ofSeconds(20), () -> alerts(alertFile).size() >= 2);
        Alert b = alerts(alertFile).get(1);
        assertThat(b.kind()).isEqualTo(AlertKind.UNEXPECTED_KEY);
        assertThat(b.leafIndex()).isEqualTo(rot);
        assertThat(b.subject()).isEqualTo(TestVrf.index(ALICE));
      }
      assertThat(Files.readString(alertFile)).doesNotContain(ALICE.substring(1));
    }
  }

  private static byte[] rewrite(byte[] body, UnaryOperator<ObjectNode> tamper) {
    try {
      ObjectNode o = tamper.apply((ObjectNode) JSON.readTree(body));
      return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flips one bit of the base64 field {@code field} of {@code o} at {@code at} (-1: the last). */
  private static ObjectNode flip(ObjectNode o, String field, int at) {
    byte[] b = Base64.getDecoder().decode(o.get(field).asText());
    b[at < 0 ? b.length + at : at] ^= 1;
    o.put(field, Base64.getEncoder().encodeToString(b));
    return o;
  }
}
