package org.rcskt.verifier;

/**
 * The base of every checked exception verifier-lib throws when something it was shown does not
 * verify: a proof, a signature, a checkpoint, an event. Subclasses carry the values involved, and
 * messages name both what was expected and what was found.
 */
public class VerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
