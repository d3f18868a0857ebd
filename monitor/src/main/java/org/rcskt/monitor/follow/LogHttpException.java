package org.rcskt.monitor.follow;

import java.io.IOException;

/**
 * A request to the log did not produce a usable answer: unreachable, timed out, a non-200 status,
 * or a body over the size bound. Not misbehaviour by itself: the monitor tries again on its next
 * poll.
 */
public final class LogHttpException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public LogHttpException(String message, int status) {
    super(message);
    this.status = status;
  }

  public LogHttpException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
