package org.rcskt.verifier.event;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A key-agreement public key a device publishes in a {@code KEYS} event (docs/protocol.md section
 * 5.1): its algorithm, its bytes and an optional expiry (0 for none). Immutable.
 *
 * <p>What makes the bytes a valid key is checked by {@link #problem()}: for X25519, that the
 * u-coordinate is not of small order (an agreement with it would not depend on the peer's secret);
 * for ML-KEM-768, the FIPS 203 encapsulation-key check (every coefficient below q = 3329); X-Wing
 * both.
 */
public final class KexKey {
  private static final int Q = 3329;
  private static final int ML_KEM_768_T_BYTES = 1152;
  // Any fixed clamped scalar: [k]u is all zero exactly when u is of small order.
  private static final byte[] PROBE_SCALAR = new byte[32];

  static {
    Arrays.fill(PROBE_SCALAR, (byte) 0x5a);
  }

  private final KexAlgorithm algorithm;
  private final byte[] key;
  private final long notAfterMs;

  private KexKey(KexAlgorithm algorithm, byte[] key, long notAfterMs) {
    this.algorithm = algorithm;
    this.key = key;
    this.notAfterMs = notAfterMs;
  }

  /**
   * A key of {@code algorithm} with bytes {@code key}, usable until {@code notAfterMs} inclusive (0
   * for no expiry). Only the length is checked here; {@link #problem()} checks the encoding.
   *
   * @throws IllegalArgumentException if the length is wrong or {@code notAfterMs} is negative
   */
  public static KexKey of(KexAlgorithm algorithm, byte[] key, long notAfterMs) {
    if (algorithm == null || key == null) {
      throw new IllegalArgumentException("algorithm and key are required");
    }
    String p = lengthProblem(algorithm, key.length);
    if (p != null) {
      throw new IllegalArgumentException("key: " + p);
    }
    if (notAfterMs < 0) {
      throw new IllegalArgumentException("notAfterMs: must not be negative");
    }
    return new KexKey(algorithm, key.clone(), notAfterMs);
  }

  static KexKey wrap(KexAlgorithm algorithm, byte[] key, long notAfterMs) {
    return new KexKey(algorithm, key, notAfterMs);
  }

  static String lengthProblem(KexAlgorithm algorithm, int length) {
    if (length != algorithm.publicKeySize()) {
      return algorithm
          + " key must be "
          + algorithm.publicKeySize()
          + " bytes, got "
          + length
          + " bytes";
    }
    return null;
  }

  /** Why the bytes are not a valid key of the algorithm, or null when they are. */
  public String problem() {
    switch (algorithm) {
      case X25519:
        return x25519Problem(key, 0);
      case ML_KEM_768:
        return mlKemProblem(key, 0);
      default:
        String p = mlKemProblem(key, 0);
        if (p != null) {
          return "its ML-KEM-768 part: " + p;
        }
        p = x25519Problem(key, 1184);
        return p == null ? null : "its X25519 part: " + p;
    }
  }

  private static String x25519Problem(byte[] k, int off) {
    byte[] out = new byte[32];
    boolean contributory =
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(PROBE_SCALAR, 0, k, off, out, 0);
    return contributory ? null : "the X25519 public key is of small order";
  }

  /** FIPS 203 section 7.2, the modulus check: ByteEncode12(ByteDecode12(t)) = t. */
  private static String mlKemProblem(byte[] k, int off) {
    for (int i = 0; i < ML_KEM_768_T_BYTES; i += 3) {
      int b0 = k[off + i] & 0xff;
      int b1 = k[off + i + 1] & 0xff;
      int b2 = k[off + i + 2] & 0xff;
      int c0 = b0 | ((b1 & 0x0f) << 8);
      int c1 = (b1 >>> 4) | (b2 << 4);
      if (c0 >= Q || c1 >= Q) {
        return "the ML-KEM-768 encapsulation key has a coefficient of "
            + Math.max(c0, c1)
            + " at byte "
            + i
            + ", not below q = 3329 (FIPS 203 modulus check)";
      }
    }
    return null;
  }

  public KexAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the key bytes. */
  public byte[] key() {
    return key.clone();
  }

  byte[] keyUnsafe() {
    return key;
  }

  /** The last timestamp (ms) at which the key may be used, or 0 when it does not expire. */
  public long notAfterMs() {
    return notAfterMs;
  }

  /** Whether the key has expired for an event with timestamp {@code timestampMs}. */
  public boolean isExpiredAt(long timestampMs) {
    return notAfterMs != 0 && timestampMs > notAfterMs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KexKey
        && ((KexKey) o).algorithm == algorithm
        && ((KexKey) o).notAfterMs == notAfterMs
        && Arrays.equals(((KexKey) o).key, key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key) * 31 + algorithm.hashCode() + Long.hashCode(notAfterMs);
  }

  @Override
  public String toString() {
    return "KexKey["
        + algorithm
        + " "
        + HexFormat.of().formatHex(key, 0, Math.min(8, key.length))
        + ".."
        + (notAfterMs == 0 ? "" : " notAfterMs=" + notAfterMs)
        + "]";
  }
}
