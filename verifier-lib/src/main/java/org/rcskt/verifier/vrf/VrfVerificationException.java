package org.rcskt.verifier.vrf;

import org.rcskt.verifier.VerificationException;

/**
 * An ECVRF proof or public key was refused (RFC 9381 section 5.3 outputs "INVALID"). The {@link
 * #reason()} says which check failed; the message gives the values involved.
 */
public final class VrfVerificationException extends VerificationException {
  private static final long serialVersionUID = 1L;

  /** Which check refused the input, in the order {@link EcVrf#verify} makes them. */
  public enum Reason {
    /** The public key is not 32 bytes. */
    PUBLIC_KEY_LENGTH,
    /** The public key is not a canonical encoding of an edwards25519 point (RFC 8032 5.1.3). */
    PUBLIC_KEY_ENCODING,
    /** The public key has small order: 8*Y is the identity (RFC 9381 section 5.4.5). */
    PUBLIC_KEY_SMALL_ORDER,
    /** The proof is not 80 bytes. */
    PROOF_LENGTH,
    /** Gamma, the proof's first 32 bytes, is not a canonical point encoding (section 5.4.4). */
    GAMMA_ENCODING,
    /** The proof's scalar s is not below the group order L (section 5.4.4). */
    S_NOT_REDUCED,
    /**
     * The recomputed challenge differs from the proof's c: the proof is not for this key and input.
     */
    CHALLENGE_MISMATCH
  }

  private final Reason reason;

  VrfVerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }
}
