package org.rcskt.monitor.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RulesContext;

/**
 * A small log with every kind of finding and five planted rule violations, as raw leaves: what a
 * log that skipped its own rules would have stored. {@link #expectedViolations} says exactly which
 * leaves break which rule.
 */
final class PlantedLog {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long DAY = 86_400_000L;
  static final String A = "carrier-a.example";
  static final String B = "carrier-b.example";

  final Ed25519.KeyPair policy;
  final Ed25519.KeyPair anchorA;
  final Ed25519.KeyPair anchorB;
  final Ed25519.KeyPair rogue;
  final List<byte[]> entries = new ArrayList<>();
  final Map<Long, String> expectedViolations = new LinkedHashMap<>();
  final Hash s1 = TestVrf.index("+33600000001");
  final Hash s2 = TestVrf.index("+33600000002");
  final Hash s3 = TestVrf.index("+33600000003");
  final Hash s4 = TestVrf.index("+33600000004");
  final Hash s5 = TestVrf.index("+33600000005");
  final Ed25519.KeyPair k1;
  final Ed25519.KeyPair k2;
  final Ed25519.KeyPair k3;
  final Ed25519.KeyPair k4;
  final Ed25519.KeyPair k5;
  final Ed25519.KeyPair k6;
  final Ed25519.KeyPair k7;

  PlantedLog(long seed) {
    this(seed, null);
  }

  /** A log whose ANCHOR events {@code policyKey} signs (a generated key when null). */
  PlantedLog(long seed, Ed25519.KeyPair policyKey) {
    Random r = new Random(seed);
    Ed25519.KeyPair generated = Ed25519.KeyPair.generate(r);
    policy = policyKey != null ? policyKey : generated;
    anchorA = Ed25519.KeyPair.generate(r);
    anchorB = Ed25519.KeyPair.generate(r);
    rogue = Ed25519.KeyPair.generate(r);
    k1 = Ed25519.KeyPair.generate(r);
    k2 = Ed25519.KeyPair.generate(r);
    k3 = Ed25519.KeyPair.generate(r);
    k4 = Ed25519.KeyPair.generate(r);
    k5 = Ed25519.KeyPair.generate(r);
    k6 = Ed25519.KeyPair.generate(r);
    k7 = Ed25519.KeyPair.generate(r);

    add(EventBuilder.forCarrier(A).timestampMs(T0).anchorAdd(pub(anchorA)).sign(policy));
    KeyEvent b0 =
        add(EventBuilder.forCarrier(B).timestampMs(T0 + 1).anchorAdd(pub(anchorB)).sign(policy));
    // 2: s1 registers, attested; 3: s2 registers without attestation (allowed by this log)
    KeyEvent r1 =
        add(
            EventBuilder.forSubject(s1, A)
                .timestampMs(T0 + DAY)
                .register("phone", pub(k1))
                .sign(k1, anchorA));
    KeyEvent r2 =
        add(
            EventBuilder.forSubject(s2, A)
                .timestampMs(T0 + DAY + 1)
                .register("phone", pub(k2))
                .sign(k2));
    // 4: s1 rotates with its old key's signature; 5: s2 recovers on carrier A's word
    KeyEvent rot1 =
        add(
            EventBuilder.forSubject(s1, A)
                .after(r1)
                .timestampMs(T0 + 2 * DAY)
                .rotate("phone", pub(k3))
                .sign(k3, k1));
    KeyEvent rec2 =
        add(
            EventBuilder.forSubject(s2, A)
                .after(r2)
                .timestampMs(T0 + 2 * DAY + 1)
                .rotate("phone", pub(k4))
                .sign(k4, anchorA));
    // 6: s1 revokes its device
    add(
        EventBuilder.forSubject(s1, A)
            .after(rot1)
            .timestampMs(T0 + 3 * DAY)
            .revoke("phone", RevocationReason.DEVICE_LOST)
            .sign(k3));
    // 7: PLANTED: s3 "attested" by a key no carrier anchored
    planted(
        EventBuilder.forSubject(s3, A)
            .timestampMs(T0 + 3 * DAY + 1)
            .register("phone", pub(k5))
            .sign(k5, rogue),
        "UNKNOWN_SIGNER");
    // 8: PLANTED: s2 skips sequence 2
    planted(
        EventBuilder.forSubject(s2, A)
            .sequence(3)
            .previousHash(rec2.leafHash())
            .timestampMs(T0 + 4 * DAY)
            .rotate("phone", pub(k6))
            .sign(k6, k4),
        "WRONG_SEQUENCE");
    // 9: carrier B retires its anchor
    add(
        EventBuilder.forCarrier(B)
            .after(b0)
            .timestampMs(T0 + 4 * DAY + 1)
            .anchorRetire(pub(anchorB))
            .sign(policy));
    // 10: PLANTED: bytes that are no event at all
    entries.add(new byte[] {1, 2, 3});
    expectedViolations.put((long) entries.size() - 1, "MALFORMED_ENTRY");
    // 11: PLANTED: s4 attested by carrier B's retired anchor
    planted(
        EventBuilder.forSubject(s4, B)
            .timestampMs(T0 + 5 * DAY)
            .register("phone", pub(k7))
            .sign(k7, anchorB),
        "REVOKED_KEY");
    // 12, 13, 14: s5 registers and rotates, then a second, carrier-signed event claims sequence 1
    // (a fork)
    KeyEvent r5 =
        add(
            EventBuilder.forSubject(s5, A)
                .timestampMs(T0 + 5 * DAY + 1)
                .register("tablet", pub(k2))
                .sign(k2, anchorA));
    add(
        EventBuilder.forSubject(s5, A)
            .after(r5)
            .timestampMs(T0 + 6 * DAY)
            .rotate("tablet", pub(k6))
            .sign(k6, k2));
    planted(
        EventBuilder.forSubject(s5, A)
            .after(r5)
            .timestampMs(T0 + 6 * DAY + 1)
            .rotate("tablet", pub(k7))
            .sign(k7, anchorA),
        "WRONG_SEQUENCE");
  }

  private void planted(KeyEvent e, String violation) {
    add(e);
    expectedViolations.put((long) entries.size() - 1, violation);
  }

  private KeyEvent add(KeyEvent e) {
    entries.add(e.encoded());
    return e;
  }

  static PublicKeyInfo pub(Ed25519.KeyPair k) {
    return PublicKeyInfo.ed25519(k.publicKey());
  }

  RulesContext rules() {
    return RulesContext.replay(pub(policy)).withAllowUnattestedRegistration(true);
  }
}
