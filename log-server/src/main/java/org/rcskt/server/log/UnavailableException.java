package org.rcskt.server.log;

/**
 * The log cannot take this request now: its queue is full, or the batch it was part of could not be
 * written (in which case nothing of that batch was logged). Retrying after {@link
 * #retryAfterSeconds()} is safe: a resubmitted event that did get logged is answered with its
 * existing leaf index.
 */
public class UnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int retryAfterSeconds;
  private final String reason;

  public UnavailableException(
      String reason, String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A short machine-readable reason: {@code "queue_full"}, {@code "write_failed"}, ... */
  public String reason() {
    return reason;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
