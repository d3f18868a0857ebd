package org.rcskt.verifier.merkle;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * Generates root hashes, inclusion proofs and consistency proofs (RFC 9162 sections 2.1.1, 2.1.3.1
 * and 2.1.4.1) from the complete subtrees a {@link NodeSource} holds.
 *
 * <p>Every method asks the source only for complete subtrees inside the tree size it is given, and
 * for O(log treeSize) of them: the incomplete nodes on the right edge are computed from the
 * complete subtrees they consist of.
 */
public final class Proofs {
  private Proofs() {}

  /**
   * The root hash MTH of the first {@code treeSize} leaves; {@link Merkle#emptyRoot()} for size 0.
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  public static Hash rootHash(long treeSize, NodeSource src) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    if (treeSize == 0) {
      return Merkle.emptyRoot();
    }
    return rangeHash(0, treeSize, src);
  }

  /**
   * The inclusion proof PATH(leafIndex, D[treeSize]): the sibling hashes from the leaf up to the
   * root.
   *
   * @throws IllegalArgumentException if {@code leafIndex} is negative or not below {@code treeSize}
   */
  public static List<Hash> inclusion(long leafIndex, long treeSize, NodeSource src) {
    if (leafIndex < 0) {
      throw new IllegalArgumentException("leaf index " + leafIndex + " is negative");
    }
    if (leafIndex >= treeSize) {
      throw new IllegalArgumentException(
          "leaf index " + leafIndex + " is not below tree size " + treeSize);
    }
    List<Hash> out = new ArrayList<>(TreeMath.inclusionLength(leafIndex, treeSize));
    appendPath(leafIndex, 0, treeSize, src, out);
    return out;
  }

  /**
   * The consistency proof PROOF(size1, D[size2]); empty when the sizes are equal.
   *
   * @throws IllegalArgumentException if {@code size1} is not positive (a proof from the empty tree
   *     proves nothing) or is larger than {@code size2}
   */
  public static List<Hash> consistency(long size1, long size2, NodeSource src) {
    if (size1 <= 0) {
      throw new IllegalArgumentException("first tree size must be at least 1, got " + size1);
    }
    if (size1 > size2) {
      throw new IllegalArgumentException(
          "first tree size " + size1 + " is larger than second tree size " + size2);
    }
    if (size1 == size2) {
      return List.of();
    }
    // The last complete subtree of the first tree is a node of the second tree; its audit path in
    // the second tree, preceded by the node itself unless it is the whole first tree, is the proof.
    int level = Long.numberOfTrailingZeros(size1);
    long index = (size1 - 1) >>> level;
    List<Hash> out = new ArrayList<>(TreeMath.consistencyLength(size1, size2));
    if (index != 0) {
      out.add(src.node(level, index));
    }
    appendPath(index, level, size2, src, out);
    return out;
  }

  /**
   * Appends the audit path of node {@code (level, index)} in the tree of {@code treeSize} leaves,
   * bottom up. Below level {@code inner} the path has siblings on both sides; the topmost of those
   * lies to the right and may be the incomplete right edge. Above it the node lies on the right
   * edge and only its left siblings, always complete, are part of the path.
   */
  private static void appendPath(
      long index, int level, long treeSize, NodeSource src, List<Hash> out) {
    long last = (treeSize - 1) >>> level;
    int inner = TreeMath.innerLevels(index, last);
    for (int l = 0; l < inner; l++) {
      long sibling = (index >>> l) ^ 1;
      int abs = level + l;
      if ((sibling & 1) == 0) {
        out.add(src.node(abs, sibling));
      } else {
        long start = sibling << abs;
        long width = Math.min(treeSize - start, 1L << abs);
        out.add(width == 1L << abs ? src.node(abs, sibling) : rangeHash(start, width, src));
      }
    }
    for (int l = inner; (index >>> l) != 0; l++) {
      if (((index >>> l) & 1) != 0) {
        out.add(src.node(level + l, (index >>> l) ^ 1));
      }
    }
  }

  /**
   * The hash of the subtree over leaves {@code [start, start + width)}, where {@code start} is a
   * multiple of a power of two no smaller than {@code width}: the complete subtrees given by the
   * bits of {@code width}, largest first, folded from the right.
   */
  private static Hash rangeHash(long start, long width, NodeSource src) {
    int count = Long.bitCount(width);
    Hash[] peaks = new Hash[count];
    long pos = start;
    int i = 0;
    for (int level = 63 - Long.numberOfLeadingZeros(width); level >= 0; level--) {
      if ((width & (1L << level)) != 0) {
        peaks[i++] = src.node(level, pos >>> level);
        pos += 1L << level;
      }
    }
    Hash acc = peaks[count - 1];
    for (int j = count - 2; j >= 0; j--) {
      acc = Merkle.nodeHash(peaks[j], acc);
    }
    return acc;
  }
}
