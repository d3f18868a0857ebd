package org.rcskt.verifier.note;

import java.util.Base64;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Signs note texts with Ed25519 (signature type {@code 0x01}). Thread-safe. Holds a private key:
 * {@link #toString()} shows only the public half.
 */
public final class Ed25519NoteSigner implements NoteSigner {
  private final String name;
  private final int keyId;
  private final Ed25519.KeyPair keyPair;

  private Ed25519NoteSigner(String name, int keyId, Ed25519.KeyPair keyPair) {
    this.name = name;
    this.keyId = keyId;
    this.keyPair = keyPair;
  }

  /**
   * The signer for {@code keyPair} under {@code name}.
   *
   * @throws IllegalArgumentException if the name is not a valid key name
   */
  public static Ed25519NoteSigner of(String name, Ed25519.KeyPair keyPair) {
    NoteKeys.requireValidName(name);
    int id = NoteKeys.keyId(name, NoteKeys.TYPE_ED25519, keyPair.publicKey().encoded());
    return new Ed25519NoteSigner(name, id, keyPair);
  }

  /**
   * Parses a signer key {@code PRIVATE+KEY+name+keyid+base64(0x01 || 32-byte seed)} and checks that
   * the key ID matches the public key derived from the seed.
   *
   * @throws KeyFormatException if the string is malformed, the seed is not 32 bytes, or the key ID
   *     does not match
   * @throws UnsupportedAlgorithmException if the type byte is one this library does not support
   */
  public static Ed25519NoteSigner fromSignerKey(String skey)
      throws KeyFormatException, UnsupportedAlgorithmException {
    NoteKeys.ParsedKey k = NoteKeys.parseSignerKey(skey);
    k.requireType(NoteKeys.TYPE_ED25519, "signer key");
    k.requireLength(Ed25519.SEED_SIZE, "signer key");
    Ed25519.KeyPair kp = Ed25519.KeyPair.fromSeed(k.material);
    java.util.Arrays.fill(k.material, (byte) 0);
    k.requireKeyId(
        NoteKeys.keyId(k.name, NoteKeys.TYPE_ED25519, kp.publicKey().encoded()), "signer key");
    return new Ed25519NoteSigner(k.name, k.keyId, kp);
  }

  /**
   * The key pair, to sign other messages than notes with the key of a signer-key file (an event key
   * kept in the C2SP form, for example). It holds the private key.
   */
  public Ed25519.KeyPair keyPair() {
    return keyPair;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int keyId() {
    return keyId;
  }

  @Override
  public byte[] sign(byte[] body) {
    return keyPair.sign(body);
  }

  /** Signs {@code body[off, off+len)}; for callers that build the text in a larger buffer. */
  public byte[] sign(byte[] body, int off, int len) {
    return keyPair.sign(body, off, len);
  }

  /** The matching verifier. */
  public Ed25519NoteVerifier verifier() {
    return Ed25519NoteVerifier.of(name, keyPair.publicKey());
  }

  /** The public verifier key string. */
  public String verifierKey() {
    return verifier().verifierKey();
  }

  /** The secret signer key string {@code PRIVATE+KEY+name+keyid+base64(0x01 || seed)}. */
  public String signerKey() {
    return signerKey(name, keyId, NoteKeys.TYPE_ED25519, keyPair.seed());
  }

  static String signerKey(String name, int keyId, int type, byte[] seed) {
    byte[] typed = new byte[1 + seed.length];
    typed[0] = (byte) type;
    System.arraycopy(seed, 0, typed, 1, seed.length);
    java.util.Arrays.fill(seed, (byte) 0);
    String s =
        "PRIVATE+KEY+"
            + name
            + "+"
            + NoteKeys.keyIdHex(keyId)
            + "+"
            + Base64.getEncoder().encodeToString(typed);
    java.util.Arrays.fill(typed, (byte) 0);
    return s;
  }

  @Override
  public String toString() {
    return "Ed25519NoteSigner[" + NoteKeys.label(name, keyId) + "]";
  }
}
