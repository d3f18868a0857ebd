package org.rcskt.server.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A token bucket per client (docs/design/0008-lookup-rate-limit.md): each {@link SourceKey} may
 * take {@code burst} tokens at once and earns {@code perSecond} more a second, up to {@code burst}.
 *
 * <p>Each bucket is kept as one number, its theoretical arrival time (the generic cell rate
 * algorithm, equivalent to a token bucket): the time at which it will be full again. A bucket that
 * is full holds nothing a fresh one would not, so it can be forgotten without giving its source
 * anything: only such buckets are evicted.
 *
 * <p>Memory is bounded by {@code maxSources} buckets whatever the number of sources. The table is
 * split into segments, each with its share of the bound and its own lock, held only for a lookup
 * and an update of one bucket. When a new source arrives at a full segment, the least recently used
 * buckets of the segment are looked at and a full one evicted; when none of them is full, the new
 * source is charged to one overflow bucket shared by every source that finds no room. A spray of
 * addresses can thus neither grow the table nor earn more than one more bucket's worth of tokens;
 * the price, while the table is full of active buckets, is that new sources share that bucket.
 *
 * <p>Safe for use from any number of threads; no lock is held across anything but arithmetic.
 */
public final class SourceRateLimiter {
  /** The slowest rate: one token every 1,000 s. */
  public static final double MIN_PER_SECOND = 0.001;

  public static final double MAX_PER_SECOND = 1_000_000;
  public static final int MAX_BURST = 1_000_000;

  private static final int MAX_SEGMENTS = 64;
  private static final int EVICTION_SCAN = 8;

  private final long intervalNanos;
  private final long toleranceNanos;
  private final double perSecond;
  private final int burst;
  private final int maxSources;
  private final Segment[] segments;
  private final int seed = ThreadLocalRandom.current().nextInt();
  private Bucket overflow; // made at first use, guarded by this

  /** A bucket: the time, in nanoseconds of the caller's clock, at which it is full again. */
  private static final class Bucket {
    long fullAt;

    Bucket(long fullAt) {
      this.fullAt = fullAt;
    }
  }

  private static final class Segment {
    final int capacity;
    final LinkedHashMap<SourceKey, Bucket> buckets;

    Segment(int capacity) {
      this.capacity = capacity;
      this.buckets = new LinkedHashMap<>(16, 0.75f, true);
    }
  }

  /**
   * @param perSecond tokens earned a second, 0.001 to 1,000,000
   * @param burst the most tokens a bucket holds, 1 to 1,000,000
   * @param maxSources the most buckets kept, at least 1
   * @throws IllegalArgumentException if an argument is out of range
   */
  public SourceRateLimiter(double perSecond, int burst, int maxSources) {
    if (!(perSecond >= MIN_PER_SECOND && perSecond <= MAX_PER_SECOND)) {
      throw new IllegalArgumentException("perSecond must be in 0.001..1000000, got " + perSecond);
    }
    if (burst < 1 || burst > MAX_BURST) {
      throw new IllegalArgumentException("burst must be in 1..1000000, got " + burst);
    }
    if (maxSources < 1) {
      throw new IllegalArgumentException("maxSources must be at least 1, got " + maxSources);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxSources = maxSources;
    this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
    // At most 1e12 ns times 1e6: no overflow, and room left for adding the time of day.
    this.toleranceNanos = intervalNanos * (burst - 1L);
    int n = Math.min(MAX_SEGMENTS, Integer.highestOneBit(Math.max(1, maxSources / 256)));
    segments = new Segment[n];
    for (int i = 0; i < n; i++) {
      segments[i] = new Segment(maxSources / n + (i < maxSources % n ? 1 : 0));
    }
  }

  public double perSecond() {
    return perSecond;
  }

  public int burst() {
    return burst;
  }

  public int maxSources() {
    return maxSources;
  }

  /**
   * Takes one token from {@code key}'s bucket if it has one.
   *
   * @param nowNanos the current time on a monotonic clock ({@link System#nanoTime()}), the same
   *     clock for every call
   * @return 0 when a token was taken; otherwise the nanoseconds until the bucket will hold one (at
   *     least 1)
   */
  public long tryAcquire(SourceKey key, long nowNanos) {
    return tryAcquire(key, nowNanos, 1);
  }

  /**
   * Takes {@code tokens} tokens from {@code key}'s bucket if it holds that many: all or none.
   *
   * @param tokens 1 to {@link #burst()}: more can never be taken at once
   * @return 0 when they were taken; otherwise the nanoseconds until the bucket will hold them
   * @throws IllegalArgumentException if {@code tokens} is out of range
   */
  public long tryAcquire(SourceKey key, long nowNanos, int tokens) {
    if (tokens < 1 || tokens > burst) {
      throw new IllegalArgumentException("tokens must be in 1.." + burst + ", got " + tokens);
    }
    Segment s = segments[(mix(key) & 0x7fff_ffff) % segments.length];
    synchronized (s) {
      Bucket b = s.buckets.get(key);
      if (b == null) {
        if (s.buckets.size() >= s.capacity && !evictOneFull(s, nowNanos)) {
          synchronized (this) {
            if (overflow == null) {
              overflow = new Bucket(nowNanos);
            }
            return take(overflow, nowNanos, tokens);
          }
        }
        b = new Bucket(nowNanos);
        s.buckets.put(key, b);
      }
      return take(b, nowNanos, tokens);
    }
  }

  /**
   * The GCRA step for {@code n} tokens: they are there when the bucket's full time, moved on by the
   * first {@code n - 1} of them, is within the tolerance.
   */
  private long take(Bucket b, long now, int n) {
    long start = b.fullAt - now < 0 ? now : b.fullAt;
    long wait = start + (n - 1) * intervalNanos - now - toleranceNanos;
    if (wait > 0) {
      return wait;
    }
    b.fullAt = start + n * intervalNanos;
    return 0;
  }

  /** Evicts a full bucket among the least recently used ones of {@code s}, if there is one. */
  private static boolean evictOneFull(Segment s, long now) {
    Iterator<Bucket> it = s.buckets.values().iterator();
    for (int i = 0; i < EVICTION_SCAN && it.hasNext(); i++) {
      if (it.next().fullAt - now <= 0) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  private int mix(SourceKey key) {
    // Seeded per instance, so that nobody can choose addresses that all land in one segment.
    long h = key.high() * 0x9e3779b97f4a7c15L ^ key.low() * 0xc2b2ae3d27d4eb4fL ^ seed;
    h ^= h >>> 31;
    h *= 0xbf58476d1ce4e5b9L;
    return (int) (h ^ (h >>> 32));
  }

  /**
   * How many buckets are kept (besides the overflow bucket); never more than {@code maxSources}.
   */
  public int size() {
    int n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.buckets.size();
      }
    }
    return n;
  }

  /**
   * A wait in nanoseconds as a {@code Retry-After} value: whole seconds, rounded up, at least 1.
   */
  public static int retryAfterSeconds(long waitNanos) {
    long s = waitNanos / 1_000_000_000L + (waitNanos % 1_000_000_000L > 0 ? 1 : 0);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
  }
}
