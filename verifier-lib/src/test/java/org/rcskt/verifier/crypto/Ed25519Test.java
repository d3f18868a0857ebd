package org.rcskt.verifier.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032 section 7.1, TEST 2. */
  @Test
  void rfc8032TestVector() {
    Ed25519.KeyPair kp =
        Ed25519.KeyPair.fromSeed(
            HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    assertThat(HEX.formatHex(kp.publicKey().encoded()))
        .isEqualTo("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    byte[] sig = kp.sign(new byte[] {0x72});
    assertThat(HEX.formatHex(sig))
        .isEqualTo(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    assertThat(kp.publicKey().verify(new byte[] {0x72}, sig)).isTrue();
    assertThat(kp.publicKey().verify(new byte[] {0x73}, sig)).isFalse();
  }

  @Test
  void rejectsMalformedInputWithoutThrowingOnVerify() {
    Ed25519.KeyPair kp = Ed25519.KeyPair.generate(new Random(1));
    assertThat(kp.publicKey().verify(new byte[] {1}, new byte[63])).isFalse();
    assertThat(kp.publicKey().verify(new byte[] {1}, 0, 1, new byte[64], 1)).isFalse();
    assertThatThrownBy(() -> Ed25519.PublicKey.of(new byte[31]))
        .hasMessage("Ed25519 public key must be 32 bytes, got 31");
    assertThatThrownBy(() -> Ed25519.KeyPair.fromSeed(new byte[3]))
        .hasMessage("Ed25519 seed must be 32 bytes, got 3");
  }

  @Test
  void seededGenerationIsReproducible() {
    assertThat(Ed25519.KeyPair.generate(new Random(7)).publicKey())
        .isEqualTo(Ed25519.KeyPair.generate(new Random(7)).publicKey());
  }
}
