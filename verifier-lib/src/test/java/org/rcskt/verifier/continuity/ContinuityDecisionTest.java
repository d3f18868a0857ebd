package org.rcskt.verifier.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.SubjectHistory;
import org.rcskt.verifier.client.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.Violation;
import org.rcskt.verifier.testing.TestVrf;

/** The verdict logic on verified in-memory histories; the HTTP path is tested elsewhere. */
class ContinuityDecisionTest {
  private final Random random = new Random(55);
  private final Hash alice = TestVrf.index("+33612345678");
  private TestLog log;
  private Ed25519.KeyPair k1;
  private Ed25519.KeyPair k2;
  private Ed25519.KeyPair k3;

  @BeforeEach
  void setUp() {
    log = new TestLog(7);
    k1 = Ed25519.KeyPair.generate(random);
    k2 = Ed25519.KeyPair.generate(random);
    k3 = Ed25519.KeyPair.generate(random);
    log.addAnchor();
  }

  private Verdict decide(Optional<Pin> pin, Ed25519.KeyPair shown) throws VerificationException {
    SubjectHistory h = log.history(alice);
    return ContinuityChecker.decide(h, List.of(log.carrierHistory()), pin, id(shown), log.rules());
  }

  private static Hash id(Ed25519.KeyPair k) {
    return PublicKeyInfo.ed25519(k.publicKey()).keyId();
  }

  private Pin pinOf(KeyEvent e, long leaf, Ed25519.KeyPair k) {
    return new Pin(alice, k.publicKey(), e.sequence(), leaf, e.leafHash());
  }

