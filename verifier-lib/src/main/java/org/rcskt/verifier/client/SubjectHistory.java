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
 * <p>What this does not show: that the list is complete. The log could leave out the subject's
 * latest events; the events' sequence numbers and previous-hash chain only rule out gaps and forks
 * before the last event shown. Replaying every event of the log (a monitor or an auditor) is what
 * catches an omitted tail. See docs/clients.md.
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
