package org.rcskt.monitor.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.watch.WatchList;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;

/**
 * The replayer's parallel signature phase and step-wise state handling must give exactly what a
 * plain sequential {@link EventRules#verifyAndApply} replay of the same entries gives: the same
 * accepted states, the same anchors, and the same violation for every rejected entry. Seeded random
 * histories mix valid events with broken ones (wrong sequence, missing or foreign signatures,
 * revoked keys, garbage bytes).
 */
class ReplayerTest {
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** A generated entry with the key pairs needed to continue its subject's history. */
  private static final class Generator {
    final Random r;
    final Ed25519.KeyPair policy;
    final Ed25519.KeyPair carrier;
    final Map<Integer, Ed25519.KeyPair> deviceKeys = new HashMap<>();
    final Map<Integer, KeyEvent> last = new HashMap<>();
    final List<Ed25519.KeyPair> retired = new ArrayList<>();
    final Map<Hash, Ed25519.KeyPair> pending = new HashMap<>();
    long time = 1_000;

    Generator(long seed) {
      r = new Random(seed);
      policy = Ed25519.KeyPair.generate(r);
      carrier = Ed25519.KeyPair.generate(r);
    }

    Hash subject(int i) {
      return Hash.sha256(("subject-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    byte[] anchor() {
      return EventBuilder.forCarrier("c1")
          .timestampMs(time++)
          .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
          .sign(policy)
          .encoded();
    }

    byte[] next() {
      int s = r.nextInt(12);
      KeyEvent prev = last.get(s);
      int dice = r.nextInt(100);
      if (dice < 4) {
        byte[] junk = new byte[1 + r.nextInt(40)];
        r.nextBytes(junk);
        return junk;
      }
      EventBuilder b = EventBuilder.forSubject(subject(s), "c1").timestampMs(time++);
      if (prev != null) {
        b.after(prev);
      }
      if (dice < 8 && prev != null) {
        b.sequence(prev.sequence() + 2);
      }
      KeyEvent e;
      Ed25519.KeyPair fresh = Ed25519.KeyPair.generate(r);
      pending.put(PublicKeyInfo.ed25519(fresh.publicKey()).keyId(), fresh);
      Ed25519.KeyPair old = deviceKeys.get(s);
      if (prev == null || old == null) {
        e =
            dice < 12
                ? b.register("d", PublicKeyInfo.ed25519(fresh.publicKey())).sign(fresh)
                : b.register("d", PublicKeyInfo.ed25519(fresh.publicKey())).sign(fresh, carrier);
      } else if (dice < 60) {
        Ed25519.KeyPair second =
            dice < 16
                ? Ed25519.KeyPair.generate(r)
                : dice < 20 && !retired.isEmpty() ? retired.get(r.nextInt(retired.size())) : old;
        e =
            dice < 30
                ? b.rotate("d", PublicKeyInfo.ed25519(fresh.publicKey())).sign(fresh, carrier)
                : b.rotate("d", PublicKeyInfo.ed25519(fresh.publicKey())).sign(fresh, second);
      } else if (dice < 70) {
        e = b.revoke("d", RevocationReason.DEVICE_LOST).sign(old);
      } else {
        e = b.register("d2", PublicKeyInfo.ed25519(fresh.publicKey())).sign(fresh, carrier);
      }
      return e.encoded();
    }
  }

  @Test
  void replayInStepsAgreesWithASequentialReplay() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      Generator g = new Generator(seed);
      RulesContext ctx =
          RulesContext.replay(PublicKeyInfo.ed25519(g.policy.publicKey()))
              .withAllowUnattestedRegistration(seed % 2 == 0);
      // Build the log sequentially with the reference replay, so later events follow accepted
      // ones (as a real log's would) and broken ones are interleaved.
      List<byte[]> entries = new ArrayList<>();
      entries.add(g.anchor());
      Map<Hash, SubjectState> refStates = new HashMap<>();
      AnchorRegistry refAnchors = AnchorRegistry.EMPTY;
      Map<Long, String> refViolations = new TreeMap<>();
      for (int i = 0; i < 400; i++) {
        if (i > 0) {
          entries.add(g.next());
        }
        byte[] raw = entries.get(i);
        KeyEvent e;
        try {
          e = org.rcskt.verifier.event.EventCodec.decode(raw);
        } catch (org.rcskt.verifier.event.EventFormatException ex) {
          refViolations.put((long) i, "MALFORMED");
          continue;
        }
        // An ANCHOR event too sees its subject's phone state (which the rules require empty).
        SubjectState st = refStates.getOrDefault(e.subject(), SubjectState.EMPTY);
        try {
          Applied a = EventRules.verifyAndApply(st, e, refAnchors, ctx);
          if (e.type() == EventType.ANCHOR) {
            refAnchors = a.anchors();
          } else {
            refStates.put(e.subject(), a.state());
            g.last.put(indexOf(g, e.subject()), e);
            trackKeys(g, e);
          }
        } catch (RuleViolationException ex) {
          refViolations.put((long) i, ex.violation().name());
        }
      }

      // The replayer, in random steps, with states committed between steps.
      Map<Hash, SubjectRecord> stored = new HashMap<>();
      AnchorRegistry anchors = AnchorRegistry.EMPTY;
      Map<Long, String> violations = new TreeMap<>();
      int at = 0;
      while (at < entries.size()) {
        int n = Math.min(entries.size() - at, 1 + g.r.nextInt(700));
        Replayer rp =
            new Replayer(
                "o", LogConfig.Replay.ALL, new WatchList(List.of()), ctx, anchors, pool, 2);
        rp.replay(at, entries.subList(at, at + n), stored::get, 0);
        stored.putAll(rp.touched());
        anchors = rp.anchors();
        for (Replayer.Violation v : rp.violations()) {
          violations.put(v.leafIndex(), v.violation());
        }
        at += n;
      }
      assertThat(violations).as("seed " + seed).isEqualTo(refViolations);
      assertThat(anchors).isEqualTo(refAnchors);
      for (Map.Entry<Hash, SubjectState> e : refStates.entrySet()) {
        assertThat(stored.get(e.getKey()).state()).as("seed " + seed).isEqualTo(e.getValue());
      }
      assertThat(refViolations).as("the history exercises rejections").hasSizeGreaterThan(10);
      assertThat(refStates).as("and acceptances").hasSizeGreaterThan(5);
    }
  }

