package org.rcskt.verifier.merkle;

import java.util.Optional;
import org.rcskt.verifier.Hash;

/** A consistency proof (RFC 9162 section 2.1.4) that does not verify. */
public final class ConsistencyProofException extends ProofException {
  private static final long serialVersionUID = 1L;

  private final long size1;
  private final long size2;
  private final transient Hash expectedRoot1;
  private final transient Hash expectedRoot2;
  private final transient Hash computedRoot1;
  private final transient Hash computedRoot2;

  ConsistencyProofException(
      Reason reason,
      String message,
      long size1,
      long size2,
      Hash expectedRoot1,
      Hash expectedRoot2,
      Hash computedRoot1,
      Hash computedRoot2) {
    super(reason, message);
    this.size1 = size1;
    this.size2 = size2;
    this.expectedRoot1 = expectedRoot1;
    this.expectedRoot2 = expectedRoot2;
    this.computedRoot1 = computedRoot1;
    this.computedRoot2 = computedRoot2;
  }

  /** The first (older) tree size. */
  public long size1() {
    return size1;
  }

  /** The second (newer) tree size. */
  public long size2() {
    return size2;
  }

  /** The root of the first tree as given; empty when it was not a valid 32-byte hash. */
  public Optional<Hash> expectedRoot1() {
    return Optional.ofNullable(expectedRoot1);
  }

  /** The root of the second tree as given; empty when it was not a valid 32-byte hash. */
  public Optional<Hash> expectedRoot2() {
    return Optional.ofNullable(expectedRoot2);
  }

  /** The first tree's root the proof leads to; empty when no hashing took place. */
  public Optional<Hash> computedRoot1() {
    return Optional.ofNullable(computedRoot1);
  }

  /** The second tree's root the proof leads to; empty when no hashing took place. */
  public Optional<Hash> computedRoot2() {
    return Optional.ofNullable(computedRoot2);
  }
}
