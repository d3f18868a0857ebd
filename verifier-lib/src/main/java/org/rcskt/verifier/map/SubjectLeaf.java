package org.rcskt.verifier.map;

import org.rcskt.verifier.Hash;

/**
 * A subject's entry in the map: its index and the state of its chain, {@code next_sequence} (the
 * number of its events, so at least 1) and {@code last_event_hash} (the event hash of its latest
 * event, protocol section 8).
 *
 * @param index the 32-byte subject index
 * @param nextSequence the sequence number the subject's next event will have; at least 1
 * @param lastEventHash the event hash of the subject's latest event
 */
public record SubjectLeaf(Hash index, long nextSequence, Hash lastEventHash) {
  /**
   * @throws IllegalArgumentException if a hash is null or {@code nextSequence} is below 1 (a {@code
   *     uint64} of 2^63 or more reads as negative and is refused too)
   */
  public SubjectLeaf {
    if (index == null || lastEventHash == null) {
      throw new IllegalArgumentException("index and lastEventHash must not be null");
    }
    if (nextSequence < 1) {
      throw new IllegalArgumentException(
          "nextSequence must be in 1..2^63-1, got " + Long.toUnsignedString(nextSequence));
    }
  }
}
