package org.rcskt.verifier.note;

/**
 * Signs note texts with one key. Implementations must be thread-safe: the log server signs
 * checkpoints from several threads.
 */
public interface NoteSigner {
  /** The key name written on the signature line; valid per {@link NoteKeys#isValidName}. */
  String name();

  /** The 32-bit key ID written before the signature bytes. */
  int keyId();

  /**
   * Signs {@code body}, the note text including its final newline, and returns the signature bytes
   * that follow the key ID on the signature line.
   *
   * @throws IllegalArgumentException if the body is not something this signer may sign (for
   *     example, a cosigner refuses a body that is not shaped like a checkpoint)
   */
  byte[] sign(byte[] body);
}
