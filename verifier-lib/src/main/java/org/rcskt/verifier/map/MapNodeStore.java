package org.rcskt.verifier.map;

/**
 * Where the map's node records (protocol 16.4) are read from: in memory for monitors, auditors and
 * tests ({@link MemoryMapNodeStore}), a database or a snapshot of one for the log. Only non-EMPTY
 * positions have records; the map never deletes one (subjects are never removed, and a position
 * once occupied stays occupied). A store the map itself may write is a {@link
 * WritableMapNodeStore}; the log writes the changed records in its own batch write instead.
 *
 * <p>The map reads through {@link #get} in a single thread while it builds a batch.
 */
@FunctionalInterface
public interface MapNodeStore {
  /**
   * The record of the node at {@code depth} on the path of {@code path}, or null if that position
   * is EMPTY. Callers never modify the returned array, so a store may return its own copy.
   *
   * @param depth 0..256
   * @param path a 32-byte index; only its first {@code depth} bits matter
   */
  byte[] get(int depth, byte[] path);
}
