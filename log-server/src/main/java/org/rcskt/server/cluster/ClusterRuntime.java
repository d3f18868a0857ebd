package org.rcskt.server.cluster;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.rcskt.server.config.ClusterConfig;
import org.rcskt.server.log.CommitGate;
import org.rcskt.server.log.KeyEventLog;

/**
 * What {@code serve} runs when its configuration has a {@code cluster} block: the ZooKeeper
 * session, the commit gate the log is opened with, and the node that follows, takes over and writes
 * (docs/design/0022-standby-writer.md).
 */
public final class ClusterRuntime implements AutoCloseable {
  private final ClusterConfig config;
  private final CuratorFramework zk;
  private final ZkCommitLog commits;
  private final ZkCommitGate gate;
  private ClusterNode node;

  private ClusterRuntime(ClusterConfig config, CuratorFramework zk) {
    this.config = config;
    this.zk = zk;
    this.commits = new ZkCommitLog(zk, config.basePath());
    this.gate = new ZkCommitGate(commits, config.nodeId());
  }

  /**
   * Connects to ZooKeeper.
   *
   * @throws CommitLogException if no connection is made within 30 s
   */
  public static ClusterRuntime connect(ClusterConfig config) {
    quietZooKeeper();
    CuratorFramework zk =
        CuratorFrameworkFactory.builder()
            .connectString(config.zookeeper())
            .sessionTimeoutMs(config.sessionTimeoutMillis())
            .connectionTimeoutMs(Math.min(15_000, config.sessionTimeoutMillis()))
            .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000))
            .build();
    zk.start();
    try {
      if (!zk.blockUntilConnected(30, TimeUnit.SECONDS)) {
        zk.close();
        throw new CommitLogException(
            "no connection to ZooKeeper at " + config.zookeeper() + " within 30 s");
      }
    } catch (InterruptedException e) {
      zk.close();
      Thread.currentThread().interrupt();
      throw new CommitLogException("interrupted while connecting to ZooKeeper");
    }
    return new ClusterRuntime(config, zk);
  }

  // Held, so that the levels set on them stay set (java.util.logging keeps loggers weakly).
  private static final List<java.util.logging.Logger> QUIETED = new java.util.ArrayList<>();

  /**
   * ZooKeeper's and Curator's clients log every connection step at INFO: only their warnings go to
   * the server's log.
   */
  public static synchronized void quietZooKeeper() {
    if (QUIETED.isEmpty()) {
      for (String name : new String[] {"org.apache.zookeeper", "org.apache.curator"}) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        QUIETED.add(l);
      }
    }
  }

  /** The gate to open the log with: it refuses every batch until this process holds a term. */
  public CommitGate gate() {
    return gate;
  }

  /**
   * Starts following {@code log} (opened with {@link #gate()}) and joins the election; {@code
   * onWriter} runs each time this process begins a term.
   */
  public synchronized void start(KeyEventLog log, Runnable onWriter) {
    if (node != null) {
      throw new IllegalStateException("already started");
    }
    node =
        new ClusterNode(
            commits,
            log,
            gate,
            config.candidate()
                ? l -> new WriterElection(zk, config.basePath(), config.nodeId(), l)
                : l -> null,
            config.pollMillis(),
            onWriter,
            config.retainEntries());
    node.start();
  }

  public String nodeId() {
    return config.nodeId();
  }

  /** Where this process stands; STANDBY before {@link #start}. */
  public ClusterNode.Role role() {
    ClusterNode n = node;
    return n == null ? ClusterNode.Role.STANDBY : n.role();
  }

  /** Why this process stopped following, or null. */
  public String failure() {
    ClusterNode n = node;
    return n == null ? null : n.failure();
  }

  @Override
  public void close() throws IOException {
    ClusterNode n;
    synchronized (this) {
      n = node;
    }
    if (n != null) {
      n.close();
    }
    zk.close();
  }
}
