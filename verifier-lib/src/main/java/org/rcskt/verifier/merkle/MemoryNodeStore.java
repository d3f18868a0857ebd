package org.rcskt.verifier.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * Every complete node of a tree held in memory, packed as 32-byte hashes per level: about 64 bytes
 * per leaf in total. For tests, clients and monitors that rebuild a tree from its entries.
 *
 * <p>Nodes arrive through {@link #accept} in index order at each level, as {@link CompactRange}
 * delivers them; {@link #append(Hash)} does both at once. Not thread-safe for concurrent writes.
 */
public final class MemoryNodeStore implements NodeSource, NodeSink {
  private static final int CHUNK_SHIFT = 15;
  private static final int CHUNK_HASHES = 1 << CHUNK_SHIFT;
  private static final int CHUNK_MASK = CHUNK_HASHES - 1;
  private static final int FIRST_CHUNK_HASHES = 16;

  /** levels.get(l) holds the chunks of level l; counts[l] how many nodes of it are stored. */
  private final List<List<byte[]>> levels = new ArrayList<>();

  private final long[] counts = new long[64];
  private final CompactRange range = CompactRange.empty();

  /** An empty store. */
  public MemoryNodeStore() {}

  /** A store holding the tree over {@code leafHashes}, in order. */
  public static MemoryNodeStore of(Iterable<Hash> leafHashes) {
    MemoryNodeStore store = new MemoryNodeStore();
    for (Hash h : leafHashes) {
      store.append(h);
    }
    return store;
  }

  /**
   * Appends a leaf through this store's own {@link CompactRange}, storing every node it completes.
   * Do not mix with direct {@link #accept} calls.
   */
  public void append(Hash leafHash) {
    range.append(leafHash, this);
  }

  /** The number of leaves stored. */
  public long treeSize() {
    return counts[0];
  }

  /** The root hash of all stored leaves, when they were added through {@link #append(Hash)}. */
  public Hash rootHash() {
    return Proofs.rootHash(counts[0], this);
  }

  /** The number of complete nodes stored at {@code level}. */
  public long nodeCount(int level) {
    return counts[level];
  }

  /**
   * Stores a complete node.
   *
   * @throws IllegalArgumentException if {@code index} is not the next index at {@code level}, or
   *     equals an already stored index with a different hash
   */
  @Override
  public void accept(int level, long index, Hash hash) {
    checkLevel(level);
    long count = counts[level];
    if (index < count) {
      if (!node(level, index).equals(hash)) {
        throw new IllegalArgumentException(
            "node at level " + level + " index " + index + " is already stored with another hash");
      }
      return;
    }
    if (index != count) {
      throw new IllegalArgumentException(
          "node at level " + level + " index " + index + " arrives before index " + count);
    }
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    List<byte[]> chunks = levels.get(level);
    int chunk = (int) (index >>> CHUNK_SHIFT);
    int offset = ((int) index & CHUNK_MASK) * Hash.SIZE;
    if (chunk == chunks.size()) {
      // The first chunk of a level starts small and doubles, so small trees stay small.
      chunks.add(new byte[chunk == 0 ? FIRST_CHUNK_HASHES * Hash.SIZE : CHUNK_HASHES * Hash.SIZE]);
    }
    byte[] buf = chunks.get(chunk);
    if (offset == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
      chunks.set(chunk, buf);
    }
    hash.copyTo(buf, offset);
    counts[level] = count + 1;
  }

  /**
   * The stored node.
   *
   * @throws IllegalArgumentException if the node is not stored
   */
  @Override
  public Hash node(int level, long index) {
    checkLevel(level);
    if (index < 0 || index >= counts[level]) {
      throw new IllegalArgumentException(
          "no node at level "
              + level
              + " index "
              + index
              + ": "
              + counts[level]
              + " nodes are stored at that level");
    }
    byte[] chunk = levels.get(level).get((int) (index >>> CHUNK_SHIFT));
    return Hash.of(chunk, ((int) index & CHUNK_MASK) * Hash.SIZE);
  }

  private static void checkLevel(int level) {
    if (level < 0 || level > 62) {
      throw new IllegalArgumentException("level " + level + " is not in 0..62");
    }
  }
}
