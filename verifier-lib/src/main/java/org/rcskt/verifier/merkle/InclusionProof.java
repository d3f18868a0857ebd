package org.rcskt.verifier.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.ProofException.Reason;

/**
 * Verifies inclusion proofs as RFC 9162 section 2.1.3.2 describes.
 *
 * <p>Checks run in this order, and nothing is hashed before the preconditions hold: the leaf index
 * and tree size ({@code 0 <= leafIndex < treeSize}), the length of every hash (exactly 32 bytes),
 * the number of proof hashes (exactly what the index and size require), and then the root.
 */
public final class InclusionProof {
  private InclusionProof() {}

  /**
   * Checks that {@code proof} proves that {@code leafHash} is the leaf at {@code leafIndex} of the
   * tree of {@code treeSize} leaves whose root is {@code rootHash}.
   *
   * @throws InclusionProofException if a precondition fails or the proof leads to another root;
   *     {@link ProofException#reason()} says which
   * @throws NullPointerException if {@code proof} is null
   */
  public static void verify(
      long leafIndex, long treeSize, Hash leafHash, List<Hash> proof, Hash rootHash)
      throws InclusionProofException {
    checkSizes(leafIndex, treeSize, rootHash);
    checkNotNull(leafIndex, treeSize, leafHash, proof, rootHash);
    checkRoot(
        leafIndex, treeSize, compute(leafIndex, treeSize, leafHash, proof, rootHash), rootHash);
  }

