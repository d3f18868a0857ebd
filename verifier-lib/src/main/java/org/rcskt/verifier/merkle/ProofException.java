package org.rcskt.verifier.merkle;

import org.rcskt.verifier.VerificationException;

/**
 * A Merkle proof that does not verify. {@link #reason()} says which check failed; the subclasses
 * carry the sizes and the roots involved.
 */
public abstract class ProofException extends VerificationException {
  private static final long serialVersionUID = 1L;

  /** Which check a proof failed, in the order the checks run. */
  public enum Reason {
    /** A leaf index or tree size is negative. */
    NEGATIVE,
    /** An inclusion proof's leaf index is not below its tree size. */
    INDEX_NOT_BELOW_SIZE,
    /** A consistency proof starts from the empty tree, which proves nothing. */
    FIRST_SIZE_ZERO,
    /** A consistency proof's first tree size is larger than its second. */
    FIRST_SIZE_ABOVE_SECOND,
    /** A leaf, root or proof hash is missing or not exactly 32 bytes. */
    HASH_LENGTH,
    /** The proof does not have exactly as many hashes as the sizes require. */
    PROOF_LENGTH,
    /** The proof leads to a root other than the one it was checked against. */
    ROOT_MISMATCH
  }

  private final Reason reason;

  ProofException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }
}
