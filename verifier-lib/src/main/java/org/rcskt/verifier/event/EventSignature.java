package org.rcskt.verifier.event;

import java.util.Arrays;
import java.util.Base64;
import org.rcskt.verifier.Hash;

/**
 * One signature on an event: the key id of the signing key and the signature bytes. There is no
 * role field; the rules decide which key ids an event needs.
 */
public final class EventSignature {
  private final Hash keyId;
  private final byte[] signature;

  private EventSignature(Hash keyId, byte[] signature) {
    this.keyId = keyId;
    this.signature = signature;
  }

  /**
   * A signature by the key named {@code keyId}.
   *
   * @throws IllegalArgumentException if {@code signature} is empty or longer than {@link
   *     EventFormat#MAX_SIGNATURE_LENGTH}
   */
  public static EventSignature of(Hash keyId, byte[] signature) {
    if (keyId == null || signature == null) {
      throw new IllegalArgumentException("keyId and signature are required");
    }
    String p = EventFormat.lengthProblem(signature.length, 1, EventFormat.MAX_SIGNATURE_LENGTH);
    if (p != null) {
      throw new IllegalArgumentException("signature: " + p);
    }
    return new EventSignature(keyId, signature.clone());
  }

  static EventSignature wrap(Hash keyId, byte[] signature) {
    return new EventSignature(keyId, signature);
  }

  /** The key id of the signing key. */
  public Hash keyId() {
    return keyId;
  }

  /** A copy of the signature bytes. */
  public byte[] signature() {
    return signature.clone();
  }

  int length() {
    return signature.length;
  }

  byte[] signatureUnsafe() {
    return signature;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventSignature
        && ((EventSignature) o).keyId.equals(keyId)
        && Arrays.equals(((EventSignature) o).signature, signature);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "EventSignature[" + keyId + " " + Base64.getEncoder().encodeToString(signature) + "]";
  }
}
