package org.rcskt.verifier.vrf;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.rcskt.verifier.vrf.Edwards25519.DecodeFailure;
import org.rcskt.verifier.vrf.Edwards25519.Point;
import org.rcskt.verifier.vrf.VrfVerificationException.Reason;

/**
 * ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381, suite string 0x03): a verifiable random function on
 * edwards25519. The holder of a 32-byte secret key maps an input {@code alpha} to a 64-byte output
 * {@code beta} and an 80-byte proof {@code pi}; anyone with the public key can check that {@code
 * beta} is the one output for that key and input, and nobody without the secret key can compute it.
 *
 * <p>What {@link #verify} accepts is fixed exactly (docs/protocol.md, appendix on the ECVRF): a
 * public key that is a canonical point encoding (y below p, no negative zero x) and not of small
 * order, a proof of exactly 80 bytes whose Gamma is a canonical point encoding and whose s is below
 * the group order, and a challenge that matches.
 *
 * <p>Side channels: the scalar multiplications by the secret scalar x and the nonce k are
 * constant-time, but the scalar arithmetic mod L (reducing k, computing s = k + c*x) uses {@link
 * java.math.BigInteger} and is not, and encode_to_curve by try-and-increment takes a time that
 * depends on {@code alpha} (RFC 9381 section 7.4). See docs/design/0005-ecvrf.md.
 *
 * <p>All methods are pure functions and safe to call from any thread.
 */
public final class EcVrf {
  /** The suite string of ECVRF-EDWARDS25519-SHA512-TAI. */
  public static final byte SUITE_STRING = 0x03;

  /** Secret key length in bytes (an RFC 8032 Ed25519 seed). */
  public static final int SECRET_KEY_SIZE = 32;

  /** Public key length in bytes (an encoded point, as an Ed25519 public key). */
  public static final int PUBLIC_KEY_SIZE = 32;

  /** Proof length in bytes: Gamma (32) || c (16) || s (32). */
  public static final int PROOF_SIZE = 80;

  /** Output (beta) length in bytes: a SHA-512 digest. */
  public static final int OUTPUT_SIZE = 64;

  /** cLen: the challenge is the first 16 bytes of a SHA-512 digest. */
  static final int C_SIZE = 16;

  private static final byte ENCODE_TO_CURVE_FRONT = 0x01;
  private static final byte CHALLENGE_FRONT = 0x02;
  private static final byte PROOF_TO_HASH_FRONT = 0x03;
  private static final byte BACK = 0x00;

  private static final HexFormat HEX = HexFormat.of();

  private EcVrf() {}

  /**
   * The public key of a 32-byte secret key: x*B, where x is the clamped first half of SHA-512 of
   * the secret key (RFC 8032 section 5.1.5). It equals the Ed25519 public key of the same seed.
   *
   * @throws IllegalArgumentException if {@code secretKey} is not 32 bytes
   */
  public static byte[] publicKey(byte[] secretKey) {
    return Edwards25519.encode(Edwards25519.multiply(secretScalar(secretKey), Edwards25519.BASE));
  }

  /**
   * The proof {@code pi} for {@code alpha} under {@code secretKey} (RFC 9381 section 5.1).
   * Deterministic: the same key and input always give the same 80 bytes.
   *
   * @throws IllegalArgumentException if {@code secretKey} is not 32 bytes
   * @throws NullPointerException if {@code alpha} is null
   */
  public static byte[] prove(byte[] secretKey, byte[] alpha) {
    return proveTrace(secretKey, alpha).proof();
  }

  /**
   * beta = SHA-512(0x03 || 0x03 || encode(8*Gamma) || 0x00) of a proof (RFC 9381 section 5.2). This
   * decodes the proof but does not verify it: use it on a proof you made yourself, and {@link
   * #verify} on any other.
   *
   * @throws VrfVerificationException if the proof is not 80 bytes, its Gamma is not a canonical
   *     point encoding or its s is not below the group order
   */
  public static byte[] proofToHash(byte[] proof) throws VrfVerificationException {
    return gammaToHash(decodeProof(proof).gamma());
  }

  /**
   * Verifies {@code proof} for {@code alpha} under {@code publicKey} (RFC 9381 section 5.3, with
   * validate_key) and returns beta, the 64-byte VRF output.
   *
   * @throws VrfVerificationException if the key or the proof is malformed or the proof does not
   *     verify; {@link VrfVerificationException#reason()} says which
   * @throws NullPointerException if {@code alpha} is null
   */
  public static byte[] verify(byte[] publicKey, byte[] alpha, byte[] proof)
      throws VrfVerificationException {
    return verifyTrace(publicKey, alpha, proof).beta();
  }

  /**
   * Checks that {@code publicKey} is one {@link #verify} accepts (RFC 9381 section 5.4.5): 32
   * bytes, a canonical point encoding, not of small order.
   *
   * @throws VrfVerificationException naming what is wrong
   */
  public static void validatePublicKey(byte[] publicKey) throws VrfVerificationException {
    validateKey(publicKey);
  }

