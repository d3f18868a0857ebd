package org.rcskt.verifier.event;

import org.rcskt.verifier.Hash;

/**
 * The outcome of applying an accepted event.
 *
 * @param event the event
 * @param state the subject's new state; for an ANCHOR event, which does not touch any phone
 *     subject, the state passed in, unchanged
 * @param anchors the new anchor registry; the one passed in unless the event is an ANCHOR
 * @param carrierAttested whether a carrier anchor key of the event's carrier signed it
 * @param unattestedRegistration whether the event is a REGISTER accepted without carrier
 *     attestation (trust on first use); clients should show such keys as unverified
 * @param recovery whether the event is a ROTATE signed by the carrier but not by the replaced key;
 *     monitors and clients should warn about it
 * @param downgrade whether the event is a ROTATE from a post-quantum key to one that is not,
 *     accepted because the policy allows downgrades; monitors and clients should warn about it
 */
public record Applied(
    KeyEvent event,
    SubjectState state,
    AnchorRegistry anchors,
    boolean carrierAttested,
    boolean unattestedRegistration,
    boolean recovery,
    boolean downgrade) {

  /** An outcome that is not a downgrade. */
  public Applied(
      KeyEvent event,
      SubjectState state,
      AnchorRegistry anchors,
      boolean carrierAttested,
      boolean unattestedRegistration,
      boolean recovery) {
    this(event, state, anchors, carrierAttested, unattestedRegistration, recovery, false);
  }

  /** The event's leaf hash: the log's leaf hash and the chain's new last-event hash. */
  public Hash eventHash() {
    return event.leafHash();
  }
}
