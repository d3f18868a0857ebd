package org.rcskt.verifier.event;

import java.util.Optional;
import java.util.OptionalLong;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;

/**
 * An event that is well formed but breaks a rule. {@link #violation()} says which; the message
 * gives the values involved, and the accessors give them as data.
 */
public final class RuleViolationException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final Violation violation;
  private final Long expected;
  private final Long found;
  private final transient Hash keyId;
  private final String deviceId;
  private String attestationCheck;

  private RuleViolationException(
      Violation violation, String message, Long expected, Long found, Hash keyId, String deviceId) {
    super(message);
    this.violation = violation;
    this.expected = expected;
    this.found = found;
    this.keyId = keyId;
    this.deviceId = deviceId;
  }

  /** A violation with only a message. */
  public RuleViolationException(Violation violation, String message) {
    this(violation, message, null, null, null, null);
  }

  static RuleViolationException numbers(
      Violation violation, String message, long expected, long found) {
    return new RuleViolationException(violation, message, expected, found, null, null);
  }

  static RuleViolationException key(Violation violation, String message, Hash keyId) {
    return new RuleViolationException(violation, message, null, null, keyId, null);
  }

  static RuleViolationException device(Violation violation, String message, String deviceId) {
    return new RuleViolationException(violation, message, null, null, null, deviceId);
  }

  static RuleViolationException attestation(
      Violation violation, org.rcskt.verifier.attestation.AttestationCheck check, String message) {
    RuleViolationException e = new RuleViolationException(violation, message);
    e.attestationCheck = check == null ? null : check.wireName();
    return e;
  }

  /**
   * The device attestation check that failed ({@link
   * org.rcskt.verifier.attestation.AttestationCheck#wireName()}), for {@link
   * Violation#INVALID_ATTESTATION} and {@link Violation#DEVICE_ATTESTATION_REQUIRED}.
   */
  public Optional<String> attestationCheck() {
    return Optional.ofNullable(attestationCheck);
  }

  /** The kind of violation. */
  public Violation violation() {
    return violation;
  }

  /**
   * The number the rules expected: the sequence number, the earliest or latest allowed timestamp,
   * the device or anchor limit. Empty when the violation involves no number.
   */
  public OptionalLong expected() {
    return expected == null ? OptionalLong.empty() : OptionalLong.of(expected);
  }

  /** The number the event had, paired with {@link #expected()}. */
  public OptionalLong found() {
    return found == null ? OptionalLong.empty() : OptionalLong.of(found);
  }

  /** The key id involved, when the violation is about one key. */
  public Optional<Hash> keyId() {
    return Optional.ofNullable(keyId);
  }

  /** The device id involved, when the violation is about one device. */
  public Optional<String> deviceId() {
    return Optional.ofNullable(deviceId);
  }

  /**
   * The JSON path (docs/protocol.md section 10) of the field of {@code event} a client must change
   * to fix this violation, or null when it is no one field. A key problem is the payload's key when
   * the key involved is the one the event installs ({@code payload.publicKey}; its {@code
   * notAfterMs} for an expired one), and a signature's otherwise.
   *
   * @param event the event that broke the rule
   */
  public String field(KeyEvent event) {
    switch (violation) {
      case WRONG_SEQUENCE:
        return "sequence";
      case WRONG_PREVIOUS_HASH:
        return "previousHash";
      case TIMESTAMP_OUT_OF_BOUNDS:
      case TIMESTAMP_BEFORE_PREVIOUS:
        return "timestampMs";
      case CARRIER_MISMATCH:
        return "carrierId";
      case WRONG_SUBJECT:
      case CARRIER_SUBJECT:
      case PHONE_SUBJECT:
        return "subject";
      case MISSING_SIGNATURE:
      case BAD_SIGNATURE:
      case UNKNOWN_SIGNER:
      case UNEXPECTED_SIGNER:
      case EXPIRED_ANCHOR:
      case MISSING_CARRIER_ATTESTATION:
        return "signatures";
      case INVALID_KEX_KEY:
        return "payload.keyAgreementKeys";
      case INVALID_ATTESTATION:
      case DEVICE_ATTESTATION_REQUIRED:
        return "attestationEvidence";
      case UNKNOWN_DEVICE:
      case DUPLICATE_DEVICE:
      case TOO_MANY_DEVICES:
        return "payload.deviceId";
      case DUPLICATE_KEY:
      case TOO_MANY_ANCHORS:
      case UNKNOWN_ANCHOR:
      case POST_QUANTUM_REQUIRED:
      case ALGORITHM_DOWNGRADE:
        return "payload.publicKey";
      case REVOKED_KEY:
      case ROLE_CONFLICT:
      case KEY_EXPIRED:
      case UNSUPPORTED_ALGORITHM:
      case INVALID_PUBLIC_KEY:
        PublicKeyInfo installed = installedKey(event.body().payload());
        if (installed != null && keyId != null && installed.keyId().equals(keyId)) {
          return violation == Violation.KEY_EXPIRED
              ? "payload.publicKey.notAfterMs"
              : "payload.publicKey";
        }
        return keyId == null ? null : "signatures";
      default:
        return null;
    }
  }

  /** The key a REGISTER, ROTATE or ANCHOR event carries in its payload, or null. */
  private static PublicKeyInfo installedKey(EventPayload p) {
    if (p instanceof EventPayload.Anchor) {
      return ((EventPayload.Anchor) p).publicKey();
    }
    return EventSignatures.payloadKey(p);
  }
}
