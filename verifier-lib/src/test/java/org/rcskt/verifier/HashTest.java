package org.rcskt.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashTest {
  @Test
  void sha256OfEmptyInputIsTheKnownValue() {
    assertThat(Hash.sha256().toHex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void hexAndBase64RoundTrip() {
    Hash h = Hash.sha256("abc".getBytes(StandardCharsets.UTF_8));
    assertThat(Hash.fromHex(h.toHex())).isEqualTo(h);
    assertThat(Hash.fromHex(h.toHex().toUpperCase())).isEqualTo(h);
    assertThat(Hash.fromBase64(h.toBase64())).isEqualTo(h);
    assertThat(h.hashCode()).isEqualTo(Hash.of(h.toByteArray()).hashCode());
  }

  @Test
  void rejectsWrongLengths() {
    assertThatThrownBy(() -> Hash.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hash must be 32 bytes, got 31 bytes");
    assertThatThrownBy(() -> Hash.fromHex("00")).hasMessage("hash must be 64 hex digits, got 2");
    assertThatThrownBy(() -> Hash.fromHex("zz".repeat(32)))
        .hasMessageStartingWith("hash is not valid hex");
  }

  @Test
  void copiesAreIndependent() {
    byte[] raw = new byte[32];
    Hash h = Hash.of(raw);
    raw[0] = 1;
    assertThat(h).isEqualTo(Hash.ZERO);
    h.toByteArray()[0] = 1;
    assertThat(h).isEqualTo(Hash.ZERO);
  }
}
