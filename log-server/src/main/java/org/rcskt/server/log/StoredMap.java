package org.rcskt.server.log;

import java.nio.ByteBuffer;
import java.util.List;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapNodeStore;
import org.rcskt.verifier.map.NodeChange;
import org.rcskt.verifier.map.NodeKey;
import org.rcskt.verifier.map.SubjectMap;

/**
 * The subject map's records as the integrator reads them: from the log store, with the records of
 * the top levels kept in memory, since every update of a batch walks through them. The integrator
 * writes a batch's changed records in the batch's own store write and then {@link #commit}s them
 * here.
 *
 * <p>Public for the bench tools that build a log without a server the way the integrator does
 * ({@code bench.BatchWriter}). Only one thread (the integrator's) uses an instance. Lookups read a
 * store snapshot instead ({@link #over(LogStore.Snapshot)}), which the cache (newer than any
 * snapshot) must not serve.
 */
public final class StoredMap implements MapNodeStore {
  /** The map state of a store without one: the empty map. */
  /**
   * The default depth of the cached top levels: about 2^17 records, some 20 MB, in a map of
   * millions of subjects.
   */
  public static final int DEFAULT_CACHE_DEPTH = 16;

  static final byte[] EMPTY_STATE = new byte[Hash.SIZE + 8];

  private static final byte[] ABSENT = new byte[0];

  private final LogStore store;
  private final int cacheDepth;
  // top[d][p]: the record at depth d whose path starts with the d bits p; ABSENT for an EMPTY
  // position, null when not read yet. Dense, since in a large map every such position is occupied.
  private final byte[][][] top;
  private int cached;

  /**
   * @param cacheDepth records at depths 0 to {@code cacheDepth} (at most 20) are kept in memory
   *     once read (about 2^(cacheDepth+1) of them in a large map); -1 for none
   */
  public StoredMap(LogStore store, int cacheDepth) {
    if (cacheDepth > 20) {
      throw new IllegalArgumentException("cacheDepth must be at most 20, got " + cacheDepth);
    }
    this.store = store;
    this.cacheDepth = cacheDepth;
    this.top = new byte[Math.max(0, cacheDepth + 1)][][];
  }

  /** The first {@code depth} bits of {@code path} as an int (depth at most 20). */
  private static int prefix(int depth, byte[] path) {
    if (depth == 0) {
      return 0;
    }
    int v = ((path[0] & 0xff) << 16) | ((path[1] & 0xff) << 8) | (path[2] & 0xff);
    return v >>> (24 - depth);
  }

  private byte[][] level(int depth) {
    byte[][] l = top[depth];
    if (l == null) {
      l = top[depth] = new byte[1 << depth][];
    }
    return l;
  }

  @Override
  public byte[] get(int depth, byte[] path) {
    if (depth > cacheDepth) {
      return store.mapNode(NodeKey.encode(depth, path));
    }
    byte[][] l = level(depth);
    int p = prefix(depth, path);
    byte[] r = l[p];
    if (r == null) {
      r = store.mapNode(NodeKey.encode(depth, path));
      l[p] = r == null ? ABSENT : r;
      cached++;
      return r;
    }
    return r == ABSENT ? null : r;
  }

  /** Takes note of records the store now holds (after a successful batch write). */
  public void commit(List<NodeChange> changes) {
    for (NodeChange c : changes) {
      int d = c.key().depth();
      if (d <= cacheDepth) {
        byte[][] l = level(d);
        int p = prefix(d, c.key().path());
        if (l[p] == null) {
          cached++;
        }
        l[p] = c.record();
      }
    }
  }

  /** Forgets the cache, after a failed write whose outcome is unknown. */
  void clear() {
    java.util.Arrays.fill(top, null);
    cached = 0;
  }

  /** The number of cached records (for the memory gauge). */
  int cached() {
    return cached;
  }

  /** The map at the store's current state. */
  public SubjectMap load() {
    return of(this, store.mapState());
  }

  /** A map over {@code state} (root then count) read from {@code nodes}. */
  static SubjectMap of(MapNodeStore nodes, byte[] state) {
    byte[] s = state == null ? EMPTY_STATE : state;
    if (s.length != Hash.SIZE + 8) {
      throw new IllegalStateException("stored map state has " + s.length + " bytes, not 40");
    }
    return SubjectMap.of(nodes, Hash.of(s, 0), ByteBuffer.wrap(s, Hash.SIZE, 8).getLong());
  }

  /** The encoded map state (root then count) of {@code map}. */
  public static byte[] state(Hash root, long subjectCount) {
    ByteBuffer b = ByteBuffer.allocate(Hash.SIZE + 8);
    b.put(root.toByteArray()).putLong(subjectCount);
    return b.array();
  }

  /** A read-only node store over a snapshot, for proofs that must match the snapshot's state. */
  static MapNodeStore over(LogStore.Snapshot snapshot) {
    return (depth, path) -> snapshot.mapNode(NodeKey.encode(depth, path));
  }
}
