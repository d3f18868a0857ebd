package org.rcskt.verifier.checkpoint;

import org.rcskt.verifier.VerificationException;

/**
 * A checkpoint for a different log than the one expected: its origin line is not the expected one.
 */
public class OriginMismatchException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String found;

  public OriginMismatchException(String expected, String found) {
    super(
        "checkpoint origin is \""
            + Checkpoint.abbreviate(found)
            + "\", expected \""
            + Checkpoint.abbreviate(expected)
            + "\"");
    this.expected = expected;
    this.found = found;
  }

  public String expected() {
    return expected;
  }

  public String found() {
    return found;
  }
}
