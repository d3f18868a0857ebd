package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rcskt.verifier.event.Fixtures.CARRIER;
import static org.rcskt.verifier.event.Fixtures.CARRIER_ID;
import static org.rcskt.verifier.event.Fixtures.POLICY;
import static org.rcskt.verifier.event.Fixtures.T0;
import static org.rcskt.verifier.event.Fixtures.alice;
import static org.rcskt.verifier.event.Fixtures.anchors;
import static org.rcskt.verifier.event.Fixtures.ctx;
import static org.rcskt.verifier.event.Fixtures.pk;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;

/** ML-DSA-65 and Ed25519 + ML-DSA-65 keys in events: signing, rules, policy and bad input. */
class PostQuantumKeysTest {
  private static final Random RANDOM = new Random(2026_12_04L);
  private static final Ed25519MlDsa65.KeyPair HYBRID = Ed25519MlDsa65.KeyPair.generate(RANDOM);
  private static final Ed25519MlDsa65.KeyPair HYBRID2 = Ed25519MlDsa65.KeyPair.generate(RANDOM);
  private static final MlDsa65.KeyPair MLDSA = MlDsa65.KeyPair.generate(RANDOM);
  private static final Ed25519.KeyPair CLASSIC = Ed25519.KeyPair.generate(RANDOM);
  private static final EventSigner HYBRID_S = EventSigner.of(HYBRID);
  private static final EventSigner HYBRID2_S = EventSigner.of(HYBRID2);
  private static final EventSigner MLDSA_S = EventSigner.of(MLDSA);
  private static final EventSigner CLASSIC_S = EventSigner.of(CLASSIC);
  private static final EventSigner CARRIER_S = EventSigner.of(CARRIER);

  private final AnchorRegistry reg = anchors();

  private Applied apply(SubjectState s, KeyEvent e, RulesContext c) throws Exception {
    // Every event goes through its encoding, as it would reach a log.
    return EventRules.verifyAndApply(s, EventCodec.decode(e.encoded()), reg, c);
  }

  private Applied apply(SubjectState s, KeyEvent e) throws Exception {
    return apply(s, e, ctx());
  }

