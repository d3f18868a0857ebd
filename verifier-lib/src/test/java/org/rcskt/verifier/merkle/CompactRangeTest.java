package org.rcskt.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class CompactRangeTest {
  private static final int N = 300;
  private static final List<Hash> LEAVES = ReferenceMerkle.leaves(N);

  private record Node(int level, long index) {}

  @Test
  void rootAfterEveryAppendAndSinkGetsExactlyTheCompleteNodes() {
    CompactRange range = CompactRange.empty();
    assertThat(range.rootHash()).isEqualTo(Merkle.emptyRoot());
    assertThat(range.treeSize()).isZero();
    Set<Node> seen = new HashSet<>();
    for (int n = 1; n <= N; n++) {
      int size = n;
      range.append(
          LEAVES.get(n - 1),
          (level, index, hash) -> {
            assertThat(seen.add(new Node(level, index)))
                .as("node %d/%d delivered twice", level, index)
                .isTrue();
            int from = (int) (index << level);
            assertThat((index + 1) << level).isLessThanOrEqualTo(size);
            assertThat(hash).isEqualTo(ReferenceMerkle.mth(LEAVES, from, from + (1 << level)));
          });
      assertThat(range.treeSize()).isEqualTo(n);
      assertThat(range.rootHash()).as("root of %d", n).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, n));
      assertThat(seen).isEqualTo(completeNodes(n));
    }
  }

  @Test
  void rebuiltFromASourceAtAnySizeContinuesIdentically() {
    MemoryNodeStore store = MemoryNodeStore.of(LEAVES);
    for (int start = 0; start <= 70; start++) {
      CheckingSource src = new CheckingSource(store, start);
      CompactRange range = CompactRange.fromSource(start, src);
      assertThat(src.requests).isEqualTo(Long.bitCount(start));
      assertThat(range.treeSize()).isEqualTo(start);
      assertThat(range.rootHash()).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, start));
      // The continuation must deliver exactly the next nodes, in order, to a store holding the
      // prefix: the store rejects gaps and conflicting hashes.
      MemoryNodeStore check = MemoryNodeStore.of(LEAVES.subList(0, start));
      int end = Math.min(N, start + 80);
      for (int n = start + 1; n <= end; n++) {
        range.append(LEAVES.get(n - 1), check);
        assertThat(range.rootHash()).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, n));
      }
      for (int level = 0; level < 12; level++) {
        assertThat(check.nodeCount(level)).isEqualTo(end >> level);
        for (long i = 0; i < (end >> level); i++) {
          assertThat(check.node(level, i)).isEqualTo(store.node(level, i));
        }
      }
    }
  }

  @Test
  void copyIsIndependent() {
    CompactRange a = CompactRange.empty();
    LEAVES.subList(0, 5).forEach(a::append);
    CompactRange b = a.copy();
    b.append(LEAVES.get(5));
    assertThat(a.treeSize()).isEqualTo(5);
    assertThat(a.rootHash()).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, 5));
    assertThat(b.rootHash()).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, 6));
    assertThat(a.peak(0)).isEqualTo(LEAVES.get(4));
    assertThat(a.peak(1)).isNull();
    assertThat(a.peak(2)).isEqualTo(ReferenceMerkle.mth(LEAVES, 0, 4));
  }

  @Test
  void largeSizesReadOnlyThePeaks() {
    long size = (1L << 40) + (1L << 20) + 5;
    List<Node> asked = new ArrayList<>();
    CompactRange range =
        CompactRange.fromSource(
            size,
            (level, index) -> {
              asked.add(new Node(level, index));
              return Merkle.leafHash(new byte[] {(byte) level});
            });
    assertThat(asked)
        .containsExactly(
            new Node(0, size - 1),
            new Node(2, (size >> 2) - 1),
            new Node(20, (size >> 20) - 1),
            new Node(40, 0));
    assertThat(range.treeSize()).isEqualTo(size);
  }

  @Test
  void preconditions() {
    assertThatThrownBy(() -> CompactRange.fromSource(-1, (l, i) -> Hash.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tree size -1 is negative");
    assertThatThrownBy(() -> CompactRange.empty().append(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("leafHash");
  }

  @Test
  void memoryStoreRejectsGapsConflictsAndMissingNodes() {
    MemoryNodeStore store = new MemoryNodeStore();
    store.accept(0, 0, LEAVES.get(0));
    store.accept(0, 0, LEAVES.get(0));
    assertThatThrownBy(() -> store.accept(0, 0, LEAVES.get(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node at level 0 index 0 is already stored with another hash");
    assertThatThrownBy(() -> store.accept(0, 2, LEAVES.get(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node at level 0 index 2 arrives before index 1");
    assertThatThrownBy(() -> store.node(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no node at level 0 index 1: 1 nodes are stored at that level");
    assertThatThrownBy(() -> store.node(63, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("level 63 is not in 0..62");
  }

  @Test
  void memoryStoreSpansChunks() {
    MemoryNodeStore store = new MemoryNodeStore();
    CompactRange range = CompactRange.empty();
    int n = 70_000;
    for (int i = 0; i < n; i++) {
      Hash h = Merkle.leafHash(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
      store.append(h);
      range.append(h);
    }
    assertThat(store.treeSize()).isEqualTo(n);
    assertThat(store.nodeCount(1)).isEqualTo(n / 2);
    assertThat(store.node(0, 65_000))
        .isEqualTo(Merkle.leafHash(new byte[] {(byte) 65_000, (byte) (65_000 >> 8), 0}));
    assertThat(store.rootHash()).isEqualTo(range.rootHash());
  }

  private static Set<Node> completeNodes(long n) {
    Set<Node> out = new HashSet<>();
    for (int level = 0; (1L << level) <= n; level++) {
      for (long i = 0; (i + 1) << level <= n; i++) {
        out.add(new Node(level, i));
      }
    }
    return out;
  }
}
