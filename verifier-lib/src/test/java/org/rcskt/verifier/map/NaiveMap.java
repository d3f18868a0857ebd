package org.rcskt.verifier.map;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.rcskt.verifier.Hash;

/**
 * The map straight from its definition (protocol 16.1 and 16.2): all entries in a sorted map, the
 * root and proofs by recursion over the set. Slow and obviously right; the reference the real
 * implementation is compared against. The hashes are computed here from the labels and byte
 * layouts, not through {@link MapHashes}.
 */
final class NaiveMap {
  static final byte[] LEAF_LABEL =
      "rcskt/v2/map/leaf\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final byte[] NODE_LABEL =
      "rcskt/v2/map/node\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final Hash EMPTY = Hash.of(new byte[32]);

  final TreeMap<Hash, SubjectLeaf> entries = new TreeMap<>();

  void put(SubjectLeaf leaf) {
    entries.put(leaf.index(), leaf);
  }

  static int bit(Hash x, int i) {
    return (x.toByteArray()[i / 8] >> (7 - i % 8)) & 1;
  }

  static byte[] u64(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }

  static Hash leafHash(SubjectLeaf l) {
    return Hash.sha256(
        LEAF_LABEL,
        l.index().toByteArray(),
        u64(l.nextSequence()),
        l.lastEventHash().toByteArray());
  }

  static Hash nodeHash(Hash l, Hash r) {
    return Hash.sha256(NODE_LABEL, l.toByteArray(), r.toByteArray());
  }

  /**
   * Hash(S, d) of 16.1 for S = sorted[lo, hi), whose indexes share their first d bits. Sorted by
   * index, S0 (bit d = 0) comes before S1, so the split is a point in the range.
   */
  static Hash hash(List<byte[]> xs, List<SubjectLeaf> sorted, int lo, int hi, int d) {
    if (hi == lo) {
      return EMPTY;
    }
    if (hi - lo == 1) {
      return leafHash(sorted.get(lo));
    }
    int m = lo;
    while (m < hi && bit(xs.get(m), d) == 0) {
      m++;
    }
    return nodeHash(hash(xs, sorted, lo, m, d + 1), hash(xs, sorted, m, hi, d + 1));
  }

  static int bit(byte[] x, int i) {
    return (x[i / 8] >> (7 - i % 8)) & 1;
  }

  private List<byte[]> indexes(List<SubjectLeaf> sorted) {
    List<byte[]> xs = new ArrayList<>(sorted.size());
    for (SubjectLeaf l : sorted) {
      xs.add(l.index().toByteArray());
    }
    return xs;
  }

  Hash root() {
    List<SubjectLeaf> sorted = new ArrayList<>(entries.values());
    return hash(indexes(sorted), sorted, 0, sorted.size(), 0);
  }

  /** The proof's encoding, built byte by byte from 16.2. */
  byte[] proof(Hash x) {
    List<SubjectLeaf> sorted = new ArrayList<>(entries.values());
    List<byte[]> xs = indexes(sorted);
    byte[] xb = x.toByteArray();
    List<Hash> siblings = new ArrayList<>();
    int lo = 0;
    int hi = sorted.size();
    int d = 0;
    while (hi - lo > 1) {
      int m = lo;
      while (m < hi && bit(xs.get(m), d) == 0) {
        m++;
      }
      if (bit(xb, d) == 0) {
        siblings.add(hash(xs, sorted, m, hi, d + 1));
        hi = m;
      } else {
        siblings.add(hash(xs, sorted, lo, m, d + 1));
        lo = m;
      }
      d++;
    }
    List<SubjectLeaf> s = sorted.subList(lo, hi);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (s.isEmpty()) {
      out.write(0);
    } else {
      SubjectLeaf l = s.get(0);
      out.write(1);
      out.writeBytes(l.index().toByteArray());
      out.writeBytes(u64(l.nextSequence()));
      out.writeBytes(l.lastEventHash().toByteArray());
    }
    out.write(siblings.size() >> 8);
    out.write(siblings.size());
    for (Hash h : siblings) {
      out.writeBytes(h.toByteArray());
    }
    return out.toByteArray();
  }
}
