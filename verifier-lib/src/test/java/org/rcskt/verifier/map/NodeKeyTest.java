package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeKeyTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void encodingIsDepthThenMaskedPrefix() {
    byte[] path = new byte[32];
    Arrays.fill(path, (byte) 0xff);
    assertThat(HEX.formatHex(NodeKey.of(0, path).encoded())).isEqualTo("0000");
    assertThat(HEX.formatHex(NodeKey.of(1, path).encoded())).isEqualTo("000180");
    assertThat(HEX.formatHex(NodeKey.of(8, path).encoded())).isEqualTo("0008ff");
    assertThat(HEX.formatHex(NodeKey.of(13, path).encoded())).isEqualTo("000dfff8");
    assertThat(NodeKey.of(256, path).encoded()).hasSize(34).startsWith(1, 0);
    assertThat(NodeKey.encode(13, path)).isEqualTo(NodeKey.of(13, path).encoded());
    assertThat(NodeKey.of(13, path).toString()).isEqualTo("13/fff8");
  }

  @Test
  void roundTripsAndEquality() {
    Random rnd = new Random(8);
    for (int d = 0; d <= 256; d++) {
      byte[] path = new byte[32];
      rnd.nextBytes(path);
      NodeKey k = NodeKey.of(d, path);
      assertThat(NodeKey.decode(k.encoded())).isEqualTo(k).hasSameHashCodeAs(k);
      assertThat(k.depth()).isEqualTo(d);
      for (int i = 0; i < d; i++) {
        assertThat(k.bit(i)).isEqualTo(MapHashes.bit(path, i));
      }
      assertThat(NodeKey.of(d, k.path())).isEqualTo(k);
      if (d < 256) {
        byte[] other = path.clone();
        other[d / 8] ^= (byte) (0x80 >>> (d % 8));
        assertThat(NodeKey.of(d, other)).isEqualTo(k);
        assertThat(NodeKey.of(d + 1, other)).isNotEqualTo(NodeKey.of(d + 1, path));
      }
    }
  }

  @Test
  void decodingIsStrict() {
    assertThatThrownBy(() -> NodeKey.decode(HEX.parseHex("00")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeKey.decode(HEX.parseHex("0101")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..256");
    assertThatThrownBy(() -> NodeKey.decode(HEX.parseHex("000180ff")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 3 bytes, got 4");
    assertThatThrownBy(() -> NodeKey.decode(HEX.parseHex("0001c0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unused bits");
    assertThatThrownBy(() -> NodeKey.of(257, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeKey.of(3, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeKey.of(3, new byte[32]).bit(3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
