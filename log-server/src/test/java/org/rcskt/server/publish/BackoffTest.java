package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  static List<Long> waits(Backoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.failed());
    }
    return out;
  }

  @Test
  void doublesFrom100MillisToTheCapEachWaitInTheUpperHalf() {
    assertThat(waits(new Backoff(1000, () -> 0), 6))
        .containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
    assertThat(waits(new Backoff(1000, () -> 0.999999), 6))
        .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    assertThat(waits(new Backoff(30_000, () -> 0.5), 12).get(11)).isBetween(15_000L, 30_000L);
  }

  @Test
  void resetStartsOverAndCountsFailures() {
    Backoff b = new Backoff(1000, () -> 0.999999);
    waits(b, 3);
    assertThat(b.failures()).isEqualTo(3);
    b.reset();
    assertThat(b.failures()).isZero();
    assertThat(b.failed()).isEqualTo(100);
  }

  @Test
  void refusesACapBelowTheFirstWait() {
    assertThatThrownBy(() -> new Backoff(99, () -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than the first 100");
  }
}
