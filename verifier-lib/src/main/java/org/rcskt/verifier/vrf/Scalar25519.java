package org.rcskt.verifier.vrf;

import java.math.BigInteger;

/**
 * Integers modulo the group order L = 2^252 + 27742317777372353535851937790883648493, little-endian
 * as RFC 9381 section 5.5 (int_to_string, string_to_int) and RFC 8032 encode them.
 *
 * <p>Not constant-time: this uses {@link BigInteger}, whose reduction and multiplication take time
 * that depends on the values. The prover passes it secrets (the nonce k and x in s = k + c*x);
 * docs/design/0005-ecvrf.md states what that means.
 */
final class Scalar25519 {
  static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  /** Scalars are written as 32 bytes. */
  static final int SIZE = 32;

  private Scalar25519() {}

  /** string_to_int: the little-endian unsigned integer in {@code b}. */
  static BigInteger fromLittleEndian(byte[] b) {
    byte[] be = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      be[i] = b[b.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  /** int_to_string: {@code v} (0 <= v < 2^(8 len)) as {@code len} little-endian bytes. */
  static byte[] toLittleEndian(BigInteger v, int len) {
    byte[] be = v.toByteArray();
    byte[] out = new byte[len];
    for (int i = 0; i < len && i < be.length; i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  /** The little-endian integer in {@code b}, reduced mod L, as 32 bytes. */
  static byte[] reduce(byte[] b) {
    return toLittleEndian(fromLittleEndian(b).mod(L), SIZE);
  }

  /** Whether the little-endian integer in {@code s} is below L. */
  static boolean isReduced(byte[] s) {
    return fromLittleEndian(s).compareTo(L) < 0;
  }

  /** (k + c*x) mod L, as 32 bytes. */
  static byte[] mulAdd(byte[] c, byte[] x, byte[] k) {
    return toLittleEndian(
        fromLittleEndian(k).add(fromLittleEndian(c).multiply(fromLittleEndian(x))).mod(L), SIZE);
  }
}
