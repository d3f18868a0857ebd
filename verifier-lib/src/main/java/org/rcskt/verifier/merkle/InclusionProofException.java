package org.rcskt.verifier.merkle;

import java.util.Optional;
import org.rcskt.verifier.Hash;

/** An inclusion proof (RFC 9162 section 2.1.3) that does not verify. */
public final class InclusionProofException extends ProofException {
  private static final long serialVersionUID = 1L;

  private final long leafIndex;
  private final long treeSize;
  private final transient Hash expectedRoot;
  private final transient Hash computedRoot;

  InclusionProofException(
      Reason reason,
      String message,
      long leafIndex,
      long treeSize,
      Hash expectedRoot,
      Hash computedRoot) {
    super(reason, message);
    this.leafIndex = leafIndex;
    this.treeSize = treeSize;
    this.expectedRoot = expectedRoot;
    this.computedRoot = computedRoot;
  }

  /** The leaf index the proof was for. */
  public long leafIndex() {
    return leafIndex;
  }

  /** The tree size the proof was for. */
  public long treeSize() {
    return treeSize;
  }

  /** The root hash the proof was checked against; empty when it was not a valid 32-byte hash. */
  public Optional<Hash> expectedRoot() {
    return Optional.ofNullable(expectedRoot);
  }

  /** The root hash the proof leads to; empty when verification failed before any hashing. */
  public Optional<Hash> computedRoot() {
    return Optional.ofNullable(computedRoot);
  }
}
