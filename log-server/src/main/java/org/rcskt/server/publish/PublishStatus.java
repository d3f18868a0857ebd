package org.rcskt.server.publish;

import java.util.Locale;

/**
 * The publisher's state at one moment, for metrics and {@code /readyz}.
 *
 * @param state what the publisher is doing
 * @param publishedTreeSize the tree size of the checkpoint in the bucket; 0 while not yet known
 * @param lagEntries the log's tree size less {@code publishedTreeSize}
 * @param lagSeconds how long the bucket's checkpoint has been behind the log's: the time since the
 *     publisher first saw a checkpoint the bucket does not have; 0 when caught up
 * @param ready false on a conflict, or when the lag exceeds the configured {@code
 *     readyMaxLagSeconds}
 */
public record PublishStatus(
    State state, long publishedTreeSize, long lagEntries, double lagSeconds, boolean ready) {

  /** What the publisher is doing. */
  public enum State {
    /** Reading and checking the bucket's checkpoint. */
    STARTING,
    /** Writing tiles, bundles and a checkpoint. */
    PUBLISHING,
    /** The bucket holds the log's latest checkpoint. */
    CAUGHT_UP,
    /** The bucket failed: waiting to try again, or trying, until a try succeeds. */
    RETRYING,
    /** The bucket holds what this log did not write; the publisher stopped and writes nothing. */
    CONFLICT,
    /** Closed. */
    STOPPED,
    /** Not publishing: this process is a standby of a log run by several; its writer publishes. */
    IDLE;

    /** The name in {@code /readyz}: {@code caught_up}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
