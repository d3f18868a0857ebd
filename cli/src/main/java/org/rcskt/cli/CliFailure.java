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
}
