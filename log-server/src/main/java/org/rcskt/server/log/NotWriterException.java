package org.rcskt.server.log;

/**
 * This process may not commit a batch now: it is a standby, its term as writer was fenced off by
 * another, or the shared commit log cannot be reached. Submissions are answered 503 with a short
 * {@link #reason()}; nothing of the batch is logged.
 */
public final class NotWriterException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;
  private final int retryAfterSeconds;

  /**
   * @param reason a short machine-readable reason: {@code "standby"}, {@code "fenced"}, {@code
   *     "commit_unavailable"}
   * @param message what happened, for the submitter and the log
   */
  public NotWriterException(String reason, String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String reason() {
    return reason;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
