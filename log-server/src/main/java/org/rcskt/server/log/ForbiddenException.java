package org.rcskt.server.log;

/**
 * The authenticated submitter may not submit this event: it names a carrier the submitter is not
 * bound to. Checked after the event is parsed and before any signature is verified.
 */
public final class ForbiddenException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public ForbiddenException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The JSON field at fault ({@code carrierId}). */
  public String field() {
    return field;
  }
}
