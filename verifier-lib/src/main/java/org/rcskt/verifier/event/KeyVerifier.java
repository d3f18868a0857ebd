package org.rcskt.verifier.event;

import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;

/**
 * A decoded public key of one of the {@link KeyAlgorithm}s, checking signatures over an event's
 * signed message (docs/protocol.md section 7). Implementations are immutable and thread-safe.
 */
abstract class KeyVerifier {
  private KeyVerifier() {}

  /**
   * Null when {@code sig} is a valid signature over {@code message}; otherwise what is wrong with
   * it, as a phrase that follows "signature by key ...".
   */
  abstract String problem(byte[] message, byte[] sig);

  /**
   * Decodes {@code key} as a key of {@code algorithm}.
   *
   * @throws IllegalArgumentException with the reason, if the bytes are not a valid key
   */
  static KeyVerifier decode(KeyAlgorithm algorithm, byte[] key) {
    switch (algorithm) {
      case ED25519:
        return ed25519(Ed25519.PublicKey.of(key));
      case ML_DSA_65:
        return mlDsa65(MlDsa65.PublicKey.of(key));
      case ED25519_ML_DSA_65:
        return hybrid(Ed25519MlDsa65.PublicKey.of(key));
      default:
        throw new IllegalArgumentException("no verifier for " + algorithm);
    }
  }

  private static String wrongLength(int got, KeyAlgorithm algorithm) {
    return "is "
        + got
        + " bytes; "
        + algorithm
        + " signatures are "
        + algorithm.signatureSize()
        + " bytes";
  }

  static KeyVerifier ed25519(Ed25519.PublicKey key) {
    return new KeyVerifier() {
      @Override
      String problem(byte[] message, byte[] sig) {
        if (sig.length != Ed25519.SIGNATURE_SIZE) {
          return wrongLength(sig.length, KeyAlgorithm.ED25519);
        }
        return key.verify(message, 0, message.length, sig, 0) ? null : "does not verify";
      }
    };
  }

  static KeyVerifier mlDsa65(MlDsa65.PublicKey key) {
    return new KeyVerifier() {
      @Override
      String problem(byte[] message, byte[] sig) {
        if (sig.length != MlDsa65.SIGNATURE_SIZE) {
          return wrongLength(sig.length, KeyAlgorithm.ML_DSA_65);
        }
        return key.verify(message, sig) ? null : "does not verify";
      }
    };
  }

  static KeyVerifier hybrid(Ed25519MlDsa65.PublicKey key) {
    return new KeyVerifier() {
      @Override
      String problem(byte[] message, byte[] sig) {
        if (sig.length != Ed25519MlDsa65.SIGNATURE_SIZE) {
          return wrongLength(sig.length, KeyAlgorithm.ED25519_ML_DSA_65);
        }
        return key.problem(message, sig);
      }
    };
  }
}
