package org.rcskt.server.testing;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;

/** Curator clients of a test's ZooKeeper server (curator-test's TestingServer) on loopback. */
public final class ZooKeeperClients {
  private ZooKeeperClients() {}

  /**
   * A started client, connected within 10 s, with a short session ({@code sessionMillis}) and a few
   * quick retries; the caller closes it.
   */
  public static CuratorFramework connect(String connectString, int sessionMillis)
      throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(sessionMillis)
            .connectionTimeoutMs(sessionMillis)
            .retryPolicy(new RetryNTimes(5, 100))
            .build();
    c.start();
    if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
      c.close();
      throw new IllegalStateException("no connection to the test ZooKeeper at " + connectString);
    }
    return c;
  }
}
