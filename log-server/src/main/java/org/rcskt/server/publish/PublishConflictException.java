package org.rcskt.server.publish;

/**
 * The bucket holds something this log did not write: a checkpoint that is larger than the log's
 * tree, not signed by the log, or not consistent with it, or a tile or bundle whose bytes differ
 * from the log's. Publishing stops for good; an operator must look.
 */
public final class PublishConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  public PublishConflictException(String message) {
    super(message);
  }

  public PublishConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
