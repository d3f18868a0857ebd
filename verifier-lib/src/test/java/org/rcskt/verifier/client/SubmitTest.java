package org.rcskt.verifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.testing.TestVrf;

/**
 * {@link LogClient#submit} and {@link LogClient#submitBatch} against a fixture log on loopback: an
 * honest receipt verifies; a receipt for another leaf, a proof that does not lead to the root, a
 * checkpoint by another key, or a batch answer with outcomes missing is refused; the log's error
 * bodies become {@link Rejection}s.
 */
class SubmitTest {
  @TempDir Path dir;
  private final Random random = new Random(5);
  private TestLog log;
  private FixtureServer server;

  @BeforeEach
  void setUp() throws Exception {
    log = new TestLog(8);
    log.addAnchor();
    server = new FixtureServer(log);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private LogClient client() {
    return LogClient.builder(
            server.uri(),
            TestLog.ORIGIN,
            log.verifier(),
            new FileCheckpointStore(dir.resolve("checkpoint")))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private KeyEvent event(String number) {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    return EventBuilder.forSubject(TestVrf.index(number), TestLog.CARRIER)
        .timestampMs(1_800_000_000_000L)
        .register("d1", PublicKeyInfo.ed25519(k.publicKey()))
        .sign(k);
  }

  @Test
  void anHonestReceiptVerifiesAndBecomesTheLatestCheckpoint() throws Exception {
    LogClient c = client();
    KeyEvent e = event("+447700900001");
    Receipt r = c.submit(e);
    assertThat(r.leafHash()).isEqualTo(e.leafHash());
    assertThat(log.entry(r.leafIndex())).isEqualTo(e);
    assertThat(r.checkpoint().checkpoint().treeSize()).isEqualTo(log.treeSize());
    assertThat(r.duplicate()).isFalse();
    assertThat(c.latestVerified())
        .hasValueSatisfying(cp -> assertThat(cp.raw()).isEqualTo(r.checkpoint().raw()));
  }

  @Test
  void aReceiptForAnotherLeafIsRefused() {
    KeyEvent other = event("+447700900002");
    server.rewrite(
        b ->
            b.replaceFirst(
                "\"leafHash\":\"[^\"]+\"", "\"leafHash\":\"" + other.leafHash().toBase64() + "\""));
    assertThatThrownBy(() -> client().submit(event("+447700900003")))
        .isInstanceOf(ResponseException.class)
        .hasMessageContaining("not the submitted event's");
  }

  @Test
  void aProofThatDoesNotLeadToTheRootIsRefused() {
    String zero = Hash.ZERO.toBase64();
    server.rewrite(
        b ->
            b.replaceFirst(
                "\"inclusionProof\":\\[\"[^\"]+\"", "\"inclusionProof\":[\"" + zero + "\""));
    assertThatThrownBy(() -> client().submit(event("+447700900004")))
        .isInstanceOf(ResponseException.class)
        .hasMessageContaining("inclusion proof does not verify");
  }

  @Test
  void aCheckpointByAnotherKeyIsRefused() throws Exception {
    TestLog impostor = new TestLog(99);
    LogClient c =
        LogClient.builder(
                server.uri(),
                TestLog.ORIGIN,
                impostor.verifier(),
                new FileCheckpointStore(dir.resolve("other")))
            .build();
    assertThatThrownBy(() -> c.submit(event("+447700900005")))
        .isInstanceOf(VerificationException.class);
  }

  @Test
  void theLogsErrorBodyBecomesARejection() {
    server.status(422);
    server.rewrite(
        b ->
            "{\"error\":\"rule_violation\",\"field\":\"signatures\",\"detail\":\"a carrier must"
                + " sign\",\"violation\":\"MISSING_CARRIER_ATTESTATION\"}");
    RejectedEventException e =
        catchThrowableOfType(
            RejectedEventException.class, () -> client().submit(event("+447700900006")));
    assertThat(e.rejection())
        .isEqualTo(
            new Rejection(
                422,
                "rule_violation",
                "signatures",
                "a carrier must sign",
                "MISSING_CARRIER_ATTESTATION"));
    assertThat(e.rejection().retryable()).isFalse();
    assertThat(e)
        .hasMessage(
            "422 rule_violation (MISSING_CARRIER_ATTESTATION) at signatures: a carrier must sign");
  }

  @Test
  void aBodyThatIsNotTheLogsJsonIsKeptRaw() {
    server.status(503);
    server.rewrite(b -> "<html>busy</html>");
    RejectedEventException e =
        catchThrowableOfType(
            RejectedEventException.class, () -> client().submit(event("+447700900007")));
    assertThat(e.rejection().error()).isEqualTo("http_503");
    assertThat(e.rejection().detail()).isEqualTo("<html>busy</html>");
    assertThat(e.rejection().retryable()).isTrue();
  }

  @Test
  void aBatchHasOneVerifiedOutcomePerEventAgainstOneCheckpoint() throws Exception {
    List<KeyEvent> events = List.of(event("+447700900010"), event("+447700900011"));
    BatchReceipt b = client().submitBatch(events);
    assertThat(b.accepted()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      Receipt r = b.outcomes().get(i).receipt();
      assertThat(r.leafHash()).isEqualTo(events.get(i).leafHash());
      assertThat(r.checkpoint()).isSameAs(b.checkpoint());
    }
  }

  @Test
  void aBatchAnswerWithAnOutcomeMissingIsRefused() {
    server.rewrite(
        b -> b.replaceFirst(",\\{[^{}]*\"inclusionProof\":\\[[^\\]]*\\][^{}]*\\}\\]", "]"));
    assertThatThrownBy(
            () -> client().submitBatch(List.of(event("+447700900012"), event("+447700900013"))))
        .isInstanceOf(ResponseException.class)
        .hasMessageContaining("one per event");
  }

  @Test
  void aBatchOutOfBoundsIsRefusedBeforeSending() {
    assertThatThrownBy(() -> client().submitBatch(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
