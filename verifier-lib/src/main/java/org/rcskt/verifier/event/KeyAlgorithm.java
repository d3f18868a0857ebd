package org.rcskt.verifier.event;

/**
 * Signature algorithms of logged public keys, with their two-byte code points and sizes
 * (docs/protocol.md section 5). The hybrid is the Ed25519 value followed by the ML-DSA-65 value,
 * for keys and signatures alike; how it signs is fixed in section 7.2.
 */
public enum KeyAlgorithm {
  /** Ed25519 (RFC 8032, pure). */
  ED25519(0x0001, 32, 64, true),
  /** ML-DSA-65 (FIPS 204, pure, empty context). */
  ML_DSA_65(0x0002, 1952, 3309, true),
  /** Ed25519 and ML-DSA-65 together over a domain-separated message; both must verify. */
  ED25519_ML_DSA_65(0x0003, 32 + 1952, 64 + 3309, true);

  private final int code;
  private final int publicKeySize;
  private final int signatureSize;
  private final boolean supported;

  KeyAlgorithm(int code, int publicKeySize, int signatureSize, boolean supported) {
    this.code = code;
    this.publicKeySize = publicKeySize;
    this.signatureSize = signatureSize;
    this.supported = supported;
  }

  /** The code point written in a {@code PublicKey}'s {@code algorithm} field. */
  public int code() {
    return code;
  }

  /** The exact length of a public key of this algorithm, in bytes. */
  public int publicKeySize() {
    return publicKeySize;
  }

  /** The exact length of a signature of this algorithm, in bytes. */
  public int signatureSize() {
    return signatureSize;
  }

  /**
   * Whether a signature of this algorithm stays unforgeable against a quantum computer: ML-DSA-65
   * alone or in the hybrid. Rotating from such a key to one that is not is a downgrade
   * (docs/protocol.md section 9.4).
   */
  public boolean isPostQuantum() {
    return this != ED25519;
  }

  /** Whether this implementation can verify signatures of this algorithm. */
  public boolean isSupported() {
    return supported;
  }

  /** The algorithm with code point {@code code}, or null when none is assigned. */
  public static KeyAlgorithm fromCode(int code) {
    switch (code) {
      case 0x0001:
        return ED25519;
      case 0x0002:
        return ML_DSA_65;
      case 0x0003:
        return ED25519_ML_DSA_65;
      default:
        return null;
    }
  }
}
