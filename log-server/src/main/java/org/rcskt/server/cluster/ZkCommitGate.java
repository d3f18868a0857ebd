package org.rcskt.server.cluster;

import java.util.List;
import org.rcskt.server.log.CommitGate;
import org.rcskt.server.log.NotWriterException;
import org.rcskt.verifier.Hash;

/**
 * The integrator's commit step for a log of several processes: a batch is committed to the {@link
 * ZkCommitLog} under this process's term, or not at all. Without a term (a standby, or a writer
 * whose term was fenced off) every batch is refused, so the log signs and answers nothing it has
 * not committed.
 */
public final class ZkCommitGate implements CommitGate {
  private final ZkCommitLog log;
  private final String writer;
  private volatile ZkCommitLog.Term term;
  private volatile String lastFencing;

  /**
   * @param writer this process's id among the log's processes
   */
  public ZkCommitGate(ZkCommitLog log, String writer) {
    this.log = log;
    this.writer = writer;
  }

  /**
   * Begins a term over the local tree {@code (treeSize, root)}, which must be the committed head.
   *
   * @throws FencedException if it is not (catch up and try again) or another term began meanwhile
   */
  public ZkCommitLog.Term beginTerm(long treeSize, Hash root) throws FencedException {
    ZkCommitLog.Term t = log.beginTerm(writer, treeSize, root);
    term = t;
    lastFencing = null;
    return t;
  }

  /** Ends this process's term here (deposed): further batches are refused. */
  public void endTerm() {
    term = null;
  }

  /** Whether this process holds a term that has not been fenced off. */
  public boolean writing() {
    ZkCommitLog.Term t = term;
    return t != null && !t.fenced();
  }

  @Override
  public NotWriterException refusal() {
    ZkCommitLog.Term t = term;
    if (t == null || t.fenced()) {
      return new NotWriterException(
          "standby",
          "this process ("
              + writer
              + ") is a standby and takes no writes"
              + (lastFencing == null ? "" : " (" + lastFencing + ")"),
          1,
          null);
    }
    return null;
  }

  @Override
  public void commit(long start, List<byte[]> entries, long newSize, Hash root)
      throws NotWriterException {
    ZkCommitLog.Term t = term;
    if (t == null) {
      throw refusal();
    }
    if (t.treeSize() != start) {
      // The local log and the term disagree: the term's last commit outcome was not applied here.
      term = null;
      throw new NotWriterException(
          "fenced",
          "the local log is at " + start + " but this term has committed to " + t.treeSize(),
          1,
          null);
    }
    try {
      log.commit(t, entries, newSize, root);
    } catch (FencedException e) {
      term = null;
      lastFencing = e.getMessage();
      throw new NotWriterException("fenced", e.getMessage(), 1, e);
    } catch (CommitLogException e) {
      throw new NotWriterException(
          "commit_unavailable", "the commit log is unavailable: " + e.getMessage(), 2, e);
    }
  }
}
