package org.rcskt.verifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.merkle.InclusionProofException;
import org.rcskt.verifier.testing.TestVrf;

class LogClientTest {
  @TempDir Path dir;
  private final Random random = new Random(11);
  private final Hash alice = TestVrf.index("+447700900123");
  private TestLog log;
  private FixtureServer server;
  private FileCheckpointStore store;

  @BeforeEach
  void setUp() throws IOException {
    log = new TestLog(3);
    log.addAnchor();
    server = new FixtureServer(log);
    store = new FileCheckpointStore(dir.resolve("checkpoint"));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private LogClient client() {
    return LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), store)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private void grow(int n) {
    for (int i = 0; i < n; i++) {
      log.register(TestVrf.index("+4477009" + (10000 + i)), "d", key(), true);
    }
  }

  private Ed25519.KeyPair key() {
    return Ed25519.KeyPair.generate(random);
  }

  @Test
  void firstCheckpointIsStoredAndLaterOnesMustExtendIt() throws Exception {
    LogClient c = client();
    assertThat(c.latestVerified()).isEmpty();
    SignedCheckpoint first = c.fetchCheckpoint();
    assertThat(first.checkpoint().treeSize()).isEqualTo(2);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(2)));
    grow(20);
    SignedCheckpoint second = c.fetchCheckpoint();
    assertThat(second.checkpoint().treeSize()).isEqualTo(42);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(42)));
    // The same checkpoint again is accepted without a proof and keeps the stored one.
    assertThat(c.fetchCheckpoint().raw()).isEqualTo(second.raw());
  }

  @Test
  void anOlderReceiptCheckpointIsProvenAPrefixNotCalledARollback() throws Exception {
    grow(4);
    byte[] receipt = log.checkpoint(10); // a concurrent submitter's batch ended at size 10
    grow(6);
    LogClient c = client();
    c.fetchCheckpoint(); // this client already verified size 22
    SignedCheckpoint r = c.acceptReceipt(receipt);
    assertThat(r.checkpoint().treeSize()).isEqualTo(10);
    // The newer verified checkpoint stays.
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(22)));
    assertThat(c.latestVerified().orElseThrow().checkpoint().treeSize()).isEqualTo(22);
    // A receipt of the latest size, or a larger one, is handled as any checkpoint.
    assertThat(c.acceptReceipt(log.checkpoint(22)).checkpoint().treeSize()).isEqualTo(22);
    grow(3);
    assertThat(c.acceptReceipt(log.checkpoint(28)).checkpoint().treeSize()).isEqualTo(28);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(28)));
    // accept() itself still calls a smaller tree a rollback.
    assertThat(catchThrowableOfType(() -> c.accept(receipt), LogMisbehaviourException.class).kind())
        .isEqualTo(LogMisbehaviourException.Kind.ROLLBACK);
  }

  @Test
  void withAWitnessPolicyOnlyCosignedCheckpointsBecomeTheLatestAndReceiptsAreCheckedAgainstIt()
      throws Exception {
    org.rcskt.verifier.note.CosignatureV1Signer w1 =
        org.rcskt.verifier.note.CosignatureV1Signer.of(
            "w1.test", key(), java.time.Clock.systemUTC());
    org.rcskt.verifier.note.CosignatureV1Signer w2 =
        org.rcskt.verifier.note.CosignatureV1Signer.of(
            "w2.test", key(), java.time.Clock.systemUTC());
    org.rcskt.verifier.witness.WitnessPolicy policy =
        org.rcskt.verifier.witness.WitnessPolicy.of(
            2, java.util.List.of(w1.verifier(), w2.verifier()));
    LogClient c =
        LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), store)
            .timeout(Duration.ofSeconds(5))
            .witnessPolicy(policy)
            .build();
    grow(4);
    // The fixture serves the log-signed checkpoint alone: not witnessed.
    org.rcskt.verifier.witness.QuorumException q =
        catchThrowableOfType(c::fetchCheckpoint, org.rcskt.verifier.witness.QuorumException.class);
    assertThat(q.signed()).isEmpty();
    assertThat(q.getMessage())
        .isEqualTo(
            "the checkpoint of size 10 carries 0 of the 2 witness cosignatures required; the"
                + " witnesses are w1.test, w2.test");
    byte[] one = org.rcskt.verifier.note.Notes.addSignatures(log.checkpoint(10), w1);
    assertThat(
            catchThrowableOfType(
                    () -> c.accept(one), org.rcskt.verifier.witness.QuorumException.class)
                .signed())
        .containsExactly("w1.test");
    byte[] both = org.rcskt.verifier.note.Notes.addSignatures(one, w2);
    assertThat(c.accept(both).checkpoint().treeSize()).isEqualTo(10);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(both));
    // A receipt of a larger tree is proven to extend the witnessed one but does not replace it.
    grow(3);
    assertThat(c.acceptReceipt(log.checkpoint(16)).checkpoint().treeSize()).isEqualTo(16);
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(both));
    // One from another history is caught.
    TestLog other = new TestLog(3);
    other.addAnchor();
    for (int i = 0; i < 7; i++) {
      other.register(TestVrf.index("+4915100000" + i), "d", key(), true);
    }
    assertThat(
            catchThrowableOfType(
                    () -> c.acceptReceipt(other.checkpoint(16)), LogMisbehaviourException.class)
                .kind())
        .isEqualTo(LogMisbehaviourException.Kind.INCONSISTENT);
    assertThat(
            catchThrowableOfType(
                    () -> c.acceptReceipt(other.checkpoint(10)), LogMisbehaviourException.class)
                .kind())
        .isEqualTo(LogMisbehaviourException.Kind.FORK);
  }

  @Test
  void anOlderReceiptFromAnotherHistoryIsInconsistent() throws Exception {
    TestLog other = new TestLog(3); // same keys, different entries
    other.addAnchor();
    for (int i = 0; i < 4; i++) {
      other.register(TestVrf.index("+4915100000" + i), "d", key(), true);
    }
    grow(9);
    LogClient c = client();
    c.fetchCheckpoint();
    LogMisbehaviourException e =
        catchThrowableOfType(
            () -> c.acceptReceipt(other.checkpoint(10)), LogMisbehaviourException.class);
    assertThat(e.kind()).isEqualTo(LogMisbehaviourException.Kind.INCONSISTENT);
    assertThat(e.getMessage())
        .startsWith(
            "receipt checkpoint for tree size 10 is not a prefix of the tree size 20 already"
                + " verified: ");
    assertThat(e.previousCheckpoint()).isEqualTo(log.checkpoint(20));
    assertThat(e.newCheckpoint()).isEqualTo(other.checkpoint(10));
    assertThat(e.consistencyProof()).isEqualTo(log.consistency(10, 20));
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(20)));
  }

  @Test
  void rollbackIsCaughtEvenAfterARestart() throws Exception {
    grow(10);
    client().fetchCheckpoint();
    server.serveSize(10);
    LogClient restarted = client();
    LogMisbehaviourException e =
        catchThrowableOfType(restarted::fetchCheckpoint, LogMisbehaviourException.class);
    assertThat(e.kind()).isEqualTo(LogMisbehaviourException.Kind.ROLLBACK);
    assertThat(e.getMessage())
        .isEqualTo("checkpoint has tree size 10, smaller than the tree size 22 already verified");
    assertThat(e.previousCheckpoint()).isEqualTo(log.checkpoint(22));
    assertThat(e.newCheckpoint()).isEqualTo(log.checkpoint(10));
    assertThat(e.consistencyProof()).isEmpty();
    assertThat(e.origin()).isEqualTo(TestLog.ORIGIN);
    assertThat(e.evidence())
        .startsWith("log misbehaviour: ROLLBACK\n")
        .contains(new String(log.checkpoint(10), StandardCharsets.UTF_8));
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(22)));
  }

  @Test
  void forkOfTheSameSizeIsCaught() throws Exception {
    grow(4);
    LogClient c = client();
    c.fetchCheckpoint();
    TestLog other = new TestLog(3); // same keys, different entries
    other.addAnchor();
    for (int i = 0; i < 4; i++) {
      other.register(TestVrf.index("+4915100000" + i), "d", key(), true);
    }
    server.serve(other);
    LogMisbehaviourException e =
        catchThrowableOfType(c::fetchCheckpoint, LogMisbehaviourException.class);
    assertThat(e.kind()).isEqualTo(LogMisbehaviourException.Kind.FORK);
    assertThat(e.previousCheckpoint()).isEqualTo(log.checkpoint(10));
    assertThat(e.newCheckpoint()).isEqualTo(other.checkpoint(10));
    assertThat(e.getMessage())
        .startsWith("checkpoint for tree size 10 has root hash ")
        .endsWith(" was already verified for that size");
  }

  @Test
  void forkThatGrewIsCaughtByTheConsistencyProof() throws Exception {
    grow(4);
    LogClient c = client();
    c.fetchCheckpoint();
    TestLog other = new TestLog(3);
    other.addAnchor();
    for (int i = 0; i < 9; i++) {
      other.register(TestVrf.index("+4915100000" + i), "d", key(), true);
    }
    server.serve(other);
    LogMisbehaviourException e =
        catchThrowableOfType(c::fetchCheckpoint, LogMisbehaviourException.class);
    assertThat(e.kind()).isEqualTo(LogMisbehaviourException.Kind.INCONSISTENT);
    assertThat(e.consistencyProof()).isEqualTo(other.consistency(10, 20));
    assertThat(e.getMessage())
        .startsWith(
            "checkpoint for tree size 20 is not consistent with the tree size 10 already verified: ");
    assertThat(e.evidence()).contains("consistency proof:\n");
    assertThat(store.load()).hasValueSatisfying(b -> assertThat(b).isEqualTo(log.checkpoint(10)));
  }

  @Test
  void checkpointSignedByAnotherKeyDoesNotVerify() throws Exception {
    TestLog impostor = new TestLog(4);
    impostor.addAnchor();
    server.serve(impostor);
    assertThatThrownBy(() -> client().fetchCheckpoint())
        .isInstanceOf(VerificationException.class)
        .isNotInstanceOf(LogMisbehaviourException.class);
    assertThat(store.load()).isEmpty();
  }

  @Test
  void subjectHistoryIsPagedAndEveryProofVerified() throws Exception {
    Ed25519.KeyPair k = key();
    KeyEvent first = log.register(alice, "phone", k, true);
    grow(3);
    Ed25519.KeyPair prev = k;
    for (int i = 0; i < 4; i++) {
      Ed25519.KeyPair next = key();
      log.rotate(alice, "phone", prev, next);
      prev = next;
    }
    server.pageSize(2);
    SubjectHistory h = client().subject(alice);
    assertThat(h.events()).hasSize(5);
    assertThat(h.events().get(0).event()).isEqualTo(first);
    assertThat(h.events())
        .extracting(LoggedEvent::leafIndex)
        .containsExactly(2L, 10L, 12L, 14L, 16L);
    assertThat(h.treeSize()).isEqualTo(18);
  }

  @Test
  void aProofThatDoesNotLeadToTheCheckpointIsRefused() throws Exception {
    log.register(alice, "phone", key(), true);
    grow(3);
    String good = log.inclusion(2, 10).get(0).toBase64();
    String bad = Hash.sha256(new byte[] {9}).toBase64();
    server.rewrite(s -> s.replace(good, bad));
    ResponseException e =
        catchThrowableOfType(() -> client().subject(alice), ResponseException.class);
    assertThat(e.leafIndex()).isEqualTo(2);
    assertThat(e.path()).isEqualTo("v1/subjects/" + alice.toHex());
    assertThat(e.getMessage())
        .startsWith(
            "v1/subjects/"
                + alice.toHex()
                + ": inclusion proof of the event at leaf 2 does not verify against tree size 10: ");
    assertThat(e.getCause()).isInstanceOf(InclusionProofException.class);
  }

  @Test
  void malformedAnswersAreRefusedWithTheirProblem() throws Exception {
    log.register(alice, "phone", key(), true);
    String path = "v1/subjects/" + alice.toHex();
    server.rewrite(s -> "[]");
    assertThatThrownBy(() -> client().subject(alice))
        .isInstanceOf(ResponseException.class)
        .hasMessage(path + ": response is not a JSON object");
    server.rewrite(s -> "{");
    assertThatThrownBy(() -> client().subject(alice))
        .isInstanceOf(ResponseException.class)
        .hasMessageStartingWith(path + ": response is not valid JSON: ");
    server.rewrite(s -> s.replace("\"events\"", "\"evts\""));
    assertThatThrownBy(() -> client().subject(alice))
        .hasMessage(path + ": field \"events\" is missing or not an array");
    server.rewrite(s -> s.replace(alice.toHex(), "00".repeat(32)));
    assertThatThrownBy(() -> client().subject(alice))
        .hasMessage(path + ": answer is about subject " + "00".repeat(32));
    server.rewrite(s -> s.replace("\"leafIndex\":2", "\"leafIndex\":-1"));
    assertThatThrownBy(() -> client().subject(alice))
        .hasMessage(path + ": field \"leafIndex\" is missing or not a non-negative integer");
  }

  @Test
  void tooManyProofHashesAreRefusedBeforeHashing() {
    StringBuilder hashes = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      hashes.append(i == 0 ? "" : ",").append('"').append(Hash.ZERO.toBase64()).append('"');
    }
    com.fasterxml.jackson.databind.JsonNode node;
    try {
      node =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree("{\"inclusionProof\":[" + hashes + "]}");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> LogClient.parseProof("p", node, "inclusionProof"))
        .hasMessage("p: field \"inclusionProof\" has 64 hashes, more than 63");
  }

  @Test
  void oversizedSlowAndFailingAnswersAreIoErrors() throws Exception {
    LogClient small =
        LogClient.builder(server.uri(), TestLog.ORIGIN, log.verifier(), store)
            .maxResponseBytes(1024)
            .timeout(Duration.ofMillis(300))
            .build();
    server.rewrite(s -> s + " ".repeat(2000));
    assertThatThrownBy(small::fetchCheckpoint)
        .isInstanceOf(IOException.class)
        .hasMessage(
            server.uri()
                + "checkpoint: response of "
                + (log.checkpoint().length + 2000)
                + " bytes exceeds the limit of 1024");
    server.rewrite(s -> s);
    server.delayMs(2000);
    assertThatThrownBy(small::fetchCheckpoint).isInstanceOf(HttpTimeoutException.class);
    server.delayMs(0);
    server.status(503);
    HttpStatusException e = catchThrowableOfType(small::fetchCheckpoint, HttpStatusException.class);
    assertThat(e.status()).isEqualTo(503);
  }

  @Test
  void proveInclusionVerifiesAgainstTheGivenCheckpoint() throws Exception {
    KeyEvent e = log.register(alice, "phone", key(), true);
    grow(6);
    LogClient c = client();
    SignedCheckpoint cp = c.fetchCheckpoint();
    assertThat(c.proveInclusion(2, e.leafHash(), cp)).isEqualTo(log.inclusion(2, 16));
    assertThatThrownBy(() -> c.proveInclusion(3, e.leafHash(), cp))
        .isInstanceOf(ResponseException.class)
        .hasMessageStartingWith("v1/proof/inclusion?index=3&size=16: ");
    assertThatThrownBy(() -> c.proveInclusion(16, e.leafHash(), cp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaf index 16 is not below the tree size 16");
  }

  @Test
  void builderChecksItsArguments() {
    assertThatThrownBy(
            () ->
                LogClient.builder(
                    java.net.URI.create("ftp://x/"), TestLog.ORIGIN, log.verifier(), store))
        .hasMessage("log URL must be absolute http or https, got ftp://x/");
    assertThatThrownBy(
            () -> LogClient.builder(server.uri(), "other.example/log", log.verifier(), store))
        .hasMessage(
            "log key name \"test.example/log\" differs from the origin \"other.example/log\"");
  }
}
