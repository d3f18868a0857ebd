package org.rcskt.verifier.vrf;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * The edwards25519 group (RFC 8032 section 5.1) in extended coordinates (X : Y : Z : T), x = X/Z, y
 * = Y/Z, x*y = T/Z, on Bouncy Castle's public field arithmetic ({@link X25519Field}, radix 2^25.5).
 * Bouncy Castle keeps its own point operations private, so the group law, the encodings and the
 * scalar multiplications are written here.
 *
 * <p>Constant-time status: {@link #multiply} (used for the secret scalars x and k) runs the same
 * sequence of field operations and memory accesses whatever the scalar: a fixed 4-bit window, every
 * window adds a table entry chosen by a full scan with {@link X25519Field#cmov}. {@link #encode}
 * inverts with the constant-time {@link X25519Field#inv}. Everything else ({@link #decode}, {@link
 * #isIdentity}, {@link #multiplyAddVar}) is variable-time and is only given public values: keys,
 * proofs and hash outputs.
 *
 * <p>Points are mutable arrays internally; no method modifies its inputs, and the constants ({@link
 * #BASE}) are never written.
 */
final class Edwards25519 {
  /** An encoded point is 32 bytes: y little-endian, the low bit of x in the top bit. */
  static final int ENCODED_SIZE = 32;

  /** Why an encoding is not a point, as RFC 8032 section 5.1.3 decoding fails. */
  enum DecodeFailure {
    /** The 255-bit y is not below p = 2^255 - 19. */
    NON_CANONICAL_Y,
    /** x^2 = (y^2 - 1) / (d y^2 + 1) has no solution: not a curve point. */
    NOT_ON_CURVE,
    /** x = 0 but the sign bit is 1: the encoding of -0 is not canonical. */
    NEGATIVE_ZERO_X
  }

  /** A point in extended coordinates. */
  static final class Point {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();

    private Point() {}

    private void set(Point p) {
      X25519Field.copy(p.x, 0, x, 0);
      X25519Field.copy(p.y, 0, y, 0);
      X25519Field.copy(p.z, 0, z, 0);
      X25519Field.copy(p.t, 0, t, 0);
    }

    /** {@code this = mask == -1 ? p : this}, in constant time; {@code mask} is 0 or -1. */
    private void cmov(int mask, Point p) {
      X25519Field.cmov(mask, p.x, 0, x, 0);
      X25519Field.cmov(mask, p.y, 0, y, 0);
      X25519Field.cmov(mask, p.z, 0, z, 0);
      X25519Field.cmov(mask, p.t, 0, t, 0);
    }
  }

  /** d = -121665 / 121666 and 2d. */
  private static final int[] D = X25519Field.create();

  private static final int[] D2 = X25519Field.create();

  /** The base point B of RFC 8032 (y = 4/5, x even). */
  static final Point BASE;

  /** 0*B .. 15*B, for the variable-time verification. */
  private static final Point[] BASE_TABLE;

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
    Point base = new Point();
    if (decode(b, 0, base) != null) {
      throw new IllegalStateException("the edwards25519 base point does not decode");
    }
    BASE = base;
    BASE_TABLE = table(BASE);
  }

  private Edwards25519() {}

  static Point identity() {
    Point p = new Point();
    X25519Field.one(p.y);
    X25519Field.one(p.z);
    return p;
  }

  // Field helpers that keep every limb small enough for X25519Field.mul.

  private static void add(int[] a, int[] b, int[] r) {
    X25519Field.add(a, b, r);
    X25519Field.carry(r);
  }

  private static void sub(int[] a, int[] b, int[] r) {
    X25519Field.sub(a, b, r);
    X25519Field.carry(r);
  }

  /**
   * p + q, with the complete unified formula for a = -1 (Hisil, Wong, Carter, Dawson 2008, "add-
   * 2008-hwcd-3"): no special cases, so it is also correct for doubling and for the identity.
   */
  static Point add(Point p, Point q) {
    int[] a = X25519Field.create();
    int[] b = X25519Field.create();
    int[] c = X25519Field.create();
    int[] d = X25519Field.create();
    int[] u = X25519Field.create();
    sub(p.y, p.x, a);
    sub(q.y, q.x, u);
    X25519Field.mul(a, u, a);
    add(p.y, p.x, b);
    add(q.y, q.x, u);
    X25519Field.mul(b, u, b);
    X25519Field.mul(p.t, q.t, c);
    X25519Field.mul(c, D2, c);
    X25519Field.mul(p.z, q.z, d);
    add(d, d, d);
    int[] e = X25519Field.create();
    int[] f = X25519Field.create();
    int[] g = X25519Field.create();
    int[] h = X25519Field.create();
    sub(b, a, e);
    sub(d, c, f);
    add(d, c, g);
    add(b, a, h);
    Point r = new Point();
    X25519Field.mul(e, f, r.x);
    X25519Field.mul(g, h, r.y);
    X25519Field.mul(f, g, r.z);
    X25519Field.mul(e, h, r.t);
    return r;
  }

  /** 2p ("dbl-2008-hwcd" with a = -1; T of the input is not read). */
  static Point dbl(Point p) {
    int[] a = X25519Field.create();
    int[] b = X25519Field.create();
    int[] c = X25519Field.create();
    int[] e = X25519Field.create();
    X25519Field.sqr(p.x, a);
    X25519Field.sqr(p.y, b);
    X25519Field.sqr(p.z, c);
    add(c, c, c);
    add(p.x, p.y, e);
    X25519Field.sqr(e, e);
    int[] g = X25519Field.create();
    int[] f = X25519Field.create();
    int[] h = X25519Field.create();
    // E = (X+Y)^2 - A - B, G = -A + B, F = G - C, H = -A - B
    sub(e, a, e);
    sub(e, b, e);
    sub(b, a, g);
    sub(g, c, f);
    add(a, b, h);
    X25519Field.negate(h, h);
    X25519Field.carry(h);
    Point r = new Point();
    X25519Field.mul(e, f, r.x);
    X25519Field.mul(g, h, r.y);
    X25519Field.mul(f, g, r.z);
    X25519Field.mul(e, h, r.t);
    return r;
  }

  static Point negate(Point p) {
    Point r = new Point();
    r.set(p);
    X25519Field.negate(r.x, r.x);
    X25519Field.carry(r.x);
    X25519Field.negate(r.t, r.t);
    X25519Field.carry(r.t);
    return r;
  }

  /** 8p: the cofactor multiple. */
  static Point mulByCofactor(Point p) {
    return dbl(dbl(dbl(p)));
  }

  /** True when p is the identity (0, 1). Variable-time; for public points only. */
  static boolean isIdentity(Point p) {
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

  /** The RFC 8032 section 5.1.2 encoding. The inversion is constant-time. */
  static byte[] encode(Point p) {
    int[] zInv = X25519Field.create();
    int[] x = X25519Field.create();
    int[] y = X25519Field.create();
    X25519Field.inv(p.z, zInv);
    X25519Field.mul(p.x, zInv, x);
    X25519Field.mul(p.y, zInv, y);
    X25519Field.normalize(x);
    X25519Field.normalize(y);
    byte[] out = new byte[ENCODED_SIZE];
    X25519Field.encode(y, out, 0);
    out[ENCODED_SIZE - 1] |= (byte) ((x[0] & 1) << 7);
    return out;
  }

  /**
   * Decodes {@code in[off..off+32)} as RFC 8032 section 5.1.3 does, into {@code out}; returns null
   * on success, else why the bytes are not a canonical point encoding. Variable-time.
   */
  static DecodeFailure decode(byte[] in, int off, Point out) {
    byte[] b = Arrays.copyOfRange(in, off, off + ENCODED_SIZE);
    int sign = (b[ENCODED_SIZE - 1] >>> 7) & 1;
    b[ENCODED_SIZE - 1] &= 0x7f;
    if (!isBelowP(b)) {
      return DecodeFailure.NON_CANONICAL_Y;
    }
    int[] y = X25519Field.create();
    X25519Field.decode(b, 0, y);
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    int[] x = X25519Field.create();
    X25519Field.sqr(y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
    X25519Field.carry(u);
    X25519Field.carry(v);
    if (!X25519Field.sqrtRatioVar(u, v, x)) {
      return DecodeFailure.NOT_ON_CURVE;
    }
    X25519Field.normalize(x);
    if (X25519Field.isZeroVar(x) && sign == 1) {
      return DecodeFailure.NEGATIVE_ZERO_X;
    }
    if ((x[0] & 1) != sign) {
      X25519Field.negate(x, x);
      X25519Field.carry(x);
    }
    X25519Field.copy(x, 0, out.x, 0);
    X25519Field.copy(y, 0, out.y, 0);
    X25519Field.one(out.z);
    X25519Field.mul(x, y, out.t);
    return null;
  }

  /** Whether the little-endian 255-bit value in {@code b} (top bit clear) is below 2^255 - 19. */
  private static boolean isBelowP(byte[] b) {
    if (b[ENCODED_SIZE - 1] != 0x7f) {
      return true;
    }
    for (int i = ENCODED_SIZE - 2; i >= 1; i--) {
      if (b[i] != (byte) 0xff) {
        return true;
      }
    }
    return (b[0] & 0xff) < 0xed;
  }

  /** 0*p .. 15*p. */
  private static Point[] table(Point p) {
    Point[] table = new Point[16];
    table[0] = identity();
    table[1] = p;
    for (int i = 2; i < 16; i++) {
      table[i] = (i & 1) == 0 ? dbl(table[i / 2]) : add(table[i - 1], p);
    }
    return table;
  }

  /** The 4-bit window {@code i} (0 = least significant) of the little-endian scalar. */
  private static int nibble(byte[] scalar, int i) {
    return ((scalar[i >>> 1] & 0xff) >>> ((i & 1) << 2)) & 0xf;
  }

  /**
   * k*p for a 32-byte little-endian scalar k (any value below 2^256), in constant time with respect
   * to k: 252 doublings and 64 additions whatever k is, each addition of a table entry selected by
   * scanning all 16 entries with a masked move.
   */
  static Point multiply(byte[] k, Point p) {
    if (k.length != 32) {
      throw new IllegalArgumentException("scalar must be 32 bytes, got " + k.length);
    }
    Point[] table = table(p);
    Point r = identity();
    Point selected = new Point();
    for (int i = 63; i >= 0; i--) {
      if (i != 63) {
        r = dbl(dbl(dbl(dbl(r))));
      }
      int w = nibble(k, i);
      selected.set(table[0]);
      for (int j = 1; j < 16; j++) {
        // -1 when j == w, else 0, without a branch.
        int mask = ((j ^ w) - 1) >> 31;
        selected.cmov(mask, table[j]);
      }
      r = add(r, selected);
    }
    return r;
  }

  /**
   * a*B + b*q for public 32-byte little-endian scalars (Straus's method, 4-bit windows). Variable-
   * time: it skips zero windows. For verification only.
   */
  static Point multiplyAddVar(byte[] a, byte[] b, Point q) {
    return multiplyAddVar(a, BASE_TABLE, b, table(q));
  }

  /** a*p + b*q for public scalars; variable-time. */
  static Point multiplyAddVar(byte[] a, Point p, byte[] b, Point q) {
    return multiplyAddVar(a, table(p), b, table(q));
  }

  private static Point multiplyAddVar(byte[] a, Point[] pTable, byte[] b, Point[] qTable) {
    Point r = identity();
    boolean started = false;
    for (int i = 63; i >= 0; i--) {
      if (started) {
        r = dbl(dbl(dbl(dbl(r))));
      }
      int wa = i < 2 * a.length ? nibble(a, i) : 0;
      int wb = i < 2 * b.length ? nibble(b, i) : 0;
      if (wa != 0) {
        r = add(r, pTable[wa]);
        started = true;
      }
      if (wb != 0) {
        r = add(r, qTable[wb]);
        started = true;
      }
    }
    return r;
  }
}
