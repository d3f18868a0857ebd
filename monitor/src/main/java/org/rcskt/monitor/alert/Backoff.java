package org.rcskt.monitor.alert;

import java.time.Duration;

/**
 * Exponential backoff between delivery attempts: {@code min}, doubling after every failure, capped
 * at {@code max}, reset by a success.
 */
public final class Backoff {
  private final long minMs;
  private final long maxMs;
  private long nextMs;

  /**
   * @throws IllegalArgumentException unless {@code 0 < min <= max}
   */
  public Backoff(Duration min, Duration max) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < min <= max, got min " + min + " and max " + max);
    }
    this.minMs = min.toMillis();
    this.maxMs = max.toMillis();
    this.nextMs = minMs;
  }

  /** The wait before the next attempt, and doubles the one after. */
  public long nextDelayMillis() {
    long d = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return d;
  }

  /** Back to the minimum after a success. */
  public void reset() {
    nextMs = minMs;
  }
}
