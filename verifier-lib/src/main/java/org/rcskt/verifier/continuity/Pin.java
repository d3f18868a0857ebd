package org.rcskt.verifier.continuity;

import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * The key an app trusts for one contact, with where in the log that trust comes from.
 *
 * <p>Besides the key, a pin remembers the logged event that made the key the contact's key (its
 * leaf index, its sequence number in the subject's chain and its event hash). A later check finds
 * that same event in the chain the log serves: if the log no longer shows it, the log has rewritten
 * history the app already verified.
 *
 * @param subjectIndex the contact's subject index (see the event package's phone-number hashing)
 * @param key the pinned identity key, of any algorithm (the expiry is not part of what is pinned)
 * @param sequence the sequence number, in the subject's chain, of the event that introduced {@code
 *     key}
 * @param leafIndex the log leaf index of that event
 * @param eventHash the event hash (RFC 9162 leaf hash of the encoded event) of that event
 */
public record Pin(
    Hash subjectIndex, PublicKeyInfo key, long sequence, long leafIndex, Hash eventHash) {
  /** A pin of an Ed25519 key. */
  public Pin(
      Hash subjectIndex, Ed25519.PublicKey key, long sequence, long leafIndex, Hash eventHash) {
    this(subjectIndex, PublicKeyInfo.ed25519(key), sequence, leafIndex, eventHash);
  }

  /**
   * @throws NullPointerException if any reference is null
   * @throws IllegalArgumentException if {@code sequence} or {@code leafIndex} is negative
   */
  public Pin {
    Objects.requireNonNull(subjectIndex, "subjectIndex");
    key = Objects.requireNonNull(key, "key").withNotAfter(0);
    Objects.requireNonNull(eventHash, "eventHash");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, got " + sequence);
    }
    if (leafIndex < 0) {
      throw new IllegalArgumentException("leafIndex must not be negative, got " + leafIndex);
    }
  }
}
