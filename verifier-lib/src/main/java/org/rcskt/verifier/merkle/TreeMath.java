package org.rcskt.verifier.merkle;

/** Index arithmetic shared by proof generation and verification. */
final class TreeMath {
  private TreeMath() {}

  /**
   * The number of levels, counted from the bottom, in which the path of node {@code index} has a
   * sibling on both sides of the split between it and the last node {@code last} at the same level:
   * the bit length of {@code index ^ last}.
   */
  static int innerLevels(long index, long last) {
    return 64 - Long.numberOfLeadingZeros(index ^ last);
  }

  /**
   * The number of hashes in the audit path of node {@code index} among nodes {@code 0..last} of a
   * level: the inner siblings plus one left sibling for every set bit of the index above them.
   */
  static int pathLength(long index, long last) {
    int inner = innerLevels(index, last);
    return inner + Long.bitCount(index >>> inner);
  }

  /** The number of hashes in an inclusion proof for {@code leafIndex < treeSize}. */
  static int inclusionLength(long leafIndex, long treeSize) {
    return pathLength(leafIndex, treeSize - 1);
  }

  /** The number of hashes in a consistency proof for {@code 0 < size1 <= size2}. */
  static int consistencyLength(long size1, long size2) {
    if (size1 == size2) {
      return 0;
    }
    int level = Long.numberOfTrailingZeros(size1);
    long index = (size1 - 1) >>> level;
    return (index != 0 ? 1 : 0) + pathLength(index, (size2 - 1) >>> level);
  }
}
