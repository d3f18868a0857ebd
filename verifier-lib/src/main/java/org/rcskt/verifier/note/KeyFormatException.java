package org.rcskt.verifier.note;

import org.rcskt.verifier.VerificationException;

/**
 * A verifier key (vkey) or signer key (skey) string that is malformed, names a key ID that does not
 * match its key, or carries key material of the wrong size. Messages never include private key
 * material.
 */
public class KeyFormatException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public KeyFormatException(String message) {
    super(message);
  }
}
