package org.rcskt.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cluster} block of the configuration file: what it takes and what it refuses. */
class ClusterConfigTest {
  @TempDir Path dir;

  private ServerConfig load(String cluster) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "{\"dataDir\": \"d\", \"cluster\": " + cluster + "}");
    return ServerConfig.fromJson(f).build();
  }

  private void refused(String cluster, String message) {
    assertThatThrownBy(() -> load(cluster))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aFullBlockIsReadWithItsDefaults() throws Exception {
    ClusterConfig c =
        load("{\"zookeeper\": \"zk1:2181,zk2.example:2181/kt\", \"basePath\": \"/rcskt/log-1\","
                + " \"nodeId\": \"node-a\"}")
            .cluster();
    assertThat(c.zookeeper()).isEqualTo("zk1:2181,zk2.example:2181/kt");
    assertThat(c.basePath()).isEqualTo("/rcskt/log-1");
    assertThat(c.nodeId()).isEqualTo("node-a");
    assertThat(c.sessionTimeoutMillis()).isEqualTo(ClusterConfig.DEFAULT_SESSION_TIMEOUT_MILLIS);
    assertThat(c.pollMillis()).isEqualTo(ClusterConfig.DEFAULT_POLL_MILLIS);
    assertThat(c.retainEntries()).isEqualTo(ClusterConfig.DEFAULT_RETAIN_ENTRIES);
    assertThat(c.candidate()).isTrue();
    ClusterConfig d =
        load("{\"zookeeper\": \"127.0.0.1:2181\", \"basePath\": \"/a\", \"nodeId\": \"b\","
                + " \"sessionTimeoutMillis\": 1000, \"pollMillis\": 10, \"retainEntries\":"
                + " 1000}")
            .cluster();
    assertThat(d.sessionTimeoutMillis()).isEqualTo(1000);
    assertThat(d.retainEntries()).isEqualTo(1000);
    Path f = dir.resolve("none.json");
    Files.writeString(f, "{\"dataDir\": \"d\"}");
    assertThat(ServerConfig.fromJson(f).build().cluster()).isNull();
  }

  @Test
  void badBlocksAreRefusedNamingTheField() {
    String ok = "\"zookeeper\": \"127.0.0.1:2181\", \"basePath\": \"/rcskt/x\", \"nodeId\": \"a\"";
    refused("[]", "\"cluster\" must be an object");
    refused("{" + ok + ", \"nodeid\": \"b\"}", "unknown key \"cluster.nodeid\"");
    refused("{\"zookeeper\": \"127.0.0.1:2181\", \"nodeId\": \"a\"}", "needs \"zookeeper\"");
    refused(
        "{\"zookeeper\": \"127.0.0.1\", \"basePath\": \"/x\", \"nodeId\": \"a\"}",
        "cluster.zookeeper must be host:port");
    refused(
        "{\"zookeeper\": \"a:1;rm -rf\", \"basePath\": \"/x\", \"nodeId\": \"a\"}",
        "cluster.zookeeper must be host:port");
    refused(
        "{\"zookeeper\": \"a:1\", \"basePath\": \"rcskt\", \"nodeId\": \"a\"}",
        "cluster.basePath must be");
    refused(
        "{\"zookeeper\": \"a:1\", \"basePath\": \"/x/\", \"nodeId\": \"a\"}",
        "cluster.basePath must be");
    refused(
        "{\"zookeeper\": \"a:1\", \"basePath\": \"/x\", \"nodeId\": \"Node A\"}",
        "cluster.nodeId must match");
    refused("{" + ok + ", \"sessionTimeoutMillis\": 999}", "sessionTimeoutMillis must be in");
    refused("{" + ok + ", \"pollMillis\": 100000}", "pollMillis must be in");
    refused("{" + ok + ", \"retainEntries\": 10}", "retainEntries must be in");
    refused("{" + ok + ", \"retainEntries\": \"many\"}", "retainEntries must be in");
    refused("{" + ok + ", \"candidate\": \"no\"}", "cluster.candidate");
    refused("{\"zookeeper\": \"a:1\", \"basePath\": \"/x\", \"nodeId\": 5}", "cluster.nodeId");
  }
}
