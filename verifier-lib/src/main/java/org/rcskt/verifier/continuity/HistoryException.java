package org.rcskt.verifier.continuity;

import org.rcskt.verifier.VerificationException;

/**
 * The subject's history as the log served it cannot be right: an event breaks the event rules on
 * replay (a gap or fork in the chain, a bad signature, an unauthorized change), or the history no
 * longer contains the event the app's pin was verified from. Every event involved was proven
 * included in a verified checkpoint, so the log itself holds what is reported here.
 */
public final class HistoryException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final long leafIndex;
  private final byte[] event;
  private final byte[] checkpoint;

  /**
   * @param message what is wrong, with the values involved
   * @param leafIndex the leaf index of the offending event, or -1 when no event is at fault (a
   *     missing one)
   * @param event the offending event's encoding as logged, or an empty array
   * @param checkpoint the signed checkpoint its inclusion was proven against
   * @param cause the rule violation, or null
   */
  public HistoryException(
      String message, long leafIndex, byte[] event, byte[] checkpoint, Throwable cause) {
    super(message, cause);
    this.leafIndex = leafIndex;
    this.event = event.clone();
    this.checkpoint = checkpoint.clone();
  }

  /** The leaf index of the offending event, or -1. */
  public long leafIndex() {
    return leafIndex;
  }

  /** A copy of the offending event's encoding (empty when none). */
  public byte[] event() {
    return event.clone();
  }

  /** A copy of the signed checkpoint the event's inclusion was proven against. */
  public byte[] checkpoint() {
    return checkpoint.clone();
  }
}
