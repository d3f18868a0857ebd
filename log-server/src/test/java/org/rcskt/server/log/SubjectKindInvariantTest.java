package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Events;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.Violation;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/**
 * Phone events and carrier events never share a subject's event index (issue 9: a REGISTER on a
 * carrier's subject overwrote the row of the carrier's ANCHOR event). Run twice: with the
 * protocol's rules, which refuse both collisions by name, and with rules blind to the subject
 * kinds, where the integrator's own invariant check must refuse them. Either way the store stays
 * sound ({@link Fsck} with replay) and the events around the refused ones are logged.
 */
class SubjectKindInvariantTest {
  static final String ORIGIN = "test.example/log";
  static final String CARRIER = "carrier.example";
  static final String NEW_CARRIER = "new.example";

  /**
   * The rules as they were before the fix: an ANCHOR event sees no phone state, and a phone event
   * on a carrier's subject sees a registry with no carriers (so it must be unattested to pass).
   */
  static final RuleEngine BLIND =
      (current, verified, anchors, ctx) -> {
        KeyEvent e = verified.event();
        if (e.type() == EventType.ANCHOR) {
          return EventRules.apply(SubjectState.EMPTY, verified, anchors, ctx);
        }
        boolean carrierSubject = anchors.carrierOfSubject(e.subject()) != null;
        return EventRules.apply(
            current, verified, carrierSubject ? AnchorRegistry.EMPTY : anchors, ctx);
      };

  @TempDir Path dir;
  final Random random = new Random(4242);
  final Ed25519.KeyPair policy = Ed25519.KeyPair.generate(random);
  final Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
  final NoteLogSigner signer =
      new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
  // Trust on first use: the case where anyone could have sent the colliding REGISTER.
  final RulesContext rules =
      RulesContext.ingest(PublicKeyInfo.ed25519(policy.publicKey()), 0)
          .withAllowUnattestedRegistration(true);
  final Events events = new Events(77, CARRIER, carrier);
  LogStore store;
  KeyEventLog log;

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void theRulesRefuseBothCollisionsByName() throws Exception {
    Outcomes o = scenario(RuleEngine.STANDARD);
    assertThat(o.carrierSubjectRegister)
        .isInstanceOf(RejectedEventException.class)
        .hasMessage(
            "REGISTER subject "
                + PhoneNumbers.carrierSubject(CARRIER)
                + " is the carrier subject of carrier.example; phone events cannot share it");
    assertThat(((RejectedEventException) o.carrierSubjectRegister).violation())
        .isEqualTo(Violation.CARRIER_SUBJECT);
    assertThat(o.phoneSubjectAnchor)
        .isInstanceOf(RejectedEventException.class)
        .hasMessage(
            "the carrier subject "
                + PhoneNumbers.carrierSubject(NEW_CARRIER)
                + " of new.example already has 1 phone events; an ANCHOR event cannot share their"
                + " subject");
    assertThat(((RejectedEventException) o.phoneSubjectAnchor).violation())
        .isEqualTo(Violation.PHONE_SUBJECT);
    checkSound();
  }

  @Test
  void withTheRulesBypassedTheIntegratorStillRefusesThem() throws Exception {
    Outcomes o = scenario(BLIND);
    assertThat(o.carrierSubjectRegister)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("store invariant: REGISTER event ")
        .hasMessageEndingWith(
            " would add a phone row and state to subject "
                + PhoneNumbers.carrierSubject(CARRIER)
                + ", the carrier subject of carrier.example");
    assertThat(o.phoneSubjectAnchor)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("store invariant: ANCHOR event ")
        .hasMessageEndingWith(
            " would add a carrier row to subject "
                + PhoneNumbers.carrierSubject(NEW_CARRIER)
                + ", which has 1 phone events");
    checkSound();
  }

  record Outcomes(Throwable carrierSubjectRegister, Throwable phoneSubjectAnchor) {}

