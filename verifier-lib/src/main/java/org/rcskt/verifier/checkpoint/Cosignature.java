package org.rcskt.verifier.checkpoint;

import org.rcskt.verifier.note.NoteKeys;

/**
 * A verified signature on a checkpoint from one of the caller's cosigners (witnesses).
 *
 * @param name the cosigner's key name
 * @param keyId the cosigner's key ID
 * @param timestamp for a {@code cosignature/v1} key, the POSIX time (seconds) the cosigner stamped;
 *     {@link #NO_TIMESTAMP} for a cosigner using a plain Ed25519 note key
 */
public record Cosignature(String name, int keyId, long timestamp) {
  /** The timestamp of a cosignature made with a non-timestamped key type. */
  public static final long NO_TIMESTAMP = -1;

  /** {@code name+keyid}. */
  public String keyLabel() {
    return NoteKeys.label(name, keyId);
  }
}
