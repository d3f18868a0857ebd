package org.rcskt.verifier.note;

/**
 * Verifies note signatures made by one key. A signature line is checked by the verifier whose
 * {@link #name()} and {@link #keyId()} both match the line; lines matching no verifier are ignored.
 *
 * <p>Implementations must be immutable and thread-safe, and must not modify the arrays they are
 * given: {@link Notes#open} passes the note's own buffers to avoid copying them.
 */
public interface NoteVerifier {
  /** The key name; valid per {@link NoteKeys#isValidName}. */
  String name();

  /** The 32-bit key ID, as a big-endian int. */
  int keyId();

  /**
   * Whether {@code signature} (the bytes after the 4-byte key ID) is a valid signature by this key
   * over {@code body}, the note text including its final newline. Returns false, never throws, for
   * signatures of the wrong size or shape.
   */
  boolean verify(byte[] body, byte[] signature);
}
