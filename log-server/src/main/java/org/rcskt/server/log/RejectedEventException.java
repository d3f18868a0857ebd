package org.rcskt.server.log;

import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.Violation;

/**
 * An event the rules refused, with the state of its chain at the time: the sequence number the
 * chain expects next (so a client that lost a race learns where the chain is).
 */
public class RejectedEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient RuleViolationException violation;
  private final long nextSequence;
  private final String field;

  /**
   * @param field the JSON path of the event's field the violation is about ({@link
   *     RuleViolationException#field}), or null
   */
  public RejectedEventException(RuleViolationException violation, long nextSequence, String field) {
    super(violation.getMessage(), violation);
    this.violation = violation;
    this.nextSequence = nextSequence;
    this.field = field;
  }

  /** The JSON path of the event's field a client must change, or null when it is no one field. */
  public String field() {
    return field;
  }

  public Violation violation() {
    return violation.violation();
  }

  public RuleViolationException ruleViolation() {
    return violation;
  }

  /** The sequence number the event's chain expects next (0 for a new chain). */
  public long nextSequence() {
    return nextSequence;
  }

  /**
   * Whether the event conflicts with the chain's current state (its sequence number is taken or its
   * previous hash is not the chain's last event) rather than breaking a rule outright.
   */
  public boolean isConflict() {
    return violation.violation() == Violation.WRONG_SEQUENCE
        || violation.violation() == Violation.WRONG_PREVIOUS_HASH;
  }
}
