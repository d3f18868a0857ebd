package org.rcskt.verifier.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.ProofException.Reason;

/**
 * Verifies consistency proofs as RFC 9162 section 2.1.4.2 describes.
 *
 * <p>Checks run in this order, and nothing is hashed before the preconditions hold: the sizes
 * ({@code 0 < size1 <= size2}; a proof from the empty tree proves nothing and is rejected), the
 * length of every hash (exactly 32 bytes), the number of proof hashes (none for equal sizes,
 * otherwise exactly what the sizes require), and then both roots. For equal sizes the roots must be
 * equal.
 */
public final class ConsistencyProof {
  private ConsistencyProof() {}

  /**
   * Checks that {@code proof} proves that the tree of {@code size1} leaves with root {@code root1}
   * is a prefix of the tree of {@code size2} leaves with root {@code root2}.
   *
   * @throws ConsistencyProofException if a precondition fails or the proof leads to other roots;
   *     {@link ProofException#reason()} says which
   * @throws NullPointerException if {@code proof} is null
   */
  public static void verify(long size1, long size2, Hash root1, Hash root2, List<Hash> proof)
      throws ConsistencyProofException {
    checkSizes(size1, size2, root1, root2);
    Objects.requireNonNull(proof, "proof");
    if (root1 == null) {
      throw fail(Reason.HASH_LENGTH, "first root hash is missing", size1, size2, root1, root2);
    }
    if (root2 == null) {
      throw fail(Reason.HASH_LENGTH, "second root hash is missing", size1, size2, root1, root2);
    }
    for (int i = 0; i < proof.size(); i++) {
      if (proof.get(i) == null) {
        throw fail(
            Reason.HASH_LENGTH, "proof hash " + i + " is missing", size1, size2, root1, root2);
      }
    }
    checkProofLength(size1, size2, proof.size(), root1, root2);
    check(size1, size2, root1, root2, proof);
  }

