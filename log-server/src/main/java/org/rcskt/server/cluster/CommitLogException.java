package org.rcskt.server.cluster;

/**
 * The shared commit log could not be read or written: ZooKeeper unreachable, a session lost in the
 * middle of a call, or a record that does not decode or does not match its digest. Unlike {@link
 * FencedException} it says nothing about who the writer is; a commit that failed with it may or may
 * not have taken effect, which {@link ZkCommitLog#commit} resolves before it throws.
 */
public final class CommitLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean gap;

  CommitLogException(String message, Throwable cause) {
    super(message, cause);
    this.gap = false;
  }

  CommitLogException(String message) {
    this(message, false);
  }

  CommitLogException(String message, boolean gap) {
    super(message);
    this.gap = gap;
  }

  /**
   * Whether the batches a reader needs are no longer in the commit log (pruned past its size): it
   * cannot catch up from here and must be seeded from another process's store.
   */
  public boolean gap() {
    return gap;
  }
}
