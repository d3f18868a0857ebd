package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.testing.TestVrf;

/**
 * Builds long random valid histories for several subjects and carriers, replays them from their
 * bytes (and from JSON) as an auditor would, and checks that random corruptions of the events are
 * all rejected. Seeded, so every failure reproduces.
 */
class RandomHistoryTest {
  private static final long SEED = 0x5eed_2026L;
  private static final String[] CARRIERS = {"alpha.example", "beta.example", "gamma-3.example"};

  /** What the generator believes about a subject, independently of the rules. */
  private static final class Model {
    String carrier;
    final Map<String, Ed25519.KeyPair> devices = new LinkedHashMap<>();
  }

  /** The log: every accepted event in order, with the state before it, for the mutation tests. */
  private record Entry(KeyEvent event, SubjectState before, AnchorRegistry anchorsBefore) {}

  private final Random rnd = new Random(SEED);
  private final Ed25519.KeyPair policy = Ed25519.KeyPair.generate(rnd);
  private final RulesContext ctx =
      RulesContext.replay(PublicKeyInfo.ed25519(policy.publicKey()))
          .withAllowUnattestedRegistration(true)
          .withMaxDevices(5)
          .withMaxAnchorsPerCarrier(4);
  private final Map<String, List<Ed25519.KeyPair>> carrierKeys = new HashMap<>();
  private final Map<Hash, Model> models = new LinkedHashMap<>();
  private final Map<Hash, SubjectState> states = new HashMap<>();
  private AnchorRegistry anchors = AnchorRegistry.EMPTY;
  private final List<Entry> log = new ArrayList<>();
  private long now = Fixtures.T0;
  private int deviceCounter;
  private int recoveries;
  private int unattested;

  private void accept(KeyEvent e, SubjectState before) throws RuleViolationException {
    Applied a = EventRules.verifyAndApply(before, e, anchors, ctx);
    log.add(new Entry(e, before, anchors));
    if (e.type() == EventType.ANCHOR) {
      anchors = a.anchors();
    } else {
      states.put(e.subject(), a.state());
    }
    recoveries += a.recovery() ? 1 : 0;
    unattested += a.unattestedRegistration() ? 1 : 0;
  }

  private Ed25519.KeyPair pick(List<Ed25519.KeyPair> l) {
    return l.get(rnd.nextInt(l.size()));
  }

  private void anchorAdd(String carrier) throws RuleViolationException {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(rnd);
    EventBuilder b = EventBuilder.forCarrier(carrier).timestampMs(now);
    if (anchors.carrier(carrier) != null) {
      b.after(anchors.carrier(carrier));
    }
    accept(b.anchorAdd(PublicKeyInfo.ed25519(k.publicKey())).sign(policy), SubjectState.EMPTY);
    carrierKeys.computeIfAbsent(carrier, c -> new ArrayList<>()).add(k);
  }

  private void anchorStep() throws RuleViolationException {
    String carrier = CARRIERS[rnd.nextInt(CARRIERS.length)];
    List<Ed25519.KeyPair> keys = carrierKeys.get(carrier);
    if (keys.size() < ctx.maxAnchorsPerCarrier() && (keys.size() < 2 || rnd.nextBoolean())) {
      anchorAdd(carrier);
    } else {
      Ed25519.KeyPair k = keys.remove(rnd.nextInt(keys.size()));
      accept(
          EventBuilder.forCarrier(carrier)
              .after(anchors.carrier(carrier))
              .timestampMs(now)
              .anchorRetire(PublicKeyInfo.ed25519(k.publicKey()))
              .sign(policy),
          SubjectState.EMPTY);
    }
  }

