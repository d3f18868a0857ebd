package org.rcskt.server.log;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * here; {@link #apply} is therefore not used.
 *
 * <p>Public for the bench tools that build a log without a server the way the integrator does
 * ({@code bench.BatchWriter}). Only one thread (the integrator's) uses an instance. Lookups read a
 * store snapshot instead ({@link #over(LogStore.Snapshot)}), which the cache (newer than any
 * snapshot) must not serve.
 */
public final class StoredMap implements MapNodeStore {
  /** The map state of a store without one: the empty map. */
  static final byte[] EMPTY_STATE = new byte[Hash.SIZE + 8];

  private static final byte[] ABSENT = new byte[0];

  private final LogStore store;
  private final int cacheDepth;
  private final Map<ByteBuffer, byte[]> cache = new HashMap<>();

  /**
   * @param cacheDepth records at depths 0 to {@code cacheDepth} are kept in memory once read (about
   *     2^(cacheDepth+1) of them in a large map)
   */
  public StoredMap(LogStore store, int cacheDepth) {
    this.store = store;
    this.cacheDepth = cacheDepth;
  }

  @Override
  public byte[] get(int depth, byte[] path) {
    byte[] key = NodeKey.encode(depth, path);
    if (depth > cacheDepth) {
      return store.mapNode(key);
    }
    ByteBuffer k = ByteBuffer.wrap(key);
    byte[] r = cache.get(k);
    if (r == null) {
      r = store.mapNode(key);
      cache.put(k, r == null ? ABSENT : r);
      return r;
    }
    return r == ABSENT ? null : r;
  }

  @Override
  public void apply(List<NodeChange> changes) {
    throw new UnsupportedOperationException(
        "the integrator writes map records in its batch write, then commits them");
  }

  /** Takes note of records the store now holds (after a successful batch write). */
  public void commit(List<NodeChange> changes) {
    for (NodeChange c : changes) {
      if (c.key().depth() <= cacheDepth) {
        cache.put(ByteBuffer.wrap(c.key().encoded()), c.record());
      }
    }
  }

  /** Forgets the cache, after a failed write whose outcome is unknown. */
  void clear() {
    cache.clear();
  }

  /** The number of cached records (for the memory gauge). */
  int cached() {
    return cache.size();
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
    return new MapNodeStore() {
      @Override
      public byte[] get(int depth, byte[] path) {
        return snapshot.mapNode(NodeKey.encode(depth, path));
      }

      @Override
      public void apply(List<NodeChange> changes) {
        throw new UnsupportedOperationException("a snapshot is read-only");
      }
    };
  }
}
