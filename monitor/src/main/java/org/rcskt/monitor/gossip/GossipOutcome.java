package org.rcskt.monitor.gossip;

import java.util.Locale;

/** What became of a checkpoint heard through gossip. */
public enum GossipOutcome {
  /** Verified, and consistent with the monitor's own view in both directions. */
  CONSISTENT(200),
  /** Verified, and not consistent with the monitor's view: the log shows different trees. */
  SPLIT_VIEW(200),
  /** Signed by the log but not yet checkable (the log has no proof for it yet, or is down). */
  UNVERIFIED(202),
  /** Not parseable as a signed checkpoint. */
  MALFORMED(400),
  /** No valid signature of the log's key. */
  BAD_SIGNATURE(403),
  /** For a log this monitor does not follow. */
  UNKNOWN_ORIGIN(404);

  private final int httpStatus;

  GossipOutcome(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The status of the answer to {@code POST /gossip/checkpoint}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The wire name, for example {@code split-view}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
