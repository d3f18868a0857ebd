package org.rcskt.verifier.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * The edwards25519 arithmetic behind the strict verification of docs/protocol.md section 7.1, on
 * Bouncy Castle's public field arithmetic ({@link X25519Field}). Bouncy Castle's own verification
 * is cofactored and its point code is private, so the cofactorless equation is computed here.
 *
 * <p>Verification computes [S]B - [k]A with Straus's method over 128 doublings: S and k are split
 * at bit 128, and B, 2^128 B (static) and A, 2^128 A (per key, built once when the key is decoded)
 * each have a table of odd multiples for signed sliding-window digits. The result is encoded and
 * compared byte for byte with R. Everything here is variable-time and only ever sees public values
 * (keys, signatures, hashes); signing stays in Bouncy Castle.
 *
 * <p>No method modifies its inputs; tables are never written after construction, so they are safe
 * to share between threads.
 */
final class Ed25519Group {
  static final int ENCODED_SIZE = 32;

  /** Largest digit for the base tables: odd multiples 1..63 (32 entries each). */
  private static final int BASE_MAX_DIGIT = 63;

  /** Largest digit for a key's tables: odd multiples 1..15 (8 entries each). */
  private static final int KEY_MAX_DIGIT = 15;

  private static final int[] D = X25519Field.create();
  private static final int[] D2 = X25519Field.create();

  /** The group order L, little-endian. */
  static final byte[] ORDER = {
    (byte) 0xed,
    (byte) 0xd3,
    (byte) 0xf5,
    0x5c,
    0x1a,
    0x63,
    0x12,
    0x58,
    (byte) 0xd6,
    (byte) 0x9c,
    (byte) 0xf7,
    (byte) 0xa2,
    (byte) 0xde,
    (byte) 0xf9,
    (byte) 0xde,
    0x14,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x10
  };

  private static final Cached[] BASE_TABLE;
  private static final Cached[] BASE128_TABLE;

  /** The canonical encodings of the eight points of order 1, 2, 4 and 8. */
  private static final byte[][] SMALL_ORDER;

  static {
    int[] denominator = X25519Field.create();
    denominator[0] = 121666;
    X25519Field.inv(denominator, D);
    X25519Field.mul(D, 121665, D);
    X25519Field.negate(D, D);
    X25519Field.carry(D);
    X25519Field.normalize(D);
    X25519Field.add(D, D, D2);
    X25519Field.carry(D2);

    byte[] b = new byte[ENCODED_SIZE];
    Arrays.fill(b, (byte) 0x66);
    b[0] = 0x58;
    Ext base = decode(b);
    if (base == null) {
      throw new IllegalStateException("the edwards25519 base point does not decode");
    }
    BASE_TABLE = oddMultiples(base, BASE_MAX_DIGIT);
    BASE128_TABLE = oddMultiples(doubleTimes(base, 128), BASE_MAX_DIGIT);

    // y = 1 (identity), y = -1 (order 2), y = 0 (order 4, x = +-sqrt(-1)), and the two y of the
    // points of order 8, each with both signs of x where x is not 0.
    SMALL_ORDER = new byte[8][];
    SMALL_ORDER[0] = fromHex("0100000000000000000000000000000000000000000000000000000000000000");
    SMALL_ORDER[1] = fromHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    SMALL_ORDER[2] = fromHex("0000000000000000000000000000000000000000000000000000000000000000");
    SMALL_ORDER[3] = fromHex("0000000000000000000000000000000000000000000000000000000000000080");
    SMALL_ORDER[4] = fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    SMALL_ORDER[5] = fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa");
    SMALL_ORDER[6] = fromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
    SMALL_ORDER[7] = fromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85");
    for (byte[] s : SMALL_ORDER) {
      Ext p = decode(s);
      if (p == null || !isIdentity(mul8(p))) {
        throw new IllegalStateException("a small-order encoding is wrong");
      }
    }
  }

  private Ed25519Group() {}

  private static byte[] fromHex(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }

  /** A point in extended coordinates: x = X/Z, y = Y/Z, x y = T/Z. */
  static final class Ext {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();
  }

  /** A point ready to be added: (Y + X, Y - X, 2Z, 2dT). */
  static final class Cached {
    final int[] ypx = X25519Field.create();
    final int[] ymx = X25519Field.create();
    final int[] z2 = X25519Field.create();
    final int[] t2d = X25519Field.create();
  }

