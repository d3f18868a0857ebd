package org.rcskt.verifier.vrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * The group arithmetic against Bouncy Castle's Ed25519 key derivation and against itself: the
 * constant-time fixed-window multiplication, the variable-time Straus multiplication and plain
 * double-and-add must agree for random scalars and points (fixed seed).
 */
class Edwards25519Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] scalar(Random random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return k;
  }

  /** Double-and-add over the bits, most significant first: the obvious reference. */
  private static Edwards25519.Point naive(byte[] k, Edwards25519.Point p) {
    Edwards25519.Point r = Edwards25519.identity();
    for (int bit = 8 * k.length - 1; bit >= 0; bit--) {
      r = Edwards25519.dbl(r);
      if (((k[bit >>> 3] >>> (bit & 7)) & 1) == 1) {
        r = Edwards25519.add(r, p);
      }
    }
    return r;
  }

  private static String enc(Edwards25519.Point p) {
    return HEX.formatHex(Edwards25519.encode(p));
  }

  @Test
  void publicKeysMatchBouncyCastleEd25519() {
    Random random = new Random(8032);
    for (int i = 0; i < 200; i++) {
      Ed25519.KeyPair kp = Ed25519.KeyPair.generate(random);
      assertThat(HEX.formatHex(EcVrf.publicKey(kp.seed())))
          .as("seed %s", HEX.formatHex(kp.seed()))
          .isEqualTo(HEX.formatHex(kp.publicKey().encoded()));
    }
  }

  @Test
  void multiplicationsAgree() {
    Random random = new Random(25519);
    Edwards25519.Point p = Edwards25519.BASE;
    byte[] zero = new byte[32];
    for (int i = 0; i < 40; i++) {
      byte[] a = scalar(random);
      byte[] b = scalar(random);
      Edwards25519.Point q = Edwards25519.multiply(scalar(random), p);
      String ct = enc(Edwards25519.multiply(a, q));
      assertThat(enc(naive(a, q))).isEqualTo(ct);
      assertThat(enc(Edwards25519.multiplyAddVar(a, q, zero, p))).isEqualTo(ct);
      assertThat(enc(Edwards25519.multiplyAddVar(zero, p, a, q))).isEqualTo(ct);
      assertThat(enc(Edwards25519.multiplyAddVar(a, b, q)))
          .isEqualTo(enc(Edwards25519.add(naive(a, Edwards25519.BASE), naive(b, q))));
      // A 16-byte second scalar, as the challenge c is.
      byte[] c = new byte[16];
      random.nextBytes(c);
      assertThat(enc(Edwards25519.multiplyAddVar(a, c, q)))
          .isEqualTo(enc(Edwards25519.add(naive(a, Edwards25519.BASE), naive(c, q))));
      p = q;
    }
  }

  @Test
  void edgeScalarsAndTheGroupLaw() {
    Edwards25519.Point b = Edwards25519.BASE;
    assertThat(Edwards25519.isIdentity(Edwards25519.multiply(new byte[32], b))).isTrue();
    byte[] one = new byte[32];
    one[0] = 1;
    assertThat(enc(Edwards25519.multiply(one, b))).isEqualTo(enc(b));
    assertThat(enc(b))
        .isEqualTo("5866666666666666666666666666666666666666666666666666666666666666");
    byte[] l = Scalar25519.toLittleEndian(Scalar25519.L, 32);
    assertThat(Edwards25519.isIdentity(Edwards25519.multiply(l, b))).isTrue();
    byte[] lMinusOne = Scalar25519.toLittleEndian(Scalar25519.L.subtract(BigInteger.ONE), 32);
    assertThat(enc(Edwards25519.multiply(lMinusOne, b))).isEqualTo(enc(Edwards25519.negate(b)));
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xff);
    assertThat(enc(Edwards25519.multiply(max, b))).isEqualTo(enc(naive(max, b)));
    assertThat(Edwards25519.isIdentity(Edwards25519.add(b, Edwards25519.negate(b)))).isTrue();
    assertThat(enc(Edwards25519.add(b, b))).isEqualTo(enc(Edwards25519.dbl(b)));
    assertThat(enc(Edwards25519.add(b, Edwards25519.identity()))).isEqualTo(enc(b));
  }

  @Test
  void encodingsRoundTrip() {
    Random random = new Random(5);
    for (int i = 0; i < 50; i++) {
      Edwards25519.Point p = Edwards25519.multiply(scalar(random), Edwards25519.BASE);
      byte[] e = Edwards25519.encode(p);
      Edwards25519.Point q = Edwards25519.identity();
      assertThat(Edwards25519.decode(e, 0, q)).isNull();
      assertThat(Edwards25519.encode(q)).isEqualTo(e);
      // The other x for the same y is the negation.
      e[31] ^= (byte) 0x80;
      assertThat(Edwards25519.decode(e, 0, q)).isNull();
      assertThat(enc(q)).isEqualTo(enc(Edwards25519.negate(p)));
    }
  }
}
