package org.rcskt.server.publish;

import java.util.function.DoubleSupplier;

/**
 * Waits between tries after failures: {@value #FIRST_MILLIS} ms, doubling with each failure up to a
 * cap, each wait drawn at random from its upper half so that publishers that failed together do not
 * retry together. {@link #reset} after a success. Not thread-safe.
 */
final class Backoff {
  /** The wait after the first failure, before jitter. */
  static final long FIRST_MILLIS = 100;

  private final long maxMillis;
  private final DoubleSupplier random;
  private long next = FIRST_MILLIS;
  private int failures;

  /**
   * @param maxMillis the longest wait, at least {@link #FIRST_MILLIS}
   * @param random uniform in [0, 1)
   */
  Backoff(long maxMillis, DoubleSupplier random) {
    if (maxMillis < FIRST_MILLIS) {
      throw new IllegalArgumentException(
          "the longest wait " + maxMillis + " ms is shorter than the first " + FIRST_MILLIS);
    }
    this.maxMillis = maxMillis;
    this.random = random;
  }

  /** Records a failure; the milliseconds to wait before the next try, in [d/2, d]. */
  long failed() {
    long d = next;
    next = Math.min(maxMillis, next * 2);
    failures++;
    return d / 2 + (long) (random.getAsDouble() * (d - d / 2 + 1));
  }

  /** Failures since the last success. */
  int failures() {
    return failures;
  }

  /** After a success: the next failure waits {@link #FIRST_MILLIS} again. */
  void reset() {
    next = FIRST_MILLIS;
    failures = 0;
  }
}