  private Outcomes scenario(RuleEngine engine) throws Exception {
    store = RocksDbLogStore.open(dir.resolve("db"));
    log = KeyEventLog.open(store, signer, rules, engine, LogMetrics.NONE, settings());
    long now = System.currentTimeMillis();
    KeyEvent anchor =
        EventBuilder.forCarrier(CARRIER)
            .timestampMs(now)
            .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
            .sign(policy);
    assertThat(log.submit(anchor).join().leafIndex()).isZero();

    // The colliding REGISTER goes in one batch with two good events, which must not suffer for it.
    Ed25519.KeyPair squatter = events.newKey();
    KeyEvent onCarrier =
        EventBuilder.forSubject(PhoneNumbers.carrierSubject(CARRIER), CARRIER)
            .timestampMs(now)
            .register("x", PublicKeyInfo.ed25519(squatter.publicKey()))
            .sign(squatter);
    List<CompletableFuture<Sequenced>> first =
        submitTogether(
            events.register(events.newSubject(), "phone", events.newKey()),
            onCarrier,
            events.register(events.newSubject(), "phone", events.newKey()));
    assertThat(first.get(0).join().leafIndex()).isPositive();
    assertThat(first.get(2).join().leafIndex()).isPositive();
    Throwable refusedRegister = failure(first.get(1));

    // A number on the subject of a carrier no one has anchored yet is a phone subject like any
    // other: the rules cannot tell it from a real number's. That carrier's first ANCHOR is what
    // must then be refused.
    KeyEvent onFutureCarrier =
        events.register(PhoneNumbers.carrierSubject(NEW_CARRIER), "phone", events.newKey());
    log.submit(onFutureCarrier).join();
    KeyEvent newAnchor =
        EventBuilder.forCarrier(NEW_CARRIER)
            .timestampMs(now)
            .anchorAdd(PublicKeyInfo.ed25519(Ed25519.KeyPair.generate(random).publicKey()))
            .sign(policy);
    Throwable refusedAnchor = failure(log.submit(newAnchor));

    // Leaves: the anchor (0) and its map root (1), the two good events of the shared batch (2, 3)
    // and its map root (4), the number on the future carrier's subject (5) and its map root (6).
    // Refused events write nothing, not even a map root.
    assertThat(log.head().treeSize()).isEqualTo(7);
    // Verified on two threads, the two good events reach the integrator in either order.
    assertThat(List.of(first.get(0).join().leafIndex(), first.get(2).join().leafIndex()))
        .containsExactlyInAnyOrder(2L, 3L);
    List<AppendBatch.SubjectEvent> carrierRows =
        log.subjectEvents(PhoneNumbers.carrierSubject(CARRIER), 0, 10);
    assertThat(carrierRows)
        .containsExactly(new AppendBatch.SubjectEvent(PhoneNumbers.carrierSubject(CARRIER), 0, 0));
    assertThat(store.subjectState(PhoneNumbers.carrierSubject(CARRIER))).isNull();
    assertThat(log.anchors().carrier(NEW_CARRIER)).isNull();
    assertThat(log.subjectState(PhoneNumbers.carrierSubject(NEW_CARRIER)).nextSequence())
        .isEqualTo(1);
    return new Outcomes(refusedRegister, refusedAnchor);
  }

  private List<CompletableFuture<Sequenced>> submitTogether(KeyEvent... es) {
    // A window long enough (settings(): 500 ms) that the three arrive in one batch even on a busy
    // machine.
    return java.util.Arrays.stream(es).map(log::submit).toList();
  }

  private static KeyEventLog.Settings settings() {
    KeyEventLog.Settings d = KeyEventLog.Settings.defaults();
    return new KeyEventLog.Settings(
        d.maxBatch(),
        500_000,
        d.queueSize(),
        d.verifyThreads(),
        d.memoryLevel(),
        d.tileCacheSize());
  }

  private static Throwable failure(CompletableFuture<Sequenced> f) {
    try {
      Sequenced s = f.join();
      throw new AssertionError("accepted at leaf " + s.leafIndex());
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /** The stored log, checked and replayed under the real rules, has no problem. */
  private void checkSound() {
    Fsck.Report r = new Fsck(store, signer, rules.withoutNow(), s -> {}).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.treeSize()).isEqualTo(7);
    Hash carrierSubject = PhoneNumbers.carrierSubject(CARRIER);
    assertThat(log.anchors().carrierOfSubject(carrierSubject)).isEqualTo(CARRIER);
  }

  @Test
  void fsckNamesTheLeafThatBrokeAnIndex() throws Exception {
    scenario(RuleEngine.STANDARD);
    Hash carrierSubject = PhoneNumbers.carrierSubject(CARRIER);
    byte[] phoneState = store.subjectState(PhoneNumbers.carrierSubject(NEW_CARRIER));
    // What the campaign's REGISTER did to the store, played back by a store that reads corrupted:
    // the carrier subject's row 0 points to the phone event at leaf 5, and it has a phone state.
    LogStore corrupted =
        new org.rcskt.server.storage.ForwardingLogStore(store) {
          @Override
          public List<AppendBatch.SubjectEvent> subjectEvents(Hash subject, long from, int limit) {
            if (subject.equals(carrierSubject)) {
              return from == 0 ? List.of(new AppendBatch.SubjectEvent(subject, 0, 5)) : List.of();
            }
            return super.subjectEvents(subject, from, limit);
          }

          @Override
          public byte[] subjectState(Hash subject) {
            return subject.equals(carrierSubject) ? phoneState : super.subjectState(subject);
          }
        };
    Fsck.Report r = new Fsck(corrupted, signer, null, s -> {}).run();
    assertThat(r.problems())
        .contains(
            "subject event index row ("
                + carrierSubject
                + ", 0) points to leaf 5 (REGISTER of carrier carrier.example) instead of leaf 0"
                + " (ANCHOR of carrier carrier.example)",
            "subject "
                + carrierSubject
                + " is the carrier subject of carrier.example but has a phone subject state");
  }
}
