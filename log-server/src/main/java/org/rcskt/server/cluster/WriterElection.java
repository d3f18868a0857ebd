package org.rcskt.server.cluster;

import java.io.Closeable;
import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;

/**
 * Which of the log's processes may write: one at a time, elected with Curator's {@link LeaderLatch}
 * below the log's base path. Being elected is not being allowed to commit: an elected process
 * catches up with the committed log and begins a term with {@link ZkCommitLog#beginTerm}, and it is
 * the term's fencing, not the election, that keeps two writers from forking the log (a process that
 * has lost its ZooKeeper session may believe itself elected for a while).
 */
public final class WriterElection implements Closeable {
  /** What the process hears of its standing. */
  public interface Listener {
    /** This process has been elected: catch up, begin a term, then take writes. */
    void elected();

    /** This process is no longer elected (or lost its connection): stop taking writes. */
    void deposed();
  }

  private final LeaderLatch latch;

  /**
   * @param id this process's name among the log's processes, shown in the head of the commit log
   */
  public WriterElection(CuratorFramework zk, String basePath, String id, Listener listener) {
    this.latch = new LeaderLatch(zk, basePath + "/election", id);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            listener.elected();
          }

          @Override
          public void notLeader() {
            listener.deposed();
          }
        });
  }

  /** Joins the election. */
  public void start() {
    try {
      latch.start();
    } catch (Exception e) {
      throw new CommitLogException("joining the writer election failed: " + e, e);
    }
  }

  /** Whether this process currently believes itself elected. */
  public boolean elected() {
    return latch.hasLeadership();
  }

  /** Leaves the election; another process may be elected at once. */
  @Override
  public void close() throws IOException {
    latch.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
  }
}
