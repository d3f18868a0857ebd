package org.rcskt.verifier.event;

/**
 * Key-agreement (KEM) algorithms of the keys a device publishes beside its identity key
 * (docs/protocol.md section 5.1), with their two-byte code points and public key sizes.
 */
public enum KexAlgorithm {
  /** X25519 (RFC 7748): a 32-byte u-coordinate. */
  X25519(0x0101, 32),
  /** ML-KEM-768 (FIPS 203): the 1,184-byte encapsulation key. */
  ML_KEM_768(0x0102, 1184),
  /**
   * X-Wing (X25519 + ML-KEM-768, draft-connolly-cfrg-xwing-kem): the ML-KEM-768 encapsulation key
   * followed by the X25519 public key, 1,216 bytes.
   */
  X_WING(0x0103, 1184 + 32);

  private final int code;
  private final int publicKeySize;

  KexAlgorithm(int code, int publicKeySize) {
    this.code = code;
    this.publicKeySize = publicKeySize;
  }

  /** The code point written in a {@code KexKey}'s {@code algorithm} field. */
  public int code() {
    return code;
  }

  /** The exact length of a public key of this algorithm, in bytes. */
  public int publicKeySize() {
    return publicKeySize;
  }

  /** Whether a key agreement with this key stays secret against a quantum computer. */
  public boolean isPostQuantum() {
    return this != X25519;
  }

  /** The algorithm with code point {@code code}, or null when none is assigned. */
  public static KexAlgorithm fromCode(int code) {
    for (KexAlgorithm a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    return null;
  }
}
