package org.rcskt.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

/** Generation and verification checked against the naive RFC 9162 recursion. */
class ProofsAgainstReferenceTest {
  private static final int BIG = 6000;
  private static List<Hash> leaves;
  private static MemoryNodeStore store;

  @BeforeAll
  static void build() {
    leaves = ReferenceMerkle.leaves(BIG);
    store = MemoryNodeStore.of(leaves);
  }

  /** log2 ceiling: the longest audit path in a tree of n leaves. */
  private static int depth(long n) {
    return 64 - Long.numberOfLeadingZeros(n - 1);
  }

  @Test
  void rootHashMatchesMthForEverySmallSizeAndAskForFewNodes() {
    for (int n = 0; n <= 300; n++) {
      CheckingSource src = new CheckingSource(store, n);
      assertThat(Proofs.rootHash(n, src))
          .as("size %d", n)
          .isEqualTo(ReferenceMerkle.mth(leaves, 0, n));
      assertThat(src.requests).isEqualTo(Long.bitCount(n));
    }
  }

  @Test
  void everyInclusionProofUpTo64() throws Exception {
    for (int n = 1; n <= 64; n++) {
      Hash root = ReferenceMerkle.mth(leaves, 0, n);
      for (int m = 0; m < n; m++) {
        checkInclusion(m, n, root);
      }
    }
  }

  @Test
  void everyConsistencyProofUpTo64() throws Exception {
    for (int n = 1; n <= 64; n++) {
      Hash root2 = ReferenceMerkle.mth(leaves, 0, n);
      for (int m = 1; m <= n; m++) {
        checkConsistency(m, n, ReferenceMerkle.mth(leaves, 0, m), root2);
      }
    }
  }

  @Test
  void randomPairsInLargerTrees() throws Exception {
    Random rnd = new Random(0x5eed_9162L);
    for (int i = 0; i < 120; i++) {
      int n = 5000 + rnd.nextInt(BIG - 5000 + 1);
      if (i % 4 == 0) {
        n = 1 + rnd.nextInt(BIG);
      }
      Hash root = ReferenceMerkle.mth(leaves, 0, n);
      checkInclusion(rnd.nextInt(n), n, root);
      int m = 1 + rnd.nextInt(n);
      checkConsistency(m, n, ReferenceMerkle.mth(leaves, 0, m), root);
    }
    // The edges: first and last leaf, and powers of two on either side.
    for (int n : new int[] {4095, 4096, 4097, 5000, BIG}) {
      Hash root = ReferenceMerkle.mth(leaves, 0, n);
      checkInclusion(0, n, root);
      checkInclusion(n - 1, n, root);
      for (int m : new int[] {1, 2, 2048, 4095, 4096, n - 1}) {
        if (m <= n) {
          checkConsistency(m, n, ReferenceMerkle.mth(leaves, 0, m), root);
        }
      }
    }
  }

  private static void checkInclusion(int m, int n, Hash root) throws Exception {
    CheckingSource src = new CheckingSource(store, n);
    List<Hash> proof = Proofs.inclusion(m, n, src);
    assertThat(proof).as("PATH(%d, D[%d])", m, n).isEqualTo(ReferenceMerkle.path(m, leaves, 0, n));
    assertThat(src.requests).isLessThanOrEqualTo(2 * depth(n) + 1);
    Hash leaf = leaves.get(m);
    InclusionProof.verify(m, n, leaf, proof, root);
    assertThat(InclusionProof.rootFromInclusionProof(m, n, leaf, proof)).isEqualTo(root);
    InclusionProof.verify(m, n, leaf.toByteArray(), raw(proof), root.toByteArray());

    for (int i = 0; i < proof.size(); i++) {
      List<Hash> bad = new ArrayList<>(proof);
      bad.set(i, flip(proof.get(i), i));
      assertRejected(m, n, leaf, bad, root, ProofException.Reason.ROOT_MISMATCH);
    }
    assertRejected(m, n, flip(leaf, 3), proof, root, ProofException.Reason.ROOT_MISMATCH);
    assertRejected(m, n, leaf, proof, flip(root, 7), ProofException.Reason.ROOT_MISMATCH);
    if (!proof.isEmpty()) {
      assertRejected(
          m, n, leaf, proof.subList(0, proof.size() - 1), root, ProofException.Reason.PROOF_LENGTH);
    }
    List<Hash> longer = new ArrayList<>(proof);
    longer.add(leaf);
    assertRejected(m, n, leaf, longer, root, ProofException.Reason.PROOF_LENGTH);
    // A changed index or size fails unless the changed claim is itself true by the RFC's
    // definition (the same hashes can prove a leaf at several sizes).
    for (long[] alt :
        new long[][] {
          {m + 1, n}, {m - 1, n}, {m ^ 1, n}, {m, n + 1}, {m, n - 1}, {m, 2L * n}, {m, n / 2}
        }) {
      boolean holds = ReferenceMerkle.inclusionHolds(alt[0], alt[1], leaf, proof, root);
      boolean accepted = accepts(() -> InclusionProof.verify(alt[0], alt[1], leaf, proof, root));
      assertThat(accepted).as("leaf %d size %d as %d/%d", m, n, alt[0], alt[1]).isEqualTo(holds);
    }
  }

