package org.rcskt.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Running the log as one of several processes with a writer elected through ZooKeeper
 * (docs/design/0022-standby-writer.md): the {@code cluster} block of the configuration file.
 * Without it the log is one process, as it has always been.
 *
 * @param zookeeper the ZooKeeper connect string, {@code host:port[,host:port...][/chroot]}
 * @param basePath where this log's state lives in ZooKeeper; every process of the log names the
 *     same one, and no other log does
 * @param nodeId this process's name among the log's processes, unique among them
 * @param sessionTimeoutMillis the ZooKeeper session timeout: how long a writer that stopped
 *     answering (dead, paused, cut off) keeps its election before a standby takes over
 * @param pollMillis how often a standby looks for batches the writer committed
 * @param retainEntries how many of the latest entries the commit log keeps for standbys to catch up
 *     from; ZooKeeper holds its data in memory, so this bounds what the log costs it
 */
public record ClusterConfig(
    String zookeeper,
    String basePath,
    String nodeId,
    int sessionTimeoutMillis,
    int pollMillis,
    long retainEntries,
    boolean candidate) {
  private static final Pattern CONNECT =
      Pattern.compile(
          "[A-Za-z0-9.\\-]+:[0-9]{1,5}(,[A-Za-z0-9.\\-]+:[0-9]{1,5})*(/[A-Za-z0-9._/\\-]*)?");
  private static final Pattern BASE = Pattern.compile("(/[A-Za-z0-9._\\-]{1,64}){1,8}");
  private static final Pattern NODE = Pattern.compile("[a-z0-9._\\-]{1,64}");

  public static final int DEFAULT_SESSION_TIMEOUT_MILLIS = 4000;
  public static final int DEFAULT_POLL_MILLIS = 50;
  public static final long DEFAULT_RETAIN_ENTRIES = 200_000;

  public ClusterConfig {
    if (zookeeper == null || zookeeper.length() > 1024 || !CONNECT.matcher(zookeeper).matches()) {
      throw new ConfigException(
          "cluster.zookeeper must be host:port[,host:port...][/chroot], got " + zookeeper);
    }
    if (basePath == null || !BASE.matcher(basePath).matches()) {
      throw new ConfigException(
          "cluster.basePath must be 1 to 8 segments of /[A-Za-z0-9._-]{1,64}, got " + basePath);
    }
    if (nodeId == null || !NODE.matcher(nodeId).matches()) {
      throw new ConfigException("cluster.nodeId must match [a-z0-9._-]{1,64}, got " + nodeId);
    }
    if (sessionTimeoutMillis < 1000 || sessionTimeoutMillis > 60_000) {
      throw new ConfigException(
          "cluster.sessionTimeoutMillis must be in 1000..60000, got " + sessionTimeoutMillis);
    }
    if (pollMillis < 10 || pollMillis > 10_000) {
      throw new ConfigException("cluster.pollMillis must be in 10..10000, got " + pollMillis);
    }
    if (retainEntries < 1000 || retainEntries > 100_000_000) {
      throw new ConfigException(
          "cluster.retainEntries must be in 1000..100000000, got " + retainEntries);
    }
  }

  /** The same block for a read-only replica: one that never stands for election. */
  public ClusterConfig asReplica() {
    return new ClusterConfig(
        zookeeper, basePath, nodeId, sessionTimeoutMillis, pollMillis, retainEntries, false);
  }

  /** The block with the default timeout and poll interval. */
  public static ClusterConfig of(String zookeeper, String basePath, String nodeId) {
    return new ClusterConfig(
        zookeeper,
        basePath,
        nodeId,
        DEFAULT_SESSION_TIMEOUT_MILLIS,
        DEFAULT_POLL_MILLIS,
        DEFAULT_RETAIN_ENTRIES,
        true);
  }

  /** Reads the {@code cluster} block; unknown fields are refused. */
  static ClusterConfig fromJson(Path file, String key, JsonNode v) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    String zk = null;
    String base = null;
    String node = null;
    int session = DEFAULT_SESSION_TIMEOUT_MILLIS;
    int poll = DEFAULT_POLL_MILLIS;
    long retain = DEFAULT_RETAIN_ENTRIES;
    boolean candidate = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = key + "." + e.getKey();
      JsonNode w = e.getValue();
      switch (e.getKey()) {
        case "zookeeper" -> zk = ServerConfig.text(file, f, w);
        case "basePath" -> base = ServerConfig.text(file, f, w);
        case "nodeId" -> node = ServerConfig.text(file, f, w);
        case "sessionTimeoutMillis" -> session = ServerConfig.integer(file, f, w);
        case "pollMillis" -> poll = ServerConfig.integer(file, f, w);
        case "retainEntries" -> retain = w.isIntegralNumber() ? w.asLong() : -1;
        case "candidate" -> candidate = ServerConfig.bool(file, f, w);
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + f + "\"");
      }
    }
    if (zk == null || base == null || node == null) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" needs \"zookeeper\", \"basePath\" and \"nodeId\"");
    }
    try {
      return new ClusterConfig(zk, base, node, session, poll, retain, candidate);
    } catch (ConfigException ex) {
      throw new ConfigException("config file " + file + ": " + ex.getMessage());
    }
  }
}
