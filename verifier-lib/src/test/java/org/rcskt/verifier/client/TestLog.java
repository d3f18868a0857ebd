package org.rcskt.verifier.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.NoteVerifier;

/**
 * An in-memory log for client tests: real events signed with real keys, a real Merkle tree and real
 * signed checkpoints, but no rules enforced on append, so tests can log anything. Subjects are
 * tracked so the helpers build correctly chained events.
 */
public final class TestLog {
  public static final String ORIGIN = "test.example/log";
  public static final String CARRIER = "carrier-a.example";
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  public final Ed25519.KeyPair logKey;
  public final Ed25519.KeyPair policyKey;
  public final Ed25519.KeyPair carrierAnchor;
  private final CheckpointSigner signer;
  private final MemoryNodeStore tree = new MemoryNodeStore();
  private final List<KeyEvent> entries = new ArrayList<>();
  private final Map<Hash, KeyEvent> last = new HashMap<>();
  private final Map<Long, byte[]> rawLeaves = new HashMap<>();
  private final Set<Long> unmapped = new HashSet<>();
  private long clock = T0;

  /** A log whose keys come from {@code seed}; two logs with the same seed share their keys. */
  public TestLog(long seed) {
    Random r = new Random(seed);
    logKey = Ed25519.KeyPair.generate(r);
    policyKey = Ed25519.KeyPair.generate(r);
    carrierAnchor = Ed25519.KeyPair.generate(r);
    signer = CheckpointSigner.of(Ed25519NoteSigner.of(ORIGIN, logKey));
  }

  public NoteVerifier verifier() {
    return Ed25519NoteVerifier.of(ORIGIN, logKey.publicKey());
  }

  /** The rules this log's events follow: its policy key, unattested registrations allowed. */
  public RulesContext rules() {
    return RulesContext.replay(PublicKeyInfo.ed25519(policyKey.publicKey()))
        .withAllowUnattestedRegistration(true);
  }

  public long treeSize() {
    return entries.size();
  }

  /**
   * Appends any event, valid or not, as a batch of its own: the event, then the MAP_ROOT leaf of
   * the subject map after it (docs/protocol.md section 16), as the log server does. Returns the
   * event's leaf index.
   */
  public synchronized long append(KeyEvent e) {
    entries.add(e);
    tree.append(e.leafHash());
    last.put(e.subject(), e);
    long index = entries.size() - 1;
    appendMapRoot();
    return index;
  }

  /**
   * Appends an event as {@link #append} does, but leaves it out of the subject map, as a log that
   * hides it from its map would: the map root after it, and every later one, does not count it.
   */
  public synchronized long appendUnmapped(KeyEvent e) {
    unmapped.add((long) entries.size());
    return append(e);
  }

  /** Appends the MAP_ROOT leaf of the map of every event so far. */
  public synchronized void appendMapRoot() {
    SubjectMap m = mapAt(entries.size());
    byte[] entry = new MapRootEntry(entries.size() + 1, m.subjectCount(), m.root()).encoded();
    rawLeaves.put((long) entries.size(), entry);
    entries.add(null);
    tree.append(org.rcskt.verifier.merkle.Merkle.leafHash(entry));
  }

  /** The subject map of the events below {@code size}, recomputed. */
  public synchronized SubjectMap mapAt(long size) {
    SubjectMap m = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectMap.Batch b = m.batch();
    for (int i = 0; i < size; i++) {
      KeyEvent e = entries.get(i);
      if (e != null && !unmapped.contains((long) i)) {
        b.put(e.subject(), e.sequence() + 1, e.leafHash());
      }
    }
    return m.apply(b.finish());
  }

  /** The raw bytes of a leaf appended with {@link #appendRaw} or a map root, else null. */
  public synchronized byte[] rawLeaf(long leafIndex) {
    return rawLeaves.get(leafIndex);
  }

  /** Appends raw leaf bytes (not a decodable event). */
  public synchronized void appendRaw(byte[] leaf) {
    rawLeaves.put((long) entries.size(), leaf.clone());
    entries.add(null);
    tree.append(org.rcskt.verifier.merkle.Merkle.leafHash(leaf));
  }

  /** The leaf hash of any leaf: an event, a map root or raw bytes. */
  public synchronized Hash leafHash(long leafIndex) {
    KeyEvent e = entries.get((int) leafIndex);
    return e != null
        ? e.leafHash()
        : org.rcskt.verifier.merkle.Merkle.leafHash(rawLeaves.get(leafIndex));
  }