  /**
   * Like {@link #verify(long, long, Hash, Hash, List)} for hashes as they arrive off the wire:
   * every hash must be exactly 32 bytes, which is checked before any hashing.
   *
   * @throws ConsistencyProofException if a precondition fails (including a hash of the wrong
   *     length) or the proof leads to other roots
   * @throws NullPointerException if {@code proof} is null
   */
  public static void verify(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
      throws ConsistencyProofException {
    Hash r1 = root1 != null && root1.length == Hash.SIZE ? Hash.of(root1) : null;
    Hash r2 = root2 != null && root2.length == Hash.SIZE ? Hash.of(root2) : null;
    checkSizes(size1, size2, r1, r2);
    Objects.requireNonNull(proof, "proof");
    checkLength(size1, size2, "first root hash", root1, r1, r2);
    checkLength(size1, size2, "second root hash", root2, r1, r2);
    int n = proof.size();
    for (int i = 0; i < n; i++) {
      checkLength(size1, size2, "proof hash " + i, proof.get(i), r1, r2);
    }
    checkProofLength(size1, size2, n, r1, r2);
    List<Hash> path = new ArrayList<>(n);
    for (byte[] b : proof) {
      path.add(Hash.of(b));
    }
    check(size1, size2, r1, r2, path);
  }

  private static void checkSizes(long size1, long size2, Hash root1, Hash root2)
      throws ConsistencyProofException {
    if (size1 < 0 || size2 < 0) {
      throw fail(
          Reason.NEGATIVE,
          "tree size " + (size1 < 0 ? size1 : size2) + " is negative",
          size1,
          size2,
          root1,
          root2);
    }
    if (size1 > size2) {
      throw fail(
          Reason.FIRST_SIZE_ABOVE_SECOND,
          "first tree size " + size1 + " is larger than second tree size " + size2,
          size1,
          size2,
          root1,
          root2);
    }
    if (size1 == 0) {
      throw fail(
          Reason.FIRST_SIZE_ZERO,
          "first tree size must be at least 1: a consistency proof from the empty tree proves"
              + " nothing",
          size1,
          size2,
          root1,
          root2);
    }
  }

  private static void checkLength(
      long size1, long size2, String what, byte[] raw, Hash root1, Hash root2)
      throws ConsistencyProofException {
    if (raw == null) {
      throw fail(Reason.HASH_LENGTH, what + " is missing", size1, size2, root1, root2);
    }
    if (raw.length != Hash.SIZE) {
      throw fail(
          Reason.HASH_LENGTH,
          what + " must be " + Hash.SIZE + " bytes, got " + raw.length,
          size1,
          size2,
          root1,
          root2);
    }
  }

  private static void checkProofLength(long size1, long size2, int got, Hash root1, Hash root2)
      throws ConsistencyProofException {
    int want = TreeMath.consistencyLength(size1, size2);
    if (got == want) {
      return;
    }
    String message =
        size1 == size2
            ? "consistency proof between equal tree sizes "
                + size1
                + " must be empty, got "
                + got
                + " hashes"
            : "consistency proof from tree size "
                + size1
                + " to "
                + size2
                + " must have "
                + want
                + " hashes, got "
                + got;
    throw fail(Reason.PROOF_LENGTH, message, size1, size2, root1, root2);
  }

  /** RFC 9162 section 2.1.4.2 steps 2 to 7, on a proof already known to have the right length. */
  private static void check(long size1, long size2, Hash root1, Hash root2, List<Hash> proof)
      throws ConsistencyProofException {
    if (size1 == size2) {
      if (!root1.equals(root2)) {
        throw new ConsistencyProofException(
            Reason.ROOT_MISMATCH,
            "roots of equal tree sizes " + size1 + " differ: " + root1 + " and " + root2,
            size1,
            size2,
            root1,
            root2,
            null,
            null);
      }
      return;
    }
    Merkle.Hasher h = Merkle.hasher();
    MessageDigest md = h.md;
    byte[] fr = new byte[Hash.SIZE];
    byte[] sr = h.out;
    int next = 0;
    long fn = size1 - 1;
    long sn = size2 - 1;
    if ((size1 & (size1 - 1)) == 0) {
      // A power-of-two first tree is itself a node of the second; the proof leaves it out.
      root1.copyTo(fr, 0);
    } else {
      proof.get(next++).copyTo(fr, 0);
    }
    if ((fn & 1) == 1) {
      int skip = Long.numberOfTrailingZeros(~fn);
      fn >>>= skip;
      sn >>>= skip;
    }
    System.arraycopy(fr, 0, sr, 0, Hash.SIZE);
    for (int i = next; i < proof.size(); i++) {
      Hash c = proof.get(i);
      if (sn == 0) {
        // Unreachable once the length is checked; kept because step 6 of the RFC demands it.
        throw fail(
            Reason.PROOF_LENGTH,
            "consistency proof from tree size " + size1 + " to " + size2 + " is too long",
            size1,
            size2,
            root1,
            root2);
      }
      if ((fn & 1) == 1 || fn == sn) {
        md.update(Merkle.NODE_PREFIX);
        c.updateDigest(md);
        md.update(fr);
        h.finish(fr, 0);
        md.update(Merkle.NODE_PREFIX);
        c.updateDigest(md);
        md.update(sr);
        h.finish(sr, 0);
        if ((fn & 1) == 0) {
          int skip = fn == 0 ? 0 : Long.numberOfTrailingZeros(fn);
          fn >>>= skip;
          sn >>>= skip;
        }
      } else {
        md.update(Merkle.NODE_PREFIX);
        md.update(sr);
        c.updateDigest(md);
        h.finish(sr, 0);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    Hash computed1 = Hash.of(fr);
    Hash computed2 = Hash.of(sr);
    boolean firstOk = computed1.equals(root1);
    if (!firstOk || !computed2.equals(root2)) {
      long size = firstOk ? size2 : size1;
      Hash computed = firstOk ? computed2 : computed1;
      Hash expected = firstOk ? root2 : root1;
      throw new ConsistencyProofException(
          Reason.ROOT_MISMATCH,
          "consistency proof from tree size "
              + size1
              + " to "
              + size2
              + " leads to root "
              + computed
              + " for tree size "
              + size
              + ", expected "
              + expected,
          size1,
          size2,
          root1,
          root2,
          computed1,
          computed2);
    }
  }

  private static ConsistencyProofException fail(
      Reason reason, String message, long size1, long size2, Hash root1, Hash root2) {
    return new ConsistencyProofException(reason, message, size1, size2, root1, root2, null, null);
  }
}
