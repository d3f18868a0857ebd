package org.rcskt.verifier.client;

import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;

/**
 * The log's answer about a subject disagrees with its own completeness proof: the subject map
 * committed to by the checkpoint's last leaf says the subject's latest event is sequence {@code
 * provenNextSequence - 1} with hash {@code provenLastEventHash} (or that it has none), but the
 * events listed end elsewhere. A client shown such an answer was shown a stale or forged key
 * history; the checkpoint, the map-root leaf and the map proof, all verified, are the evidence
 * (docs/clients.md, "Completeness").
 */
public final class StaleAnswerException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final Hash subject;
  private final transient SignedCheckpoint checkpoint;
  private final long provenNextSequence;
  private final Hash provenLastEventHash;
  private final long shownEvents;

  StaleAnswerException(
      String path,
      Hash subject,
      SignedCheckpoint checkpoint,
      long provenNextSequence,
      Hash provenLastEventHash,
      long shownEvents,
      String detail) {
    super(path + ": " + detail);
    this.subject = Objects.requireNonNull(subject, "subject");
    this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    this.provenNextSequence = provenNextSequence;
    this.provenLastEventHash = provenLastEventHash;
    this.shownEvents = shownEvents;
  }

  /** The subject asked about. */
  public Hash subject() {
    return subject;
  }

  /** The checkpoint the completeness proof verified against. */
  public SignedCheckpoint checkpoint() {
    return checkpoint;
  }

  /** The number of events the map proves the subject has (0: none). */
  public long provenNextSequence() {
    return provenNextSequence;
  }

  /** The hash of the latest event the map proves, or null when it proves there are none. */
  public Hash provenLastEventHash() {
    return provenLastEventHash;
  }

  /** How many events the answer listed. */
  public long shownEvents() {
    return shownEvents;
  }
}
