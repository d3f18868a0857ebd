package org.rcskt.verifier.merkle;

import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * The right edge of a growing Merkle tree: one complete subtree ("peak") per set bit of the tree
 * size, which is all that is needed to append leaves and compute the root hash.
 *
 * <p>Appending costs one leaf plus, on average, one node hash; every newly completed subtree is
 * handed to a {@link NodeSink} so a store can persist all complete nodes. Not thread-safe.
 */
public final class CompactRange {
  // peaks[level] is the complete subtree of 2^level leaves ending the tree, present exactly when
  // bit `level` of treeSize is set.
  private final Hash[] peaks = new Hash[64];
  private long treeSize;

  private CompactRange() {}

  /** An empty tree. */
  public static CompactRange empty() {
    return new CompactRange();
  }

  /**
   * The right edge of the tree of {@code treeSize} leaves stored in {@code src}, read with one
   * request per set bit of {@code treeSize}.
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  public static CompactRange fromSource(long treeSize, NodeSource src) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    Objects.requireNonNull(src, "src");
    CompactRange range = new CompactRange();
    for (int level = 0; level < 63; level++) {
      if (((treeSize >>> level) & 1) != 0) {
        range.peaks[level] = src.node(level, (treeSize >>> level) - 1);
      }
    }
    range.treeSize = treeSize;
    return range;
  }

  /** An independent copy, for example to compute a tentative root without touching this one. */
  public CompactRange copy() {
    CompactRange c = new CompactRange();
    System.arraycopy(peaks, 0, c.peaks, 0, peaks.length);
    c.treeSize = treeSize;
    return c;
  }

  /** The number of leaves appended so far. */
  public long treeSize() {
    return treeSize;
  }

  /** Appends a leaf hash without reporting the nodes it completes. */
  public void append(Hash leafHash) {
    append(leafHash, NodeSink.NONE);
  }

  /**
   * Appends {@code leafHash} as leaf number {@link #treeSize()}. {@code sink} receives the leaf
   * itself at level 0 and then, bottom up, every subtree the leaf completes.
   *
   * @throws IllegalStateException if the tree already has the largest size a {@code long} counts
   */
  public void append(Hash leafHash, NodeSink sink) {
    Objects.requireNonNull(leafHash, "leafHash");
    if (treeSize == Long.MAX_VALUE) {
      throw new IllegalStateException("tree size " + treeSize + " cannot grow");
    }
    long index = treeSize;
    sink.accept(0, index, leafHash);
    Hash h = leafHash;
    int level = 0;
    while (((treeSize >>> level) & 1) != 0) {
      h = Merkle.nodeHash(peaks[level], h);
      peaks[level] = null;
      level++;
      index >>>= 1;
      sink.accept(level, index, h);
    }
    peaks[level] = h;
    treeSize++;
  }

  /**
   * The root hash of the tree: the peaks folded from the smallest up; {@link Merkle#emptyRoot()}
   * for the empty tree.
   */
  public Hash rootHash() {
    if (treeSize == 0) {
      return Merkle.emptyRoot();
    }
    int level = Long.numberOfTrailingZeros(treeSize);
    Hash acc = peaks[level];
    for (level++; level < 63; level++) {
      if (peaks[level] != null) {
        acc = Merkle.nodeHash(peaks[level], acc);
      }
    }
    return acc;
  }

  /**
   * The peak at {@code level}: the complete subtree of {@code 2^level} leaves at index {@code
   * (treeSize >> level) - 1}, or null when bit {@code level} of the tree size is clear.
   */
  public Hash peak(int level) {
    Objects.checkIndex(level, 63);
    return peaks[level];
  }
}
