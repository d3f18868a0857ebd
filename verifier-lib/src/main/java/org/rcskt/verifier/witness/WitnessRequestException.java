package org.rcskt.verifier.witness;

import org.rcskt.verifier.VerificationException;

/** A tlog-witness request body that breaks the syntax; the message names the rule, on one line. */
public final class WitnessRequestException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public WitnessRequestException(String message) {
    super(message);
  }
}
