package org.rcskt.server.http;

import java.util.concurrent.atomic.AtomicInteger;

/** The process-wide bound on {@code GET /v1/feed} subscribers, shared by every event loop. */
public final class FeedSubscribers {
  /** The default bound. */
  public static final int DEFAULT_MAX = 256;

  /** The default time a subscriber may read nothing while its queue is full. */
  public static final int DEFAULT_STALL_SECONDS = 30;

  final AtomicInteger count = new AtomicInteger();
  final int max;
  final long stallMillis;

  /**
   * @param max the most feeds served at once, 0 to 100,000 (0 switches the feed off: every request
   *     is 503)
   * @param stallSeconds how long a subscriber may read nothing while its queue is full before it is
   *     dropped, 1 to 3,600
   */
  public FeedSubscribers(int max, int stallSeconds) {
    if (max < 0 || max > 100_000) {
      throw new IllegalArgumentException("feed subscribers must be 0..100000, got " + max);
    }
    if (stallSeconds < 1 || stallSeconds > 3600) {
      throw new IllegalArgumentException("feed stall must be 1..3600 s, got " + stallSeconds);
    }
    this.max = max;
    this.stallMillis = stallSeconds * 1000L;
  }

  /** How many feeds are open now. */
  public int open() {
    return count.get();
  }
}
