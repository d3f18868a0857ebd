package org.rcskt.server.log;

/**
 * The stored log does not agree with itself or with the configuration (a tree that does not match
 * its checkpoint, a checkpoint signed by another key): the server refuses to start rather than sign
 * anything inconsistent with what it signed before.
 */
public class LogStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogStateException(String message) {
    super(message);
  }

  public LogStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
