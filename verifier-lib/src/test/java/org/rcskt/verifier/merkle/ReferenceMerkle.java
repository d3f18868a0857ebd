package org.rcskt.verifier.merkle;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * The RFC 9162 section 2.1 definitions transcribed as naive recursion over a list of leaf hashes,
 * independent of the production code (it hashes with {@link Hash#sha256}), to check it against.
 */
final class ReferenceMerkle {
  private ReferenceMerkle() {}

  static Hash node(Hash left, Hash right) {
    return Hash.sha256(new byte[] {1}, left.toByteArray(), right.toByteArray());
  }

  static Hash leaf(byte[] entry) {
    return Hash.sha256(new byte[] {0}, entry);
  }

  /** The largest power of two smaller than n, for n > 1. */
  static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }

  /** MTH(D[from:to]). */
  static Hash mth(List<Hash> leaves, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return Hash.sha256();
    }
    if (n == 1) {
      return leaves.get(from);
    }
    int k = split(n);
    return node(mth(leaves, from, from + k), mth(leaves, from + k, to));
  }

  /** PATH(m, D[from:to]). */
  static List<Hash> path(int m, List<Hash> leaves, int from, int to) {
    int n = to - from;
    List<Hash> out = new ArrayList<>();
    if (n == 1) {
      return out;
    }
    int k = split(n);
    if (m < k) {
      out.addAll(path(m, leaves, from, from + k));
      out.add(mth(leaves, from + k, to));
    } else {
      out.addAll(path(m - k, leaves, from + k, to));
      out.add(mth(leaves, from, from + k));
    }
    return out;
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  static List<Hash> proof(int m, List<Hash> leaves, int n) {
    return subproof(m, leaves, 0, n, true);
  }

  private static List<Hash> subproof(int m, List<Hash> leaves, int from, int to, boolean b) {
    int n = to - from;
    List<Hash> out = new ArrayList<>();
    if (m == n) {
      if (!b) {
        out.add(mth(leaves, from, to));
      }
      return out;
    }
    int k = split(n);
    if (m <= k) {
      out.addAll(subproof(m, leaves, from, from + k, b));
      out.add(mth(leaves, from + k, to));
    } else {
      out.addAll(subproof(m - k, leaves, from + k, to, false));
      out.add(mth(leaves, from, from + k));
    }
    return out;
  }

  /**
   * Whether {@code proof} is PATH(m, D[n]) for some leaves with leaf hash {@code leaf} at m and
   * root {@code root}: the recursion of PATH run backwards.
   */
  static boolean inclusionHolds(long m, long n, Hash leaf, List<Hash> proof, Hash root) {
    if (m < 0 || m >= n) {
      return false;
    }
    Hash computed = rootFromPath(m, n, leaf, proof, proof.size());
    return computed != null && computed.equals(root);
  }

  private static Hash rootFromPath(long m, long n, Hash leaf, List<Hash> proof, int len) {
    if (n == 1) {
      return len == 0 ? leaf : null;
    }
    if (len == 0) {
      return null;
    }
    long k = Long.highestOneBit(n - 1);
    Hash last = proof.get(len - 1);
    if (m < k) {
      Hash sub = rootFromPath(m, k, leaf, proof, len - 1);
      return sub == null ? null : node(sub, last);
    }
    Hash sub = rootFromPath(m - k, n - k, leaf, proof, len - 1);
    return sub == null ? null : node(last, sub);
  }

  /**
   * Whether {@code proof} is PROOF(m, D[n]) between roots {@code root1} and {@code root2}: the
   * recursion of SUBPROOF run backwards. A proof from size 0 is not accepted.
   */
  static boolean consistencyHolds(long m, long n, Hash root1, Hash root2, List<Hash> proof) {
    if (m <= 0 || m > n) {
      return false;
    }
    if (m == n) {
      return proof.isEmpty() && root1.equals(root2);
    }
    Hash[] roots = rootsFromSubproof(m, n, true, root1, proof, proof.size());
    return roots != null && roots[0].equals(root1) && roots[1].equals(root2);
  }

  private static Hash[] rootsFromSubproof(
      long m, long n, boolean b, Hash root1, List<Hash> proof, int len) {
    if (m == n) {
      if (b) {
        return len == 0 ? new Hash[] {root1, root1} : null;
      }
      return len == 1 ? new Hash[] {proof.get(0), proof.get(0)} : null;
    }
    if (len == 0) {
      return null;
    }
    long k = Long.highestOneBit(n - 1);
    Hash last = proof.get(len - 1);
    if (m <= k) {
      Hash[] sub = rootsFromSubproof(m, k, b, root1, proof, len - 1);
      return sub == null ? null : new Hash[] {sub[0], node(sub[1], last)};
    }
    Hash[] sub = rootsFromSubproof(m - k, n - k, false, root1, proof, len - 1);
    return sub == null ? null : new Hash[] {node(last, sub[0]), node(last, sub[1])};
  }

  /** Deterministic distinct leaf hashes. */
  static List<Hash> leaves(int n) {
    List<Hash> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(leaf(("leaf " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }
}