  private static void checkConsistency(int m, int n, Hash root1, Hash root2) throws Exception {
    CheckingSource src = new CheckingSource(store, n);
    List<Hash> proof = Proofs.consistency(m, n, src);
    assertThat(proof).as("PROOF(%d, D[%d])", m, n).isEqualTo(ReferenceMerkle.proof(m, leaves, n));
    assertThat(src.requests).isLessThanOrEqualTo(2 * depth(n) + 2);
    ConsistencyProof.verify(m, n, root1, root2, proof);
    ConsistencyProof.verify(m, n, root1.toByteArray(), root2.toByteArray(), raw(proof));

    for (int i = 0; i < proof.size(); i++) {
      List<Hash> bad = new ArrayList<>(proof);
      bad.set(i, flip(proof.get(i), i));
      assertConsistencyRejected(m, n, root1, root2, bad);
    }
    assertConsistencyRejected(m, n, flip(root1, 1), root2, proof);
    assertConsistencyRejected(m, n, root1, flip(root2, 2), proof);
    if (m != n) {
      assertConsistencyRejected(m, n, root2, root1, proof);
    }
    for (long[] alt :
        new long[][] {{m + 1, n}, {m - 1, n}, {m, n + 1}, {m, n - 1}, {m, 2L * n}, {m ^ 2, n}}) {
      boolean holds = ReferenceMerkle.consistencyHolds(alt[0], alt[1], root1, root2, proof);
      boolean accepted =
          accepts(() -> ConsistencyProof.verify(alt[0], alt[1], root1, root2, proof));
      assertThat(accepted).as("%d->%d as %d->%d", m, n, alt[0], alt[1]).isEqualTo(holds);
    }
  }

  private static void assertRejected(
      long m, long n, Hash leaf, List<Hash> proof, Hash root, ProofException.Reason reason) {
    assertThatThrownBy(() -> InclusionProof.verify(m, n, leaf, proof, root))
        .isInstanceOfSatisfying(
            InclusionProofException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.leafIndex()).isEqualTo(m);
              assertThat(e.treeSize()).isEqualTo(n);
              assertThat(e.expectedRoot()).contains(root);
              if (reason == ProofException.Reason.ROOT_MISMATCH) {
                assertThat(e.computedRoot()).isPresent().get().isNotEqualTo(root);
              }
            });
  }

  private static void assertConsistencyRejected(
      long m, long n, Hash root1, Hash root2, List<Hash> proof) {
    assertThatThrownBy(() -> ConsistencyProof.verify(m, n, root1, root2, proof))
        .isInstanceOfSatisfying(
            ConsistencyProofException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ProofException.Reason.ROOT_MISMATCH);
              assertThat(e.size1()).isEqualTo(m);
              assertThat(e.size2()).isEqualTo(n);
              assertThat(e.expectedRoot1()).contains(root1);
              assertThat(e.expectedRoot2()).contains(root2);
            });
  }

  interface Check {
    void run() throws ProofException;
  }

  static boolean accepts(Check c) {
    try {
      c.run();
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  static Hash flip(Hash h, int bit) {
    byte[] b = h.toByteArray();
    b[(bit / 8) % Hash.SIZE] ^= (byte) (1 << (bit % 8));
    return Hash.of(b);
  }

  static List<byte[]> raw(List<Hash> proof) {
    List<byte[]> out = new ArrayList<>();
    for (Hash h : proof) {
      out.add(h.toByteArray());
    }
    return out;
  }
}
