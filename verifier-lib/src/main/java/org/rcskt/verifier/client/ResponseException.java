package org.rcskt.verifier.client;

import org.rcskt.verifier.VerificationException;

/**
 * A response from the log that does not verify or is not what the API promises: malformed JSON, a
 * missing field, an event for another subject, an inclusion proof that does not lead to the stated
 * checkpoint. It keeps the request path and, where one is concerned, the leaf index.
 */
public final class ResponseException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final long leafIndex;

  /**
   * @param path the request path and query the response answered
   * @param leafIndex the leaf index concerned, or -1
   * @param message what is wrong, with the values involved
   * @param cause the underlying verification failure, or null
   */
  public ResponseException(String path, long leafIndex, String message, Throwable cause) {
    super(path + ": " + message, cause);
    this.path = path;
    this.leafIndex = leafIndex;
  }

  /** The request path and query the response answered. */
  public String path() {
    return path;
  }

  /** The leaf index the problem concerns, or -1. */
  public long leafIndex() {
    return leafIndex;
  }
}