  private static RuleViolationException violation(
      ThrowingCallable call, Violation kind, String message) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(RuleViolationException.class).hasMessage(message);
    RuleViolationException e = (RuleViolationException) t;
    assertThat(e.violation()).isEqualTo(kind);
    return e;
  }

  private SubjectState registeredHybrid() throws Exception {
    return apply(
            SubjectState.EMPTY,
            alice(SubjectState.EMPTY, T0)
                .register("phone", HYBRID_S.publicKey())
                .sign(HYBRID_S, CARRIER_S))
        .state();
  }

  @Test
  void everyAlgorithmRegistersRotatesAndRevokes() throws Exception {
    for (EventSigner first : List.of(MLDSA_S, HYBRID_S, CLASSIC_S)) {
      SubjectState s = SubjectState.EMPTY;
      KeyEvent r = alice(s, T0).register("phone", first.publicKey()).sign(first, CARRIER_S);
      assertThat(r.encoded().length).isLessThanOrEqualTo(EventFormat.MAX_EVENT_SIZE);
      Applied a = apply(s, r);
      assertThat(a.carrierAttested()).isTrue();
      s = a.state();
      assertThat(SubjectState.fromBytes(s.toBytes())).isEqualTo(s);
      // Rotate to a hybrid key (never a downgrade), signed by the old key.
      EventSigner next = first == HYBRID_S ? HYBRID2_S : HYBRID_S;
      a = apply(s, alice(s, T0 + 1).rotate("phone", next.publicKey()).sign(next, first));
      assertThat(a.recovery()).isFalse();
      assertThat(a.downgrade()).isFalse();
      s = a.state();
      assertThat(s.device("phone").publicKey().algorithm())
          .isEqualTo(KeyAlgorithm.ED25519_ML_DSA_65);
      s =
          apply(s, alice(s, T0 + 2).revoke("phone", RevocationReason.SUPERSEDED).sign(next))
              .state();
      assertThat(s.deviceCount()).isZero();
    }
  }

  @Test
  void theLargestEventsStayWithinTheSizeLimit() throws Exception {
    // A ROTATE from one hybrid key to another, signed by both and by a hybrid carrier anchor:
    // three hybrid signatures and a hybrid key, the most post-quantum material a phone event needs.
    Ed25519MlDsa65.KeyPair anchorKey = Ed25519MlDsa65.KeyPair.generate(RANDOM);
    EventSigner anchor = EventSigner.of(anchorKey);
    AnchorRegistry.Carrier c = reg.carrier(CARRIER_ID);
    KeyEvent add =
        EventBuilder.forCarrier(CARRIER_ID)
            .after(c)
            .timestampMs(T0 - 500)
            .anchorAdd(anchor.publicKey())
            .sign(POLICY);
    AnchorRegistry withHybrid =
        EventRules.verifyAndApply(SubjectState.EMPTY, add, reg, ctx()).anchors();
    SubjectState s =
        EventRules.verifyAndApply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0)
                    .register("phone", HYBRID_S.publicKey())
                    .sign(HYBRID_S, anchor),
                withHybrid,
                ctx())
            .state();
    KeyEvent rot =
        alice(s, T0 + 1).rotate("phone", HYBRID2_S.publicKey()).sign(HYBRID2_S, HYBRID_S, anchor);
    int size = rot.encoded().length;
    // body (about 2,100 bytes with the 1,984-byte key) + 3 x (32 + 2 + 3,373)
    assertThat(size).isBetween(12_000, EventFormat.MAX_EVENT_SIZE);
    Applied a = EventRules.verifyAndApply(s, EventCodec.decode(rot.encoded()), withHybrid, ctx());
    assertThat(a.carrierAttested()).isTrue();
  }

  @Test
  void aRotationThatDropsThePostQuantumKeyIsRefusedOrFlagged() throws Exception {
    SubjectState s = registeredHybrid();
    KeyEvent down = alice(s, T0 + 1).rotate("phone", pk(CLASSIC)).sign(CLASSIC_S, HYBRID_S);
    violation(
        () -> apply(s, down),
        Violation.ALGORITHM_DOWNGRADE,
        "ROTATE of device phone would replace its ED25519_ML_DSA_65 key with a ED25519 key,"
            + " dropping its post-quantum signature, and the log does not allow downgrades");
    // A carrier recovery to a classical key is a downgrade too.
    KeyEvent recovery = alice(s, T0 + 1).rotate("phone", pk(CLASSIC)).sign(CLASSIC_S, CARRIER_S);
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> apply(s, recovery));
    assertThat(((RuleViolationException) t).violation()).isEqualTo(Violation.ALGORITHM_DOWNGRADE);

    RulesContext lenient = ctx().withAlgorithms(AlgorithmPolicy.DEFAULT.withAllowDowngrade(true));
    Applied a = apply(s, down, lenient);
    assertThat(a.downgrade()).isTrue();
    assertThat(a.state().device("phone").publicKey()).isEqualTo(pk(CLASSIC));
    // Hybrid to ML-DSA-65 alone keeps a post-quantum signature: not a downgrade.
    Applied b =
        apply(s, alice(s, T0 + 1).rotate("phone", MLDSA_S.publicKey()).sign(MLDSA_S, HYBRID_S));
    assertThat(b.downgrade()).isFalse();
  }

  @Test
  void aCarrierCanRequirePostQuantumRegistrationsFromAGivenTime() throws Exception {
    RulesContext strict =
        ctx().withAlgorithms(AlgorithmPolicy.DEFAULT.requirePostQuantum(CARRIER_ID, T0 + 10));
    // Before the start time a classical key is still accepted.
    apply(
        SubjectState.EMPTY,
        alice(SubjectState.EMPTY, T0 + 9).register("phone", pk(CLASSIC)).sign(CLASSIC_S, CARRIER_S),
        strict);
    KeyEvent late =
        alice(SubjectState.EMPTY, T0 + 10)
            .register("phone", pk(CLASSIC))
            .sign(CLASSIC_S, CARRIER_S);
    RuleViolationException e =
        violation(
            () -> apply(SubjectState.EMPTY, late, strict),
            Violation.POST_QUANTUM_REQUIRED,
            "carrier carrier.example requires post-quantum keys (ML_DSA_65 or ED25519_ML_DSA_65)"
                + " for new registrations, and the new key is ED25519");
    assertThat(e.field(late)).isEqualTo("payload.publicKey");
    apply(
        SubjectState.EMPTY,
        alice(SubjectState.EMPTY, T0 + 10)
            .register("phone", MLDSA_S.publicKey())
            .sign(MLDSA_S, CARRIER_S),
        strict);
    // Another carrier is not concerned, unless "*" names every carrier.
    assertThat(strict.algorithms().requiresPostQuantum("other.example", T0 + 10)).isFalse();
    assertThat(
            AlgorithmPolicy.DEFAULT
                .requirePostQuantum("*", 5)
                .requirePostQuantum(CARRIER_ID, 50)
                .requiresPostQuantum(CARRIER_ID, 10))
        .isFalse();
    assertThat(AlgorithmPolicy.DEFAULT.requirePostQuantum("*", 5).requiresPostQuantum("x", 5))
        .isTrue();
    assertThatThrownBy(() -> AlgorithmPolicy.DEFAULT.requirePostQuantum("Bad Id", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("postQuantumFrom: carrier id Bad Id: ");
  }

  /** The REGISTER of HYBRID with its signature replaced by {@code sig}, and the carrier's. */
  private static KeyEvent withNewKeySignature(EventBody body, PublicKeyInfo key, byte[] sig) {
    return KeyEvent.of(
        body, List.of(EventSignature.of(key.keyId(), sig), KeyEvents.signature(body, CARRIER)));
  }

  @Test
  void brokenHybridSignaturesNameTheHalfThatFails() throws Exception {
    EventBody body = alice(SubjectState.EMPTY, T0).register("phone", HYBRID_S.publicKey()).body();
    byte[] good = HYBRID_S.sign(EventCodec.signedMessage(body));
    PublicKeyInfo key = HYBRID_S.publicKey();
    String by = "signature by key " + key.keyId() + " ";

    byte[] truncated = Arrays.copyOf(good, good.length - 1);
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, key, truncated)),
        Violation.BAD_SIGNATURE,
        by + "is 3372 bytes; ED25519_ML_DSA_65 signatures are 3373 bytes");
    byte[] brokenMlDsa = good.clone();
    brokenMlDsa[100] ^= 1;
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, key, brokenMlDsa)),
        Violation.BAD_SIGNATURE,
        by + "does not verify: its ML-DSA-65 half is not a valid signature");
    byte[] brokenEd = good.clone();
    brokenEd[10] ^= 1;
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, key, brokenEd)),
        Violation.BAD_SIGNATURE,
        by + "does not verify: its Ed25519 half is not a valid signature");
    // An ML-DSA hint that is not canonical: the last bytes of the signature hold the hint counts.
    byte[] badHint = good.clone();
    badHint[badHint.length - 1] = (byte) 0xff;
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, key, badHint)),
        Violation.BAD_SIGNATURE,
        by + "does not verify: its ML-DSA-65 half is not a valid signature");
    // The two halves swapped around are not a signature either.
    byte[] swapped = new byte[good.length];
    System.arraycopy(good, 64, swapped, 0, 3309);
    System.arraycopy(good, 0, swapped, 3309, 64);
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, key, swapped)),
        Violation.BAD_SIGNATURE,
        by + "does not verify: its Ed25519 half is not a valid signature");
  }

  @Test
  void theHalvesOfAHybridSignatureDoNotStandAlone() throws Exception {
    // The same two key pairs registered as an Ed25519 key and as an ML-DSA-65 key: the halves of
    // a hybrid signature over their events are not valid signatures for them.
    Ed25519.KeyPair edHalf = HYBRID.ed25519();
    MlDsa65.KeyPair mlHalf = HYBRID.mlDsa();
    PublicKeyInfo edKey = PublicKeyInfo.ed25519(edHalf.publicKey());
    PublicKeyInfo mlKey = PublicKeyInfo.mlDsa65(mlHalf.publicKey());

    EventBody edBody = alice(SubjectState.EMPTY, T0).register("phone", edKey).body();
    byte[] hybridOverEd = HYBRID.sign(EventCodec.signedMessage(edBody));
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                withNewKeySignature(edBody, edKey, Arrays.copyOf(hybridOverEd, 64))),
        Violation.BAD_SIGNATURE,
        "signature by key " + edKey.keyId() + " does not verify");

    EventBody mlBody = alice(SubjectState.EMPTY, T0).register("phone", mlKey).body();
    byte[] hybridOverMl = HYBRID.sign(EventCodec.signedMessage(mlBody));
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                withNewKeySignature(
                    mlBody, mlKey, Arrays.copyOfRange(hybridOverMl, 64, hybridOverMl.length))),
        Violation.BAD_SIGNATURE,
        "signature by key " + mlKey.keyId() + " does not verify");
    // And the honest signatures of the lone keys are accepted, so the refusals above are the
    // domain separation at work, not a broken key.
    apply(
        SubjectState.EMPTY,
        withNewKeySignature(edBody, edKey, edHalf.sign(EventCodec.signedMessage(edBody))));
    apply(
        SubjectState.EMPTY,
        withNewKeySignature(mlBody, mlKey, mlHalf.sign(EventCodec.signedMessage(mlBody))));
  }

  @Test
  void wrongKeysAreRefusedWhereTheyAreDecoded() {
    // An ML-DSA-65 key where the algorithm says Ed25519: malformed, refused by the decoder.
    byte[] event =
        alice(SubjectState.EMPTY, T0)
            .register("phone", MLDSA_S.publicKey())
            .sign(MLDSA_S, CARRIER_S)
            .encoded();
    int at = indexOf(event, MLDSA.publicKey().encoded());
    // The algorithm code point sits just before the key's two-byte length.
    event[at - 4] = 0x00;
    event[at - 3] = 0x01;
    assertThatThrownBy(() -> EventCodec.decode(event))
        .isInstanceOf(EventFormatException.class)
        .hasMessage("payload.publicKey.key: ED25519 key must be 32 bytes, got 1952 bytes");
    // A hybrid key whose Ed25519 half is not a valid point: INVALID_PUBLIC_KEY.
    byte[] bytes = HYBRID.publicKey().encoded();
    System.arraycopy(EventRulesTest.notACurvePoint(), 0, bytes, 0, 32);
    PublicKeyInfo bad = PublicKeyInfo.of(KeyAlgorithm.ED25519_ML_DSA_65, bytes, 0);
    EventBody body = alice(SubjectState.EMPTY, T0).register("phone", bad).body();
    violation(
        () -> apply(SubjectState.EMPTY, withNewKeySignature(body, bad, new byte[3373])),
        Violation.INVALID_PUBLIC_KEY,
        "key "
            + bad.keyId()
            + " is not a valid ED25519_ML_DSA_65 public key: the Ed25519 half: Ed25519 public key"
            + " is not a valid curve point");
    // Wrong key lengths for the post-quantum algorithms.
    assertThatThrownBy(() -> PublicKeyInfo.of(KeyAlgorithm.ML_DSA_65, new byte[1951], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("publicKey.key: ML_DSA_65 key must be 1952 bytes, got 1951 bytes");
    assertThatThrownBy(() -> PublicKeyInfo.of(KeyAlgorithm.ED25519_ML_DSA_65, new byte[1952], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("publicKey.key: ED25519_ML_DSA_65 key must be 1984 bytes, got 1952 bytes");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
