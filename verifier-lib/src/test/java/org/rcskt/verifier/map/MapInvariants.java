package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;

import org.rcskt.verifier.Hash;

/**
 * Checks a {@link MemoryMapNodeStore} against a root: every internal record holds its children's
 * hashes, the tree is canonical (no internal node with two EMPTY children, no leaf beside EMPTY),
 * every leaf lies on its own path, the leaves number {@code subjectCount} and the store holds no
 * record outside the tree.
 */
final class MapInvariants {
  private MapInvariants() {}

  static void check(MemoryMapNodeStore store, Hash root, long subjectCount) {
    long[] counts = new long[2];
    Hash computed = walk(store, 0, new byte[32], counts);
    assertThat(computed).as("root").isEqualTo(root);
    assertThat(counts[0]).as("leaves").isEqualTo(subjectCount);
    assertThat(counts[0] + counts[1])
        .as("records reachable = records stored")
        .isEqualTo(store.size());
  }

  private static Hash walk(MemoryMapNodeStore store, int d, byte[] path, long[] counts) {
    byte[] rec = store.get(d, path);
    if (rec == null) {
      return MapHashes.EMPTY;
    }
    if (rec[0] == 0) {
      assertThat(rec).hasSize(73);
      counts[0]++;
      Hash index = Hash.of(rec, 1);
      int off = MapHashes.firstDifferingBit(rec, 1, path, 0);
      if (off < d) {
        throw new AssertionError(
            "leaf " + index + " at depth " + d + " is off its path at bit " + off);
      }
      return MapHashes.leafHash(index, NodeRecords.getLong(rec, 33), Hash.of(rec, 41));
    }
    assertThat(rec).hasSize(65);
    assertThat(rec[0]).isEqualTo((byte) 1);
    counts[1]++;
    byte[] lp = path.clone();
    byte[] rp = path.clone();
    lp[d / 8] &= (byte) ~(0x80 >>> (d % 8));
    rp[d / 8] |= (byte) (0x80 >>> (d % 8));
    Hash l = walk(store, d + 1, lp, counts);
    Hash r = walk(store, d + 1, rp, counts);
    if (!Hash.of(rec, 1).equals(l) || !Hash.of(rec, 33).equals(r)) {
      throw new AssertionError("child hashes at depth " + d + " are stale");
    }
    assertThat(l.equals(MapHashes.EMPTY) && r.equals(MapHashes.EMPTY))
        .as("two EMPTY children")
        .isFalse();
    if (l.equals(MapHashes.EMPTY)) {
      assertThat(store.get(d + 1, rp)[0])
          .as("leaf beside EMPTY at depth %d", d + 1)
          .isEqualTo((byte) 1);
    }
    if (r.equals(MapHashes.EMPTY)) {
      assertThat(store.get(d + 1, lp)[0])
          .as("leaf beside EMPTY at depth %d", d + 1)
          .isEqualTo((byte) 1);
    }
    return MapHashes.nodeHash(l, r);
  }
}
