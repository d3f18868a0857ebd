package org.rcskt.verifier.event;

/** The kind of a key event, with its one-byte code point (docs/protocol.md, "Event types"). */
public enum EventType {
  /** Adds a device key to a subject. */
  REGISTER(1),
  /** Replaces the key of one of a subject's devices. */
  ROTATE(2),
  /** Removes a device key from a subject. */
  REVOKE(3),
  /** Adds or retires a carrier's attestation (anchor) key; signed by the log's policy key. */
  ANCHOR(4),
  /**
   * Sets the key-agreement keys (X25519, ML-KEM-768, X-Wing) of one of a subject's devices; signed
   * by that device's identity key.
   */
  KEYS(5);

  private final int code;

  EventType(int code) {
    this.code = code;
  }

  /** The code point written in the event's {@code type} byte. */
  public int code() {
    return code;
  }

  /** The type with code point {@code code}, or null when none is assigned. */
  public static EventType fromCode(int code) {
    switch (code) {
      case 1:
        return REGISTER;
      case 2:
        return ROTATE;
      case 3:
        return REVOKE;
      case 4:
        return ANCHOR;
      case 5:
        return KEYS;
      default:
        return null;
    }
  }
}
