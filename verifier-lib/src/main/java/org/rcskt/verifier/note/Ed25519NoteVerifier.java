package org.rcskt.verifier.note;

import org.rcskt.verifier.crypto.Ed25519;

/**
 * Verifies Ed25519 note signatures (signature type {@code 0x01}): a 64-byte RFC 8032 signature over
 * the note text. Immutable and thread-safe; the public key's point is decoded once.
 */
public final class Ed25519NoteVerifier implements NoteVerifier {
  private final String name;
  private final int keyId;
  private final Ed25519.PublicKey publicKey;

  private Ed25519NoteVerifier(String name, int keyId, Ed25519.PublicKey publicKey) {
    this.name = name;
    this.keyId = keyId;
    this.publicKey = publicKey;
  }

  /**
   * The verifier for {@code publicKey} under {@code name}; the key ID is computed.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static Ed25519NoteVerifier of(String name, Ed25519.PublicKey publicKey) {
    NoteKeys.requireValidName(name);
    return new Ed25519NoteVerifier(
        name, NoteKeys.keyId(name, NoteKeys.TYPE_ED25519, publicKey.encoded()), publicKey);
  }

  /**
   * Parses a verifier key {@code name+keyid+base64(0x01 || 32-byte public key)}.
   *
   * @throws KeyFormatException if the string is malformed, the key is not 32 bytes or not a valid
   *     point, the key ID does not match the name and key, or the type is {@code 0x04}
   * @throws UnsupportedAlgorithmException if the type byte is one this library does not verify
   */
  public static Ed25519NoteVerifier fromVerifierKey(String vkey)
      throws KeyFormatException, UnsupportedAlgorithmException {
    NoteKeys.ParsedKey k = NoteKeys.parseVerifierKey(vkey);
    k.requireType(NoteKeys.TYPE_ED25519, "verifier key");
    return fromParsed(k);
  }

  static Ed25519NoteVerifier fromParsed(NoteKeys.ParsedKey k) throws KeyFormatException {
    return new Ed25519NoteVerifier(k.name, k.keyId, k.ed25519PublicKey());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int keyId() {
    return keyId;
  }

  /** The Ed25519 public key. */
  public Ed25519.PublicKey publicKey() {
    return publicKey;
  }

  /** The verifier key string {@code name+keyid+base64(0x01 || public key)}. */
  public String verifierKey() {
    return NoteKeys.verifierKey(name, keyId, NoteKeys.TYPE_ED25519, publicKey.encoded());
  }

  @Override
  public boolean verify(byte[] body, byte[] signature) {
    // Exactly 64 bytes: the low-level verify would otherwise accept trailing bytes.
    return signature.length == Ed25519.SIGNATURE_SIZE && publicKey.verify(body, signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519NoteVerifier
        && ((Ed25519NoteVerifier) o).name.equals(name)
        && ((Ed25519NoteVerifier) o).publicKey.equals(publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + publicKey.hashCode();
  }

  @Override
  public String toString() {
    return verifierKey();
  }
}
