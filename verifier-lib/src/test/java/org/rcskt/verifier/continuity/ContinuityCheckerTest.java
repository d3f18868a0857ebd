package org.rcskt.verifier.continuity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.client.FileCheckpointStore;
import org.rcskt.verifier.client.FixtureServer;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.LogMisbehaviourException;
import org.rcskt.verifier.client.ResponseException;
import org.rcskt.verifier.client.StaleAnswerException;
import org.rcskt.verifier.client.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.testing.TestVrf;

/** The checker over real HTTP against the fixture server, with pins on disk. */
class ContinuityCheckerTest {
  private static final String ALICE = "+14155550123";

  @TempDir Path dir;
  private final Random random = new Random(99);
  private final Hash alice = TestVrf.index(ALICE);
  private TestLog log;
  private FixtureServer server;
  private FilePinStore pins;
  private ContinuityChecker checker;

  @BeforeEach
  void setUp() throws IOException {
    log = new TestLog(21);
    log.addAnchor();
    server = new FixtureServer(log);
    pins = new FilePinStore(dir.resolve("pins"));
    checker = newChecker();
  }

  private ContinuityChecker newChecker() {
    LogClient client =
        LogClient.builder(
                server.uri(),
                TestLog.ORIGIN,
                log.verifier(),
                new FileCheckpointStore(dir.resolve("checkpoint")))
            .vrfKey(TestVrf.PUBLIC)
            .build();
    return new ContinuityChecker(client, pins, log.rules());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void pinsOnFirstContactAndFollowsSignedRotations() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(random);
    KeyEvent reg = log.register(alice, "phone", k1, true);
    Verdict first = checker.check(ALICE, k1.publicKey());
    assertThat(first.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(first.firstContact()).isTrue();
    assertThat(pins.get(alice)).contains(new Pin(alice, k1.publicKey(), 0, 2, reg.leafHash()));

    KeyEvent rot = log.rotate(alice, "phone", k1, k2);
    Verdict rotated = newChecker().check(ALICE, k2.publicKey());
    assertThat(rotated.kind()).isEqualTo(Verdict.Kind.ROTATED);
    assertThat(pins.get(alice)).contains(new Pin(alice, k2.publicKey(), 1, 4, rot.leafHash()));
    assertThat(checker.check(ALICE, k2.publicKey()).kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(checker.check(ALICE, k1.publicKey()).kind()).isEqualTo(Verdict.Kind.REVOKED);
  }

  @Test
  void recoveredKeyIsPinnedOnlyOnceAccepted() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(random);
    log.register(alice, "phone", k1, true);
    checker.check(ALICE, k1.publicKey());
    log.recover(alice, "phone", k2);
    Verdict v = checker.check(ALICE, k2.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.RECOVERED);
    assertThat(pins.get(alice).orElseThrow().key())
        .isEqualTo(org.rcskt.verifier.event.PublicKeyInfo.ed25519(k1.publicKey()));
    assertThat(checker.check(ALICE, k2.publicKey()).kind()).isEqualTo(Verdict.Kind.RECOVERED);
    checker.accept(v);
    assertThat(pins.get(alice).orElseThrow().key())
        .isEqualTo(org.rcskt.verifier.event.PublicKeyInfo.ed25519(k2.publicKey()));
    assertThat(checker.check(ALICE, k2.publicKey()).kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThatThrownBy(() -> checker.accept(checker.check(ALICE, k2.publicKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only a RECOVERED verdict needs accepting, this one is UNCHANGED");
  }

  @Test
  void unloggedKeyIsNotPinned() throws Exception {
    Verdict v = checker.check(ALICE, Ed25519.KeyPair.generate(random).publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNLOGGED);
    assertThat(v.firstContact()).isTrue();
    assertThat(pins.get(alice)).isEmpty();
  }

  @Test
  void rollbackIsALogErrorWithTheEvidence() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    log.register(alice, "phone", k1, true);
    log.rotate(alice, "phone", k1, Ed25519.KeyPair.generate(random));
    checker.check(ALICE, k1.publicKey());
    server.serveSize(4); // hide the rotation (and its map root)
    Verdict v = checker.check(ALICE, k1.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    LogMisbehaviourException e = (LogMisbehaviourException) v.evidence();
    assertThat(e.kind()).isEqualTo(LogMisbehaviourException.Kind.ROLLBACK);
    assertThat(e.previousCheckpoint()).isEqualTo(log.checkpoint(6));
    assertThat(e.newCheckpoint()).isEqualTo(log.checkpoint(4));
    assertThat(v.checkpoint().raw()).isEqualTo(log.checkpoint(6));
  }

  @Test
  void forkIsALogError() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    log.register(alice, "phone", k1, true);
    checker.check(ALICE, k1.publicKey());
    // Same log key, a different history for alice: the attacker's key registered instead.
    TestLog other = new TestLog(21);
    other.addAnchor();
    Ed25519.KeyPair attacker = Ed25519.KeyPair.generate(random);
    other.register(alice, "phone", attacker, true);
    other.rotate(alice, "phone", attacker, Ed25519.KeyPair.generate(random));
    server.serve(other);
    Verdict v = checker.check(ALICE, attacker.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(((LogMisbehaviourException) v.evidence()).kind())
        .isEqualTo(LogMisbehaviourException.Kind.INCONSISTENT);
  }

  @Test
  void tamperedAnswerIsALogError() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    log.register(alice, "phone", k1, true);
    server.rewrite(
        s ->
            s.replace("\"sequence\":0", "\"sequence\":0 ")
                .replace("\"timestampMs\":", "\"timestampMs\":1"));
    Verdict v = checker.check(ALICE, k1.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(v.evidence()).isInstanceOf(ResponseException.class);
    assertThat(pins.get(alice)).isEmpty();
  }

  @Test
  void aBadVrfProofIsALogErrorAndPinsNothing() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    log.register(alice, "phone", k1, true);
    // Another number's genuine proof: the index it proves is not alice's.
    String other =
        Base64.getEncoder()
            .encodeToString(PhoneNumbers.prove(TestVrf.SECRET, "+14155550199").proof());
    String good =
        Base64.getEncoder().encodeToString(PhoneNumbers.prove(TestVrf.SECRET, ALICE).proof());
    server.rewrite(s -> s.replace(good, other));
    Verdict v = checker.check(ALICE, k1.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(v.subject()).isEqualTo(Hash.ZERO);
    assertThat(v.evidence())
        .isInstanceOf(ResponseException.class)
        .hasMessageStartingWith(
            "v1/keys/" + ALICE + ": the VRF proof of the index does not verify: ");
    assertThat(v.detail())
        .startsWith("the log's answer for " + ALICE + " does not verify: v1/keys/" + ALICE + ": ");
    assertThat(pins.get(alice)).isEmpty();
    // Once the log answers honestly again, the same check pins the key.
    server.rewrite(s -> s);
    assertThat(checker.check(ALICE, k1.publicKey()).kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(pins.get(alice)).isPresent();
  }

  @Test
  void aStaleAnswerIsALogErrorAndNeverMovesThePin() throws Exception {
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(random);
    KeyEvent reg = log.register(alice, "phone", k1, true);
    checker.check(ALICE, k1.publicKey());
    log.revoke(alice, "phone", k1, org.rcskt.verifier.event.RevocationReason.COMPROMISED);
    log.register(alice, "tablet", k2, true);
    // The log hides alice's two newest events (the revocation among them) but its map counts them.
    server.rewrite(
        s -> {
          if (!s.contains("\"events\"")) {
            return s;
          }
          int cut = s.indexOf(",{\"leafIndex\":4,");
          int end = s.indexOf("],\"nextFrom\"");
          return cut < 0 ? s : s.substring(0, cut) + s.substring(end);
        });
    Verdict v = checker.check(ALICE, k1.publicKey());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    StaleAnswerException e = (StaleAnswerException) v.evidence();
    assertThat(e.provenNextSequence()).isEqualTo(3);
    assertThat(e.shownEvents()).isEqualTo(1);
    assertThat(pins.get(alice)).contains(new Pin(alice, k1.publicKey(), 0, 2, reg.leafHash()));
    server.rewrite(s -> s);
    assertThat(checker.check(ALICE, k1.publicKey()).kind()).isEqualTo(Verdict.Kind.REVOKED);
  }

  @Test
  void aClientWithoutTheVrfKeyCannotCheckANumber() {
    LogClient client =
        LogClient.builder(
                server.uri(),
                TestLog.ORIGIN,
                log.verifier(),
                new FileCheckpointStore(dir.resolve("other-checkpoint")))
            .build();
    ContinuityChecker c = new ContinuityChecker(client, pins, log.rules());
    assertThatThrownBy(() -> c.check(ALICE, Ed25519.KeyPair.generate(random).publicKey()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this client was built without the log's VRF key");
  }

  @Test
  void unreachableLogIsAnIoErrorNotAVerdict() throws Exception {
    server.status(503);
    assertThatThrownBy(() -> checker.check(ALICE, Ed25519.KeyPair.generate(random).publicKey()))
        .isInstanceOf(IOException.class);
  }
}
