package org.rcskt.cli;

/**
 * A failure the user must see as one line: the log refused an event, an answer did not verify, a
 * file could not be read. Exit status 1.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliFailure(String message) {
    super(message);
  }

  CliFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Checks that {@code number} is strict E.164; the failure names it as {@code label} (the option
   * or the number itself).
   */
  static void requireE164(String label, String number) {
    try {
      org.rcskt.verifier.event.PhoneNumbers.validate(number);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(label + ": " + e.getMessage(), e);
    }
  }
}
