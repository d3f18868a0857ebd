package org.rcskt.verifier.note;

import org.rcskt.verifier.VerificationException;

/**
 * A signed note that does not follow the C2SP signed-note syntax. Each failure mode has its own
 * message; the message names what was found and what was required.
 */
public class NoteFormatException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public NoteFormatException(String message) {
    super(message);
  }
}