  private void subjectStep(Hash subject) throws RuleViolationException {
    Model m = models.get(subject);
    SubjectState s = states.getOrDefault(subject, SubjectState.EMPTY);
    int choice = m.devices.isEmpty() ? 0 : rnd.nextInt(3);
    if (choice == 0 && m.devices.size() >= ctx.maxDevices()) {
      choice = 2;
    }
    if (choice == 0) {
      String carrier = m.carrier == null || rnd.nextInt(10) == 0 ? randomCarrier() : m.carrier;
      Ed25519.KeyPair k = Ed25519.KeyPair.generate(rnd);
      String id = "dev-" + deviceCounter++;
      boolean attest = m.carrier == null || !carrier.equals(m.carrier) || rnd.nextInt(4) > 0;
      EventBuilder b =
          EventBuilder.forSubject(subject, carrier)
              .after(s)
              .timestampMs(now)
              .attestationEvidence(randomEvidence())
              .register(id, PublicKeyInfo.ed25519(k.publicKey()));
      accept(attest ? b.sign(k, pick(carrierKeys.get(carrier))) : b.sign(k), s);
      m.carrier = carrier;
      m.devices.put(id, k);
    } else if (choice == 1) {
      String id = randomDevice(m);
      Ed25519.KeyPair old = m.devices.get(id);
      Ed25519.KeyPair k = Ed25519.KeyPair.generate(rnd);
      EventBuilder b =
          EventBuilder.forSubject(subject, m.carrier)
              .after(s)
              .timestampMs(now)
              .rotate(id, PublicKeyInfo.ed25519(k.publicKey()));
      Ed25519.KeyPair anchor = pick(carrierKeys.get(m.carrier));
      int how = rnd.nextInt(4);
      accept(how == 0 ? b.sign(k, anchor) : how == 1 ? b.sign(k, old, anchor) : b.sign(k, old), s);
      m.devices.put(id, k);
    } else {
      String id = randomDevice(m);
      int how = rnd.nextInt(3);
      Ed25519.KeyPair signer =
          how == 0
              ? m.devices.get(id)
              : how == 1 ? m.devices.get(randomDevice(m)) : pick(carrierKeys.get(m.carrier));
      RevocationReason reason =
          RevocationReason.values()[rnd.nextInt(RevocationReason.values().length)];
      accept(
          EventBuilder.forSubject(subject, m.carrier)
              .after(s)
              .timestampMs(now)
              .revoke(id, reason)
              .sign(signer),
          s);
      m.devices.remove(id);
    }
  }

  private String randomCarrier() {
    return CARRIERS[rnd.nextInt(CARRIERS.length)];
  }

  private String randomDevice(Model m) {
    List<String> ids = new ArrayList<>(m.devices.keySet());
    return ids.get(rnd.nextInt(ids.size()));
  }

  /**
   * Evidence of the right structure with random content: replayed without an attestation policy, as
   * here, only its structure is checked.
   */
  private byte[] randomEvidence() {
    if (rnd.nextInt(4) != 0) {
      return new byte[0];
    }
    byte[] b = new byte[1 + rnd.nextInt(300)];
    rnd.nextBytes(b);
    return org.rcskt.verifier.attestation.DeviceEvidence.apple(b).encode();
  }

  private void generate(int subjects, int steps) throws RuleViolationException {
    for (String c : CARRIERS) {
      anchorAdd(c);
    }
    List<Hash> ids = new ArrayList<>();
    for (int i = 0; i < subjects; i++) {
      Hash h = TestVrf.index("+4479460" + String.format("%05d", i));
      ids.add(h);
      models.put(h, new Model());
    }
    for (int i = 0; i < steps; i++) {
      now += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(5000);
      if (rnd.nextInt(25) == 0) {
        anchorStep();
      } else {
        subjectStep(ids.get(rnd.nextInt(ids.size())));
      }
    }
  }