  public synchronized KeyEvent entry(long leafIndex) {
    return entries.get((int) leafIndex);
  }

  public synchronized byte[] checkpoint() {
    return checkpoint(entries.size());
  }

  public synchronized byte[] checkpoint(long size) {
    return signer.sign(size, Proofs.rootHash(size, tree));
  }

  public synchronized List<Hash> inclusion(long leafIndex, long size) {
    return Proofs.inclusion(leafIndex, size, tree);
  }

  public synchronized List<Hash> consistency(long from, long to) {
    return Proofs.consistency(from, to, tree);
  }

  /** The events of {@code subject} below {@code size}, with proofs, as a verified history. */
  public synchronized SubjectHistory history(Hash subject, long size) throws VerificationException {
    SignedCheckpoint cp = SignedCheckpoint.verify(checkpoint(size), ORIGIN, verifier());
    List<LoggedEvent> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      KeyEvent e = entries.get(i);
      if (e != null && e.subject().equals(subject)) {
        out.add(new LoggedEvent(i, e, inclusion(i, size), cp));
      }
    }
    return new SubjectHistory(subject, cp, out);
  }

  public SubjectHistory history(Hash subject) throws VerificationException {
    return history(subject, treeSize());
  }

  public SubjectHistory carrierHistory() throws VerificationException {
    return history(PhoneNumbers.carrierSubject(CARRIER));
  }

  private EventBuilder next(Hash subject, String carrier) {
    clock += 1000;
    EventBuilder b =
        subject.equals(PhoneNumbers.carrierSubject(carrier))
            ? EventBuilder.forCarrier(carrier)
            : EventBuilder.forSubject(subject, carrier);
    KeyEvent prev = last.get(subject);
    return (prev == null ? b : b.after(prev)).timestampMs(clock);
  }

  /** Logs the ANCHOR event adding {@link #carrierAnchor} for {@link #CARRIER}. */
  public KeyEvent addAnchor() {
    KeyEvent e =
        next(PhoneNumbers.carrierSubject(CARRIER), CARRIER)
            .anchorAdd(PublicKeyInfo.ed25519(carrierAnchor.publicKey()))
            .sign(policyKey);
    append(e);
    return e;
  }

  public KeyEvent register(Hash subject, String device, Ed25519.KeyPair key, boolean attested) {
    EventBuilder b =
        next(subject, CARRIER).register(device, PublicKeyInfo.ed25519(key.publicKey()));
    KeyEvent e = attested ? b.sign(key, carrierAnchor) : b.sign(key);
    append(e);
    return e;
  }

  public KeyEvent rotate(Hash subject, String device, Ed25519.KeyPair from, Ed25519.KeyPair to) {
    KeyEvent e =
        next(subject, CARRIER).rotate(device, PublicKeyInfo.ed25519(to.publicKey())).sign(to, from);
    append(e);
    return e;
  }

  /** A carrier-signed rotation without the old key's signature. */
  public KeyEvent recover(Hash subject, String device, Ed25519.KeyPair to) {
    KeyEvent e =
        next(subject, CARRIER)
            .rotate(device, PublicKeyInfo.ed25519(to.publicKey()))
            .sign(to, carrierAnchor);
    append(e);
    return e;
  }

  public KeyEvent revoke(Hash subject, String device, Ed25519.KeyPair by, RevocationReason reason) {
    KeyEvent e = next(subject, CARRIER).revoke(device, reason).sign(by);
    append(e);
    return e;
  }

  /** A REGISTER of a key of any algorithm, attested by the carrier. */
  public KeyEvent register(Hash subject, String device, EventSigner key) {
    KeyEvent e =
        next(subject, CARRIER)
            .register(device, key.publicKey())
            .sign(key, EventSigner.of(carrierAnchor));
    append(e);
    return e;
  }

  /** A ROTATE between keys of any algorithms, signed by both. */
  public KeyEvent rotate(Hash subject, String device, EventSigner from, EventSigner to) {
    KeyEvent e = next(subject, CARRIER).rotate(device, to.publicKey()).sign(to, from);
    append(e);
    return e;
  }

  /** A KEYS event: {@code key}'s device publishes {@code kex}. */
  public KeyEvent keys(
      Hash subject,
      String device,
      Ed25519.KeyPair key,
      java.util.List<org.rcskt.verifier.event.KexKey> kex) {
    KeyEvent e = next(subject, CARRIER).keys(device, kex).sign(key);
    append(e);
    return e;
  }
}
