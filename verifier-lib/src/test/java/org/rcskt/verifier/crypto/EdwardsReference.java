package org.rcskt.verifier.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A slow, plain BigInteger model of the edwards25519 group (RFC 8032 section 5.1), for tests only:
 * it builds signatures that no honest signer makes (small-order components, unreduced scalars,
 * non-canonical encodings) and evaluates both verification equations on them, so that tests can
 * show what each crafted case distinguishes. Nothing here is constant-time or fast.
 */
final class EdwardsReference {
  static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
  static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger SQRT_M1 =
      BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  /** An affine point (x, y). */
  record Point(BigInteger x, BigInteger y) {
    static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);

    Point add(Point q) {
      BigInteger xx = x.multiply(q.x).mod(P);
      BigInteger yy = y.multiply(q.y).mod(P);
      BigInteger dxy = D.multiply(xx).multiply(yy).mod(P);
      BigInteger x3 =
          x.multiply(q.y)
              .add(y.multiply(q.x))
              .multiply(BigInteger.ONE.add(dxy).modInverse(P))
              .mod(P);
      // a = -1: y3 = (y1 y2 + x1 x2) / (1 - d x1 x2 y1 y2)
      BigInteger y3 = yy.add(xx).multiply(BigInteger.ONE.subtract(dxy).modInverse(P)).mod(P);
      return new Point(x3, y3);
    }

    Point negate() {
      return new Point(P.subtract(x).mod(P), y);
    }

    Point times(BigInteger k) {
      Point r = IDENTITY;
      Point a = this;
      for (int i = 0; i < k.bitLength(); i++) {
        if (k.testBit(i)) {
          r = r.add(a);
        }
        a = a.add(a);
      }
      return r;
    }

    boolean isIdentity() {
      return x.signum() == 0 && y.equals(BigInteger.ONE);
    }

    /** The RFC 8032 encoding: y little-endian, the sign of x in the top bit. */
    byte[] encode() {
      return encodeY(y, x.testBit(0));
    }
  }

  static final Point BASE = decode(encodeY(BigInteger.valueOf(4).multiply(inv(5)).mod(P), false));

  private EdwardsReference() {}

  static BigInteger inv(long v) {
    return BigInteger.valueOf(v).modInverse(P);
  }

  /** 32 bytes: {@code y} little-endian (any value below 2^255), {@code xOdd} in the top bit. */
  static byte[] encodeY(BigInteger y, boolean xOdd) {
    byte[] be = y.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < be.length && i < 32; i++) {
      out[i] = be[be.length - 1 - i];
    }
    if (xOdd) {
      out[31] |= (byte) 0x80;
    }
    return out;
  }

  static BigInteger littleEndian(byte[] b) {
    byte[] be = new byte[b.length + 1];
    for (int i = 0; i < b.length; i++) {
      be[b.length - i] = b[i];
    }
    return new BigInteger(be);
  }

  /**
   * Decodes leniently, as ref10 does: y reduced mod p, and a set sign bit ignored when x = 0; null
   * when no point has that y.
   */
  static Point decodeLenient(byte[] enc) {
    Point p = decode(enc);
    if (p == null && (enc[31] & 0x80) != 0) {
      byte[] c = enc.clone();
      c[31] &= 0x7f;
      Point q = decode(c);
      if (q != null && q.x().signum() == 0) {
        return q;
      }
    }
    return p;
  }

  /** Decodes with y reduced mod p; null when no point has that y and sign (x = 0 and sign 1). */
  static Point decode(byte[] enc) {
    byte[] c = enc.clone();
    boolean xOdd = (c[31] & 0x80) != 0;
    c[31] &= 0x7f;
    BigInteger y = littleEndian(c).mod(P);
    BigInteger yy = y.multiply(y).mod(P);
    BigInteger u = yy.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(yy).add(BigInteger.ONE).mod(P);
    BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
    BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).mod(P).equals(x2)) {
      x = x.multiply(SQRT_M1).mod(P);
      if (!x.multiply(x).mod(P).equals(x2)) {
        return null;
      }
    }
    if (x.signum() == 0 && xOdd) {
      return null;
    }
    if (x.testBit(0) != xOdd) {
      x = P.subtract(x);
    }
    return new Point(x, y);
  }

  /** A point of order exactly 8, found deterministically as [L]Q for the first suitable Q. */
  static Point orderEight() {
    for (int y = 2; ; y++) {
      Point q = decode(encodeY(BigInteger.valueOf(y), false));
      if (q == null) {
        continue;
      }
      Point t = q.times(L);
      if (!t.times(BigInteger.valueOf(4)).isIdentity()) {
        return t;
      }
    }
  }

  static byte[] sha512(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-512");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The secret scalar of an RFC 8032 seed (clamped, not reduced). */
  static BigInteger secretScalar(byte[] seed) {
    byte[] h = Arrays.copyOf(sha512(seed), 32);
    h[0] &= (byte) 248;
    h[31] &= 127;
    h[31] |= 64;
    return littleEndian(h);
  }

  /** k = SHA-512(R || A || M) mod L, over the encodings exactly as given. */
  static BigInteger challenge(byte[] r, byte[] a, byte[] m) {
    return littleEndian(sha512(r, a, m)).mod(L);
  }

  /** 32 bytes little-endian of a scalar below 2^256. */
  static byte[] scalarBytes(BigInteger s) {
    return encodeY(s.mod(BigInteger.TWO.pow(255)), s.testBit(255));
  }

  /** The cofactorless equation [S]B = R + [k]A, on leniently decoded points (S as given). */
  static boolean cofactorless(byte[] pk, byte[] msg, byte[] sig) {
    return equation(pk, msg, sig, BigInteger.ONE);
  }

  /** The cofactored equation [8][S]B = [8]R + [8][k]A, on leniently decoded points. */
  static boolean cofactored(byte[] pk, byte[] msg, byte[] sig) {
    return equation(pk, msg, sig, BigInteger.valueOf(8));
  }

  private static boolean equation(byte[] pk, byte[] msg, byte[] sig, BigInteger cofactor) {
    byte[] rEnc = Arrays.copyOfRange(sig, 0, 32);
    Point a = decodeLenient(pk);
    Point r = decodeLenient(rEnc);
    if (a == null || r == null) {
      return false;
    }
    BigInteger s = littleEndian(Arrays.copyOfRange(sig, 32, 64));
    BigInteger k = challenge(rEnc, pk, msg);
    Point left = BASE.times(s);
    Point right = r.add(a.times(k));
    return left.add(right.negate()).times(cofactor).isIdentity();
  }
}