  /** A decoded public key with the tables its verifications use. */
  static final class KeyTables {
    final Cached[] a;
    final Cached[] a128;

    KeyTables(Cached[] a, Cached[] a128) {
      this.a = a;
      this.a128 = a128;
    }
  }

  // Field helpers that keep limbs small enough for X25519Field.mul.

  private static void add(int[] a, int[] b, int[] r) {
    X25519Field.add(a, b, r);
    X25519Field.carry(r);
  }

  private static void sub(int[] a, int[] b, int[] r) {
    X25519Field.sub(a, b, r);
    X25519Field.carry(r);
  }

  /** Whether y (the low 255 bits, little-endian) is below p = 2^255 - 19. */
  static boolean isCanonicalY(byte[] enc, int off) {
    if ((enc[off + 31] & 0x7f) != 0x7f) {
      return true;
    }
    for (int i = 30; i >= 1; i--) {
      if (enc[off + i] != (byte) 0xff) {
        return true;
      }
    }
    return (enc[off] & 0xff) < 0xed;
  }

  /**
   * Whether the encoding has y = 1 or y = p - 1 (the only y with x = 0) and the sign bit set: the
   * "negative zero" x, which no canonical encoding has.
   */
  static boolean isNegativeZeroX(byte[] enc, int off) {
    if ((enc[off + 31] & 0x80) == 0) {
      return false;
    }
    byte[] y = Arrays.copyOfRange(enc, off, off + ENCODED_SIZE);
    y[31] &= 0x7f;
    return Arrays.equals(y, SMALL_ORDER[0]) || Arrays.equals(y, SMALL_ORDER[1]);
  }

  /** Whether the 32 bytes are the canonical encoding of one of the eight small-order points. */
  static boolean isSmallOrderEncoding(byte[] enc, int off) {
    for (byte[] s : SMALL_ORDER) {
      if (Arrays.equals(enc, off, off + ENCODED_SIZE, s, 0, ENCODED_SIZE)) {
        return true;
      }
    }
    return false;
  }

  private static final java.math.BigInteger ORDER_INT =
      java.math.BigInteger.TWO
          .pow(252)
          .add(new java.math.BigInteger("27742317777372353535851937790883648493"));

