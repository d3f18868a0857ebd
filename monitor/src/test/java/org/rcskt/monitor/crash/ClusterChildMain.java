package org.rcskt.monitor.crash;

import java.nio.file.Path;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ClusterConfig;
import org.rcskt.server.config.ServerConfig;

/**
 * A child process of {@link WriterFailoverTest}: one process of a log run by several, in
 * development mode on a free loopback port, over the data directory, ZooKeeper and node id given as
 * arguments ({@code <dataDir> <zookeeper> <nodeId> <sessionTimeoutMillis>}). Prints {@code PORT
 * <port>}, then serves until it is killed, or until its standard input reaches end of file (the
 * test JVM is gone), when it halts.
 */
public final class ClusterChildMain {
  /** Where the test's log lives in ZooKeeper. */
  static final String BASE_PATH = "/rcskt/failover";

  private ClusterChildMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: ClusterChildMain <dataDir> <zookeeper> <nodeId> <sessionMillis>");
      System.exit(2);
    }
    LogServer server =
        LogServer.start(
            ServerConfig.builder(Path.of(args[0]))
                .port(0)
                .devMode(true)
                .blockCacheBytes(16L << 20)
                .cluster(
                    new ClusterConfig(
                        args[1],
                        BASE_PATH,
                        args[2],
                        Integer.parseInt(args[3]),
                        20,
                        ClusterConfig.DEFAULT_RETAIN_ENTRIES,
                        true))
                .build());
    System.out.println("PORT " + server.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // The parent never writes; this only waits for it to go away.
    }
    // No orderly close: a killed process gets none either.
    Runtime.getRuntime().halt(0);
  }
}