  @Test
  void randomHistoriesReplayAndCorruptionsAreRejected() throws Exception {
    generate(12, 1500);
    assertThat(recoveries).isPositive();
    assertThat(unattested).isPositive();

    // Replay from bytes, alternating the binary and JSON forms, with fresh state.
    Map<Hash, SubjectState> replayed = new HashMap<>();
    AnchorRegistry replayAnchors = AnchorRegistry.EMPTY;
    for (int i = 0; i < log.size(); i++) {
      byte[] bytes = log.get(i).event().encoded();
      KeyEvent e =
          i % 2 == 0
              ? EventCodec.decode(bytes)
              : EventJson.parse(EventJson.toJsonString(EventCodec.decode(bytes)));
      assertThat(e.encoded()).isEqualTo(bytes);
      SubjectState before =
          e.type() == EventType.ANCHOR
              ? SubjectState.EMPTY
              : replayed.getOrDefault(e.subject(), SubjectState.EMPTY);
      // Stored states survive their storage encoding.
      before = SubjectState.fromBytes(before.toBytes());
      Applied a = EventRules.verifyAndApply(before, e, replayAnchors, ctx);
      if (e.type() == EventType.ANCHOR) {
        replayAnchors = AnchorRegistry.fromBytes(a.anchors().toBytes());
      } else {
        replayed.put(e.subject(), a.state());
      }
    }
    assertThat(replayed).isEqualTo(states);
    assertThat(replayAnchors).isEqualTo(anchors);
    for (Map.Entry<Hash, Model> m : models.entrySet()) {
      SubjectState s = replayed.getOrDefault(m.getKey(), SubjectState.EMPTY);
      Map<String, PublicKeyInfo> expected = new HashMap<>();
      m.getValue()
          .devices
          .forEach((id, k) -> expected.put(id, PublicKeyInfo.ed25519(k.publicKey())));
      Map<String, PublicKeyInfo> actual = new HashMap<>();
      s.devices().forEach(d -> actual.put(d.deviceId(), d.publicKey()));
      assertThat(actual).isEqualTo(expected);
      assertThat(s.carrierId()).isEqualTo(m.getValue().carrier);
    }

    // Corruptions: each must fail to decode or fail the rules against the state it would follow.
    Random mr = new Random(SEED + 1);
    for (int i = 0; i < 600; i++) {
      Entry entry = log.get(mr.nextInt(log.size()));
      byte[] bytes = entry.event().encoded();
      int kind = mr.nextInt(4);
      byte[] mutated;
      if (kind == 0) {
        mutated = bytes.clone();
        int bit = mr.nextInt(bytes.length * 8);
        mutated[bit / 8] ^= (byte) (1 << (bit % 8));
      } else if (kind == 1) {
        mutated = java.util.Arrays.copyOf(bytes, mr.nextInt(bytes.length));
      } else if (kind == 2) {
        mutated = java.util.Arrays.copyOf(bytes, bytes.length + 1 + mr.nextInt(8));
      } else {
        mutated = bytes.clone();
        mutated[mr.nextInt(bytes.length)] = (byte) mr.nextInt(256);
        if (java.util.Arrays.equals(mutated, bytes)) {
          continue;
        }
      }
      assertRejected(mutated, entry);
    }

    // Replays: an accepted event applied again to the state it produced is rejected.
    for (int i = 0; i < 100; i++) {
      Entry entry = log.get(mr.nextInt(log.size()));
      KeyEvent e = entry.event();
      Applied once = EventRules.verifyAndApply(entry.before(), e, entry.anchorsBefore(), ctx);
      try {
        EventRules.verifyAndApply(once.state(), e, once.anchors(), ctx);
        fail("replayed event accepted twice: " + e);
      } catch (RuleViolationException expected) {
        assertThat(expected.violation())
            .isIn(Violation.WRONG_SEQUENCE, Violation.REVOKED_KEY, Violation.UNKNOWN_SIGNER);
      }
    }
  }

  private void assertRejected(byte[] mutated, Entry entry) {
    KeyEvent e;
    try {
      e = EventCodec.decode(mutated);
    } catch (EventFormatException expected) {
      return;
    }
    try {
      EventRules.verifyAndApply(entry.before(), e, entry.anchorsBefore(), ctx);
      fail("corrupted event accepted: " + e);
    } catch (RuleViolationException expected) {
      // rejected, as it must be
    }
  }

  /** A state with devices of every flag combination and retired keys, for the storage tests. */
  static SubjectState sampleState() throws RuleViolationException {
    AnchorRegistry reg = Fixtures.anchors();
    RulesContext tofu = Fixtures.ctx().withAllowUnattestedRegistration(true);
    SubjectState s = SubjectState.EMPTY;
    s =
        EventRules.verifyAndApply(
                s,
                Fixtures.alice(s, Fixtures.T0)
                    .register("phone", Fixtures.pk(Fixtures.PHONE))
                    .sign(Fixtures.PHONE, Fixtures.CARRIER),
                reg,
                tofu)
            .state();
    s =
        EventRules.verifyAndApply(
                s,
                Fixtures.alice(s, Fixtures.T0)
                    .register(
                        "laptop",
                        PublicKeyInfo.ed25519(Fixtures.LAPTOP.publicKey(), Fixtures.T0 + 99))
                    .sign(Fixtures.LAPTOP),
                reg,
                tofu)
            .state();
    s =
        EventRules.verifyAndApply(
                s,
                Fixtures.alice(s, Fixtures.T0)
                    .rotate("phone", Fixtures.pk(Fixtures.PHONE2))
                    .sign(Fixtures.PHONE2, Fixtures.CARRIER),
                reg,
                tofu)
            .state();
    Ed25519.KeyPair tablet = Fixtures.key(44);
    s =
        EventRules.verifyAndApply(
                s,
                Fixtures.alice(s, Fixtures.T0).register("tablet", Fixtures.pk(tablet)).sign(tablet),
                reg,
                tofu)
            .state();
    s =
        EventRules.verifyAndApply(
                s,
                Fixtures.alice(s, Fixtures.T0)
                    .revoke("tablet", RevocationReason.SUPERSEDED)
                    .sign(Fixtures.LAPTOP),
                reg,
                tofu)
            .state();
    return s;
  }
}