  // ---- The steps, with package-private views of the intermediates for the vector tests. ----

  /** Everything prove computes, for the vector tests. Arrays are not copied. */
  record ProveTrace(
      byte[] x,
      byte[] publicKey,
      int ctr,
      byte[] h,
      byte[] kString,
      byte[] k,
      byte[] gamma,
      byte[] u,
      byte[] v,
      byte[] c,
      byte[] s,
      byte[] proof) {}

  /** What verify recomputes, for the vector tests. */
  record VerifyTrace(byte[] h, byte[] u, byte[] v, byte[] beta) {}

  /** The result of encode_to_curve: the point and the counter value that produced it. */
  record Encoded(Point point, int ctr) {}

  /** A decoded proof. */
  record Proof(Point gamma, byte[] gammaString, byte[] c, byte[] s) {}

  static ProveTrace proveTrace(byte[] secretKey, byte[] alpha) {
    if (alpha == null) {
      throw new NullPointerException("alpha");
    }
    byte[] x = secretScalar(secretKey);
    byte[] pk = Edwards25519.encode(Edwards25519.multiply(x, Edwards25519.BASE));
    Encoded encoded = encodeToCurve(pk, alpha);
    Point h = encoded.point();
    byte[] hString = Edwards25519.encode(h);
    Point gamma = Edwards25519.multiply(x, h);
    byte[] kString = sha512(Arrays.copyOfRange(sha512(secretKey), 32, 64), hString);
    byte[] k = Scalar25519.reduce(kString);
    byte[] gammaString = Edwards25519.encode(gamma);
    byte[] u = Edwards25519.encode(Edwards25519.multiply(k, Edwards25519.BASE));
    byte[] v = Edwards25519.encode(Edwards25519.multiply(k, h));
    byte[] c = challenge(pk, hString, gammaString, u, v);
    byte[] s = Scalar25519.mulAdd(c, x, k);
    byte[] proof = new byte[PROOF_SIZE];
    System.arraycopy(gammaString, 0, proof, 0, 32);
    System.arraycopy(c, 0, proof, 32, C_SIZE);
    System.arraycopy(s, 0, proof, 32 + C_SIZE, 32);
    return new ProveTrace(
        x, pk, encoded.ctr(), hString, kString, k, gammaString, u, v, c, s, proof);
  }

  static VerifyTrace verifyTrace(byte[] publicKey, byte[] alpha, byte[] proof)
      throws VrfVerificationException {
    if (alpha == null) {
      throw new NullPointerException("alpha");
    }
    Point y = validateKey(publicKey);
    Proof d = decodeProof(proof);
    Point h = encodeToCurve(publicKey, alpha).point();
    byte[] hString = Edwards25519.encode(h);
    // U = s*B - c*Y, V = s*H - c*Gamma
    Point u = Edwards25519.multiplyAddVar(d.s(), d.c(), Edwards25519.negate(y));
    Point v = Edwards25519.multiplyAddVar(d.s(), h, d.c(), Edwards25519.negate(d.gamma()));
    byte[] uString = Edwards25519.encode(u);
    byte[] vString = Edwards25519.encode(v);
    byte[] c = challenge(publicKey, hString, d.gammaString(), uString, vString);
    if (!MessageDigest.isEqual(c, d.c())) {
      throw new VrfVerificationException(
          Reason.CHALLENGE_MISMATCH,
          "ECVRF proof does not verify: its challenge c is "
              + HEX.formatHex(d.c())
              + " but the key, alpha and proof give "
              + HEX.formatHex(c));
    }
    return new VerifyTrace(hString, uString, vString, gammaToHash(d.gamma()));
  }

  /** x: the first 32 bytes of SHA-512(SK), clamped (RFC 8032 section 5.1.5 steps 1 to 3). */
  private static byte[] secretScalar(byte[] secretKey) {
    if (secretKey == null || secretKey.length != SECRET_KEY_SIZE) {
      throw new IllegalArgumentException(
          "ECVRF secret key must be "
              + SECRET_KEY_SIZE
              + " bytes, got "
              + (secretKey == null ? 0 : secretKey.length));
    }
    byte[] x = Arrays.copyOf(sha512(secretKey), 32);
    x[0] &= (byte) 0xf8;
    x[31] &= 0x7f;
    x[31] |= 0x40;
    return x;
  }

