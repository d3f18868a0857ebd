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
}
