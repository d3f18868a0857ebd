package org.rcskt.server.log;

import java.util.Iterator;
import java.util.LinkedHashMap;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.SubjectState;

/**
 * The integrator's cache of committed subject states, least recently used first out, bounded both
 * in entries and in an estimate of the bytes the states hold. A state is small, but each of its
 * device keys carries what verifying with it needs: an Ed25519 key decodes into precomputed tables
 * of about 4 KiB, and a subject may have several devices. A count alone (it was 100,000 states) let
 * the cache fill a 512 MiB heap (a hostile run with 15% valid registrations, 2026-12-04); the byte
 * bound (an eighth of the heap by default) keeps it a fixed share of memory whatever the keys. Not
 * thread safe: the integrator thread owns it.
 */
final class StateCache {
  /** What one device key is estimated to hold beyond its bytes: Ed25519 verification tables. */
  static final long ED25519_TABLES_BYTES = 4 * 1024;

  /** An ML-DSA-65 key's decoded form, estimated. */
  static final long ML_DSA_BYTES = 8 * 1024;

  private final int maxEntries;
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<Hash, Entry> map = new LinkedHashMap<>(1024, 0.75f, true);

  private record Entry(SubjectState state, long weight) {}

  /**
   * @param maxEntries the most states kept
   * @param maxBytes the most bytes (estimated) the kept states may hold
   */
  StateCache(int maxEntries, long maxBytes) {
    if (maxEntries < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("state cache bounds must be positive");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** A cache of at most {@code maxEntries} states in an eighth of the JVM's maximum heap. */
  static StateCache forHeap(int maxEntries) {
    return new StateCache(maxEntries, Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  SubjectState get(Hash subject) {
    Entry e = map.get(subject);
    return e == null ? null : e.state();
  }

  void put(Hash subject, SubjectState state) {
    long w = weight(state);
    Entry old = map.put(subject, new Entry(state, w));
    if (old != null) {
      bytes -= old.weight();
    }
    bytes += w;
    Iterator<Entry> eldest = map.values().iterator();
    while ((map.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
      bytes -= eldest.next().weight();
      eldest.remove();
    }
  }

  void clear() {
    map.clear();
    bytes = 0;
  }

  int size() {
    return map.size();
  }

  /** The estimated bytes the kept states hold. */
  long bytes() {
    return bytes;
  }

  /** The estimated bytes {@code s} holds: its fixed part, its keys and their decoded forms. */
  static long weight(SubjectState s) {
    long w = 256 + 48L * s.retiredKeyIds().size();
    for (Device d : s.devices()) {
      KeyAlgorithm a = d.publicKey().algorithm();
      w += 256 + d.deviceId().length() + d.publicKey().keyLength();
      if (a == KeyAlgorithm.ED25519 || a == KeyAlgorithm.ED25519_ML_DSA_65) {
        w += ED25519_TABLES_BYTES;
      }
      if (a.isPostQuantum()) {
        w += ML_DSA_BYTES;
      }
    }
    return w;
  }
}
