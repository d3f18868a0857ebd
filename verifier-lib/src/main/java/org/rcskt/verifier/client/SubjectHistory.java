package org.rcskt.verifier.client;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;

/**
 * A subject's events as a {@link LogClient} fetched them: each one's inclusion proof verified
 * against {@link #checkpoint()}, which the client verified and found consistent with every
 * checkpoint it saw before.
 *
 * <p>The list is complete as of that checkpoint: the checkpoint's last leaf is the log's subject
 * map root, proven by inclusion, and the subject's map proof against it says how many events the
 * subject has and which is the latest; the client refused the answer ({@link StaleAnswerException})
 * unless the events listed end exactly there. A log can still lie in its map, but only in a leaf of
 * its own log that every monitor and auditor recomputes (docs/clients.md).
 *
 * @param subject the subject index asked for
 * @param checkpoint the verified checkpoint every proof verified against
 * @param events the subject's events in the order served (sequence order, for an honest log)
 */
public record SubjectHistory(Hash subject, SignedCheckpoint checkpoint, List<LoggedEvent> events) {
  public SubjectHistory {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(checkpoint, "checkpoint");
    events = List.copyOf(events);
  }

  /** The tree size of {@link #checkpoint()}. */
  public long treeSize() {
    return checkpoint.checkpoint().treeSize();
  }
}
