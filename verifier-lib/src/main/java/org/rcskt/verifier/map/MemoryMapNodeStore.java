package org.rcskt.verifier.map;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Map node records in memory, for monitors, auditors and tests.
 *
 * <p>Positions down to depth 56 are keyed by one {@code long} (the prefix bits and the depth) in an
 * open-addressing table; deeper ones go to a {@link HashMap}. The deepest leaf of n uniformly
 * distributed indexes is near depth 2 log2(n), so below some hundred million subjects only crafted
 * indexes reach the second table. Each record is held as one array; random indexes give about 2.44
 * records per subject, about 280 bytes per subject in all (measured at 1,000,000 subjects). Not
 * thread-safe: one writer, and no reads during {@link #apply}.
 */
public final class MemoryMapNodeStore implements WritableMapNodeStore {
  private static final int PACKED_DEPTH = 56;

  /** Never a packed key: depth 0 has no prefix bits. */
  private static final long FREE = Long.MIN_VALUE;

  private long[] keys;
  private byte[][] values;
  private int mask;
  private int packedCount;
  private final Map<NodeKey, byte[]> deep = new HashMap<>();

  /** An empty store. */
  public MemoryMapNodeStore() {
    allocate(1 << 10);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    Arrays.fill(keys, FREE);
    values = new byte[capacity][];
    mask = capacity - 1;
  }

  /** The number of records stored. */
  public long size() {
    return packedCount + (long) deep.size();
  }

  @Override
  public byte[] get(int depth, byte[] path) {
    if (depth > PACKED_DEPTH) {
      return deep.get(NodeKey.of(depth, path));
    }
    long k = pack(depth, path);
    for (int i = slot(k); ; i = (i + 1) & mask) {
      long s = keys[i];
      if (s == k) {
        return values[i];
      }
      if (s == FREE) {
        return null;
      }
    }
  }

  @Override
  public void apply(List<NodeChange> changes) {
    for (NodeChange c : changes) {
      byte[] r = c.record();
      if (r == null) {
        throw new IllegalArgumentException("no record for node " + c.key());
      }
      try {
        NodeRecords.check(r, c.key().depth());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    for (NodeChange c : changes) {
      put(c.key(), c.record());
    }
  }

  private void put(NodeKey key, byte[] record) {
    int depth = key.depth();
    if (depth > PACKED_DEPTH) {
      deep.put(key, record);
      return;
    }
    long k = pack(depth, key.path());
    int i = slot(k);
    while (keys[i] != FREE) {
      if (keys[i] == k) {
        values[i] = record;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = k;
    values[i] = record;
    if (++packedCount > (mask + 1) / 4 * 3) {
      grow();
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    byte[][] oldValues = values;
    if (oldKeys.length >= 1 << 30) {
      throw new IllegalStateException("map node store is full at " + packedCount + " records");
    }
    allocate(oldKeys.length * 2);
    for (int j = 0; j < oldKeys.length; j++) {
      long k = oldKeys[j];
      if (k != FREE) {
        int i = slot(k);
        while (keys[i] != FREE) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = oldValues[j];
      }
    }
  }

  /** The first 56 bits of the path, masked to {@code depth} bits, above the depth byte. */
  private static long pack(int depth, byte[] path) {
    long p = 0;
    for (int i = 0; i < 7; i++) {
      p = (p << 8) | (path[i] & 0xff);
    }
    p <<= 8;
    long keep = depth == 0 ? 0 : -1L << (64 - depth);
    return (p & keep) | depth;
  }

  private int slot(long k) {
    // MurmurHash3's fmix64: the depth byte and the prefix bits spread over the table.
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return (int) k & mask;
  }
}
