package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.verifier.event.Fixtures.ALICE;
import static org.rcskt.verifier.event.Fixtures.CARRIER;
import static org.rcskt.verifier.event.Fixtures.CARRIER_ID;
import static org.rcskt.verifier.event.Fixtures.LAPTOP;
import static org.rcskt.verifier.event.Fixtures.OTHER_CARRIER;
import static org.rcskt.verifier.event.Fixtures.OTHER_CARRIER_ID;
import static org.rcskt.verifier.event.Fixtures.PHONE;
import static org.rcskt.verifier.event.Fixtures.PHONE2;
import static org.rcskt.verifier.event.Fixtures.POLICY;
import static org.rcskt.verifier.event.Fixtures.T0;
import static org.rcskt.verifier.event.Fixtures.alice;
import static org.rcskt.verifier.event.Fixtures.anchors;
import static org.rcskt.verifier.event.Fixtures.ctx;
import static org.rcskt.verifier.event.Fixtures.key;
import static org.rcskt.verifier.event.Fixtures.pk;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

class EventRulesTest {
  private final AnchorRegistry reg = anchors();

  private static RuleViolationException violation(
      ThrowingCallable call, Violation kind, String message) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(RuleViolationException.class).hasMessage(message);
    RuleViolationException e = (RuleViolationException) t;
    assertThat(e.violation()).isEqualTo(kind);
    return e;
  }

  private Applied apply(SubjectState s, KeyEvent e) throws RuleViolationException {
    return EventRules.verifyAndApply(s, e, reg, ctx());
  }

  private Applied apply(SubjectState s, KeyEvent e, RulesContext ctx)
      throws RuleViolationException {
    return EventRules.verifyAndApply(s, e, reg, ctx);
  }

  /** Alice with "phone" (PHONE) registered, attested by CARRIER at T0. */
  private SubjectState registered() throws RuleViolationException {
    return apply(
            SubjectState.EMPTY,
            alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE, CARRIER))
        .state();
  }

  /** Alice with "phone" (PHONE) and "laptop" (LAPTOP). */
  private SubjectState twoDevices() throws RuleViolationException {
    SubjectState s = registered();
    return apply(s, alice(s, T0 + 1).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER)).state();
  }

  @Test
  void registerRotateRevokeHappyPath() throws Exception {
    SubjectState s = SubjectState.EMPTY;
    KeyEvent reg1 = alice(s, T0).register("phone", pk(PHONE)).sign(PHONE, CARRIER);
    Applied a = apply(s, reg1);
    assertThat(a.carrierAttested()).isTrue();
    assertThat(a.unattestedRegistration()).isFalse();
    assertThat(a.recovery()).isFalse();
    assertThat(a.anchors()).isSameAs(reg);
    assertThat(a.eventHash()).isEqualTo(reg1.leafHash());
    s = a.state();
    assertThat(s.nextSequence()).isEqualTo(1);
    assertThat(s.lastEventHash()).isEqualTo(reg1.leafHash());
    assertThat(s.lastTimestampMs()).isEqualTo(T0);
    assertThat(s.carrierId()).isEqualTo(CARRIER_ID);
    assertThat(s.devices()).containsExactly(new Device("phone", pk(PHONE), true, false));

    KeyEvent rot = alice(s, T0 + 1).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE);
    a = apply(s, rot);
    assertThat(a.recovery()).isFalse();
    assertThat(a.carrierAttested()).isFalse();
    s = a.state();
    // Continuity from an attested key keeps the device attested.
    assertThat(s.devices()).containsExactly(new Device("phone", pk(PHONE2), true, false));
    assertThat(s.isRetired(pk(PHONE).keyId())).isTrue();

    KeyEvent rev = alice(s, T0 + 2).revoke("phone", RevocationReason.DEVICE_LOST).sign(PHONE2);
    s = apply(s, rev).state();
    assertThat(s.deviceCount()).isZero();
    assertThat(s.nextSequence()).isEqualTo(3);
    assertThat(s.retiredKeyIds()).containsExactlyInAnyOrder(pk(PHONE).keyId(), pk(PHONE2).keyId());
    assertThat(SubjectState.fromBytes(s.toBytes())).isEqualTo(s);
  }

  @Test
  void recoveryIsAllowedAndMarked() throws Exception {
    SubjectState s = registered();
    KeyEvent rot = alice(s, T0 + 1).rotate("phone", pk(PHONE2)).sign(PHONE2, CARRIER);
    Applied a = apply(s, rot);
    assertThat(a.recovery()).isTrue();
    assertThat(a.carrierAttested()).isTrue();
    assertThat(a.state().device("phone")).isEqualTo(new Device("phone", pk(PHONE2), true, true));
    // A later normal rotation clears the mark.
    Ed25519.KeyPair third = key(50);
    Applied b =
        apply(a.state(), alice(a.state(), T0 + 2).rotate("phone", pk(third)).sign(third, PHONE2));
    assertThat(b.recovery()).isFalse();
    assertThat(b.state().device("phone").recovered()).isFalse();
  }

  @Test
  void rotationSignedByOldKeyAndCarrierIsNotRecovery() throws Exception {
    SubjectState s = registered();
    Applied a = apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE, CARRIER));
    assertThat(a.recovery()).isFalse();
    assertThat(a.carrierAttested()).isTrue();
  }

  @Test
  void unattestedRegistrationIsMarkedWhenAllowed() throws Exception {
    RulesContext tofu = ctx().withAllowUnattestedRegistration(true);
    SubjectState s = SubjectState.EMPTY;
    Applied a = apply(s, alice(s, T0).register("phone", pk(PHONE)).sign(PHONE), tofu);
    assertThat(a.unattestedRegistration()).isTrue();
    assertThat(a.carrierAttested()).isFalse();
    assertThat(a.state().device("phone").attested()).isFalse();
    s = a.state();
    // Continuity keeps an unattested key unattested ...
    Applied r = apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE), tofu);
    assertThat(r.state().device("phone").attested()).isFalse();
    // ... and a carrier-signed rotation attests it.
    Applied r2 =
        apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE, CARRIER), tofu);
    assertThat(r2.state().device("phone").attested()).isTrue();
    // An attested registration with the same context is not marked.
    Applied b = apply(s, alice(s, T0).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER), tofu);
    assertThat(b.unattestedRegistration()).isFalse();
    assertThat(b.state().device("laptop").attested()).isTrue();
  }

  @Test
  void revokeByOtherDeviceOrCarrier() throws Exception {
    SubjectState s = twoDevices();
    Applied byLaptop =
        apply(s, alice(s, T0 + 2).revoke("phone", RevocationReason.COMPROMISED).sign(LAPTOP));
    assertThat(byLaptop.state().device("phone")).isNull();
    assertThat(byLaptop.state().device("laptop")).isNotNull();
    Applied byCarrier =
        apply(s, alice(s, T0 + 2).revoke("phone", RevocationReason.CARRIER_REQUEST).sign(CARRIER));
    assertThat(byCarrier.carrierAttested()).isTrue();
    assertThat(byCarrier.state().device("phone")).isNull();
    // A revoked key may not come back.
    SubjectState after = byCarrier.state();
    violation(
        () -> apply(after, alice(after, T0 + 3).register("phone", pk(PHONE)).sign(PHONE, CARRIER)),
        Violation.REVOKED_KEY,
        "key " + pk(PHONE).keyId() + " was retired by this subject");
    // A device id may be reused with a new key.
    Applied again =
        apply(after, alice(after, T0 + 3).register("phone", pk(PHONE2)).sign(PHONE2, CARRIER));
    assertThat(again.state().device("phone").publicKey()).isEqualTo(pk(PHONE2));
  }

  @Test
  void carrierPortByAttestedRegistration() throws Exception {
    SubjectState s = registered();
    KeyEvent port =
        EventBuilder.forSubject(ALICE, OTHER_CARRIER_ID)
            .after(s)
            .timestampMs(T0 + 1)
            .register("newphone", pk(PHONE2))
            .sign(PHONE2, OTHER_CARRIER);
    SubjectState ported = apply(s, port).state();
    assertThat(ported.carrierId()).isEqualTo(OTHER_CARRIER_ID);
    // The old carrier can no longer act for the subject.
    violation(
        () ->
            apply(
                ported,
                alice(ported, T0 + 2)
                    .revoke("phone", RevocationReason.CARRIER_REQUEST)
                    .sign(CARRIER)),
        Violation.CARRIER_MISMATCH,
        "event names carrier carrier.example but the subject's carrier is other.example");
  }

  // One test per violation.

  @Test
  void wrongSequence() throws Exception {
    SubjectState s = registered();
    RuleViolationException e =
        violation(
            () ->
                apply(
                    s,
                    alice(s, T0).sequence(5).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER)),
            Violation.WRONG_SEQUENCE,
            "expected sequence 1 for subject " + ALICE + ", found 5");
    assertThat(e.expected()).hasValue(1);
    assertThat(e.found()).hasValue(5);
  }

  @Test
  void wrongPreviousHash() throws Exception {
    SubjectState s = registered();
    Hash bogus = Hash.sha256(new byte[] {1});
    violation(
        () ->
            apply(
                s,
                alice(s, T0)
                    .previousHash(bogus)
                    .register("laptop", pk(LAPTOP))
                    .sign(LAPTOP, CARRIER)),
        Violation.WRONG_PREVIOUS_HASH,
        "expected previous hash "
            + s.lastEventHash()
            + " for subject "
            + ALICE
            + ", found "
            + bogus);
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0)
                    .previousHash(bogus)
                    .register("p", pk(PHONE))
                    .sign(PHONE, CARRIER)),
        Violation.WRONG_PREVIOUS_HASH,
        "expected previous hash " + Hash.ZERO + " for subject " + ALICE + ", found " + bogus);
  }

  @Test
  void timestampBeforePrevious() throws Exception {
    SubjectState s = registered();
    RuleViolationException e =
        violation(
            () -> apply(s, alice(s, T0 - 1).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER)),
            Violation.TIMESTAMP_BEFORE_PREVIOUS,
            "timestamp "
                + (T0 - 1)
                + " is before "
                + T0
                + ", the timestamp of the previous event of subject "
                + ALICE);
    assertThat(e.expected()).hasValue(T0);
    assertThat(e.found()).hasValue(T0 - 1);
  }

  @Test
  void timestampOutOfBounds() throws Exception {
    RulesContext live = ctx().withNow(T0).withSkew(1000, 100);
    SubjectState s = SubjectState.EMPTY;
    RuleViolationException past =
        violation(
            () -> apply(s, alice(s, T0 - 1001).register("p", pk(PHONE)).sign(PHONE, CARRIER), live),
            Violation.TIMESTAMP_OUT_OF_BOUNDS,
            "timestamp "
                + (T0 - 1001)
                + " is before the earliest accepted "
                + (T0 - 1000)
                + " (now "
                + T0
                + ")");
    assertThat(past.expected()).hasValue(T0 - 1000);
    violation(
        () -> apply(s, alice(s, T0 + 101).register("p", pk(PHONE)).sign(PHONE, CARRIER), live),
        Violation.TIMESTAMP_OUT_OF_BOUNDS,
        "timestamp "
            + (T0 + 101)
            + " is after the latest accepted "
            + (T0 + 100)
            + " (now "
            + T0
            + ")");
    // The bounds are inclusive, and replay (no clock) ignores them.
    apply(s, alice(s, T0 - 1000).register("p", pk(PHONE)).sign(PHONE, CARRIER), live);
    apply(s, alice(s, T0 + 100).register("p", pk(PHONE)).sign(PHONE, CARRIER), live);
    apply(s, alice(s, 1).register("p", pk(PHONE)).sign(PHONE, CARRIER), live.withoutNow());
  }

  @Test
  void carrierMismatch() throws Exception {
    SubjectState s = registered();
    violation(
        () ->
            apply(
                s,
                EventBuilder.forSubject(ALICE, OTHER_CARRIER_ID)
                    .after(s)
                    .timestampMs(T0)
                    .rotate("phone", pk(PHONE2))
                    .sign(PHONE2, PHONE)),
        Violation.CARRIER_MISMATCH,
        "event names carrier other.example but the subject's carrier is carrier.example");
    // An unattested registration cannot move the subject to another carrier.
    violation(
        () ->
            apply(
                s,
                EventBuilder.forSubject(ALICE, OTHER_CARRIER_ID)
                    .after(s)
                    .timestampMs(T0)
                    .register("laptop", pk(LAPTOP))
                    .sign(LAPTOP),
                ctx().withAllowUnattestedRegistration(true)),
        Violation.CARRIER_MISMATCH,
        "event names carrier other.example but the subject's carrier is carrier.example");
  }

  @Test
  void wrongSubjectForAnchor() {
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                EventBuilder.forSubject(ALICE, CARRIER_ID).anchorAdd(pk(LAPTOP)).sign(POLICY)),
        Violation.WRONG_SUBJECT,
        "ANCHOR subject must be "
            + PhoneNumbers.carrierSubject(CARRIER_ID)
            + ", the carrier subject of carrier.example, found "
            + ALICE);
  }

  @Test
  void missingSignatures() throws Exception {
    SubjectState s = registered();
    violation(
        () -> apply(s, alice(s, T0).register("laptop", pk(LAPTOP)).sign(CARRIER)),
        Violation.MISSING_SIGNATURE,
        "REGISTER must be signed by its new key " + pk(LAPTOP).keyId() + " (proof of possession)");
    violation(
        () -> apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE)),
        Violation.MISSING_SIGNATURE,
        "ROTATE must be signed by its new key " + pk(PHONE2).keyId() + " (proof of possession)");
    RuleViolationException cont =
        violation(
            () -> apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE2)),
            Violation.MISSING_SIGNATURE,
            "ROTATE of device phone must be signed by the key it replaces "
                + pk(PHONE).keyId()
                + " or, for a recovery, by an anchor key of carrier carrier.example");
    assertThat(cont.keyId()).contains(pk(PHONE).keyId());
    violation(
        () ->
            apply(
                s, alice(s, T0).revoke("phone", RevocationReason.COMPROMISED).sign(OTHER_CARRIER)),
        Violation.MISSING_SIGNATURE,
        "REVOKE of device phone must be signed by its key, another active key of the subject,"
            + " or an anchor key of carrier carrier.example");
    AnchorRegistry.Carrier c = reg.carrier(CARRIER_ID);
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                EventBuilder.forCarrier(CARRIER_ID)
                    .after(c)
                    .timestampMs(T0)
                    .anchorAdd(pk(LAPTOP))
                    .sign(CARRIER)),
        Violation.MISSING_SIGNATURE,
        "ANCHOR must be signed by the log's policy key " + pk(POLICY).keyId());
  }

  @Test
  void badSignature() throws Exception {
    KeyEvent good = alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE, CARRIER);
    byte[] bytes = good.encoded();
    bytes[bytes.length - 1] ^= 1; // last byte of the last signature
    KeyEvent tampered = EventCodec.decode(bytes);
    Hash lastSigner = good.signatures().get(1).keyId();
    RuleViolationException e =
        violation(
            () -> apply(SubjectState.EMPTY, tampered),
            Violation.BAD_SIGNATURE,
            "signature by key " + lastSigner + " does not verify");
    assertThat(e.keyId()).contains(lastSigner);

    // A signature over a different body does not verify either.
    EventBody other = alice(SubjectState.EMPTY, T0 + 1).register("phone", pk(PHONE)).body();
    KeyEvent swapped =
        KeyEvent.of(
            other,
            List.of(KeyEvents.signature(good.body(), PHONE), KeyEvents.signature(other, CARRIER)));
    violation(
        () -> apply(SubjectState.EMPTY, swapped),
        Violation.BAD_SIGNATURE,
        "signature by key " + pk(PHONE).keyId() + " does not verify");

    KeyEvent shortSig =
        KeyEvent.of(
            good.body(),
            List.of(
                EventSignature.of(pk(PHONE).keyId(), new byte[63]),
                good.signatures().get(0).keyId().equals(pk(PHONE).keyId())
                    ? good.signatures().get(1)
                    : good.signatures().get(0)));
    violation(
        () -> apply(SubjectState.EMPTY, shortSig),
        Violation.BAD_SIGNATURE,
        "signature by key " + pk(PHONE).keyId() + " is 63 bytes; ED25519 signatures are 64 bytes");
  }

  @Test
  void unknownSigner() {
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE, LAPTOP)),
        Violation.UNKNOWN_SIGNER,
        "signature by unknown key " + pk(LAPTOP).keyId());
  }

  @Test
  void unexpectedSigner() throws Exception {
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0)
                    .register("phone", pk(PHONE))
                    .sign(PHONE, CARRIER, OTHER_CARRIER)),
        Violation.UNEXPECTED_SIGNER,
        "signature by key " + pk(OTHER_CARRIER).keyId() + " has no role in this event");
    SubjectState s = registered();
    violation(
        () -> apply(s, alice(s, T0).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER, PHONE)),
        Violation.UNEXPECTED_SIGNER,
        "signature by key " + pk(PHONE).keyId() + " has no role in this event");
    violation(
        () -> apply(s, alice(s, T0).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER, POLICY)),
        Violation.UNEXPECTED_SIGNER,
        "signature by key " + pk(POLICY).keyId() + " has no role in this event");
    AnchorRegistry.Carrier c = reg.carrier(CARRIER_ID);
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                EventBuilder.forCarrier(CARRIER_ID)
                    .after(c)
                    .timestampMs(T0)
                    .anchorAdd(pk(LAPTOP))
                    .sign(POLICY, CARRIER)),
        Violation.UNEXPECTED_SIGNER,
        "signature by key " + pk(CARRIER).keyId() + " has no role in this event");
  }

  @Test
  void unknownDevice() throws Exception {
    SubjectState s = registered();
    RuleViolationException e =
        violation(
            () -> apply(s, alice(s, T0).rotate("tablet", pk(PHONE2)).sign(PHONE2, PHONE)),
            Violation.UNKNOWN_DEVICE,
            "the subject has no active device tablet");
    assertThat(e.deviceId()).contains("tablet");
    violation(
        () -> apply(s, alice(s, T0).revoke("tablet", RevocationReason.DEVICE_LOST).sign(PHONE)),
        Violation.UNKNOWN_DEVICE,
        "the subject has no active device tablet");
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, CARRIER)),
        Violation.UNKNOWN_DEVICE,
        "the subject has no active device phone");
  }

  @Test
  void duplicateDevice() throws Exception {
    SubjectState s = registered();
    violation(
        () -> apply(s, alice(s, T0).register("phone", pk(LAPTOP)).sign(LAPTOP, CARRIER)),
        Violation.DUPLICATE_DEVICE,
        "the subject already has an active device phone");
  }

  @Test
  void duplicateKey() throws Exception {
    SubjectState s = twoDevices();
    violation(
        () -> apply(s, alice(s, T0 + 1).register("tablet", pk(PHONE)).sign(PHONE, CARRIER)),
        Violation.DUPLICATE_KEY,
        "key " + pk(PHONE).keyId() + " is already the key of device phone");
    violation(
        () -> apply(s, alice(s, T0 + 1).rotate("phone", pk(LAPTOP)).sign(LAPTOP, PHONE)),
        Violation.DUPLICATE_KEY,
        "key " + pk(LAPTOP).keyId() + " is already the key of device laptop");
    AnchorRegistry.Carrier c = reg.carrier(OTHER_CARRIER_ID);
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                EventBuilder.forCarrier(OTHER_CARRIER_ID)
                    .after(c)
                    .timestampMs(T0)
                    .anchorAdd(pk(CARRIER))
                    .sign(POLICY)),
        Violation.DUPLICATE_KEY,
        "key " + pk(CARRIER).keyId() + " is already an anchor key of carrier carrier.example");
  }

  @Test
  void revokedKey() throws Exception {
    SubjectState s = registered();
    SubjectState rotated =
        apply(s, alice(s, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE)).state();
    // Signing with the retired key fails in the signature phase ...
    violation(
        () ->
            apply(
                rotated,
                alice(rotated, T0).revoke("phone", RevocationReason.COMPROMISED).sign(PHONE)),
        Violation.REVOKED_KEY,
        "signature by key " + pk(PHONE).keyId() + ", which was retired");
    // ... and rotating back to it fails in the rules.
    violation(
        () -> apply(rotated, alice(rotated, T0).rotate("phone", pk(PHONE)).sign(PHONE, PHONE2)),
        Violation.REVOKED_KEY,
        "key " + pk(PHONE).keyId() + " was retired by this subject");
  }

  @Test
  void keyExpired() throws Exception {
    SubjectState s = SubjectState.EMPTY;
    violation(
        () ->
            apply(
                s,
                alice(s, T0)
                    .register("phone", PublicKeyInfo.ed25519(PHONE.publicKey(), T0 - 1))
                    .sign(PHONE, CARRIER)),
        Violation.KEY_EXPIRED,
        "new key "
            + pk(PHONE).keyId()
            + " expires at "
            + (T0 - 1)
            + ", before the event's timestamp "
            + T0);
    // A key expiring exactly at the timestamp is still valid then, and not a millisecond later.
    SubjectState reg1 =
        apply(
                s,
                alice(s, T0)
                    .register("phone", PublicKeyInfo.ed25519(PHONE.publicKey(), T0 + 10))
                    .sign(PHONE, CARRIER))
            .state();
    apply(reg1, alice(reg1, T0 + 10).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE));
    violation(
        () -> apply(reg1, alice(reg1, T0 + 11).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE)),
        Violation.KEY_EXPIRED,
        "key "
            + pk(PHONE).keyId()
            + " expired at "
            + (T0 + 10)
            + ", before the event's timestamp "
            + (T0 + 11));
    // The carrier can still recover the device.
    assertThat(
            apply(reg1, alice(reg1, T0 + 11).rotate("phone", pk(PHONE2)).sign(PHONE2, CARRIER))
                .recovery())
        .isTrue();
  }

  @Test
  void expiredAnchor() throws Exception {
    Ed25519.KeyPair shortLived = key(60);
    AnchorRegistry r = Fixtures.anchor(reg, CARRIER_ID, shortLived, T0 + 10);
    SubjectState s = SubjectState.EMPTY;
    EventRules.verifyAndApply(
        s, alice(s, T0 + 10).register("phone", pk(PHONE)).sign(PHONE, shortLived), r, ctx());
    violation(
        () ->
            EventRules.verifyAndApply(
                s,
                alice(s, T0 + 11).register("phone", pk(PHONE)).sign(PHONE, shortLived),
                r,
                ctx()),
        Violation.EXPIRED_ANCHOR,
        "anchor key "
            + pk(shortLived).keyId()
            + " of carrier carrier.example expired at "
            + (T0 + 10)
            + ", before the event's timestamp "
            + (T0 + 11));
  }

  @Test
  void missingCarrierAttestation() {
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE)),
        Violation.MISSING_CARRIER_ATTESTATION,
        "REGISTER must be signed by an active anchor key of carrier carrier.example and"
            + " unattested registration is not allowed");
    // Another carrier's anchor does not attest for this one.
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0)
                    .register("phone", pk(PHONE))
                    .sign(PHONE, OTHER_CARRIER)),
        Violation.MISSING_CARRIER_ATTESTATION,
        "REGISTER must be signed by an active anchor key of carrier carrier.example and"
            + " unattested registration is not allowed");
  }

  @Test
  void mlDsaKeyWithAForgedSignature() {
    // Any 1,952 bytes are an ML-DSA-65 key; a signature of zeros by it does not verify.
    PublicKeyInfo mldsa = PublicKeyInfo.of(KeyAlgorithm.ML_DSA_65, new byte[1952], 0);
    EventBody body = alice(SubjectState.EMPTY, T0).register("phone", mldsa).body();
    KeyEvent e =
        KeyEvent.of(
            body,
            List.of(
                EventSignature.of(mldsa.keyId(), new byte[3309]),
                KeyEvents.signature(body, CARRIER)));
    violation(
        () -> apply(SubjectState.EMPTY, e),
        Violation.BAD_SIGNATURE,
        "signature by key " + mldsa.keyId() + " does not verify");
  }

  @Test
  void invalidPublicKey() {
    byte[] bad = notACurvePoint();
    PublicKeyInfo k = PublicKeyInfo.of(KeyAlgorithm.ED25519, bad, 0);
    KeyEvent e = KeyEvents.sign(alice(SubjectState.EMPTY, T0).register("phone", k).body(), CARRIER);
    violation(
        () -> apply(SubjectState.EMPTY, e),
        Violation.INVALID_PUBLIC_KEY,
        "key "
            + k.keyId()
            + " is not a valid ED25519 public key: Ed25519 public key is not a valid curve point");
  }

  static byte[] notACurvePoint() {
    for (int i = 2; ; i++) {
      byte[] b = new byte[32];
      b[0] = (byte) i;
      try {
        Ed25519.PublicKey.of(b);
      } catch (IllegalArgumentException e) {
        return b;
      }
    }
  }

  @Test
  void tooManyDevices() throws Exception {
    SubjectState s = registered();
    RuleViolationException e =
        violation(
            () ->
                apply(
                    s,
                    alice(s, T0).register("laptop", pk(LAPTOP)).sign(LAPTOP, CARRIER),
                    ctx().withMaxDevices(1)),
            Violation.TOO_MANY_DEVICES,
            "the subject already has 1 devices, the maximum is 1");
    assertThat(e.expected()).hasValue(1);
    assertThat(e.found()).hasValue(2);
  }

  @Test
  void anchorAddRetireAndLimits() throws Exception {
    Ed25519.KeyPair second = key(70);
    AnchorRegistry.Carrier c = reg.carrier(CARRIER_ID);
    KeyEvent add =
        EventBuilder.forCarrier(CARRIER_ID)
            .after(c)
            .timestampMs(T0)
            .anchorAdd(pk(second))
            .sign(POLICY);
    violation(
        () ->
            EventRules.verifyAndApply(
                SubjectState.EMPTY, add, reg, ctx().withMaxAnchorsPerCarrier(1)),
        Violation.TOO_MANY_ANCHORS,
        "carrier carrier.example already has 1 anchor keys, the maximum is 1");
    SubjectState untouched = SubjectState.EMPTY;
    Applied added = EventRules.verifyAndApply(untouched, add, reg, ctx());
    assertThat(added.state()).isSameAs(untouched);
    AnchorRegistry r2 = added.anchors();
    assertThat(r2.keys(CARRIER_ID)).containsExactly(pk(CARRIER), pk(second));
    assertThat(r2.carrier(CARRIER_ID).nextSequence()).isEqualTo(2);
    assertThat(r2.carrier(CARRIER_ID).lastEventHash()).isEqualTo(add.leafHash());
    assertThat(reg.keys(CARRIER_ID)).containsExactly(pk(CARRIER)); // the old value is unchanged
    assertThat(AnchorRegistry.fromBytes(r2.toBytes())).isEqualTo(r2);

    // The new anchor attests registrations.
    SubjectState s = SubjectState.EMPTY;
    EventRules.verifyAndApply(
        s, alice(s, T0).register("phone", pk(PHONE)).sign(PHONE, second), r2, ctx());

    KeyEvent retire =
        EventBuilder.forCarrier(CARRIER_ID)
            .after(r2.carrier(CARRIER_ID))
            .timestampMs(T0)
            .anchorRetire(pk(second))
            .sign(POLICY);
    AnchorRegistry r3 = EventRules.verifyAndApply(s, retire, r2, ctx()).anchors();
    assertThat(r3.keys(CARRIER_ID)).containsExactly(pk(CARRIER));
    assertThat(r3.carrier(CARRIER_ID).retiredKeyIds()).containsExactly(pk(second).keyId());
    assertThat(AnchorRegistry.fromBytes(r3.toBytes())).isEqualTo(r3);

    // A retired anchor can no longer attest, nor be added again.
    violation(
        () ->
            EventRules.verifyAndApply(
                s, alice(s, T0).register("phone", pk(PHONE)).sign(PHONE, second), r3, ctx()),
        Violation.REVOKED_KEY,
        "signature by key " + pk(second).keyId() + ", which was retired");
    violation(
        () ->
            EventRules.verifyAndApply(
                s,
                EventBuilder.forCarrier(CARRIER_ID)
                    .after(r3.carrier(CARRIER_ID))
                    .timestampMs(T0)
                    .anchorAdd(pk(second))
                    .sign(POLICY),
                r3,
                ctx()),
        Violation.REVOKED_KEY,
        "anchor key " + pk(second).keyId() + " was retired and cannot return");
    violation(
        () ->
            EventRules.verifyAndApply(
                s,
                EventBuilder.forCarrier(CARRIER_ID)
                    .after(r3.carrier(CARRIER_ID))
                    .timestampMs(T0)
                    .anchorRetire(pk(second))
                    .sign(POLICY),
                r3,
                ctx()),
        Violation.UNKNOWN_ANCHOR,
        "key " + pk(second).keyId() + " is not an active anchor key of carrier carrier.example");
  }

  @Test
  void phoneEventsCannotNameACarrierSubject() throws Exception {
    // The carrier subject of a carrier the registry knows is not a phone subject, whoever signs.
    Hash carrierSubject = PhoneNumbers.carrierSubject(CARRIER_ID);
    KeyEvent squat =
        EventBuilder.forSubject(carrierSubject, CARRIER_ID)
            .timestampMs(T0)
            .register("x", pk(PHONE))
            .sign(PHONE, CARRIER);
    RuleViolationException e =
        violation(
            () -> apply(SubjectState.EMPTY, squat),
            Violation.CARRIER_SUBJECT,
            "REGISTER subject "
                + carrierSubject
                + " is the carrier subject of carrier.example; phone events cannot share it");
    // Checked before the signatures: an unsigned squat gets the same answer.
    KeyEvent unsigned =
        KeyEvent.of(squat.body(), List.of(EventSignature.of(pk(PHONE).keyId(), new byte[64])));
    violation(() -> apply(SubjectState.EMPTY, unsigned), Violation.CARRIER_SUBJECT, e.getMessage());
    // Any carrier's subject, not only the event's own carrier's.
    KeyEvent other =
        EventBuilder.forSubject(PhoneNumbers.carrierSubject(OTHER_CARRIER_ID), CARRIER_ID)
            .timestampMs(T0)
            .register("x", pk(PHONE))
            .sign(PHONE, CARRIER);
    violation(
        () -> apply(SubjectState.EMPTY, other),
        Violation.CARRIER_SUBJECT,
        "REGISTER subject "
            + PhoneNumbers.carrierSubject(OTHER_CARRIER_ID)
            + " is the carrier subject of "
            + OTHER_CARRIER_ID
            + "; phone events cannot share it");
    // A retired carrier still owns its subject: the registry remembers every carrier.
    assertThat(reg.carrierOfSubject(carrierSubject)).isEqualTo(CARRIER_ID);
    assertThat(reg.carrierOfSubject(ALICE)).isNull();
  }

  @Test
  void anchorCannotNameASubjectWithPhoneEvents() throws Exception {
    // A number squatted a carrier subject before that carrier was ever anchored (possible only
    // for a subject no known carrier owns): the carrier's first ANCHOR cannot join it.
    String newCarrier = "new.example";
    Hash newSubject = PhoneNumbers.carrierSubject(newCarrier);
    KeyEvent squat =
        EventBuilder.forSubject(newSubject, CARRIER_ID)
            .timestampMs(T0)
            .register("x", pk(PHONE))
            .sign(PHONE, CARRIER);
    SubjectState squatted = apply(SubjectState.EMPTY, squat).state();
    KeyEvent add =
        EventBuilder.forCarrier(newCarrier).timestampMs(T0).anchorAdd(pk(key(80))).sign(POLICY);
    violation(
        () -> EventRules.verifyAndApply(squatted, add, reg, ctx()),
        Violation.PHONE_SUBJECT,
        "the carrier subject "
            + newSubject
            + " of new.example already has 1 phone events; an ANCHOR event cannot share their"
            + " subject");
    // With no phone events on it, the same ANCHOR starts the carrier's chain.
    AnchorRegistry r2 = EventRules.verifyAndApply(SubjectState.EMPTY, add, reg, ctx()).anchors();
    assertThat(r2.carrier(newCarrier).nextSequence()).isEqualTo(1);
    assertThat(r2.carrierOfSubject(newSubject)).isEqualTo(newCarrier);
    // ANCHOR sequence numbers are checked against the carrier's chain.
    KeyEvent stale =
        EventBuilder.forCarrier(CARRIER_ID).timestampMs(T0).anchorAdd(pk(key(80))).sign(POLICY);
    violation(
        () -> EventRules.verifyAndApply(SubjectState.EMPTY, stale, reg, ctx()),
        Violation.WRONG_SEQUENCE,
        "expected sequence 1 for carrier carrier.example, found 0");
  }

  @Test
  void theChainIsCheckedBeforeTheSignatures() throws Exception {
    SubjectState s = registered();
    KeyEvent stale = alice(SubjectState.EMPTY, T0).register("laptop", pk(LAPTOP)).sign(LAPTOP);
    byte[] bytes = stale.encoded();
    bytes[bytes.length - 1] ^= 1; // a bad signature too
    KeyEvent both = EventCodec.decode(bytes);
    // Stale and badly signed: a conflict (docs/protocol.md 9.4), so a client that lost a race
    // always learns it, and a stale event costs no signature check.
    violation(
        () -> apply(s, both),
        Violation.WRONG_SEQUENCE,
        "expected sequence 1 for subject " + ALICE + ", found 0");
    // On the right chain position the bad signature is what is reported.
    violation(
        () -> apply(SubjectState.EMPTY, both),
        Violation.BAD_SIGNATURE,
        "signature by key " + pk(LAPTOP).keyId() + " does not verify");
    // A wrong previous hash is part of the chain too.
    KeyEvent forked =
        alice(s, T0)
            .previousHash(Hash.of(new byte[32]))
            .register("laptop", pk(LAPTOP))
            .sign(LAPTOP);
    byte[] fb = forked.encoded();
    fb[fb.length - 1] ^= 1;
    violation(
        () -> apply(s, EventCodec.decode(fb)),
        Violation.WRONG_PREVIOUS_HASH,
        "expected previous hash "
            + s.lastEventHash()
            + " for subject "
            + ALICE
            + ", found "
            + Hash.of(new byte[32]));
  }

  @Test
  void expiredPolicyKeyCannotAnchor() {
    RulesContext expiring = RulesContext.replay(PublicKeyInfo.ed25519(POLICY.publicKey(), T0));
    KeyEvent add =
        EventBuilder.forCarrier("new.example")
            .timestampMs(T0 + 1)
            .anchorAdd(pk(key(90)))
            .sign(POLICY);
    violation(
        () -> EventRules.verifyAndApply(SubjectState.EMPTY, add, reg, expiring),
        Violation.KEY_EXPIRED,
        "key "
            + pk(POLICY).keyId()
            + " expired at "
            + T0
            + ", before the event's timestamp "
            + (T0 + 1));
  }

  @Test
  void phasesSplitAroundAStateSnapshot() throws Exception {
    SubjectState snapshot = registered();
    // Verified against the snapshot ...
    VerifiedEvent revokeByPhone =
        EventSignatures.verify(
            alice(snapshot, T0 + 1).revoke("phone", RevocationReason.COMPROMISED).sign(PHONE),
            KeyResolver.of(snapshot, reg, pk(POLICY)));
    // ... then the state moves on before the integrator gets to it.
    SubjectState moved =
        apply(snapshot, alice(snapshot, T0).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE))
            .state();
    violation(
        () -> EventRules.apply(moved, revokeByPhone, reg, ctx()),
        Violation.WRONG_SEQUENCE,
        "expected sequence 2 for subject " + ALICE + ", found 1");
    assertThat(EventRules.apply(snapshot, revokeByPhone, reg, ctx()).state().deviceCount())
        .isZero();
  }

  @Test
  void everyViolationNamesTheFieldToChange() throws Exception {
    SubjectState s = registered();
    KeyEvent rotate = alice(s, T0 + 1).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE);
    Hash installed = pk(PHONE2).keyId();
    Hash signer = pk(PHONE).keyId();
    for (Violation v : Violation.values()) {
      String plain = new RuleViolationException(v, "x").field(rotate);
      String aboutInstalled = RuleViolationException.key(v, "x", installed).field(rotate);
      String aboutSigner = RuleViolationException.key(v, "x", signer).field(rotate);
      assertThat(aboutInstalled).as(v.name()).isNotNull();
      assertThat(aboutSigner).as(v.name()).isNotNull();
      switch (v) {
        case REVOKED_KEY, ROLE_CONFLICT, UNSUPPORTED_ALGORITHM, INVALID_PUBLIC_KEY -> {
          assertThat(aboutInstalled).isEqualTo("payload.publicKey");
          assertThat(aboutSigner).isEqualTo("signatures");
        }
        case KEY_EXPIRED -> {
          assertThat(aboutInstalled).isEqualTo("payload.publicKey.notAfterMs");
          assertThat(aboutSigner).isEqualTo("signatures");
        }
        default -> assertThat(plain).as(v.name()).isNotNull().isEqualTo(aboutSigner);
      }
    }
    // The real violations, from the rules: a retired key installed again, and one that signs.
    SubjectState rotated = apply(s, rotate).state();
    KeyEvent reinstall = alice(rotated, T0 + 2).register("laptop", pk(PHONE)).sign(PHONE, CARRIER);
    RuleViolationException back =
        violation(
            () -> apply(rotated, reinstall),
            Violation.REVOKED_KEY,
            "key " + signer + " was retired by this subject");
    assertThat(back.field(reinstall)).isEqualTo("payload.publicKey");
    KeyEvent revokeByOld =
        alice(rotated, T0 + 2).revoke("phone", RevocationReason.COMPROMISED).sign(PHONE);
    RuleViolationException stale =
        violation(
            () -> apply(rotated, revokeByOld),
            Violation.REVOKED_KEY,
            "signature by key " + signer + ", which was retired");
    assertThat(stale.field(revokeByOld)).isEqualTo("signatures");
    KeyEvent missing = alice(SubjectState.EMPTY, T0).register("phone", pk(PHONE)).sign(PHONE);
    RuleViolationException unattested =
        violation(
            () -> apply(SubjectState.EMPTY, missing),
            Violation.MISSING_CARRIER_ATTESTATION,
            "REGISTER must be signed by an active anchor key of carrier carrier.example and"
                + " unattested registration is not allowed");
    assertThat(unattested.field(missing)).isEqualTo("signatures");
  }

  @Test
  void aKeyHasOneRole() throws Exception {
    // The campaign's case: a REGISTER whose new key is the carrier's anchor key, signed once.
    KeyEvent anchorAsDevice =
        alice(SubjectState.EMPTY, T0).register("phone", pk(CARRIER)).sign(CARRIER);
    RuleViolationException e =
        violation(
            () -> apply(SubjectState.EMPTY, anchorAsDevice),
            Violation.ROLE_CONFLICT,
            "new key "
                + pk(CARRIER).keyId()
                + " is an anchor key of carrier carrier.example; a key has one role");
    assertThat(e.field(anchorAsDevice)).isEqualTo("payload.publicKey");
    // The policy key as a device key, by REGISTER or ROTATE.
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                alice(SubjectState.EMPTY, T0).register("phone", pk(POLICY)).sign(POLICY, CARRIER)),
        Violation.ROLE_CONFLICT,
        "new key " + pk(POLICY).keyId() + " is the log's policy key; a key has one role");
    SubjectState s = registered();
    violation(
        () -> apply(s, alice(s, T0 + 1).rotate("phone", pk(POLICY)).sign(POLICY, PHONE)),
        Violation.ROLE_CONFLICT,
        "new key " + pk(POLICY).keyId() + " is the log's policy key; a key has one role");
    // A retired anchor key cannot come back as a device key either.
    KeyEvent retire =
        EventBuilder.forCarrier(CARRIER_ID)
            .after(reg.carrier(CARRIER_ID))
            .timestampMs(T0)
            .anchorRetire(pk(CARRIER))
            .sign(POLICY);
    AnchorRegistry retired =
        EventRules.verifyAndApply(SubjectState.EMPTY, retire, reg, ctx()).anchors();
    violation(
        () ->
            EventRules.verifyAndApply(
                SubjectState.EMPTY,
                EventBuilder.forSubject(ALICE, OTHER_CARRIER_ID)
                    .timestampMs(T0)
                    .register("phone", pk(CARRIER))
                    .sign(CARRIER, OTHER_CARRIER),
                retired,
                ctx()),
        Violation.ROLE_CONFLICT,
        "new key " + pk(CARRIER).keyId() + " was an anchor key; a key has one role");
    // The policy key as an anchor key.
    violation(
        () ->
            apply(
                SubjectState.EMPTY,
                EventBuilder.forCarrier(CARRIER_ID)
                    .after(reg.carrier(CARRIER_ID))
                    .timestampMs(T0)
                    .anchorAdd(pk(POLICY))
                    .sign(POLICY)),
        Violation.ROLE_CONFLICT,
        "anchor key " + pk(POLICY).keyId() + " is the log's policy key; a key has one role");
  }

  @Test
  void aDeviceKeyThatBecameAnAnchorSignsForNeither() throws Exception {
    // The log cannot see every device key when it adds an anchor, so the overlap is possible;
    // a signature by such a key then fills no role at all.
    SubjectState s = registered();
    KeyEvent add =
        EventBuilder.forCarrier(CARRIER_ID)
            .after(reg.carrier(CARRIER_ID))
            .timestampMs(T0)
            .anchorAdd(pk(PHONE))
            .sign(POLICY);
    AnchorRegistry both = EventRules.verifyAndApply(SubjectState.EMPTY, add, reg, ctx()).anchors();
    KeyEvent rotate = alice(s, T0 + 1).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE);
    RuleViolationException e =
        violation(
            () -> EventRules.verifyAndApply(s, rotate, both, ctx()),
            Violation.ROLE_CONFLICT,
            "signature by key "
                + pk(PHONE).keyId()
                + ", which is both the key of device phone and an anchor key of carrier"
                + " carrier.example; a key has one role");
    assertThat(e.field(rotate)).isEqualTo("signatures");
  }
}
