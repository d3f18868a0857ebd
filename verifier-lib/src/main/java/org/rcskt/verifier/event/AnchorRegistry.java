package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rcskt.verifier.Hash;

/**
 * The carriers' attestation keys (trust anchors) as established by the log's ANCHOR events, and
 * each carrier's ANCHOR chain (the sequence number, previous hash and timestamp its next ANCHOR
 * event must match).
 *
 * <p>A carrier's ANCHOR events form their own chain here rather than in a {@link SubjectState}:
 * subject indexes are just 32 bytes, so a REGISTER could name a carrier's subject and, were both
 * chains one, push that carrier's ANCHOR chain out of step. Keeping them apart makes that
 * impossible by construction.
 *
 * <p>An immutable value; ANCHOR events are rare, so each change copies the (small) registry. {@link
 * #toBytes()} is a deterministic storage encoding (informative, like the subject state's).
 */
public final class AnchorRegistry {
  /** A registry with no carriers. */
  public static final AnchorRegistry EMPTY = new AnchorRegistry(new TreeMap<>());

  private static final int REGISTRY_VERSION = 1;

  /** The most carriers a stored registry may hold (bounds decoding). */
  public static final int MAX_CARRIERS = 65535;

  /** The most retired anchor key ids one carrier may accumulate in a stored registry. */
  public static final int MAX_RETIRED_PER_CARRIER = 65535;

  /** An anchor key and the carrier it belongs to. */
  public record AnchorKey(String carrierId, PublicKeyInfo publicKey) {}

  /**
   * One carrier's anchors and ANCHOR chain.
   *
   * @param carrierId the carrier
   * @param nextSequence the sequence number of the carrier's next ANCHOR event
   * @param lastEventHash the leaf hash of its last ANCHOR event
   * @param lastTimestampMs the timestamp of its last ANCHOR event
   * @param keys its active attestation keys, in the order they were added
   * @param retiredKeyIds the key ids it retired, sorted; they can never be added again
   */
  public record Carrier(
      String carrierId,
      long nextSequence,
      Hash lastEventHash,
      long lastTimestampMs,
      List<PublicKeyInfo> keys,
      List<Hash> retiredKeyIds) {
    public Carrier {
      keys = List.copyOf(keys);
      retiredKeyIds = List.copyOf(retiredKeyIds);
    }

    /** The active key with key id {@code keyId}, or null. */
    public PublicKeyInfo key(Hash keyId) {
      for (PublicKeyInfo k : keys) {
        if (k.keyId().equals(keyId)) {
          return k;
        }
      }
      return null;
    }

    /** Whether {@code keyId} was retired by this carrier. */
    public boolean isRetired(Hash keyId) {
      return Collections.binarySearch(retiredKeyIds, keyId) >= 0;
    }

    static Carrier empty(String carrierId) {
      return new Carrier(carrierId, 0, Hash.ZERO, 0, List.of(), List.of());
    }
  }

  private final TreeMap<String, Carrier> carriers;
  private final Map<Hash, AnchorKey> byKeyId;
  private final Map<Hash, String> bySubject;

  private AnchorRegistry(TreeMap<String, Carrier> carriers) {
    this.carriers = carriers;
    Map<Hash, AnchorKey> index = new HashMap<>();
    Map<Hash, String> subjects = new HashMap<>();
    for (Carrier c : carriers.values()) {
      for (PublicKeyInfo k : c.keys()) {
        index.put(k.keyId(), new AnchorKey(c.carrierId(), k));
      }
      subjects.put(PhoneNumbers.carrierSubject(c.carrierId()), c.carrierId());
    }
    this.byKeyId = index;
    this.bySubject = subjects;
  }

  /** The carrier {@code carrierId}, or null when it never had an ANCHOR event. */
  public Carrier carrier(String carrierId) {
    return carriers.get(carrierId);
  }

  /** Every carrier, sorted by id. */
  public List<Carrier> carriers() {
    return List.copyOf(carriers.values());
  }

  /** The active anchor key with key id {@code keyId} (of any carrier), or null. */
  public AnchorKey find(Hash keyId) {
    return byKeyId.get(keyId);
  }

  /**
   * The id of the carrier whose carrier subject (docs/protocol.md, section 3.2) is {@code subject},
   * or null when no carrier of this registry has that subject. Every carrier that ever had an
   * ANCHOR event counts, including one whose keys are all retired.
   */
  public String carrierOfSubject(Hash subject) {
    return bySubject.get(subject);
  }