  /**
   * ECVRF_encode_to_curve_try_and_increment (section 5.4.1.1), with encode_to_curve_salt = PK: the
   * first counter value ctr = 0, 1, ... for which SHA-512(0x03 || 0x01 || PK || alpha || ctr ||
   * 0x00)[0..32] decodes to a point whose cofactor multiple is not the identity.
   */
  static Encoded encodeToCurve(byte[] publicKey, byte[] alpha) {
    MessageDigest sha512 = sha512();
    Point p = identity();
    for (int ctr = 0; ctr < 256; ctr++) {
      sha512.update(SUITE_STRING);
      sha512.update(ENCODE_TO_CURVE_FRONT);
      sha512.update(publicKey);
      sha512.update(alpha);
      sha512.update((byte) ctr);
      sha512.update(BACK);
      byte[] hash = sha512.digest();
      if (Edwards25519.decode(hash, 0, p) == null) {
        Point h = Edwards25519.mulByCofactor(p);
        if (!Edwards25519.isIdentity(h)) {
          return new Encoded(h, ctr);
        }
      }
    }
    // Each try fails with probability about 1/2; 256 failures in a row do not happen.
    throw new IllegalStateException("ECVRF encode_to_curve found no point in 256 tries");
  }

  private static Point identity() {
    return Edwards25519.identity();
  }

  /**
   * ECVRF_challenge_generation (section 5.4.3): the first 16 bytes of SHA-512(0x03 || 0x02 || Y ||
   * H || Gamma || U || V || 0x00).
   */
  static byte[] challenge(byte[]... points) {
    MessageDigest sha512 = sha512();
    sha512.update(SUITE_STRING);
    sha512.update(CHALLENGE_FRONT);
    for (byte[] p : points) {
      sha512.update(p);
    }
    sha512.update(BACK);
    return Arrays.copyOf(sha512.digest(), C_SIZE);
  }

  /** ECVRF_validate_key (section 5.4.5) after string_to_point: the point Y of the public key. */
  static Point validateKey(byte[] publicKey) throws VrfVerificationException {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE) {
      throw new VrfVerificationException(
          Reason.PUBLIC_KEY_LENGTH,
          "ECVRF public key must be "
              + PUBLIC_KEY_SIZE
              + " bytes, got "
              + (publicKey == null ? 0 : publicKey.length));
    }
    Point y = identity();
    DecodeFailure failure = Edwards25519.decode(publicKey, 0, y);
    if (failure != null) {
      throw new VrfVerificationException(
          Reason.PUBLIC_KEY_ENCODING,
          "ECVRF public key " + HEX.formatHex(publicKey) + " " + describe(failure));
    }
    if (Edwards25519.isIdentity(Edwards25519.mulByCofactor(y))) {
      throw new VrfVerificationException(
          Reason.PUBLIC_KEY_SMALL_ORDER,
          "ECVRF public key "
              + HEX.formatHex(publicKey)
              + " has small order (8 times it is the identity)");
    }
    return y;
  }

  /** ECVRF_decode_proof (section 5.4.4). */
  static Proof decodeProof(byte[] proof) throws VrfVerificationException {
    if (proof == null || proof.length != PROOF_SIZE) {
      throw new VrfVerificationException(
          Reason.PROOF_LENGTH,
          "ECVRF proof must be "
              + PROOF_SIZE
              + " bytes, got "
              + (proof == null ? 0 : proof.length));
    }
    byte[] gammaString = Arrays.copyOf(proof, 32);
    Point gamma = identity();
    DecodeFailure failure = Edwards25519.decode(gammaString, 0, gamma);
    if (failure != null) {
      throw new VrfVerificationException(
          Reason.GAMMA_ENCODING,
          "ECVRF proof Gamma " + HEX.formatHex(gammaString) + " " + describe(failure));
    }
    byte[] c = Arrays.copyOfRange(proof, 32, 32 + C_SIZE);
    byte[] s = Arrays.copyOfRange(proof, 32 + C_SIZE, PROOF_SIZE);
    if (!Scalar25519.isReduced(s)) {
      throw new VrfVerificationException(
          Reason.S_NOT_REDUCED,
          "ECVRF proof scalar s "
              + HEX.formatHex(s)
              + " (little-endian) is not below the group order L");
    }
    return new Proof(gamma, gammaString, c, s);
  }

  private static String describe(DecodeFailure failure) {
    switch (failure) {
      case NON_CANONICAL_Y:
        return "is not a canonical point encoding: y is not below 2^255 - 19";
      case NOT_ON_CURVE:
        return "is not a point on edwards25519: no x satisfies the curve equation for its y";
      case NEGATIVE_ZERO_X:
        return "is not a canonical point encoding: x is 0 but the sign bit is set";
      default:
        throw new AssertionError(failure);
    }
  }

  private static byte[] gammaToHash(Point gamma) {
    MessageDigest sha512 = sha512();
    sha512.update(SUITE_STRING);
    sha512.update(PROOF_TO_HASH_FRONT);
    sha512.update(Edwards25519.encode(Edwards25519.mulByCofactor(gamma)));
    sha512.update(BACK);
    return sha512.digest();
  }

  private static byte[] sha512(byte[]... parts) {
    MessageDigest sha512 = sha512();
    for (byte[] p : parts) {
      sha512.update(p);
    }
    return sha512.digest();
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-512", e);
    }
  }
}
