package org.rcskt.verifier.note;

import java.util.Arrays;
import java.util.Base64;

/**
 * One signature line of a note: {@code — <name> base64(keyId || signature)}. Immutable; says
 * nothing about whether the signature is valid.
 */
public final class NoteSignature {
  private final String name;
  private final int keyId;
  private final byte[] signature;

  private NoteSignature(String name, int keyId, byte[] signature) {
    this.name = name;
    this.keyId = keyId;
    this.signature = signature;
  }

  /**
   * A signature line for {@code name} and {@code keyId} with {@code signature} (the bytes after the
   * key ID; copied).
   *
   * @throws IllegalArgumentException if the name is invalid or the signature is empty
   */
  public static NoteSignature of(String name, int keyId, byte[] signature) {
    NoteKeys.requireValidName(name);
    if (signature == null || signature.length == 0) {
      throw new IllegalArgumentException("signature for " + name + " is empty");
    }
    return new NoteSignature(name, keyId, signature.clone());
  }

  /** Wraps without validation or copying; for the parser, which has already checked both. */
  static NoteSignature wrap(String name, int keyId, byte[] signature) {
    return new NoteSignature(name, keyId, signature);
  }

  /** The key name on the signature line. */
  public String name() {
    return name;
  }

  /** The key ID from the first four bytes of the decoded signature, big-endian. */
  public int keyId() {
    return keyId;
  }

  /** The key ID as eight lowercase hex digits. */
  public String keyIdHex() {
    return NoteKeys.keyIdHex(keyId);
  }

  /** {@code name+keyid}. */
  public String keyLabel() {
    return NoteKeys.label(name, keyId);
  }

  /** A copy of the signature bytes that follow the key ID. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The signature bytes without a copy; callers inside the package must not modify them. */
  byte[] signatureBytes() {
    return signature;
  }

  /** Whether this line was made by the key {@code v} stands for (same name and key ID). */
  public boolean isFrom(NoteVerifier v) {
    return keyId == v.keyId() && name.equals(v.name());
  }

  /** The signature line without its trailing newline: {@code — name base64}. */
  public String line() {
    return "\u2014 " + name + " " + encodedSignature();
  }

  /** {@code base64(keyId || signature)}, as on the signature line. */
  public String encodedSignature() {
    byte[] raw = new byte[4 + signature.length];
    raw[0] = (byte) (keyId >>> 24);
    raw[1] = (byte) (keyId >>> 16);
    raw[2] = (byte) (keyId >>> 8);
    raw[3] = (byte) keyId;
    System.arraycopy(signature, 0, raw, 4, signature.length);
    return Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature
        && ((NoteSignature) o).keyId == keyId
        && ((NoteSignature) o).name.equals(name)
        && Arrays.equals(((NoteSignature) o).signature, signature);
  }

  @Override
  public int hashCode() {
    return (name.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return line();
  }
}
