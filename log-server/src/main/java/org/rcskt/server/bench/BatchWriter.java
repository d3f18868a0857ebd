package org.rcskt.server.bench;

import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.LogSigner;
import org.rcskt.server.log.StoredMap;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.NodeChange;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;

/**
 * Appends batches to a new store the way the log's integrator lays them out: the entries, every
 * Merkle node they complete, the packed copy of every level-0 tile they complete, the subject map
 * records the batch changed with the MAP_ROOT leaf that closes it (docs/protocol.md section 16),
 * and a checkpoint over the new tree signed by the log key, all in one synced {@link
 * LogStore#append}. Only for tools that build a log without a server; single threaded.
 */
final class BatchWriter {
  private final LogStore store;
  private final LogSigner signer;
  private final CompactRange range;
  // The leaf hashes of the rightmost, incomplete level-0 tile.
  private final byte[] edge = new byte[LogReader.TILE_WIDTH * Hash.SIZE];
  private final StoredMap mapNodes;
  private SubjectMap map;
  private SubjectMap.Batch mapBatch;

  /**
   * @throws IllegalStateException if {@code store} is not empty
   */
  BatchWriter(LogStore store, LogSigner signer) {
    if (store.treeSize() != 0 || store.checkpoint() != null) {
      throw new IllegalStateException(
          "the store already holds a log of " + store.treeSize() + " entries");
    }
    this.store = store;
    this.signer = signer;
    this.range = CompactRange.empty();
    this.mapNodes = new StoredMap(store, MAP_CACHE_DEPTH);
    this.map = mapNodes.load();
  }

  /** The map records kept in memory, as the integrator keeps them. */
  private static final int MAP_CACHE_DEPTH = 16;

  AppendBatch begin() {
    mapBatch = map.batch();
    return new AppendBatch(range.treeSize());
  }

  /**
   * Records in the batch's map update that {@code subject}'s latest event is now {@code
   * lastEventHash}, with {@code nextSequence} the sequence number after it; call once per event
   * added (the latest call for a subject wins).
   */
  void mapPut(Hash subject, long nextSequence, Hash lastEventHash) {
    mapBatch.put(subject, nextSequence, lastEventHash);
  }

  /** Adds a leaf to {@code batch} and the tree; returns its leaf index. */
  long add(AppendBatch batch, byte[] encoded, Hash leafHash) {
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
   * Closes {@code batch} with the map root after it, signs the checkpoint over the tree including
   * both and writes it all, synced.
   */
  void commit(AppendBatch batch) {
    SubjectMap.Update u = mapBatch.finish();
    mapBatch = null;
    for (NodeChange c : u.changes()) {
      batch.putMapNode(c.key().encoded(), c.record());
    }
    batch.setMapState(StoredMap.state(u.root(), u.subjectCount()));
    byte[] mapRoot = new MapRootEntry(range.treeSize() + 1, u.subjectCount(), u.root()).encoded();
    add(batch, mapRoot, Merkle.leafHash(mapRoot));
    batch.setCheckpoint(signer.sign(range.treeSize(), range.rootHash()));
    store.append(batch);
    mapNodes.commit(u.changes());
    map = SubjectMap.of(mapNodes, u.root(), u.subjectCount());
  }

  long treeSize() {
    return range.treeSize();
  }

  Hash rootHash() {
    return range.rootHash();
  }
}
