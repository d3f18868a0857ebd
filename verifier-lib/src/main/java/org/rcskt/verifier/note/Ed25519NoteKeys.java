package org.rcskt.verifier.note;

import java.util.Random;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * A freshly generated Ed25519 note key pair as key strings: the secret {@code signerKey} ({@code
 * PRIVATE+KEY+name+keyid+...}) and the public {@code verifierKey} ({@code name+keyid+...}).
 */
public record Ed25519NoteKeys(String signerKey, String verifierKey) {
  /**
   * Generates a key pair for {@code name} from a {@link java.security.SecureRandom}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static Ed25519NoteKeys generate(String name) {
    return of(Ed25519NoteSigner.of(name, Ed25519.KeyPair.generate()));
  }

  /** Generates a key pair from {@code random}; tests pass a seeded generator. */
  public static Ed25519NoteKeys generate(String name, Random random) {
    return of(Ed25519NoteSigner.of(name, Ed25519.KeyPair.generate(random)));
  }

  private static Ed25519NoteKeys of(Ed25519NoteSigner signer) {
    return new Ed25519NoteKeys(signer.signerKey(), signer.verifierKey());
  }

  @Override
  public String toString() {
    return "Ed25519NoteKeys[verifierKey=" + verifierKey + "]";
  }
}
