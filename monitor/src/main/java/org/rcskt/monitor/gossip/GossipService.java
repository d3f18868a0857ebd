package org.rcskt.monitor.gossip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcskt.monitor.follow.HttpFetcher;
import org.rcskt.monitor.follow.LogFollower;
import org.rcskt.monitor.follow.LogHttpException;
import org.rcskt.monitor.metrics.MonitorMetrics;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.note.Note;

/**
 * The gossip side of a monitor: answers what peers send ({@link #hear}), serves its own latest
 * checkpoints ({@link #latestCheckpoints}), and on each round ({@link #exchange}) fetches every
 * peer's checkpoints to verify them and posts its own to every peer, so both sides check both
 * views.
 */
public final class GossipService {
  private static final System.Logger LOG = System.getLogger(GossipService.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The largest {@code GET /gossip/checkpoints} answer read from a peer. */
  public static final int MAX_PEER_ANSWER = 1 << 20;

  /** The most checkpoints taken from one peer answer. */
  public static final int MAX_PEER_CHECKPOINTS = 64;

  private final Map<String, LogFollower> byOrigin = new LinkedHashMap<>();
  private final List<HttpFetcher> peers = new ArrayList<>();
  private final MonitorMetrics metrics;

  public GossipService(
      List<LogFollower> followers, List<String> peers, Duration timeout, MonitorMetrics metrics) {
    for (LogFollower f : followers) {
      byOrigin.put(f.origin(), f);
    }
    for (String p : peers) {
      this.peers.add(new HttpFetcher(URI.create(p), timeout));
    }
    this.metrics = metrics;
  }

  /** The latest verified checkpoint of every followed log, as signed notes. */
  public List<String> latestCheckpoints() {
    List<String> out = new ArrayList<>();
    for (LogFollower f : byOrigin.values()) {
      SignedCheckpoint c = f.verifiedCheckpoint();
      if (c != null) {
        out.add(new String(c.raw(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * Verifies one heard checkpoint against the view of the log it names.
   *
   * @throws IOException if the monitor's state cannot be written
   */
  public GossipResult hear(byte[] raw) throws IOException {
    String origin;
    try {
      origin = Checkpoint.parse(Note.parse(raw).body()).origin();
    } catch (Exception e) {
      metrics.gossipCheckpoint("", GossipOutcome.MALFORMED.wireName());
      return new GossipResult(
          null, GossipOutcome.MALFORMED, "not a signed checkpoint: " + e.getMessage(), null);
    }
    LogFollower f = byOrigin.get(origin);
    if (f == null) {
      metrics.gossipCheckpoint("", GossipOutcome.UNKNOWN_ORIGIN.wireName());
      return new GossipResult(
          origin, GossipOutcome.UNKNOWN_ORIGIN, "this monitor does not follow " + origin, null);
    }
    GossipResult r = f.checkHeard(raw);
    metrics.gossipCheckpoint(origin, r.outcome().wireName());
    return r;
  }

  /**
   * One round with every peer: fetch and verify its checkpoints, then post ours.
   *
   * @throws IOException if the monitor's state cannot be written
   */
  public void exchange() throws IOException {
    List<String> mine = latestCheckpoints();
    for (HttpFetcher peer : peers) {
      String name = peer.base().toString();
      try {
        JsonNode answer = JSON.readTree(peer.get("gossip/checkpoints", MAX_PEER_ANSWER));
        JsonNode list = answer == null ? null : answer.get("checkpoints");
        if (list == null || !list.isArray()) {
          throw new LogHttpException(name + " answered without a \"checkpoints\" list", 0);
        }
        int n = 0;
        for (JsonNode c : list) {
          if (n++ == MAX_PEER_CHECKPOINTS) {
            break;
          }
          hear(c.asText().getBytes(StandardCharsets.UTF_8));
        }
        for (String c : mine) {
          peer.post(
              "gossip/checkpoint",
              "text/plain; charset=utf-8",
              c.getBytes(StandardCharsets.UTF_8),
              MAX_PEER_ANSWER);
        }
        metrics.gossipExchange(name, "ok");
      } catch (LogHttpException | com.fasterxml.jackson.core.JacksonException e) {
        metrics.gossipExchange(name, "unreachable");
        LOG.log(Level.WARNING, "gossip with " + name + " failed: " + e.getMessage());
      }
    }
  }
}
