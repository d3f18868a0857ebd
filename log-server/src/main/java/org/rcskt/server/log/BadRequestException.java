package org.rcskt.server.log;

/**
 * A request the log cannot answer because of a value the client chose: out of range, malformed.
 * {@link #field()} names the parameter or JSON field; the message gives the numbers involved.
 */
public class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public BadRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The query parameter or JSON field at fault. */
  public String field() {
    return field;
  }
}
