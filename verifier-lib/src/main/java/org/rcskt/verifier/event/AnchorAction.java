package org.rcskt.verifier.event;

/** What an ANCHOR event does to a carrier's set of attestation keys, with its code point. */
public enum AnchorAction {
  /** Adds an attestation key to the carrier's anchors. */
  ADD(1),
  /** Retires one of the carrier's attestation keys. */
  RETIRE(2);

  private final int code;

  AnchorAction(int code) {
    this.code = code;
  }

  /** The code point written in the ANCHOR payload's {@code action} byte. */
  public int code() {
    return code;
  }

  /** The action with code point {@code code}, or null when none is assigned. */
  public static AnchorAction fromCode(int code) {
    for (AnchorAction a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    return null;
  }
}
