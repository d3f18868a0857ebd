package org.rcskt.server.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.LogSigner;
import org.rcskt.server.log.StoredMap;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.NodeSource;

/**
 * Appends batches to a new store the way the log's integrator lays them out: the events, the
 * subject map records they change and the batch's MAP_ROOT leaf (docs/protocol.md section 16),
 * every Merkle node they complete, the packed copy of every level-0 tile they complete, and a
 * checkpoint over the new tree signed by the log key, all in one synced {@link LogStore#append}.
 * Only for tools that build a log without a server; single threaded.
 *
 * <p>Without the map ({@code subjectMap} false) the batches carry no map records and no MAP_ROOT
 * leaf: only for measuring what the map costs; such a store is not a valid log, and a server
 * refuses to open it.
 */
final class BatchWriter {
  private final LogStore store;
  private final LogSigner signer;
  private final CompactRange range;
  // The leaf hashes of the rightmost, incomplete level-0 tile.
  private final byte[] edge = new byte[LogReader.TILE_WIDTH * Hash.SIZE];
  private final StoredMap map;
  // The batch's map puts, the last per subject.
  private final Map<Hash, SubjectLeaf> mapPuts = new HashMap<>();
  private long mapNanos;
  private long appendNanos;
  private long mapReadNanos;
  private long mapCpuNanos;
  private long appendCpuNanos;
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * @throws IllegalStateException if {@code store} is not empty
   */
  BatchWriter(LogStore store, LogSigner signer) {
    this(store, signer, true);
  }

  /**
   * @param subjectMap whether batches update the subject map and end with a MAP_ROOT leaf
   * @throws IllegalStateException if {@code store} is not empty
   */
  BatchWriter(LogStore store, LogSigner signer, boolean subjectMap) {
    this(store, signer, subjectMap, false);
  }

  /**
   * A writer that appends after what {@code store} already holds (a log that {@code populate}
   * built, say); {@link #BatchWriter(LogStore, LogSigner, boolean)} refuses a store that is not
   * empty. The store's tree must be complete: its compact range and the leaves of its rightmost
   * incomplete tile are read from the stored nodes.
   */
  static BatchWriter resume(LogStore store, LogSigner signer, boolean subjectMap) {
    return new BatchWriter(store, signer, subjectMap, true);
  }

  private BatchWriter(LogStore store, LogSigner signer, boolean subjectMap, boolean resume) {
    long size = store.treeSize();
    if (!resume && (size != 0 || store.checkpoint() != null)) {
      throw new IllegalStateException("the store already holds a log of " + size + " entries");
    }
    this.store = store;
    this.signer = signer;
    NodeSource stored =
        (level, index) -> {
          Hash h = store.node(level, index);
          if (h == null) {
            throw new IllegalStateException("the store lacks node (" + level + ", " + index + ")");
          }
          return h;
        };
    this.range = size == 0 ? CompactRange.empty() : CompactRange.fromSource(size, stored);
    int n = (int) (size % LogReader.TILE_WIDTH);
    if (n > 0 && store.nodes(0, size - n, n, edge) != n) {
      throw new IllegalStateException("the store lacks leaves of its rightmost tile");
    }
    this.map = subjectMap ? StoredMap.open(store) : null;
  }

  AppendBatch begin() {
    return new AppendBatch(range.treeSize());
  }

  /**
   * Adds an event to {@code batch} and the tree, and its subject's new latest state to the map;
   * returns its leaf index.
   */
  long addEvent(AppendBatch batch, byte[] encoded, Hash leafHash, Hash subject, long sequence) {
    if (map != null) {
      long m0 = System.nanoTime();
      mapPuts.put(subject, new SubjectLeaf(subject, sequence + 1, leafHash));
      mapNanos += System.nanoTime() - m0;
    }
    return add(batch, encoded, leafHash);
  }

  /** Adds a leaf to {@code batch} and the tree; returns its leaf index. */
  private long add(AppendBatch batch, byte[] encoded, Hash leafHash) {
    long index = batch.addEntry(encoded, leafHash);
    range.append(leafHash, batch::addNode);
    int slot = (int) (index % LogReader.TILE_WIDTH);
    leafHash.copyTo(edge, slot * Hash.SIZE);
    if (slot == LogReader.TILE_WIDTH - 1) {
      batch.addFullTile(index / LogReader.TILE_WIDTH, edge.clone());
    }
    return index;
  }

  /**
   * Ends {@code batch} with its MAP_ROOT leaf (with the map), signs the checkpoint over the tree
   * including it and writes it all, synced.
   */
  void commit(AppendBatch batch) {
    StoredMap.Update u = null;
    if (!mapPuts.isEmpty()) {
      long m0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      u = map.update(new ArrayList<>(mapPuts.values()));
      mapCpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
      mapReadNanos += u.readNanos();
      mapPuts.clear();
      u.writeTo(batch);
      byte[] entry = new MapRootEntry(batch.endIndex() + 1, u.subjectCount(), u.root()).encoded();
      mapNanos += System.nanoTime() - m0;
      add(batch, entry, Merkle.leafHash(entry));
    }
    batch.setCheckpoint(signer.sign(range.treeSize(), range.rootHash()));
    long a0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    store.append(batch);
    appendCpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
    appendNanos += System.nanoTime() - a0;
    if (u != null) {
      map.commit(u);
    }
  }

  /** Nanoseconds spent updating the map so far (hashing and the reads it needed). */
  long mapNanos() {
    return mapNanos;
  }

  /** Nanoseconds spent in the store's synced batch writes alone. */
  long appendNanos() {
    return appendNanos;
  }

  /**
   * Turns the map's leaf cache on ({@link StoredMap#enableLeafCache}); returns the subjects loaded.
   *
   * @throws IllegalStateException if this writer keeps no map
   */
  long enableLeafCache() {
    if (map == null) {
      throw new IllegalStateException("this writer keeps no subject map");
    }
    return map.enableLeafCache();
  }

  /** Bytes the map holds in memory (levels and leaf cache). */
  long mapBytes() {
    return map == null ? 0 : map.bytes();
  }

  /** CPU time of the writer's thread in the map's updates (reads and hashing). */
  long mapCpuNanos() {
    return mapCpuNanos;
  }

  /** CPU time of the writer's thread in the store's batch writes (WAL, memtables; not fsync). */
  long appendCpuNanos() {
    return appendCpuNanos;
  }

  /** Of {@link #mapNanos}, the part spent reading leaf records. */
  long mapReadNanos() {
    return mapReadNanos;
  }

  long treeSize() {
    return range.treeSize();
  }

  Hash rootHash() {
    return range.rootHash();
  }
}
