package org.rcskt.server.log;

import java.util.HashMap;
import java.util.Map;
import org.rcskt.verifier.Hash;

/**
 * The integrator's memory of the last few thousand leaves it appended: which leaf hashes and which
 * subjects they were. A verification worker looks an event up in the store (is it logged? what is
 * its subject's state?) before the event reaches the integrator; the integrator then only has to
 * know what changed in between, and for a worker that looked at tree size {@code s} that is exactly
 * the leaves appended at {@code s} or later. While those are all still remembered, the integrator
 * answers from here and spares two store lookups per event.
 *
 * <p>Integrator thread only; not thread-safe.
 */
final class RecentWrites {
  private final int capacity;
  private final Hash[] leafHashes;
  private final Hash[] subjects;
  private final long[] indexes;
  private final Map<Hash, Long> leafIndex;
  private final Map<Hash, Long> lastIndexOfSubject;
  private int head;
  private int count;
  // Every leaf at this index or above that was appended is remembered.
  private long floor;

  RecentWrites(int capacity, long treeSize) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.leafHashes = new Hash[capacity];
    this.subjects = new Hash[capacity];
    this.indexes = new long[capacity];
    this.leafIndex = new HashMap<>(capacity * 2);
    this.lastIndexOfSubject = new HashMap<>(capacity * 2);
    this.floor = treeSize;
  }

  /**
   * Whether every leaf appended at or after {@code treeSize} is remembered, so that {@link
   * #leafIndex} and {@link #touchedSince} answer for changes since then. False for a negative size.
   */
  boolean covers(long treeSize) {
    return treeSize >= floor;
  }

  /** The index of a remembered leaf, or -1. */
  long leafIndex(Hash leafHash) {
    Long i = leafIndex.get(leafHash);
    return i == null ? -1 : i;
  }

  /** Whether a remembered leaf at {@code treeSize} or later belongs to {@code subject}. */
  boolean touchedSince(Hash subject, long treeSize) {
    Long i = lastIndexOfSubject.get(subject);
    return i != null && i >= treeSize;
  }

  /**
   * Remembers the leaf at {@code index}, which must follow the previous one; {@code subject} is
   * null for an ANCHOR event.
   */
  void add(Hash leafHash, Hash subject, long index) {
    if (count == capacity) {
      evictOldest();
    }
    int slot = (head + count) % capacity;
    leafHashes[slot] = leafHash;
    subjects[slot] = subject;
    indexes[slot] = index;
    count++;
    leafIndex.put(leafHash, index);
    if (subject != null) {
      lastIndexOfSubject.put(subject, index);
    }
  }

  /** Forgets everything; afterwards only leaves appended at {@code treeSize} or later count. */
  void clear(long treeSize) {
    leafIndex.clear();
    lastIndexOfSubject.clear();
    java.util.Arrays.fill(leafHashes, null);
    java.util.Arrays.fill(subjects, null);
    head = 0;
    count = 0;
    floor = treeSize;
  }

  private void evictOldest() {
    long index = indexes[head];
    leafIndex.remove(leafHashes[head], index);
    if (subjects[head] != null) {
      lastIndexOfSubject.remove(subjects[head], index);
    }
    leafHashes[head] = null;
    subjects[head] = null;
    head = (head + 1) % capacity;
    count--;
    floor = index + 1;
  }
}
