package org.rcskt.verifier.event;

/** Why a device key was revoked, with its one-byte code point. Informational for the rules. */
public enum RevocationReason {
  /** The private key is, or may be, known to someone else. */
  COMPROMISED(1),
  /** The key was replaced by another key or device. */
  SUPERSEDED(2),
  /** The device is lost or stolen. */
  DEVICE_LOST(3),
  /** The subject's carrier asked for the revocation (for example, the number changed hands). */
  CARRIER_REQUEST(4);

  private final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  /** The code point written in the REVOKE payload's {@code reason} byte. */
  public int code() {
    return code;
  }

  /** The reason with code point {@code code}, or null when none is assigned. */
  public static RevocationReason fromCode(int code) {
    for (RevocationReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
