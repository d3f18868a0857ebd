package org.rcskt.verifier.map;

import java.util.Optional;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;

/**
 * A map proof (protocol 16.2) that does not verify. {@link #reason()} says which check failed; the
 * message gives the values involved.
 */
public final class MapProofException extends VerificationException {
  private static final long serialVersionUID = 1L;

  /** Which check refused the proof, in the order {@link MapProof#verify} makes them. */
  public enum Reason {
    /** The bytes are not a proof: truncated, trailing bytes, unknown terminal, depth above 256. */
    MALFORMED,
    /** The terminal leaf's index leaves the looked-up index's path above the leaf's depth. */
    LEAF_OFF_PATH,
    /** The deepest sibling is EMPTY, which no canonical tree has. */
    NON_CANONICAL,
    /** The proof leads to a root other than the one it was checked against. */
    ROOT_MISMATCH
  }

  private final Reason reason;
  private final transient Hash computedRoot;

  MapProofException(Reason reason, String message) {
    this(reason, message, null);
  }

  MapProofException(Reason reason, String message, Hash computedRoot) {
    super(message);
    this.reason = reason;
    this.computedRoot = computedRoot;
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }

  /** The root the proof leads to; present only for {@link Reason#ROOT_MISMATCH}. */
  public Optional<Hash> computedRoot() {
    return Optional.ofNullable(computedRoot);
  }
}