  /** A 64-byte little-endian value reduced mod L, as 32 little-endian bytes. */
  static byte[] reduce512(byte[] h) {
    byte[] be = new byte[h.length + 1];
    for (int i = 0; i < h.length; i++) {
      be[h.length - i] = h[i];
    }
    byte[] r = new java.math.BigInteger(be).mod(ORDER_INT).toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < r.length && i < 32; i++) {
      out[i] = r[r.length - 1 - i];
    }
    return out;
  }

  /** Whether the little-endian 32-byte scalar at {@code s[off..]} is below L. */
  static boolean isReducedScalar(byte[] s, int off) {
    for (int i = 31; i >= 0; i--) {
      int a = s[off + i] & 0xff;
      int l = ORDER[i] & 0xff;
      if (a != l) {
        return a < l;
      }
    }
    return false;
  }

  /**
   * RFC 8032 section 5.1.3 decoding of a canonical encoding (callers check y < p first); null when
   * no point has that y, or x would be 0 with the sign bit set.
   */
  static Ext decode(byte[] enc) {
    byte[] b = enc.clone();
    int sign = (b[31] >>> 7) & 1;
    b[31] &= 0x7f;
    Ext p = new Ext();
    X25519Field.decode(b, 0, p.y);
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    X25519Field.sqr(p.y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
    X25519Field.carry(u);
    X25519Field.carry(v);
    if (!X25519Field.sqrtRatioVar(u, v, p.x)) {
      return null;
    }
    X25519Field.normalize(p.x);
    if (X25519Field.isZeroVar(p.x) && sign == 1) {
      return null;
    }
    if ((p.x[0] & 1) != sign) {
      X25519Field.negate(p.x, p.x);
      X25519Field.carry(p.x);
    }
    X25519Field.one(p.z);
    X25519Field.mul(p.x, p.y, p.t);
    return p;
  }

  /** r = 2p ("dbl-2008-hwcd", a = -1); T is computed only when {@code withT}. r may be p. */
  private static void dbl(Ext p, Ext r, boolean withT, int[][] tmp) {
    int[] a = tmp[0];
    int[] b = tmp[1];
    int[] c = tmp[2];
    int[] e = tmp[3];
    int[] h = tmp[4];
    X25519Field.sqr(p.x, a);
    X25519Field.sqr(p.y, b);
    X25519Field.sqr(p.z, c);
    add(c, c, c);
    add(p.x, p.y, e);
    X25519Field.sqr(e, e);
    // H = A + B (in e's place after use), E = H - (X+Y)^2, G = A - B, F = C + G.
    add(a, b, h);
    sub(h, e, e); // E
    sub(a, b, a); // G
    add(c, a, c); // F
    X25519Field.mul(e, c, r.x);
    X25519Field.mul(a, h, r.y);
    X25519Field.mul(c, a, r.z);
    if (withT) {
      X25519Field.mul(e, h, r.t);
    }
  }

  /** r = p + q (or p - q when {@code negate}), "add-2008-hwcd-3"; r may be p. */
  private static void addCached(Ext p, Cached q, boolean negate, Ext r, int[][] tmp) {
    int[] a = tmp[0];
    int[] b = tmp[1];
    int[] c = tmp[2];
    int[] d = tmp[3];
    int[] e = tmp[4];
    int[] f = tmp[5];
    sub(p.y, p.x, a);
    add(p.y, p.x, b);
    X25519Field.mul(a, negate ? q.ypx : q.ymx, a);
    X25519Field.mul(b, negate ? q.ymx : q.ypx, b);
    X25519Field.mul(p.t, q.t2d, c);
    X25519Field.mul(p.z, q.z2, d);
    sub(b, a, e); // E
    add(b, a, b); // H
    if (negate) {
      add(d, c, f); // F
      sub(d, c, d); // G
    } else {
      sub(d, c, f); // F
      add(d, c, d); // G
    }
    X25519Field.mul(e, f, r.x);
    X25519Field.mul(d, b, r.y);
    X25519Field.mul(f, d, r.z);
    X25519Field.mul(e, b, r.t);
  }

  private static int[][] temps() {
    int[][] t = new int[6][];
    for (int i = 0; i < t.length; i++) {
      t[i] = X25519Field.create();
    }
    return t;
  }

  private static Cached cached(Ext p) {
    Cached c = new Cached();
    add(p.y, p.x, c.ypx);
    sub(p.y, p.x, c.ymx);
    add(p.z, p.z, c.z2);
    X25519Field.mul(p.t, D2, c.t2d);
    return c;
  }

  private static Ext copy(Ext p) {
    Ext r = new Ext();
    X25519Field.copy(p.x, 0, r.x, 0);
    X25519Field.copy(p.y, 0, r.y, 0);
    X25519Field.copy(p.z, 0, r.z, 0);
    X25519Field.copy(p.t, 0, r.t, 0);
    return r;
  }

  private static Ext identity() {
    Ext p = new Ext();
    X25519Field.one(p.y);
    X25519Field.one(p.z);
    return p;
  }

  /** [2^n]p. */
  private static Ext doubleTimes(Ext p, int n) {
    Ext r = copy(p);
    int[][] t = temps();
    for (int i = 0; i < n; i++) {
      dbl(r, r, true, t);
    }
    return r;
  }

  static Ext mul8(Ext p) {
    return doubleTimes(p, 3);
  }

  /** p, 3p, 5p, ..., maxDigit * p. */
  private static Cached[] oddMultiples(Ext p, int maxDigit) {
    Cached[] table = new Cached[(maxDigit + 1) / 2];
    int[][] t = temps();
    Ext twice = new Ext();
    dbl(p, twice, true, t);
    Cached twiceCached = cached(twice);
    Ext current = copy(p);
    table[0] = cached(current);
    for (int i = 1; i < table.length; i++) {
      addCached(current, twiceCached, false, current, t);
      table[i] = cached(current);
    }
    return table;
  }

  /** The tables for a key point (which the caller has already validated). */
  static KeyTables tables(Ext a) {
    return new KeyTables(
        oddMultiples(a, KEY_MAX_DIGIT), oddMultiples(doubleTimes(a, 128), KEY_MAX_DIGIT));
  }

  /** Whether [L]A is the identity, that is A lies in the prime-order subgroup. */
  static boolean isTorsionFree(KeyTables a) {
    return isIdentity(straus(new byte[32], ORDER, false, a));
  }

  static boolean isIdentity(Ext p) {
    int[] v = X25519Field.create();
    X25519Field.copy(p.x, 0, v, 0);
    X25519Field.normalize(v);
    if (!X25519Field.isZeroVar(v)) {
      return false;
    }
    sub(p.y, p.z, v);
    X25519Field.normalize(v);
    return X25519Field.isZeroVar(v);
  }

  /**
   * Signed sliding-window digits of a little-endian 32-byte scalar below 2^253 (ref10's "slide",
   * with a bound): sum digits[i] 2^i equals the scalar, each non-zero digit is odd and at most
   * {@code maxDigit} in absolute value.
   */
  static byte[] slide(byte[] scalar, int maxDigit) {
    int[] r = new int[256];
    for (int i = 0; i < 256; i++) {
      r[i] = (scalar[i >>> 3] >>> (i & 7)) & 1;
    }
    for (int i = 0; i < 256; i++) {
      if (r[i] == 0) {
        continue;
      }
      for (int b = 1; b <= 8 && i + b < 256; b++) {
        if (r[i + b] == 0) {
          continue;
        }
        int step = r[i + b] << b;
        if (r[i] + step <= maxDigit) {
          r[i] += step;
          r[i + b] = 0;
        } else if (r[i] - step >= -maxDigit) {
          r[i] -= step;
          for (int k = i + b; k < 256; k++) {
            if (r[k] == 0) {
              r[k] = 1;
              break;
            }
            r[k] = 0;
          }
        } else {
          break;
        }
      }
    }
    byte[] out = new byte[256];
    for (int i = 0; i < 256; i++) {
      out[i] = (byte) r[i];
    }
    return out;
  }

  /** [s]B + [k]A, or [s]B - [k]A when {@code negateA}; s and k are 32-byte scalars below 2^253. */
  static Ext straus(byte[] s, byte[] k, boolean negateA, KeyTables a) {
    byte[] ds = slide(s, BASE_MAX_DIGIT);
    byte[] dk = slide(k, KEY_MAX_DIGIT);
    int top = 127;
    while (top >= 0 && ds[top] == 0 && ds[top + 128] == 0 && dk[top] == 0 && dk[top + 128] == 0) {
      top--;
    }
    Ext r = identity();
    int[][] t = temps();
    for (int i = top; i >= 0; i--) {
      int w0 = ds[i];
      int w1 = ds[i + 128];
      int w2 = dk[i];
      int w3 = dk[i + 128];
      if (i != top) {
        dbl(r, r, (w0 | w1 | w2 | w3) != 0, t);
      }
      if (w0 != 0) {
        addCached(r, BASE_TABLE[Math.abs(w0) >>> 1], w0 < 0, r, t);
      }
      if (w1 != 0) {
        addCached(r, BASE128_TABLE[Math.abs(w1) >>> 1], w1 < 0, r, t);
      }
      if (w2 != 0) {
        addCached(r, a.a[Math.abs(w2) >>> 1], (w2 < 0) != negateA, r, t);
      }
      if (w3 != 0) {
        addCached(r, a.a128[Math.abs(w3) >>> 1], (w3 < 0) != negateA, r, t);
      }
    }
    return r;
  }

  /** The RFC 8032 section 5.1.2 encoding (variable-time inversion: public points only). */
  static void encode(Ext p, byte[] out) {
    int[] zInv = X25519Field.create();
    int[] x = X25519Field.create();
    int[] y = X25519Field.create();
    X25519Field.invVar(p.z, zInv);
    X25519Field.mul(p.x, zInv, x);
    X25519Field.mul(p.y, zInv, y);
    X25519Field.normalize(x);
    X25519Field.normalize(y);
    X25519Field.encode(y, out, 0);
    out[ENCODED_SIZE - 1] |= (byte) ((x[0] & 1) << 7);
  }

  /**
   * Whether [S]B - [k]A encodes to exactly the 32 bytes of R at {@code sig[sigOff..]}: the
   * cofactorless equation [S]B = R + [k]A, with R's encoding forced canonical.
   */
  static boolean cofactorlessEquation(byte[] sig, int sigOff, byte[] k, KeyTables a) {
    byte[] s = Arrays.copyOfRange(sig, sigOff + 32, sigOff + 64);
    Ext q = straus(s, k, true, a);
    byte[] check = new byte[ENCODED_SIZE];
    encode(q, check);
    return Arrays.equals(check, 0, ENCODED_SIZE, sig, sigOff, sigOff + ENCODED_SIZE);
  }
}