  /** Whether some carrier retired {@code keyId}. */
  public boolean isRetired(Hash keyId) {
    for (Carrier c : carriers.values()) {
      if (c.isRetired(keyId)) {
        return true;
      }
    }
    return false;
  }

  /** The active anchor keys of {@code carrierId} (empty when it has none). */
  public List<PublicKeyInfo> keys(String carrierId) {
    Carrier c = carriers.get(carrierId);
    return c == null ? List.of() : c.keys();
  }

  AnchorRegistry with(Carrier updated) {
    TreeMap<String, Carrier> copy = new TreeMap<>(carriers);
    copy.put(updated.carrierId(), updated);
    return new AnchorRegistry(copy);
  }

  /** The deterministic storage encoding. */
  public byte[] toBytes() {
    int size = 1 + 2;
    for (Carrier c : carriers.values()) {
      size += 1 + c.carrierId().length() + 8 + Hash.SIZE + 8 + 1;
      for (PublicKeyInfo k : c.keys()) {
        size += 2 + 2 + k.keyLength() + 8;
      }
      size += 2 + c.retiredKeyIds().size() * Hash.SIZE;
    }
    ByteWriter w = new ByteWriter(size);
    w.u8(REGISTRY_VERSION);
    w.u16(carriers.size());
    for (Carrier c : carriers.values()) {
      w.ascii8(c.carrierId());
      w.u64(c.nextSequence());
      w.hash(c.lastEventHash());
      w.u64(c.lastTimestampMs());
      w.u8(c.keys().size());
      for (PublicKeyInfo k : c.keys()) {
        EventCodec.writeKey(w, k);
      }
      w.u16(c.retiredKeyIds().size());
      for (Hash h : c.retiredKeyIds()) {
        w.hash(h);
      }
    }
    return w.finish();
  }

  /**
   * Decodes {@link #toBytes()} output.
   *
   * @throws EventFormatException if the bytes are not exactly one well-formed registry; field names
   *     start with {@code anchors.}
   */
  public static AnchorRegistry fromBytes(byte[] bytes) throws EventFormatException {
    ByteReader r = new ByteReader(bytes);
    int version = r.u8("anchors.version");
    if (version != REGISTRY_VERSION) {
      throw new EventFormatException("anchors.version", "unsupported registry version " + version);
    }
    int count = r.u16("anchors.carriers");
    TreeMap<String, Carrier> carriers = new TreeMap<>();
    String previous = null;
    for (int i = 0; i < count; i++) {
      String at = "anchors.carriers[" + i + "]";
      String id = r.ascii(EventFormat.MAX_CARRIER_ID_LENGTH, at + ".carrierId");
      String p = EventFormat.carrierIdProblem(id);
      if (p != null) {
        throw new EventFormatException(at + ".carrierId", p);
      }
      if (previous != null && previous.compareTo(id) >= 0) {
        throw new EventFormatException(at + ".carrierId", "carriers must be sorted and distinct");
      }
      previous = id;
      long next = r.u63(at + ".nextSequence");
      Hash last = r.hash(at + ".lastEventHash");
      long lastTs = r.u63(at + ".lastTimestampMs");
      int keyCount = r.u8(at + ".keys");
      List<PublicKeyInfo> keys = new ArrayList<>(keyCount);
      for (int k = 0; k < keyCount; k++) {
        keys.add(EventCodec.readKey(r, at + ".keys[" + k + "]"));
      }
      int retiredCount = r.u16(at + ".retiredKeyIds");
      List<Hash> retired = new ArrayList<>(retiredCount);
      for (int k = 0; k < retiredCount; k++) {
        Hash h = r.hash(at + ".retiredKeyIds[" + k + "]");
        if (k > 0 && retired.get(k - 1).compareTo(h) >= 0) {
          throw new EventFormatException(
              at + ".retiredKeyIds[" + k + "]", "key ids must be sorted and distinct");
        }
        retired.add(h);
      }
      carriers.put(id, new Carrier(id, next, last, lastTs, keys, retired));
    }
    if (r.remaining() != 0) {
      throw new EventFormatException(
          "", r.remaining() + " trailing bytes after the end of the registry");
    }
    return new AnchorRegistry(carriers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnchorRegistry && ((AnchorRegistry) o).carriers.equals(carriers);
  }

  @Override
  public int hashCode() {
    return carriers.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("AnchorRegistry[");
    for (Carrier c : carriers.values()) {
      sb.append(c.carrierId())
          .append(": ")
          .append(c.keys().size())
          .append(" keys, next ")
          .append(c.nextSequence())
          .append("; ");
    }
    return sb.append(']').toString();
  }
}
