package org.rcskt.verifier.event;

import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.testing.TestVrf;

/** Deterministic keys and a small world (one carrier anchored, one subject) for the tests. */
final class Fixtures {
  private Fixtures() {}

  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  static Ed25519.KeyPair key(int n) {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) (n * 31 + i);
    }
    return Ed25519.KeyPair.fromSeed(seed);
  }

  static final Ed25519.KeyPair POLICY = key(100);
  static final Ed25519.KeyPair CARRIER = key(101);
  static final Ed25519.KeyPair OTHER_CARRIER = key(102);
  static final Ed25519.KeyPair PHONE = key(1);
  static final Ed25519.KeyPair LAPTOP = key(2);
  static final Ed25519.KeyPair PHONE2 = key(3);
  static final String CARRIER_ID = "carrier.example";
  static final String OTHER_CARRIER_ID = "other.example";
  static final Hash ALICE = TestVrf.index("+33612345678");

  static PublicKeyInfo pk(Ed25519.KeyPair kp) {
    return PublicKeyInfo.ed25519(kp.publicKey());
  }

  static RulesContext ctx() {
    return RulesContext.replay(pk(POLICY));
  }

  /** A registry with CARRIER anchored for CARRIER_ID and OTHER_CARRIER for OTHER_CARRIER_ID. */
  static AnchorRegistry anchors() {
    try {
      AnchorRegistry reg = AnchorRegistry.EMPTY;
      reg = anchor(reg, CARRIER_ID, CARRIER, 0);
      return anchor(reg, OTHER_CARRIER_ID, OTHER_CARRIER, 0);
    } catch (RuleViolationException e) {
      throw new AssertionError(e);
    }
  }

  static AnchorRegistry anchor(
      AnchorRegistry reg, String carrier, Ed25519.KeyPair kp, long notAfter)
      throws RuleViolationException {
    AnchorRegistry.Carrier c = reg.carrier(carrier);
    EventBuilder b = EventBuilder.forCarrier(carrier).timestampMs(T0 - 1000);
    if (c != null) {
      b.after(c);
    }
    KeyEvent e = b.anchorAdd(PublicKeyInfo.ed25519(kp.publicKey(), notAfter)).sign(POLICY);
    return EventRules.verifyAndApply(SubjectState.EMPTY, e, reg, ctx()).anchors();
  }

  static EventBuilder alice(SubjectState s, long ts) {
    return EventBuilder.forSubject(ALICE, CARRIER_ID).after(s).timestampMs(ts);
  }
}
