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

  /**
   * On ordinary signatures, and on each of them with one bit flipped, the strict check answers as
   * Bouncy Castle's own (cofactored) verification: they differ only on crafted signatures.
   */
  @Test
  void agreesWithBouncyCastleOnOrdinaryAndTamperedSignatures() {
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      Ed25519.KeyPair kp = Ed25519.KeyPair.generate(random);
      byte[] pk = kp.publicKey().encoded();
      Ed25519.PublicKey decoded = Ed25519.PublicKey.of(pk);
      byte[] m = new byte[random.nextInt(400)];
      random.nextBytes(m);
      byte[] sig = kp.sign(m);
      assertThat(decoded.verify(m, sig)).isTrue();
      assertThat(kp.publicKey().verify(m, sig)).isTrue();
      byte[] bad = sig.clone();
      int bit = random.nextInt(512);
      bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
      boolean bc = org.bouncycastle.math.ec.rfc8032.Ed25519.verify(bad, 0, pk, 0, m, 0, m.length);
      assertThat(decoded.verify(m, bad)).as("bit %d", bit).isEqualTo(bc).isFalse();
      if (m.length > 0) {
        byte[] m2 = m.clone();
        m2[random.nextInt(m.length)] ^= 1;
        assertThat(decoded.verify(m2, sig)).isFalse();
      }
    }
  }

  /** The key rules of docs/protocol.md section 7.1, one message each. */
  @Test
  void namesTheKeyRuleThatFails() {
    assertThatThrownBy(
            () ->
                Ed25519.PublicKey.of(
                    HEX.parseHex(
                        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")))
        .hasMessage("Ed25519 public key is not canonical: y >= p");
    assertThatThrownBy(
            () ->
                Ed25519.PublicKey.of(
                    HEX.parseHex(
                        "0100000000000000000000000000000000000000000000000000000000000080")))
        .hasMessage("Ed25519 public key is not canonical: x = 0 with the sign bit set");
    assertThatThrownBy(
            () ->
                Ed25519.PublicKey.of(
                    HEX.parseHex(
                        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")))
        .hasMessage("Ed25519 public key is not canonical: x = 0 with the sign bit set");
    byte[] y2 = new byte[32];
    y2[0] = 2;
    assertThatThrownBy(() -> Ed25519.PublicKey.of(y2))
        .hasMessage("Ed25519 public key is not a valid curve point");
    assertThatThrownBy(() -> Ed25519.PublicKey.of(HEX.parseHex(Ed25519EdgeCasesTest.T8)))
        .hasMessage("Ed25519 public key is of small order");
  }

  /**
   * Exactly the eight points of small order are refused as such: every one is found by the model,
   * as [L]Q for points Q, and is refused as a key and as R.
   */
  @Test
  void refusesAllEightSmallOrderPoints() {
    java.util.Set<String> found = new java.util.TreeSet<>();
    for (int y = 2; found.size() < 8 && y < 1000; y++) {
      for (boolean odd : new boolean[] {false, true}) {
        EdwardsReference.Point q =
            EdwardsReference.decode(EdwardsReference.encodeY(java.math.BigInteger.valueOf(y), odd));
        if (q != null) {
          EdwardsReference.Point t = q.times(EdwardsReference.L);
          for (int j = 0; j < 8; j++) {
            found.add(HEX.formatHex(t.times(java.math.BigInteger.valueOf(j)).encode()));
          }
        }
      }
    }
    assertThat(found).hasSize(8);
    Ed25519.KeyPair kp = Ed25519.KeyPair.generate(new Random(3));
    for (String enc : found) {
      byte[] e = HEX.parseHex(enc);
      assertThat(Ed25519Group.isSmallOrderEncoding(e, 0)).as(enc).isTrue();
      assertThatThrownBy(() -> Ed25519.PublicKey.of(e)).as(enc);
      byte[] sig = new byte[64];
      System.arraycopy(e, 0, sig, 0, 32);
      assertThat(kp.publicKey().verify(new byte[0], sig)).isFalse();
    }
  }

  /** A key [a]B + T for each T of order 2, 4 or 8 is refused by the subgroup check. */
  @Test
  void refusesKeysWithASmallOrderComponent() {
    EdwardsReference.Point t8 = EdwardsReference.orderEight();
    EdwardsReference.Point a = EdwardsReference.BASE.times(java.math.BigInteger.valueOf(12345));
    assertThat(Ed25519.PublicKey.of(a.encode()).encoded()).isEqualTo(a.encode());
    for (int j = 1; j < 8; j++) {
      byte[] key = a.add(t8.times(java.math.BigInteger.valueOf(j))).encode();
      assertThatThrownBy(() -> Ed25519.PublicKey.of(key))
          .hasMessage("Ed25519 public key has a small-order component: [L]A is not the identity");
    }
  }
}
