package org.rcskt.monitor.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.Merkle;

/**
 * Merkle paths over a sequence of subtree roots rather than leaves. A tree of {@code n} leaves cut
 * into blocks of 256 (entry bundles) is, above level 8, the RFC 9162 tree over the blocks' subtree
 * roots (the split points of RFC 9162 section 2.1.1 fall on block boundaries), so the audit path of
 * a block is RFC 9162 section 2.1.3.1's PATH over those roots, and it verifies like an inclusion
 * proof whose "leaf hash" is the block's root.
 */
public final class BlockPaths {
  private BlockPaths() {}

  /**
   * The path from element {@code index} to the root of the tree over {@code count} elements, lowest
   * sibling first.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < count}
   */
  public static List<Hash> path(long index, long count, LongFunction<Hash> element) {
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("index " + index + " is not below count " + count);
    }
    List<Hash> out = new ArrayList<>();
    path(index, 0, count, element, out);
    return out;
  }

  private static void path(long m, long start, long n, LongFunction<Hash> element, List<Hash> out) {
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(m, start, k, element, out);
      out.add(root(start + k, n - k, element));
    } else {
      path(m - k, start + k, n - k, element, out);
      out.add(root(start, k, element));
    }
  }

  /** The root of the tree over elements {@code start .. start+n-1}. */
  public static Hash root(long start, long n, LongFunction<Hash> element) {
    if (n == 1) {
      return element.apply(start);
    }
    long k = Long.highestOneBit(n - 1);
    return Merkle.nodeHash(root(start, k, element), root(start + k, n - k, element));
  }
}
