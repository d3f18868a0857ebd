package org.rcskt.verifier.event;

import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;

/**
 * A private key that signs events: an Ed25519, an ML-DSA-65 or an Ed25519 + ML-DSA-65 hybrid key
 * (docs/protocol.md section 7). Signatures are deterministic for all three.
 */
public interface EventSigner {
  /** The public key, without expiry; its key id names the signatures. */
  PublicKeyInfo publicKey();

  /** The signature over {@code signedMessage} (an event's {@link KeyEvent#signedMessage()}). */
  byte[] sign(byte[] signedMessage);

  /** An Ed25519 signer. */
  static EventSigner of(Ed25519.KeyPair key) {
    return new Keyed(PublicKeyInfo.ed25519(key.publicKey()), key::sign);
  }

  /** An ML-DSA-65 signer (empty context). */
  static EventSigner of(MlDsa65.KeyPair key) {
    return new Keyed(PublicKeyInfo.mlDsa65(key.publicKey()), key::sign);
  }

  /** An Ed25519 + ML-DSA-65 hybrid signer. */
  static EventSigner of(Ed25519MlDsa65.KeyPair key) {
    return new Keyed(PublicKeyInfo.hybrid(key.publicKey()), key::sign);
  }

  /** A public key and the function that signs with its private key. */
  record Keyed(PublicKeyInfo publicKey, java.util.function.UnaryOperator<byte[]> signer)
      implements EventSigner {
    @Override
    public byte[] sign(byte[] signedMessage) {
      return signer.apply(signedMessage);
    }
  }
}