  /**
   * Like {@link #verify(long, long, Hash, List, Hash)} for hashes as they arrive off the wire:
   * every hash must be exactly 32 bytes, which is checked before any hashing.
   *
   * @throws InclusionProofException if a precondition fails (including a hash of the wrong length)
   *     or the proof leads to another root
   * @throws NullPointerException if {@code proof} is null
   */
  public static void verify(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] rootHash)
      throws InclusionProofException {
    Hash root = rootHash != null && rootHash.length == Hash.SIZE ? Hash.of(rootHash) : null;
    checkSizes(leafIndex, treeSize, root);
    Objects.requireNonNull(proof, "proof");
    checkLength(leafIndex, treeSize, "root hash", rootHash, root);
    Hash leaf = convert(leafIndex, treeSize, "leaf hash", leafHash, root);
    List<Hash> path = convert(leafIndex, treeSize, proof, root);
    checkRoot(leafIndex, treeSize, compute(leafIndex, treeSize, leaf, path, root), root);
  }

  /**
   * The root hash that {@code proof} leads to from {@code leafHash} at {@code leafIndex} in a tree
   * of {@code treeSize} leaves. The result is only meaningful once compared with a trusted root.
   *
   * @throws InclusionProofException if the index, size or proof length preconditions fail
   * @throws NullPointerException if {@code leafHash} or {@code proof} or one of its hashes is null
   */
  public static Hash rootFromInclusionProof(
      long leafIndex, long treeSize, Hash leafHash, List<Hash> proof)
      throws InclusionProofException {
    checkSizes(leafIndex, treeSize, null);
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(proof, "proof");
    for (Hash h : proof) {
      Objects.requireNonNull(h, "proof hash");
    }
    return compute(leafIndex, treeSize, leafHash, proof, null);
  }

  /**
   * Like {@link #rootFromInclusionProof(long, long, Hash, List)} for raw hashes, each of which must
   * be exactly 32 bytes.
   *
   * @throws InclusionProofException if a precondition fails, including a hash of the wrong length
   * @throws NullPointerException if {@code proof} is null
   */
  public static Hash rootFromInclusionProof(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof)
      throws InclusionProofException {
    checkSizes(leafIndex, treeSize, null);
    Objects.requireNonNull(proof, "proof");
    Hash leaf = convert(leafIndex, treeSize, "leaf hash", leafHash, null);
    return compute(leafIndex, treeSize, leaf, convert(leafIndex, treeSize, proof, null), null);
  }

  private static void checkSizes(long leafIndex, long treeSize, Hash root)
      throws InclusionProofException {
    if (leafIndex < 0) {
      throw fail(
          Reason.NEGATIVE, "leaf index " + leafIndex + " is negative", leafIndex, treeSize, root);
    }
    if (leafIndex >= treeSize) {
      throw fail(
          Reason.INDEX_NOT_BELOW_SIZE,
          "leaf index " + leafIndex + " is not below tree size " + treeSize,
          leafIndex,
          treeSize,
          root);
    }
  }

  private static void checkNotNull(
      long leafIndex, long treeSize, Hash leafHash, List<Hash> proof, Hash rootHash)
      throws InclusionProofException {
    Objects.requireNonNull(proof, "proof");
    if (rootHash == null) {
      throw fail(Reason.HASH_LENGTH, "root hash is missing", leafIndex, treeSize, null);
    }
    if (leafHash == null) {
      throw fail(Reason.HASH_LENGTH, "leaf hash is missing", leafIndex, treeSize, rootHash);
    }
    for (int i = 0; i < proof.size(); i++) {
      if (proof.get(i) == null) {
        throw fail(
            Reason.HASH_LENGTH, "proof hash " + i + " is missing", leafIndex, treeSize, rootHash);
      }
    }
  }

  private static void checkLength(long leafIndex, long treeSize, String what, byte[] raw, Hash root)
      throws InclusionProofException {
    if (raw == null) {
      throw fail(Reason.HASH_LENGTH, what + " is missing", leafIndex, treeSize, root);
    }
    if (raw.length != Hash.SIZE) {
      throw fail(
          Reason.HASH_LENGTH,
          what + " must be " + Hash.SIZE + " bytes, got " + raw.length,
          leafIndex,
          treeSize,
          root);
    }
  }

  private static Hash convert(long leafIndex, long treeSize, String what, byte[] raw, Hash root)
      throws InclusionProofException {
    checkLength(leafIndex, treeSize, what, raw, root);
    return Hash.of(raw);
  }

  private static List<Hash> convert(long leafIndex, long treeSize, List<byte[]> proof, Hash root)
      throws InclusionProofException {
    // Lengths are checked for the whole proof before any of it is used.
    int n = proof.size();
    for (int i = 0; i < n; i++) {
      checkLength(leafIndex, treeSize, "proof hash " + i, proof.get(i), root);
    }
    int want = TreeMath.inclusionLength(leafIndex, treeSize);
    if (n != want) {
      throw wrongLength(leafIndex, treeSize, want, n, root);
    }
    List<Hash> out = new ArrayList<>(n);
    for (byte[] b : proof) {
      out.add(Hash.of(b));
    }
    return out;
  }

  private static InclusionProofException wrongLength(
      long leafIndex, long treeSize, int want, int got, Hash root) {
    return fail(
        Reason.PROOF_LENGTH,
        "inclusion proof for leaf index "
            + leafIndex
            + " in tree size "
            + treeSize
            + " must have "
            + want
            + " hashes, got "
            + got,
        leafIndex,
        treeSize,
        root);
  }

  /** RFC 9162 section 2.1.3.2 steps 2 to 4, on a proof already known to have the right length. */
  private static Hash compute(
      long leafIndex, long treeSize, Hash leafHash, List<Hash> proof, Hash root)
      throws InclusionProofException {
    int want = TreeMath.inclusionLength(leafIndex, treeSize);
    if (proof.size() != want) {
      throw wrongLength(leafIndex, treeSize, want, proof.size(), root);
    }
    Merkle.Hasher h = Merkle.hasher();
    MessageDigest md = h.md;
    byte[] r = h.out;
    leafHash.copyTo(r, 0);
    long fn = leafIndex;
    long sn = treeSize - 1;
    for (Hash p : proof) {
      if (sn == 0) {
        // Unreachable once the length is checked; kept because step 3 of the RFC demands it.
        throw wrongLength(leafIndex, treeSize, want, proof.size(), root);
      }
      md.update(Merkle.NODE_PREFIX);
      if ((fn & 1) == 1 || fn == sn) {
        p.updateDigest(md);
        md.update(r);
        if ((fn & 1) == 0) {
          // A right-edge node with no right sibling is promoted unchanged to the levels above.
          int skip = fn == 0 ? 0 : Long.numberOfTrailingZeros(fn);
          fn >>>= skip;
          sn >>>= skip;
        }
      } else {
        md.update(r);
        p.updateDigest(md);
      }
      h.finish(r, 0);
      fn >>>= 1;
      sn >>>= 1;
    }
    // The proof length check makes sn reach 0 exactly here, as step 4 requires.
    return Hash.of(r);
  }

  private static void checkRoot(long leafIndex, long treeSize, Hash computed, Hash expected)
      throws InclusionProofException {
    if (!computed.equals(expected)) {
      throw new InclusionProofException(
          Reason.ROOT_MISMATCH,
          "inclusion proof for leaf index "
              + leafIndex
              + " in tree size "
              + treeSize
              + " leads to root "
              + computed
              + ", expected "
              + expected,
          leafIndex,
          treeSize,
          expected,
          computed);
    }
  }

  private static InclusionProofException fail(
      Reason reason, String message, long leafIndex, long treeSize, Hash root) {
    return new InclusionProofException(reason, message, leafIndex, treeSize, root, null);
  }
}
