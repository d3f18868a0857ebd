package org.rcskt.server.cluster;

/**
 * A writer's commit was refused because another writer has taken over since its term began (or
 * committed at the same position first). Nothing of the refused batch is committed: the writer must
 * stop acknowledging, stop signing, and follow the committed log.
 */
public final class FencedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The epoch of the term that was fenced off. */
  private final long epoch;

  FencedException(long epoch, String message, Throwable cause) {
    super(message, cause);
    this.epoch = epoch;
  }

  /** The epoch of the term whose commit was refused. */
  public long epoch() {
    return epoch;
  }
}
