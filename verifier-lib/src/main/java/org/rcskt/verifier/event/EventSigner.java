package org.rcskt.verifier.event;

import java.io.IOException;
import java.nio.file.Path;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.KeyFileIo;
import org.rcskt.verifier.note.KeyFormatException;
import org.rcskt.verifier.note.UnsupportedAlgorithmException;

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

  /**
   * The Ed25519 signer of a C2SP signed-note signer key ({@code PRIVATE+KEY+name+keyid+base64(0x01
   * || 32-byte seed)}), the form of the log's key files and of {@code rcskt keygen}. The key's name
   * is only a label: it is not part of the event key.
   *
   * @throws KeyFormatException if the string is not a valid Ed25519 signer key
   * @throws UnsupportedAlgorithmException if it is a signer key of another type
   */
  static EventSigner fromSignerKey(String signerKey)
      throws KeyFormatException, UnsupportedAlgorithmException {
    return of(Ed25519NoteSigner.fromSignerKey(signerKey).keyPair());
  }

  /**
   * The Ed25519 signer of the signer key held in {@code file} (one line, as {@link KeyFileIo#read}
   * reads it).
   *
   * @throws IOException if the file cannot be read or does not hold a valid Ed25519 signer key (the
   *     message names the file)
   */
  static EventSigner fromSignerKeyFile(Path file) throws IOException {
    String key = KeyFileIo.read(file);
    try {
      return fromSignerKey(key);
    } catch (KeyFormatException | UnsupportedAlgorithmException e) {
      throw new IOException(
          "key file " + file + " does not hold an Ed25519 signer key: " + e.getMessage(), e);
    }
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
