package org.rcskt.verifier.checkpoint;

import org.rcskt.verifier.VerificationException;

/**
 * A checkpoint body that breaks a rule of C2SP tlog-checkpoint "Note text". Each rule has one
 * message, naming the offending value (shortened when long).
 */
public class CheckpointFormatException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public CheckpointFormatException(String message) {
    super(message);
  }
}
