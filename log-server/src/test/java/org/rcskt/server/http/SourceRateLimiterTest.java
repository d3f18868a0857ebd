package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
  static final long SECOND = 1_000_000_000L;
  static final long T0 = 123_456_789_000L;
  static final SourceKey A = new SourceKey(0, 1);
  static final SourceKey B = new SourceKey(0, 2);

  static SourceKey key(long i) {
    return new SourceKey(i >>> 20, i);
  }

  @Test
  void aFreshBucketHoldsTheBurstAndRefillsAtTheRate() {
    SourceRateLimiter l = new SourceRateLimiter(2, 3, 100);
    assertThat(l.tryAcquire(A, T0)).isZero();
    assertThat(l.tryAcquire(A, T0)).isZero();
    assertThat(l.tryAcquire(A, T0)).isZero();
    // Empty: the next token comes half a second (1 / rate) later.
    assertThat(l.tryAcquire(A, T0)).isEqualTo(SECOND / 2);
    assertThat(l.tryAcquire(A, T0 + SECOND / 4)).isEqualTo(SECOND / 4);
    assertThat(l.tryAcquire(A, T0 + SECOND / 2)).isZero();
    assertThat(l.tryAcquire(A, T0 + SECOND / 2)).isEqualTo(SECOND / 2);
    // Another client has its own bucket.
    assertThat(l.tryAcquire(B, T0)).isZero();
  }

  @Test
  void severalTokensAreTakenAllOrNone() {
    SourceRateLimiter l = new SourceRateLimiter(1, 10, 100);
    assertThat(l.tryAcquire(A, T0, 10)).isZero();
    assertThat(l.tryAcquire(A, T0, 1)).isEqualTo(SECOND);
    // One second on, one token: two are not there (and none is taken), one is.
    assertThat(l.tryAcquire(A, T0 + SECOND, 2)).isEqualTo(SECOND);
    assertThat(l.tryAcquire(A, T0 + SECOND, 1)).isZero();
    // Eight tokens after eight idle seconds, taken at once.
    assertThat(l.tryAcquire(A, T0 + 9 * SECOND, 8)).isZero();
    assertThat(l.tryAcquire(A, T0 + 9 * SECOND, 1)).isEqualTo(SECOND);
    assertThatThrownBy(() -> l.tryAcquire(A, T0, 11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.tryAcquire(A, T0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idleTimeEarnsNoMoreThanTheBurst() {
    SourceRateLimiter l = new SourceRateLimiter(1, 5, 100);
    assertThat(l.tryAcquire(A, T0)).isZero();
    long later = T0 + 3600 * SECOND;
    for (int i = 0; i < 5; i++) {
      assertThat(l.tryAcquire(A, later)).as("token %d", i).isZero();
    }
    assertThat(l.tryAcquire(A, later)).isEqualTo(SECOND);
    // Two seconds on: two tokens, not more.
    assertThat(l.tryAcquire(A, later + 2 * SECOND)).isZero();
    assertThat(l.tryAcquire(A, later + 2 * SECOND)).isZero();
    assertThat(l.tryAcquire(A, later + 2 * SECOND)).isEqualTo(SECOND);
  }

  @Test
  void fractionalRatesAndABurstOfOne() {
    SourceRateLimiter l = new SourceRateLimiter(0.1, 1, 100);
    assertThat(l.tryAcquire(A, T0)).isZero();
    assertThat(l.tryAcquire(A, T0)).isEqualTo(10 * SECOND);
    assertThat(l.tryAcquire(A, T0 + 9 * SECOND)).isEqualTo(SECOND);
    assertThat(l.tryAcquire(A, T0 + 10 * SECOND)).isZero();
  }

  @Test
  void worksAcrossTheClocksSignChange() {
    SourceRateLimiter l = new SourceRateLimiter(1, 1, 100);
    assertThat(l.tryAcquire(A, -SECOND / 2)).isZero();
    assertThat(l.tryAcquire(A, 0)).isEqualTo(SECOND / 2);
    assertThat(l.tryAcquire(A, SECOND / 2)).isZero();
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertThat(SourceRateLimiter.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(SourceRateLimiter.retryAfterSeconds(SECOND)).isEqualTo(1);
    assertThat(SourceRateLimiter.retryAfterSeconds(SECOND + 1)).isEqualTo(2);
    assertThat(SourceRateLimiter.retryAfterSeconds(10 * SECOND - 1)).isEqualTo(10);
    assertThat(SourceRateLimiter.retryAfterSeconds(0)).isEqualTo(1);
    assertThat(SourceRateLimiter.retryAfterSeconds(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void refusesOutOfRangeSettings() {
    assertThatThrownBy(() -> new SourceRateLimiter(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perSecond must be in 0.001..1000000, got 0.0");
    assertThatThrownBy(() -> new SourceRateLimiter(Double.NaN, 1, 1))
        .hasMessage("perSecond must be in 0.001..1000000, got NaN");
    assertThatThrownBy(() -> new SourceRateLimiter(1, 0, 1))
        .hasMessage("burst must be in 1..1000000, got 0");
    assertThatThrownBy(() -> new SourceRateLimiter(1, 1, 0))
        .hasMessage("maxSources must be at least 1, got 0");
  }

  @Test
  void aSprayOfAMillionSourcesNeitherGrowsTheTableNorEarnsMoreThanOneBucket() {
    int max = 1000;
    int burst = 20;
    SourceRateLimiter l = new SourceRateLimiter(1, burst, max);
    // A client that is using its bucket when the spray starts.
    for (int i = 0; i < burst; i++) {
      assertThat(l.tryAcquire(A, T0)).isZero();
    }
    long allowed = 0;
    for (long i = 0; i < 1_000_000; i++) {
      // 1,000,000 requests in 10 s: every bucket stays active.
      long now = T0 + i * 10_000L;
      if (l.tryAcquire(key(1_000 + i), now) == 0) {
        allowed++;
      }
      if (i % 97 == 0) {
        assertThat(l.size()).isLessThanOrEqualTo(max);
      }
    }
    assertThat(l.size()).isEqualTo(max);
    // Each sprayed source that found room took a token, and the overflow bucket at most its burst
    // plus 10 s of refill; the sprayed sources' table entries need not all be theirs: the ones
    // refilled in the meantime were handed on.
    assertThat(allowed).isLessThanOrEqualTo(max * 11L + burst + 10);
    // The client whose bucket was active kept it: 10 s have earned it 10 tokens, not a fresh 20.
    for (int i = 0; i < 10; i++) {
      assertThat(l.tryAcquire(A, T0 + 10 * SECOND)).isZero();
    }
    assertThat(l.tryAcquire(A, T0 + 10 * SECOND)).isEqualTo(SECOND);
  }

  @Test
  void onlyFullBucketsAreEvicted() {
    SourceRateLimiter l = new SourceRateLimiter(1, 2, 1);
    assertThat(l.tryAcquire(A, T0)).isZero();
    assertThat(l.tryAcquire(A, T0)).isZero();
    // A is empty, and the table has room for one: B goes to the overflow bucket.
    assertThat(l.tryAcquire(B, T0)).isZero();
    assertThat(l.tryAcquire(B, T0)).isZero();
    assertThat(l.tryAcquire(new SourceKey(0, 3), T0)).isEqualTo(SECOND); // overflow, shared
    assertThat(l.tryAcquire(A, T0)).isEqualTo(SECOND);
    // Two seconds on, A is full again: forgetting it gives it nothing, so B may take its place.
    assertThat(l.tryAcquire(B, T0 + 2 * SECOND)).isZero();
    assertThat(l.tryAcquire(B, T0 + 2 * SECOND)).isZero();
    assertThat(l.tryAcquire(B, T0 + 2 * SECOND)).isEqualTo(SECOND);
    assertThat(l.size()).isEqualTo(1);
    // A is back with a full bucket, from the overflow bucket which is full again as well.
    assertThat(l.tryAcquire(A, T0 + 2 * SECOND)).isZero();
  }

  @Test
  void threadsSharingAClientTakeExactlyItsTokens() throws Exception {
    int threads = 8;
    int burst = 1000;
    SourceRateLimiter l = new SourceRateLimiter(1, burst, 5000);
    AtomicInteger shared = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 20_000; i++) {
                    if (l.tryAcquire(A, T0) == 0) {
                      shared.incrementAndGet();
                    }
                    l.tryAcquire(key(100_000L * (id + 1) + i), T0 + i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(shared.get()).isEqualTo(burst);
    assertThat(l.size()).isLessThanOrEqualTo(5000);
  }
}