  @Test
  void phoneAndCarrierEventsOnOneSubjectAreViolationsWithTheirEvents() throws Exception {
    Random r = new Random(31);
    Ed25519.KeyPair policy = Ed25519.KeyPair.generate(r);
    Ed25519.KeyPair anchorA = Ed25519.KeyPair.generate(r);
    Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(r);
    Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(r);
    Ed25519.KeyPair k3 = Ed25519.KeyPair.generate(r);
    Hash subjectA = org.rcskt.verifier.event.PhoneNumbers.carrierSubject("a.example");
    Hash subjectC = org.rcskt.verifier.event.PhoneNumbers.carrierSubject("c.example");
    KeyEvent squat =
        EventBuilder.forSubject(subjectA, "a.example")
            .timestampMs(2)
            .register("x", PublicKeyInfo.ed25519(k2.publicKey()))
            .sign(k2, anchorA);
    List<byte[]> entries =
        List.of(
            EventBuilder.forCarrier("a.example")
                .timestampMs(1)
                .anchorAdd(PublicKeyInfo.ed25519(anchorA.publicKey()))
                .sign(policy)
                .encoded(),
            EventBuilder.forSubject(subject(5), "a.example")
                .timestampMs(2)
                .register("d", PublicKeyInfo.ed25519(k1.publicKey()))
                .sign(k1, anchorA)
                .encoded(),
            squat.encoded(),
            EventBuilder.forSubject(subjectC, "a.example")
                .timestampMs(3)
                .register("d", PublicKeyInfo.ed25519(k3.publicKey()))
                .sign(k3, anchorA)
                .encoded(),
            EventBuilder.forCarrier("c.example")
                .timestampMs(4)
                .anchorAdd(PublicKeyInfo.ed25519(Ed25519.KeyPair.generate(r).publicKey()))
                .sign(policy)
                .encoded());
    RulesContext ctx = RulesContext.replay(PublicKeyInfo.ed25519(policy.publicKey()));
    for (int split = 1; split < entries.size(); split++) {
      Map<Hash, SubjectRecord> stored = new HashMap<>();
      List<Replayer.Violation> found = new ArrayList<>();
      AnchorRegistry anchors = AnchorRegistry.EMPTY;
      for (int[] range : new int[][] {{0, split}, {split, entries.size()}}) {
        Replayer rp =
            new Replayer(
                "o", LogConfig.Replay.ALL, new WatchList(List.of()), ctx, anchors, pool, 2);
        rp.replay(range[0], entries.subList(range[0], range[1]), stored::get, 0);
        stored.putAll(rp.touched());
        anchors = rp.anchors();
        found.addAll(rp.violations());
      }
      assertThat(found)
          .as("split at " + split)
          .extracting(Replayer.Violation::leafIndex, Replayer.Violation::violation)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(2L, "CARRIER_SUBJECT"),
              org.assertj.core.groups.Tuple.tuple(4L, "PHONE_SUBJECT"));
      // The evidence: the event itself and the rule's words.
      assertThat(found.get(0).event()).isEqualTo(squat);
      assertThat(found.get(0).message())
          .isEqualTo(
              "REGISTER subject "
                  + subjectA
                  + " is the carrier subject of a.example; phone events cannot share it");
      assertThat(anchors.carrier("c.example")).isNull();
      assertThat(stored.get(subjectA) == null || stored.get(subjectA).state().isEmpty()).isTrue();
      assertThat(stored.get(subjectC).state().nextSequence()).isEqualTo(1);
    }
  }

  private static Hash subject(int i) {
    return Hash.sha256(("subject-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static int indexOf(Generator g, Hash subject) {
    for (int i = 0; i < 12; i++) {
      if (g.subject(i).equals(subject)) {
        return i;
      }
    }
    throw new IllegalStateException();
  }

  private static void trackKeys(Generator g, KeyEvent e) {
    // The generator signs rotations and revocations with the subject's current key; it learns it
    // here from the accepted event's payload (the generator kept the pair when it made the key).
    int s = indexOf(g, e.subject());
    org.rcskt.verifier.event.EventPayload p = e.body().payload();
    PublicKeyInfo k = null;
    if (p instanceof org.rcskt.verifier.event.EventPayload.Register
        && ((org.rcskt.verifier.event.EventPayload.Register) p).deviceId().equals("d")) {
      k = ((org.rcskt.verifier.event.EventPayload.Register) p).publicKey();
    } else if (p instanceof org.rcskt.verifier.event.EventPayload.Rotate) {
      k = ((org.rcskt.verifier.event.EventPayload.Rotate) p).publicKey();
    } else if (p instanceof org.rcskt.verifier.event.EventPayload.Revoke) {
      if (g.deviceKeys.get(s) != null) {
        g.retired.add(g.deviceKeys.remove(s));
      }
      return;
    }
    if (k != null) {
      Ed25519.KeyPair pair = g.pending.get(k.keyId());
      if (g.deviceKeys.get(s) != null) {
        g.retired.add(g.deviceKeys.get(s));
      }
      g.deviceKeys.put(s, pair);
    }
  }
}
