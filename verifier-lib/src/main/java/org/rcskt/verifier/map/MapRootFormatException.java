package org.rcskt.verifier.map;

import org.rcskt.verifier.VerificationException;

/**
 * Bytes that are not a well-formed {@code MAP_ROOT} entry (protocol 16.3); the message says why.
 */
public final class MapRootFormatException extends VerificationException {
  private static final long serialVersionUID = 1L;

  MapRootFormatException(String message) {
    super(message);
  }
}
