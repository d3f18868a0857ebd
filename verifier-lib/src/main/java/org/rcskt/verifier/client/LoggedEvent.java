package org.rcskt.verifier.client;

import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.KeyEvent;

/**
 * A key event and where it sits in the log: its leaf index and the inclusion proof that verified
 * against {@link #checkpoint()}.
 *
 * @param leafIndex the event's leaf index
 * @param event the event; {@link KeyEvent#encoded()} is the leaf
 * @param inclusionProof the RFC 9162 inclusion proof, as served and verified
 * @param checkpoint the verified checkpoint the proof leads to
 */
public record LoggedEvent(
    long leafIndex, KeyEvent event, List<Hash> inclusionProof, SignedCheckpoint checkpoint) {
  public LoggedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(checkpoint, "checkpoint");
    inclusionProof = List.copyOf(inclusionProof);
  }
}
