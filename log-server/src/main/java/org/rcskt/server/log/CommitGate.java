package org.rcskt.server.log;

import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * Where the integrator commits each batch after it has computed the new tree and before it signs a
 * checkpoint over it, writes it to the store or answers anyone. The single-process log commits by
 * its own synced write ({@link #LOCAL}); a log run by several processes commits to a shared, fenced
 * commit log first (docs/design/0022-standby-writer.md), so that only the one writer whose term is
 * current can sign.
 */
public interface CommitGate {
  /** The single-process log: nothing to do before the store's own write. */
  CommitGate LOCAL = (start, entries, newSize, root) -> {};

  /**
   * Commits the batch {@code entries}, the leaves from {@code start} on, which make the tree {@code
   * (newSize, root)}. Returns only once it is committed.
   *
   * @throws NotWriterException if this process may not write now (it is a standby, its term was
   *     fenced off, or the commit log is unreachable); the batch is then not committed, and the
   *     integrator logs nothing of it and answers its events 503
   */
  void commit(long start, List<byte[]> entries, long newSize, Hash root) throws NotWriterException;

  /**
   * Why this process would refuse a batch now, or null when it takes writes: asked before an
   * event's signatures are verified, so that a standby spends nothing on writes it must refuse.
   * Advisory: {@link #commit} decides.
   */
  default NotWriterException refusal() {
    return null;
  }
}
