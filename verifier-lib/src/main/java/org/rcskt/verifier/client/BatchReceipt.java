package org.rcskt.verifier.client;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;

/**
 * The log's answer to a batch ({@link LogClient#submitBatch}): one outcome per event, in the
 * batch's order, every receipt verified against the one checkpoint.
 *
 * @param checkpoint the verified checkpoint of the batch
 * @param outcomes one per submitted event, in order
 */
public record BatchReceipt(SignedCheckpoint checkpoint, List<Outcome> outcomes) {
  public BatchReceipt {
    Objects.requireNonNull(checkpoint, "checkpoint");
    outcomes = List.copyOf(outcomes);
  }

  /** How many events the log accepted (duplicates included). */
  public int accepted() {
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.receipt() != null) {
        n++;
      }
    }
    return n;
  }

  /**
   * One event's outcome: exactly one of a verified receipt and a rejection.
   *
   * @param receipt the receipt, or null when the event was refused
   * @param rejection why it was refused, or null when it was accepted
   */
  public record Outcome(Receipt receipt, Rejection rejection) {
    public Outcome {
      if ((receipt == null) == (rejection == null)) {
        throw new IllegalArgumentException("exactly one of receipt and rejection");
      }
    }
  }
}
