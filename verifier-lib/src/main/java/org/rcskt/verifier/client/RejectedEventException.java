package org.rcskt.verifier.client;

import java.io.IOException;
import java.util.Objects;

/**
 * The log refused a submitted event ({@link LogClient#submit}); {@link #rejection()} says why. Not
 * a verification failure: the log answered as the API says it may.
 */
public final class RejectedEventException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  RejectedEventException(Rejection rejection) {
    super(Objects.requireNonNull(rejection, "rejection").summary());
    this.rejection = rejection;
  }

  /** What the log answered. */
  public Rejection rejection() {
    return rejection;
  }
}
