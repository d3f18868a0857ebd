package org.rcskt.verifier.note;

import org.rcskt.verifier.VerificationException;

/**
 * A key whose signature type byte is well-formed but not one this library verifies: ECDSA ({@code
 * 0x02}), RFC 6962 tree-head signatures ({@code 0x05}), ML-DSA-44 cosignatures ({@code 0x06}),
 * reserved or unassigned types. Kept apart from signature failures so that a caller configured with
 * such a key learns that it cannot be checked here, not that a log misbehaved.
 */
public class UnsupportedAlgorithmException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final String keyName;
  private final int signatureType;

  public UnsupportedAlgorithmException(String keyName, int signatureType, String message) {
    super(message);
    this.keyName = keyName;
    this.signatureType = signatureType;
  }

  /** The key name from the key string. */
  public String keyName() {
    return keyName;
  }

  /** The signature type byte (0..255) the key string declared. */
  public int signatureType() {
    return signatureType;
  }
}
