package org.rcskt.server.bench;

import org.rcskt.server.log.LogReader;
import org.rcskt.server.log.LogSigner;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * Appends batches to a new store the way the log's integrator lays them out: the entries, every
 * Merkle node they complete, the packed copy of every level-0 tile they complete, and a checkpoint
 * over the new tree signed by the log key, all in one synced {@link LogStore#append}. Only for
 * tools that build a log without a server; single threaded.
 */
final class BatchWriter {
  private final LogStore store;
  private final LogSigner signer;
  private final CompactRange range;
  // The leaf hashes of the rightmost, incomplete level-0 tile.
  private final byte[] edge = new byte[LogReader.TILE_WIDTH * Hash.SIZE];

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
  }

  AppendBatch begin() {
    return new AppendBatch(range.treeSize());
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

  /** Signs the checkpoint over the tree including {@code batch} and writes it all, synced. */
  void commit(AppendBatch batch) {
    batch.setCheckpoint(signer.sign(range.treeSize(), range.rootHash()));
    store.append(batch);
  }

  long treeSize() {
    return range.treeSize();
  }

  Hash rootHash() {
    return range.rootHash();
  }
}
