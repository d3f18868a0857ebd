package org.rcskt.monitor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated monitor configuration (docs/monitor.md, "Configuration"). Built by {@link
 * ConfigParser}; every list is immutable.
 *
 * @param dataDir where the monitor keeps its state and evidence (relative paths in the file are
 *     resolved against the file's directory)
 * @param listenHost the address of the monitor's own HTTP endpoints
 * @param listenPort their port; 0 picks a free one
 * @param logs the logs to follow, at least one, origins distinct
 * @param watch the watched subjects, subject indexes distinct
 * @param sinks the alert sinks, names distinct; stdout alone when the file names none
 * @param gossip gossip peers and interval
 * @param heartbeat the heartbeat interval, if heartbeats are on
 * @param witness the witness role, if the monitor serves as a witness
 */
public record MonitorConfig(
    Path dataDir,
    String listenHost,
    int listenPort,
    List<LogConfig> logs,
    List<WatchConfig> watch,
    List<SinkConfig> sinks,
    GossipConfig gossip,
    Optional<Duration> heartbeat,
    Optional<WitnessConfig> witness) {

  public MonitorConfig {
    logs = List.copyOf(logs);
    watch = List.copyOf(watch);
    sinks = List.copyOf(sinks);
  }

  /** A configuration without the witness role. */
  public MonitorConfig(
      Path dataDir,
      String listenHost,
      int listenPort,
      List<LogConfig> logs,
      List<WatchConfig> watch,
      List<SinkConfig> sinks,
      GossipConfig gossip,
      Optional<Duration> heartbeat) {
    this(dataDir, listenHost, listenPort, logs, watch, sinks, gossip, heartbeat, Optional.empty());
  }

  /** The poll interval used when neither the file nor a log names one. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  /** The gossip interval used when the file names none. */
  public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofSeconds(30);

  /** The default port of the monitor's HTTP endpoints. */
  public static final int DEFAULT_PORT = 8090;

  /** A copy with another listen port, for tests and the command line. */
  public MonitorConfig withListenPort(int port) {
    return new MonitorConfig(
        dataDir, listenHost, port, logs, watch, sinks, gossip, heartbeat, witness);
  }

  /** A copy with other gossip peers. */
  public MonitorConfig withGossipPeers(List<String> peers) {
    return new MonitorConfig(
        dataDir,
        listenHost,
        listenPort,
        logs,
        watch,
        sinks,
        new GossipConfig(gossip.interval(), peers),
        heartbeat,
        witness);
  }

  /** A copy with the witness role. */
  public MonitorConfig withWitness(WitnessConfig w) {
    return new MonitorConfig(
        dataDir, listenHost, listenPort, logs, watch, sinks, gossip, heartbeat, Optional.of(w));
  }
}
