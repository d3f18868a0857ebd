package org.rcskt.server.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcskt.server.log.UnavailableException;

/**
 * The process-wide bounds on {@code GET /v1/feed} subscribers, shared by every event loop: a total,
 * and a bound per source address (its prefix, as {@link SourceKeys} makes it), so that one client
 * cannot take every slot.
 */
public final class FeedSubscribers {
  /** The default bound. */
  public static final int DEFAULT_MAX = 256;

  /** The default bound per source address. */
  public static final int DEFAULT_MAX_PER_SOURCE = 16;

  /** The default time a subscriber may read nothing while its queue is full. */
  public static final int DEFAULT_STALL_SECONDS = 30;

  final AtomicInteger count = new AtomicInteger();
  final int max;
  final long stallMillis;
  private final int maxPerSource;
  private final SourceKeys keys;
  // Feeds open per source; a source's entry is removed when its count falls to zero, so the map
  // holds at most max entries.
  private final ConcurrentHashMap<SourceKey, Integer> bySource = new ConcurrentHashMap<>();

  /**
   * @param max the most feeds served at once, 0 to 100,000 (0 switches the feed off: every request
   *     is 503)
   * @param stallSeconds how long a subscriber may read nothing while its queue is full before it is
   *     dropped, 1 to 3,600
   */
  public FeedSubscribers(int max, int stallSeconds) {
    this(max, stallSeconds, Math.max(1, max), new SourceKeys(false, 32, 64));
  }

  /**
   * As {@link #FeedSubscribers(int, int)}, with at most {@code maxPerSource} feeds (1 to 100,000)
   * from one source, as {@code keys} tells sources apart.
   */
  public FeedSubscribers(int max, int stallSeconds, int maxPerSource, SourceKeys keys) {
    if (maxPerSource < 1 || maxPerSource > 100_000) {
      throw new IllegalArgumentException(
          "feed subscribers per address must be 1..100000, got " + maxPerSource);
    }
    this.maxPerSource = maxPerSource;
    this.keys = java.util.Objects.requireNonNull(keys, "keys");
    if (max < 0 || max > 100_000) {
      throw new IllegalArgumentException("feed subscribers must be 0..100000, got " + max);
    }
    if (stallSeconds < 1 || stallSeconds > 3600) {
      throw new IllegalArgumentException("feed stall must be 1..3600 s, got " + stallSeconds);
    }
    this.max = max;
    this.stallMillis = stallSeconds * 1000L;
  }

  /**
   * Takes a slot for a feed to {@code req}'s source.
   *
   * @return the source to hand back to {@link #release}
   * @throws UnavailableException {@code too_many_subscribers} when the process or the source has as
   *     many feeds as it may
   */
  SourceKey acquire(HttpServerRequest req) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw new UnavailableException(
          "too_many_subscribers",
          "the log serves at most " + max + " feeds at once; retry later",
          5,
          null);
    }
    SourceKey source = keys.of(req);
    boolean[] admitted = {false};
    bySource.compute(
        source,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= maxPerSource) {
            return n;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      count.decrementAndGet();
      throw new UnavailableException(
          "too_many_subscribers",
          "the log serves at most "
              + maxPerSource
              + " feeds at once to one address; close one or retry later",
          5,
          null);
    }
    return source;
  }

  /** Gives back a slot {@link #acquire} took. */
  void release(SourceKey source) {
    count.decrementAndGet();
    bySource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** How many feeds are open now from {@code source} (for tests). */
  int openFrom(SourceKey source) {
    return bySource.getOrDefault(source, 0);
  }

  /** How many feeds are open now. */
  public int open() {
    return count.get();
  }
}