  @Test
  void firstContactWithAnAttestedKeyPinsIt() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    Verdict v = decide(Optional.empty(), k1);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(v.firstContact()).isTrue();
    assertThat(v.carrierAttested()).isTrue();
    assertThat(v.pin()).isEqualTo(pinOf(reg, 2, k1));
    assertThat(v.checkpoint().checkpoint().treeSize()).isEqualTo(4);
    assertThat(v.detail())
        .isEqualTo("first contact: key " + id(k1) + " of device phone is active, carrier-attested");
  }

  @Test
  void firstContactWithAnUnattestedKeySaysSo() throws Exception {
    log.register(alice, "phone", k1, false);
    Verdict v = decide(Optional.empty(), k1);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(v.firstContact()).isTrue();
    assertThat(v.carrierAttested()).isFalse();
  }

  @Test
  void pinnedKeyStillActiveIsUnchanged() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    Pin pin = pinOf(reg, 2, k1);
    Verdict v = decide(Optional.of(pin), k1);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(v.firstContact()).isFalse();
    assertThat(v.pin()).isEqualTo(pin);
  }

  @Test
  void signedRotationsAdvanceThePin() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    KeyEvent r1 = log.rotate(alice, "phone", k1, k2);
    KeyEvent r2 = log.rotate(alice, "phone", k2, k3);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k3);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.ROTATED);
    assertThat(v.steps())
        .extracting(Verdict.Step::leafIndex, Verdict.Step::fromKeyId, Verdict.Step::toKeyId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4L, id(k1), id(k2)),
            org.assertj.core.groups.Tuple.tuple(6L, id(k2), id(k3)));
    assertThat(v.steps()).allMatch(Verdict.Step::signedByPrevious);
    assertThat(v.pin()).isEqualTo(pinOf(r2, 6, k3));
    assertThat(r1.sequence()).isEqualTo(1);
    assertThat(v.detail())
        .isEqualTo(
            "2 signed rotations from the pinned key "
                + id(k1)
                + " to "
                + id(k3)
                + ", the last at leaf 6");
  }

  @Test
  void postQuantumKeysArePinnedAndADowngradeIsReported() throws Exception {
    org.rcskt.verifier.event.EventSigner hybrid =
        org.rcskt.verifier.event.EventSigner.of(
            org.rcskt.verifier.crypto.Ed25519MlDsa65.KeyPair.generate(random));
    org.rcskt.verifier.event.EventSigner classic = org.rcskt.verifier.event.EventSigner.of(k2);
    KeyEvent reg = log.register(alice, "phone", hybrid);
    SubjectHistory h = log.history(alice);
    Verdict first =
        ContinuityChecker.decide(
            h,
            List.of(log.carrierHistory()),
            Optional.empty(),
            hybrid.publicKey().keyId(),
            log.rules());
    assertThat(first.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(first.pin().key()).isEqualTo(hybrid.publicKey());
    assertThat(first.downgraded()).isFalse();
    // The log's policy allows downgrades here, so the rotation is logged; the verdict says so.
    org.rcskt.verifier.event.RulesContext lenient =
        log.rules()
            .withAlgorithms(
                org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT.withAllowDowngrade(true));
    log.rotate(alice, "phone", hybrid, classic);
    Verdict v =
        ContinuityChecker.decide(
            log.history(alice),
            List.of(log.carrierHistory()),
            Optional.of(first.pin()),
            classic.publicKey().keyId(),
            lenient);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.ROTATED);
    assertThat(v.downgraded()).isTrue();
    assertThat(v.steps())
        .extracting(Verdict.Step::fromAlgorithm, Verdict.Step::toAlgorithm)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                org.rcskt.verifier.event.KeyAlgorithm.ED25519_ML_DSA_65,
                org.rcskt.verifier.event.KeyAlgorithm.ED25519));
    assertThat(v.toString()).contains("downgraded");
    // Replayed under a policy that refuses downgrades, the same history is the log's error.
    Verdict strict =
        ContinuityChecker.decide(
            log.history(alice),
            List.of(log.carrierHistory()),
            Optional.of(first.pin()),
            classic.publicKey().keyId(),
            log.rules());
    assertThat(strict.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(strict.detail()).contains("ALGORITHM_DOWNGRADE");
    assertThat(reg.sequence()).isZero();
  }

  @Test
  void theVerdictCarriesTheKeyAgreementKeysTheShownKeysDevicePublished() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    byte[] x = new byte[32];
    x[0] = 9; // the X25519 base point: a valid public key
    org.rcskt.verifier.event.KexKey kex =
        org.rcskt.verifier.event.KexKey.of(org.rcskt.verifier.event.KexAlgorithm.X25519, x, 0);
    log.keys(alice, "phone", k1, List.of(kex));
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k1);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    assertThat(v.keyAgreementKeys()).containsExactly(kex);
    // After a rotation the new key's device has none until it publishes them again.
    log.rotate(alice, "phone", k1, k2);
    assertThat(decide(Optional.of(pinOf(reg, 2, k1)), k2).keyAgreementKeys()).isEmpty();
  }

  @Test
  void aRecoveryOnTheWayIsRecovered() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    log.recover(alice, "phone", k2);
    log.rotate(alice, "phone", k2, k3);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k3);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.RECOVERED);
    assertThat(v.carrierAttested()).isTrue();
    assertThat(v.steps()).extracting(Verdict.Step::signedByPrevious).containsExactly(false, true);
    assertThat(v.detail())
        .isEqualTo(
            "key "
                + id(k1)
                + " was replaced by a carrier-attested recovery not signed by it at leaf 4");
    assertThat(v.pin().key()).isEqualTo(PublicKeyInfo.ed25519(k3.publicKey()));
  }

  @Test
  void aKeyOfAnotherDeviceIsRecoveredWithItsAttestation() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    log.register(alice, "tablet", k2, false);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k2);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.RECOVERED);
    assertThat(v.carrierAttested()).isFalse();
    assertThat(v.steps()).extracting(Verdict.Step::leafIndex).containsExactly(4L);
    assertThat(v.detail())
        .isEqualTo(
            "key "
                + id(k2)
                + " of device tablet does not descend from the pinned key "
                + id(k1)
                + " (still active on device phone); no carrier attested it");
  }

  @Test
  void revokedAndRotatedAwayKeysAreRevoked() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    log.rotate(alice, "phone", k1, k2);
    log.revoke(alice, "phone", k2, RevocationReason.DEVICE_LOST);
    Verdict revoked = decide(Optional.of(pinOf(reg, 2, k1)), k2);
    assertThat(revoked.kind()).isEqualTo(Verdict.Kind.REVOKED);
    assertThat(revoked.revocationReason()).isEqualTo(RevocationReason.DEVICE_LOST);
    assertThat(revoked.detail())
        .isEqualTo("key " + id(k2) + " was revoked (DEVICE_LOST) at leaf 6");
    Verdict old = decide(Optional.of(pinOf(reg, 2, k1)), k1);
    assertThat(old.kind()).isEqualTo(Verdict.Kind.REVOKED);
    assertThat(old.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
    assertThat(old.detail())
        .isEqualTo("key " + id(k1) + " was rotated to " + id(k2) + " at leaf 4");
  }

  @Test
  void aKeyNotInTheLogIsUnlogged() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k3);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.UNLOGGED);
    assertThat(v.detail())
        .isEqualTo(
            "key "
                + id(k3)
                + " is not among the 1 keys of the subject's 1 logged events at tree size 4");
    Verdict none = decide(Optional.empty(), k1);
    assertThat(none.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
    Hash bob = TestVrf.index("+33699999999");
    Verdict empty =
        ContinuityChecker.decide(
            log.history(bob), List.of(), Optional.empty(), id(k1), log.rules());
    assertThat(empty.kind()).isEqualTo(Verdict.Kind.UNLOGGED);
    assertThat(empty.firstContact()).isTrue();
  }

  @Test
  void aChainGapIsALogError() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    // Sequence 2 where 1 is due: the log accepted an event that leaves a gap.
    KeyEvent gap =
        EventBuilder.forSubject(alice, TestLog.CARRIER)
            .sequence(2)
            .previousHash(reg.leafHash())
            .timestampMs(reg.body().timestampMs() + 1)
            .rotate("phone", PublicKeyInfo.ed25519(k2.publicKey()))
            .sign(k2, k1);
    log.append(gap);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k2);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    HistoryException e = (HistoryException) v.evidence();
    assertThat(e.leafIndex()).isEqualTo(4);
    assertThat(e.event()).isEqualTo(gap.encoded());
    assertThat(((RuleViolationException) e.getCause()).violation())
        .isEqualTo(Violation.WRONG_SEQUENCE);
    assertThat(e.getMessage())
        .isEqualTo(
            "event at leaf 4 breaks the rules (WRONG_SEQUENCE): expected sequence 1 for subject "
                + alice
                + ", found 2");
  }

  @Test
  void aRotationNotSignedByAnyoneAuthorizedIsALogError() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    // Signed by the new key only: neither the old key nor the carrier authorized it.
    KeyEvent forged =
        EventBuilder.forSubject(alice, TestLog.CARRIER)
            .after(reg)
            .timestampMs(reg.body().timestampMs() + 1)
            .rotate("phone", PublicKeyInfo.ed25519(k2.publicKey()))
            .sign(k2);
    log.append(forged);
    Verdict v = decide(Optional.of(pinOf(reg, 2, k1)), k2);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(((RuleViolationException) v.evidence().getCause()).violation())
        .isEqualTo(Violation.MISSING_SIGNATURE);
  }

  @Test
  void withoutTheCarriersAnchorsAnAttestedEventDoesNotVerify() throws Exception {
    log.register(alice, "phone", k1, true);
    Verdict v =
        ContinuityChecker.decide(
            log.history(alice), List.of(), Optional.empty(), id(k1), log.rules());
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(((RuleViolationException) v.evidence().getCause()).violation())
        .isEqualTo(Violation.UNKNOWN_SIGNER);
  }

  @Test
  void aHistoryThatNoLongerHoldsThePinnedEventIsALogError() throws Exception {
    KeyEvent reg = log.register(alice, "phone", k1, true);
    Pin forgedPin = new Pin(alice, k1.publicKey(), 0, 2, Hash.sha256(new byte[] {1}));
    Verdict v = decide(Optional.of(forgedPin), k1);
    assertThat(v.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(v.detail())
        .isEqualTo(
            "the subject's event with sequence 0 is now "
                + reg.leafHash()
                + " at leaf 2, but the pinned key "
                + id(k1)
                + " came from event "
                + Hash.sha256(new byte[] {1})
                + " at leaf 2");
    Pin beyond = new Pin(alice, k1.publicKey(), 5, 12, reg.leafHash());
    Verdict truncated = decide(Optional.of(beyond), k1);
    assertThat(truncated.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
    assertThat(truncated.detail())
        .isEqualTo(
            "the log shows 1 events for the subject, but the pinned key came from its event"
                + " with sequence 5 at leaf 12");
  }
}
