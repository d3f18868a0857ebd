package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class UpperLevelsTest {
  static Hash h(int level, long i) {
    return Hash.sha256(ByteBuffer.allocate(12).putInt(level).putLong(i).array());
  }

  @Test
  void holdsHashesAcrossChunkBoundaries() {
    UpperLevels u = new UpperLevels(6);
    for (long i = 0; i < 10_000; i++) {
      u.append(6, i, h(6, i));
    }
    assertThat(u.count(6)).isEqualTo(10_000);
    assertThat(u.get(6, 4095)).isEqualTo(h(6, 4095));
    assertThat(u.get(6, 4096)).isEqualTo(h(6, 4096));
    assertThat(u.get(6, 9999)).isEqualTo(h(6, 9999));
    assertThat(u.get(6, 10_000)).isNull();
    byte[] dst = new byte[300 * 32];
    u.copy(6, 4000, 300, dst, 0);
    for (int i = 0; i < 300; i++) {
      assertThat(Hash.of(dst, i * 32)).isEqualTo(h(6, 4000 + i));
    }
    assertThatThrownBy(() -> u.append(6, 10_001, h(6, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("level 6 holds 10000 nodes, cannot append node 10001");
    assertThatThrownBy(() -> u.copy(6, 9_900, 200, dst, 0))
        .hasMessage("level 6 holds 10000 nodes, asked for [9900, 10100)");
    assertThat(u.holds(5)).isFalse();
    assertThat(u.bytes()).isEqualTo(3L * 4096 * 32);
    u.truncate(64L * 5000);
    assertThat(u.count(6)).isEqualTo(5000);
  }

  @Test
  void cacheComputesOnceAndEvicts() {
    ImmutableCache<String> c = new ImmutableCache<>(32);
    int[] computed = {0};
    for (int round = 0; round < 2; round++) {
      for (long k = 0; k < 16; k++) {
        assertThat(
                c.get(
                    k,
                    x -> {
                      computed[0]++;
                      return "v" + x;
                    }))
            .isEqualTo("v" + k);
      }
    }
    assertThat(computed[0]).isBetween(16, 20);
    for (long k = 100; k < 1000; k++) {
      c.get(k, x -> "v" + x);
    }
    int before = computed[0];
    c.get(
        0,
        x -> {
          computed[0]++;
          return "v" + x;
        });
    assertThat(computed[0]).isEqualTo(before + 1);
  }
}
