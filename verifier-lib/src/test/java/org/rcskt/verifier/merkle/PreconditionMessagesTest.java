package org.rcskt.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.merkle.ProofException.Reason;

/** Exact messages and reasons for every precondition failure. */
class PreconditionMessagesTest {
  private static final List<Hash> LEAVES = ReferenceMerkle.leaves(16);
  private static final MemoryNodeStore STORE = MemoryNodeStore.of(LEAVES);
  private static final Hash ROOT8 = ReferenceMerkle.mth(LEAVES, 0, 8);
  private static final Hash ROOT5 = ReferenceMerkle.mth(LEAVES, 0, 5);
  private static final byte[] H = new byte[32];

  /** A source that must not be consulted: preconditions come first. */
  private static final NodeSource UNUSED =
      (level, index) -> {
        throw new AssertionError("source consulted");
      };

  @Test
  void generationPreconditions() {
    assertThatThrownBy(() -> Proofs.inclusion(12, 10, UNUSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaf index 12 is not below tree size 10");
    assertThatThrownBy(() -> Proofs.inclusion(0, 0, UNUSED))
        .hasMessage("leaf index 0 is not below tree size 0");
    assertThatThrownBy(() -> Proofs.inclusion(-1, 10, UNUSED))
        .hasMessage("leaf index -1 is negative");
    assertThatThrownBy(() -> Proofs.consistency(12, 10, UNUSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("first tree size 12 is larger than second tree size 10");
    assertThatThrownBy(() -> Proofs.consistency(0, 10, UNUSED))
        .hasMessage("first tree size must be at least 1, got 0");
    assertThatThrownBy(() -> Proofs.rootHash(-3, UNUSED)).hasMessage("tree size -3 is negative");
    assertThat(Proofs.consistency(7, 7, UNUSED)).isEmpty();
    assertThat(Proofs.rootHash(0, UNUSED)).isEqualTo(Merkle.emptyRoot());
  }

  @Test
  void inclusionSizes() {
    expectInclusion(
        () -> InclusionProof.verify(12, 10, LEAVES.get(0), List.of(), ROOT8),
        Reason.INDEX_NOT_BELOW_SIZE,
        "leaf index 12 is not below tree size 10");
    expectInclusion(
        () -> InclusionProof.verify(0, 0, H, List.of(), H),
        Reason.INDEX_NOT_BELOW_SIZE,
        "leaf index 0 is not below tree size 0");
    expectInclusion(
        () -> InclusionProof.verify(-1, 4, H, List.of(), H),
        Reason.NEGATIVE,
        "leaf index -1 is negative");
    expectInclusion(
        () -> InclusionProof.rootFromInclusionProof(5, 5, LEAVES.get(0), List.of()),
        Reason.INDEX_NOT_BELOW_SIZE,
        "leaf index 5 is not below tree size 5");
  }

  @Test
  void inclusionHashLengthsComeBeforeProofLength() {
    expectInclusion(
        () -> InclusionProof.verify(0, 1, H, List.of(), new byte[0]),
        Reason.HASH_LENGTH,
        "root hash must be 32 bytes, got 0");
    expectInclusion(
        () -> InclusionProof.verify(0, 1, new byte[33], List.of(), H),
        Reason.HASH_LENGTH,
        "leaf hash must be 32 bytes, got 33");
    expectInclusion(
        () -> InclusionProof.verify(0, 1, null, List.of(), H),
        Reason.HASH_LENGTH,
        "leaf hash is missing");
    expectInclusion(
        () -> InclusionProof.verify(3, 8, H, List.of(H, new byte[31], H, H, H), H),
        Reason.HASH_LENGTH,
        "proof hash 1 must be 32 bytes, got 31");
    expectInclusion(
        () -> InclusionProof.rootFromInclusionProof(3, 8, H, List.of(H, H, new byte[1])),
        Reason.HASH_LENGTH,
        "proof hash 2 must be 32 bytes, got 1");
    expectInclusion(
        () -> InclusionProof.verify(3, 8, LEAVES.get(3), List.of(ROOT8), null),
        Reason.HASH_LENGTH,
        "root hash is missing");
  }

  @Test
  void inclusionProofLength() {
    expectInclusion(
        () -> InclusionProof.verify(3, 8, H, List.of(H, H), H),
        Reason.PROOF_LENGTH,
        "inclusion proof for leaf index 3 in tree size 8 must have 3 hashes, got 2");
    expectInclusion(
        () -> InclusionProof.verify(0, 1, LEAVES.get(0), List.of(LEAVES.get(0)), LEAVES.get(0)),
        Reason.PROOF_LENGTH,
        "inclusion proof for leaf index 0 in tree size 1 must have 0 hashes, got 1");
    expectInclusion(
        () -> InclusionProof.rootFromInclusionProof(4, 5, LEAVES.get(4), List.of()),
        Reason.PROOF_LENGTH,
        "inclusion proof for leaf index 4 in tree size 5 must have 1 hashes, got 0");
  }

  @Test
  void inclusionRootMismatchCarriesBothRoots() throws Exception {
    List<Hash> proof = Proofs.inclusion(2, 8, STORE);
    InclusionProofException e =
        expectInclusion(
            () -> InclusionProof.verify(2, 8, LEAVES.get(2), proof, ROOT5),
            Reason.ROOT_MISMATCH,
            "inclusion proof for leaf index 2 in tree size 8 leads to root "
                + ROOT8
                + ", expected "
                + ROOT5);
    assertThat(e.expectedRoot()).contains(ROOT5);
    assertThat(e.computedRoot()).contains(ROOT8);
    assertThat(e).isInstanceOf(VerificationException.class);
  }

  @Test
  void consistencySizes() {
    expectConsistency(
        () -> ConsistencyProof.verify(12, 10, ROOT8, ROOT5, List.of()),
        Reason.FIRST_SIZE_ABOVE_SECOND,
        "first tree size 12 is larger than second tree size 10");
    expectConsistency(
        () -> ConsistencyProof.verify(0, 0, H, H, List.of()),
        Reason.FIRST_SIZE_ZERO,
        "first tree size must be at least 1: a consistency proof from the empty tree proves"
            + " nothing");
    expectConsistency(
        () -> ConsistencyProof.verify(0, 3, Merkle.emptyRoot(), ROOT5, List.<Hash>of()),
        Reason.FIRST_SIZE_ZERO,
        "first tree size must be at least 1: a consistency proof from the empty tree proves"
            + " nothing");
    expectConsistency(
        () -> ConsistencyProof.verify(-2, 3, H, H, List.of()),
        Reason.NEGATIVE,
        "tree size -2 is negative");
  }

  @Test
  void consistencyHashLengths() {
    expectConsistency(
        () -> ConsistencyProof.verify(1, 1, new byte[12], new byte[12], List.of()),
        Reason.HASH_LENGTH,
        "first root hash must be 32 bytes, got 12");
    expectConsistency(
        () -> ConsistencyProof.verify(1, 2, H, new byte[0], List.of(H)),
        Reason.HASH_LENGTH,
        "second root hash must be 32 bytes, got 0");
    expectConsistency(
        () -> ConsistencyProof.verify(3, 8, H, H, List.of(H, H, new byte[64])),
        Reason.HASH_LENGTH,
        "proof hash 2 must be 32 bytes, got 64");
    expectConsistency(
        () -> ConsistencyProof.verify(3, 8, H, null, List.of()),
        Reason.HASH_LENGTH,
        "second root hash is missing");
    expectConsistency(
        () -> ConsistencyProof.verify(3, 8, ROOT5, ROOT8, java.util.Arrays.asList(ROOT5, null)),
        Reason.HASH_LENGTH,
        "proof hash 1 is missing");
  }

  @Test
  void consistencyProofLength() {
    expectConsistency(
        () -> ConsistencyProof.verify(3, 8, H, H, List.of(H, H, H)),
        Reason.PROOF_LENGTH,
        "consistency proof from tree size 3 to 8 must have 4 hashes, got 3");
    expectConsistency(
        () -> ConsistencyProof.verify(4, 8, H, H, List.of(H, H)),
        Reason.PROOF_LENGTH,
        "consistency proof from tree size 4 to 8 must have 1 hashes, got 2");
    expectConsistency(
        () -> ConsistencyProof.verify(5, 5, ROOT5, ROOT5, List.of(ROOT5)),
        Reason.PROOF_LENGTH,
        "consistency proof between equal tree sizes 5 must be empty, got 1 hashes");
  }

  @Test
  void consistencyRootMismatch() throws Exception {
    ConsistencyProofException equal =
        expectConsistency(
            () -> ConsistencyProof.verify(5, 5, ROOT5, ROOT8, List.of()),
            Reason.ROOT_MISMATCH,
            "roots of equal tree sizes 5 differ: " + ROOT5 + " and " + ROOT8);
    assertThat(equal.computedRoot1()).isEmpty();

    List<Hash> proof = Proofs.consistency(5, 8, STORE);
    Hash other = ReferenceMerkle.mth(LEAVES, 0, 9);
    ConsistencyProofException second =
        expectConsistency(
            () -> ConsistencyProof.verify(5, 8, ROOT5, other, proof),
            Reason.ROOT_MISMATCH,
            "consistency proof from tree size 5 to 8 leads to root "
                + ROOT8
                + " for tree size 8, expected "
                + other);
    assertThat(second.expectedRoot1()).contains(ROOT5);
    assertThat(second.expectedRoot2()).contains(other);
    assertThat(second.computedRoot1()).contains(ROOT5);
    assertThat(second.computedRoot2()).contains(ROOT8);

    Hash wrong1 = ReferenceMerkle.mth(LEAVES, 0, 6);
    expectConsistency(
        () -> ConsistencyProof.verify(5, 8, wrong1, ROOT8, proof),
        Reason.ROOT_MISMATCH,
        "consistency proof from tree size 5 to 8 leads to root "
            + ROOT5
            + " for tree size 5, expected "
            + wrong1);
  }

  interface Call {
    void run() throws Exception;
  }

  private static InclusionProofException expectInclusion(Call c, Reason reason, String message) {
    return (InclusionProofException) expect(c, InclusionProofException.class, reason, message);
  }

  private static ConsistencyProofException expectConsistency(
      Call c, Reason reason, String message) {
    return (ConsistencyProofException) expect(c, ConsistencyProofException.class, reason, message);
  }

  private static ProofException expect(
      Call c, Class<? extends ProofException> type, Reason reason, String message) {
    try {
      c.run();
    } catch (Exception e) {
      assertThat(e).isInstanceOf(type).hasMessage(message);
      assertThat(((ProofException) e).reason()).isEqualTo(reason);
      return (ProofException) e;
    }
    throw new AssertionError("expected " + type.getSimpleName() + ": " + message);
  }
}
