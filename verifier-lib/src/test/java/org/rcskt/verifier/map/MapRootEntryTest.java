package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class MapRootEntryTest {
  private static final Hash ROOT = Hash.sha256(new byte[] {7});

  @Test
  void roundTripsByteForByte() throws Exception {
    MapRootEntry e = new MapRootEntry(0x0102030405060708L, 5, ROOT);
    byte[] b = e.encoded();
    assertThat(HexFormat.of().formatHex(b))
        .isEqualTo("0210" + "0102030405060708" + "0000000000000005" + ROOT.toHex());
    assertThat(MapRootEntry.decode(b)).isEqualTo(e);
    assertThat(MapRootEntry.isMapRoot(b)).isTrue();
    MapRootEntry first = new MapRootEntry(1, 0, MapHashes.EMPTY);
    assertThat(MapRootEntry.decode(first.encoded())).isEqualTo(first);
    MapRootEntry max = new MapRootEntry(Long.MAX_VALUE, Long.MAX_VALUE, ROOT);
    assertThat(MapRootEntry.decode(max.encoded())).isEqualTo(max);
  }

  @Test
  void isMapRootLooksAtLengthVersionAndType() {
    byte[] b = new MapRootEntry(3, 1, ROOT).encoded();
    assertThat(MapRootEntry.isMapRoot(null)).isFalse();
    assertThat(MapRootEntry.isMapRoot(Arrays.copyOf(b, 49))).isFalse();
    assertThat(MapRootEntry.isMapRoot(Arrays.copyOf(b, 51))).isFalse();
    for (int type = 1; type <= 4; type++) {
      byte[] event = b.clone();
      event[1] = (byte) type;
      assertThat(MapRootEntry.isMapRoot(event)).isFalse();
    }
    byte[] v1 = b.clone();
    v1[0] = 1;
    assertThat(MapRootEntry.isMapRoot(v1)).isFalse();
    // It does not validate: a zero tree size still has the shape of a map root.
    byte[] zero = b.clone();
    Arrays.fill(zero, 2, 10, (byte) 0);
    assertThat(MapRootEntry.isMapRoot(zero)).isTrue();
  }

  private static void refused(byte[] b, String message) {
    assertThatThrownBy(() -> MapRootEntry.decode(b))
        .isInstanceOf(MapRootFormatException.class)
        .hasMessage(message);
  }

  @Test
  void decodingIsStrict() {
    byte[] good = new MapRootEntry(3, 1, ROOT).encoded();
    refused(null, "MAP_ROOT entry must be 50 bytes, got 0");
    refused(Arrays.copyOf(good, 49), "MAP_ROOT entry must be 50 bytes, got 49");
    refused(Arrays.copyOf(good, 51), "MAP_ROOT entry must be 50 bytes, got 51");
    byte[] v = good.clone();
    v[0] = 1;
    refused(v, "MAP_ROOT entry version must be 2, got 1");
    byte[] t = good.clone();
    t[1] = 1;
    refused(t, "MAP_ROOT entry type must be 16, got 1");
    byte[] zero = good.clone();
    Arrays.fill(zero, 2, 10, (byte) 0);
    refused(zero, "MAP_ROOT tree_size must be in 1..2^63-1, got 0");
    byte[] high = good.clone();
    high[2] = (byte) 0x80;
    refused(high, "MAP_ROOT tree_size must be in 1..2^63-1, got 9223372036854775811");
    byte[] count = good.clone();
    Arrays.fill(count, 10, 18, (byte) 0xff);
    refused(count, "MAP_ROOT subject_count must be below 2^63, got 18446744073709551615");
  }

  @Test
  void theConstructorChecks() {
    assertThatThrownBy(() -> new MapRootEntry(0, 0, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MapRootEntry(1, -1, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MapRootEntry(1, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
