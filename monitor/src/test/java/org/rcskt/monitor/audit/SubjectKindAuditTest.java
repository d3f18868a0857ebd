package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;

/**
 * A log that let phone and carrier events share a subject (the integrity bug of issue 9) fails its
 * audit at exactly those leaves, whether the audit runs on one thread or shards subjects over
 * workers (an ANCHOR event's check then needs a worker's state).
 */
class SubjectKindAuditTest {
  static final String A = "a.example";
  static final String C = "c.example";

  final Random r = new Random(5);
  final Ed25519.KeyPair policy = Ed25519.KeyPair.generate(r);
  final Ed25519.KeyPair anchorA = Ed25519.KeyPair.generate(r);
  final Hash subjectA = PhoneNumbers.carrierSubject(A);
  final Hash subjectC = PhoneNumbers.carrierSubject(C);
  final List<byte[]> entries = new ArrayList<>();

  SubjectKindAuditTest() {
    add(EventBuilder.forCarrier(A).timestampMs(1).anchorAdd(pub(anchorA)).sign(policy));
    // Ordinary subjects on every shard, so each worker has work before and after the ANCHORs.
    for (int i = 0; i < 20; i++) {
      Ed25519.KeyPair k = Ed25519.KeyPair.generate(r);
      add(
          EventBuilder.forSubject(TestVrf.index("+3360000" + (1000 + i)), A)
              .timestampMs(2)
              .register("d", pub(k))
              .sign(k, anchorA));
    }
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(r);
    KeyEvent squat =
        add(
            EventBuilder.forSubject(subjectA, A)
                .timestampMs(3)
                .register("x", pub(k2))
                .sign(k2, anchorA)); // leaf 21: CARRIER_SUBJECT
    Ed25519.KeyPair k3 = Ed25519.KeyPair.generate(r);
    add(
        EventBuilder.forSubject(subjectA, A)
            .after(squat)
            .timestampMs(4)
            .rotate("x", pub(k3))
            .sign(k3, k2)); // leaf 22: CARRIER_SUBJECT again (its chain never started)
    Ed25519.KeyPair k4 = Ed25519.KeyPair.generate(r);
    add(
        EventBuilder.forSubject(subjectC, A)
            .timestampMs(5)
            .register("d", pub(k4))
            .sign(k4, anchorA)); // leaf 23: accepted, C is not a carrier yet
    add(
        EventBuilder.forCarrier(C)
            .timestampMs(6)
            .anchorAdd(pub(Ed25519.KeyPair.generate(r)))
            .sign(policy)); // leaf 24: PHONE_SUBJECT
  }

  private KeyEvent add(KeyEvent e) {
    entries.add(e.encoded());
    return e;
  }

  private static PublicKeyInfo pub(Ed25519.KeyPair k) {
    return PublicKeyInfo.ed25519(k.publicKey());
  }

  @Test
  void theAuditFlagsEveryLeafThatSharesASubjectAcrossKinds() {
    for (int threads : new int[] {0, 1, 3}) {
      Auditor a =
          new Auditor(
              new Auditor.Options(
                  RulesContext.replay(pub(policy)), threads, 100, 90, Instant.now(), null));
      MemoryNodeStore tree = new MemoryNodeStore();
      for (int i = 0; i < entries.size(); i++) {
        a.accept(i, entries.get(i));
        tree.append(Merkle.leafHash(entries.get(i)));
      }
      AuditReport report =
          a.finish("test.example/log", entries.size(), tree.rootHash(), "checkpoint").report();
      Map<Long, String> found = new LinkedHashMap<>();
      for (Finding f : report.violations().items()) {
        found.put(f.leafIndex(), f.kind());
      }
      assertThat(found)
          .as(threads + " threads")
          .containsExactly(
              Map.entry(21L, "CARRIER_SUBJECT"),
              Map.entry(22L, "CARRIER_SUBJECT"),
              Map.entry(24L, "PHONE_SUBJECT"));
      Finding anchor = report.violations().items().get(2);
      assertThat(anchor.subject()).isEqualTo(subjectC.toHex());
      assertThat(anchor.detail())
          .isEqualTo(
              "the carrier subject "
                  + subjectC
                  + " of c.example already has 1 phone events; an ANCHOR event cannot share their"
                  + " subject");
      assertThat(report.passed()).isFalse();
    }
  }
}
