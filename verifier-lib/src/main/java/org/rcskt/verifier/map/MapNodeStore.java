package org.rcskt.verifier.map;

import java.util.List;

/**
 * Where the map's node records (protocol 16.4) live: in memory for monitors, auditors and tests
 * ({@link MemoryMapNodeStore}), in a database for the log. Only non-EMPTY positions have records;
 * the map never deletes one (subjects are never removed, and a position once occupied stays
 * occupied).
 *
 * <p>Contract: {@link #get} returns the record as of the last {@link #apply}, or null for a
 * position that has none. {@link #apply} is all or nothing: after a failure the store holds exactly
 * what it held before. The map reads through {@link #get} in a single thread while it builds a
 * batch; it does not call {@code apply} itself.
 */
public interface MapNodeStore {
  /**
   * The record of the node at {@code depth} on the path of {@code path}, or null if that position
   * is EMPTY. Callers never modify the returned array, so a store may return its own copy.
   *
   * @param depth 0..256
   * @param path a 32-byte index; only its first {@code depth} bits matter
   */
  byte[] get(int depth, byte[] path);

  /**
   * Writes {@code changes} atomically (all of them, or none with an exception).
   *
   * @throws IllegalArgumentException if a record is neither a leaf nor an internal record
   */
  void apply(List<NodeChange> changes);
}
