package org.rcskt.verifier.event;

import org.rcskt.verifier.VerificationException;

/**
 * An encoded event (binary or JSON) that is not well formed: truncated, oversize, an unknown code
 * point, a field out of its limits. {@link #field()} names the offending field with the JSON path
 * spelling ({@code payload.publicKey.key}, {@code signatures[1].signature}), or is empty when the
 * problem concerns the event as a whole.
 */
public final class EventFormatException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  /**
   * @param field the field path, or "" for the whole event
   * @param problem what is wrong with it
   */
  public EventFormatException(String field, String problem) {
    super(field.isEmpty() ? problem : field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** The path of the offending field, or "" when the problem concerns the whole event. */
  public String field() {
    return field;
  }

  /** The problem without the field name. */
  public String problem() {
    return problem;
  }
}
