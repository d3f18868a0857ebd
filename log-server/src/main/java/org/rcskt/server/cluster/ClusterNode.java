package org.rcskt.server.cluster;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.LogStateException;
import org.rcskt.server.log.TreeHead;

/**
 * One process of a log run by several (docs/design/0022-standby-writer.md): a standby that applies
 * every batch committed to the {@link ZkCommitLog} to its own log, and when elected, catches up,
 * begins a term and takes writes through its {@link ZkCommitGate} until it is deposed or fenced
 * off, then follows again.
 *
 * <p>One thread does all of it, so following and beginning a term never overlap: a process that
 * writes applies nothing from the commit log (its own batches are in its store already), and a
 * process that follows commits nothing.
 */
public final class ClusterNode implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

  /** Where the process stands. */
  public enum Role {
    /** Applying what the writer commits; writes are refused. */
    STANDBY,
    /** Holding a term: taking writes. */
    WRITER,
    /**
     * Stopped following: a committed batch does not replay here, or the commit log was pruned past
     * it.
     */
    FAILED,
    /** A read-only replica: follows the writer and serves reads, never stands for election. */
    REPLICA
  }

  private final ZkCommitLog commits;
  private final KeyEventLog log;
  private final ZkCommitGate gate;
  private final WriterElection election;
  private final long pollMillis;
  private final Runnable onWriter;
  private final long retainEntries;
  private long lastPrune = System.nanoTime();

  /** How often a writer prunes the commit log. */
  static final long PRUNE_EVERY_MILLIS = 10_000;

  private final Thread thread;
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean elected;
  private volatile Role role;
  // What this process is while it does not write: STANDBY, or REPLICA if it never stands.
  private final Role following;
  private volatile String failure;

  /**
   * @param gate the gate {@code log} was opened with
   * @param election the election this process joins (not started yet); a function returning null
   *     makes the process a read-only replica, which never stands
   * @param pollMillis how often a standby looks for new batches (a watch would be sooner; polling
   *     bounds the work whatever the writer does)
   * @param onWriter run on the node's thread each time a term begins, before the loop goes on
   *     (development mode logs its carrier's ANCHOR there); what it throws is logged
   * @param retainEntries how many of the latest entries the writer keeps in the commit log for
   *     standbys to catch up from; it prunes older batches every {@link #PRUNE_EVERY_MILLIS}
   */
  public ClusterNode(
      ZkCommitLog commits,
      KeyEventLog log,
      ZkCommitGate gate,
      java.util.function.Function<WriterElection.Listener, WriterElection> election,
      long pollMillis,
      Runnable onWriter,
      long retainEntries) {
    this.onWriter = onWriter;
    this.retainEntries = retainEntries;
    this.commits = commits;
    this.log = log;
    this.gate = gate;
    this.pollMillis = pollMillis;
    this.election =
        election.apply(
            new WriterElection.Listener() {
              @Override
              public void elected() {
                ClusterNode.this.elected = true;
                wake();
              }

              @Override
              public void deposed() {
                ClusterNode.this.elected = false;
                // Refuse writes at once, before the loop notices.
                gate.endTerm();
              }
            });
    this.following = this.election == null ? Role.REPLICA : Role.STANDBY;
    this.role = following;
    this.thread = new Thread(this::run, "rcskt-cluster");
    this.thread.setDaemon(true);
  }

  /** Joins the election (unless a replica) and starts following. */
  public void start() {
    thread.start();
    if (election != null) {
      election.start();
    }
  }

  public Role role() {
    return role;
  }

  /** Why the process stopped following, or null. */
  public String failure() {
    return failure;
  }

  private void run() {
    while (running) {
      try {
        if (role == Role.FAILED) {
          return;
        }
        if (gate.writing()) {
          role = Role.WRITER;
          if (!elected) {
            gate.endTerm();
          } else {
            pruneNow();
          }
        } else {
          if (role == Role.WRITER) {
            LOG.log(System.Logger.Level.WARNING, "no longer the writer; following the commit log");
          }
          role = following;
          catchUp();
          if (elected) {
            takeOver();
          }
        }
        pause(pollMillis);
      } catch (CommitLogException e) {
        if (e.gap()) {
          stopFollowing(e.getMessage() + "; seed this store from the writer's");
          return;
        }
        LOG.log(System.Logger.Level.WARNING, "the commit log: " + e.getMessage());
        pause(500);
      } catch (LogStateException e) {
        stopFollowing(e.getMessage());
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "following the commit log failed", e);
        pause(500);
      }
    }
  }

  /** Gives up following for good: the process serves what it has and takes no writes. */
  private void stopFollowing(String why) {
    failure = why;
    role = Role.FAILED;
    gate.endTerm();
    LOG.log(System.Logger.Level.ERROR, "stopped following the commit log: " + why);
  }

  private static void pause(long millis) {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /** As the writer, keeps the commit log to the latest retainEntries entries, now and then. */
  private void pruneNow() {
    if (System.nanoTime() - lastPrune < TimeUnit.MILLISECONDS.toNanos(PRUNE_EVERY_MILLIS)) {
      return;
    }
    lastPrune = System.nanoTime();
    long below = log.head().treeSize() - retainEntries;
    if (below > 0) {
      int removed = commits.prune(below);
      if (removed > 0) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "pruned " + removed + " znodes of the commit log below " + below);
      }
    }
  }

  /** Applies every committed batch beyond the local log, in order. */
  long catchUp() {
    while (true) {
      long size = log.head().treeSize();
      List<ZkCommitLog.Batch> batches = commits.read(size, 10_000);
      if (batches.isEmpty()) {
        return size;
      }
      for (ZkCommitLog.Batch b : batches) {
        TreeHead after;
        try {
          after =
              log.applyCommitted(b.start(), b.entries(), b.treeSize(), b.root())
                  .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof LogStateException ls) {
            throw ls;
          }
          throw new LogStateException(
              "applying the batch at " + b.start() + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
          throw new CommitLogException("applying the batch at " + b.start() + " took over 60 s");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CommitLogException("interrupted");
        }
        if (after.treeSize() != b.treeSize() || !after.rootHash().equals(b.root())) {
          throw new LogStateException("the batch at " + b.start() + " left the log at " + after);
        }
      }
    }
  }

  /** Begins a term over the caught-up log; if someone committed meanwhile, catches up again. */
  private void takeOver() {
    for (int attempt = 0; attempt < 5 && elected && running; attempt++) {
      TreeHead h = log.head();
      try {
        ZkCommitLog.Term t = gate.beginTerm(h.treeSize(), h.rootHash());
        role = Role.WRITER;
        LOG.log(
            System.Logger.Level.INFO,
            "writer from tree size " + h.treeSize() + " (term " + t.epoch() + ")");
        try {
          onWriter.run();
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING, "the first task as writer failed: " + e.getMessage());
        }
        return;
      } catch (FencedException e) {
        catchUp();
      }
    }
  }

  /** Leaves the election and stops following; a second call does nothing. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    gate.endTerm();
    wake();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (election != null) {
      election.close();
    }
  }

  /** Wakes the node's thread from its poll. */
  private void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }
}
