package org.rcskt.monitor.config;

import java.time.Duration;
import java.util.List;

/**
 * Gossip with other monitors.
 *
 * @param interval how often to exchange checkpoints with every peer
 * @param peers base URLs of peer monitors
 */
public record GossipConfig(Duration interval, List<String> peers) {
  public GossipConfig {
    peers = List.copyOf(peers);
  }
}
