package org.rcskt.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRangeTest {
  private static LogStore.KeyRange range(int[] from, int[] to) {
    return new LogStore.KeyRange(bytes(from), bytes(to));
  }

  private static byte[] bytes(int[] v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void aRangeOfOnePrefixAndItsSuccessorIsWithinIt() {
    assertThat(range(new int[] {0, 0, 7}, new int[] {0, 0, 8}).withinPrefix(3)).isTrue();
    // The successor carries into the bytes before.
    assertThat(range(new int[] {0, 0xff, 0xff}, new int[] {1, 0, 0}).withinPrefix(3)).isTrue();
    assertThat(range(new int[] {0, 0, 7, 0x80}, new int[] {0, 0, 7, 0xc0}).withinPrefix(3))
        .isTrue();
  }

  @Test
  void aRangeOverSeveralPrefixesOrShorterKeysIsNot() {
    assertThat(range(new int[] {0, 0, 7}, new int[] {0, 0, 9}).withinPrefix(3)).isFalse();
    assertThat(range(new int[] {0, 0, 7}, new int[] {0, 0, 8, 0}).withinPrefix(3)).isFalse();
    assertThat(range(new int[] {}, new int[] {0x10, 0, 0}).withinPrefix(3)).isFalse();
    assertThat(range(new int[] {0, 7}, new int[] {0, 8}).withinPrefix(3)).isFalse();
    // The last prefix has no successor of its length.
    assertThat(range(new int[] {0xff, 0xff, 0xff}, new int[] {0, 0, 0}).withinPrefix(3)).isFalse();
  }
}
