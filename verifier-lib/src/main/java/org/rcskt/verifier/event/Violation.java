package org.rcskt.verifier.event;

/** The kinds of rule violation (docs/protocol.md, "Rules"). */
public enum Violation {
  /** The event's sequence number is not the subject's (or carrier's) next one. */
  WRONG_SEQUENCE,
  /** The event's previous hash is not the leaf hash of the subject's last event. */
  WRONG_PREVIOUS_HASH,
  /** The timestamp is outside the accepted window around the current time. */
  TIMESTAMP_OUT_OF_BOUNDS,
  /** The timestamp is earlier than that of the subject's previous event. */
  TIMESTAMP_BEFORE_PREVIOUS,
  /** The event names a carrier other than the one responsible for the subject. */
  CARRIER_MISMATCH,
  /** An ANCHOR event's subject is not the carrier subject of its carrier id. */
  WRONG_SUBJECT,
  /** A REGISTER, ROTATE or REVOKE names the subject of a carrier the log knows. */
  CARRIER_SUBJECT,
  /** An ANCHOR event's carrier subject already has phone events (REGISTER, ROTATE, REVOKE). */
  PHONE_SUBJECT,
  /** A signature the rules require is absent. */
  MISSING_SIGNATURE,
  /** A signature does not verify under the key its key id names. */
  BAD_SIGNATURE,
  /** A signature's key id names no key the verifier knows. */
  UNKNOWN_SIGNER,
  /** A signature by a known key that has no role in this event. */
  UNEXPECTED_SIGNER,
  /** The device named by a ROTATE or REVOKE is not an active device of the subject. */
  UNKNOWN_DEVICE,
  /** A REGISTER names a device id the subject already has. */
  DUPLICATE_DEVICE,
  /** A new key is already an active key (of this subject, or an anchor of some carrier). */
  DUPLICATE_KEY,
  /** A key that was revoked, rotated away or retired signs, or is installed again. */
  REVOKED_KEY,
  /**
   * A key would hold two roles: a device key that is (or was) an anchor key or is the policy key,
   * an anchor key that is the policy key, or a signature whose key is both a device key of the
   * subject and an anchor key.
   */
  ROLE_CONFLICT,
  /** A key signs after its not-after time, or a new key's not-after is already past. */
  KEY_EXPIRED,
  /** A carrier anchor key signs after its not-after time. */
  EXPIRED_ANCHOR,
  /** A REGISTER lacks a carrier attestation and unattested registration is not allowed. */
  MISSING_CARRIER_ATTESTATION,
  /** A key's algorithm is reserved but not supported yet (no algorithm is, in this version). */
  UNSUPPORTED_ALGORITHM,
  /** A key's bytes are not a valid key of its algorithm. */
  INVALID_PUBLIC_KEY,
  /** A REGISTER would give the subject more devices than allowed. */
  TOO_MANY_DEVICES,
  /** An ANCHOR ADD would give the carrier more anchor keys than allowed. */
  TOO_MANY_ANCHORS,
  /** An ANCHOR RETIRE names a key that is not an active anchor of the carrier. */
  UNKNOWN_ANCHOR,
  /**
   * A REGISTER introduces a key that is not post-quantum (Ed25519 alone) while the log's policy
   * requires post-quantum keys of the event's carrier.
   */
  POST_QUANTUM_REQUIRED,
  /**
   * A ROTATE replaces a post-quantum key (ML-DSA-65 or the hybrid) with one that is not, and the
   * log's policy does not allow downgrades.
   */
  ALGORITHM_DOWNGRADE,
  /**
   * A KEYS event publishes a key-agreement key whose bytes are not a valid key of its algorithm (an
   * X25519 key of small order, an ML-KEM-768 key failing the FIPS 203 modulus check).
   */
  INVALID_KEX_KEY,
  /**
   * Device attestation evidence that does not pass a check: malformed, not chaining to a configured
   * root, not valid at the event's timestamp, revoked, made for another event, by an app not
   * allowed, or carried by an event type that installs no key. The exception names the check.
   */
  INVALID_ATTESTATION,
  /**
   * A REGISTER without verified hardware-backed device attestation while the log's policy requires
   * it of the carrier.
   */
  DEVICE_ATTESTATION_REQUIRED
}
