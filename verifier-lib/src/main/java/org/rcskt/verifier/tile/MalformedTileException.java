package org.rcskt.verifier.tile;

import org.rcskt.verifier.VerificationException;

/** A hash tile or entry bundle, as fetched from a log, whose bytes do not have the right shape. */
public final class MalformedTileException extends VerificationException {
  private static final long serialVersionUID = 1L;

  MalformedTileException(String message) {
    super(message);
  }
}
