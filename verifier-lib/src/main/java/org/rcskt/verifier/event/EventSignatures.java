package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * Phase one of event verification: the signatures. Pure and thread-safe, so the log server can run
 * it on many events in parallel before its single integrating thread applies the rules.
 */
public final class EventSignatures {
  private EventSignatures() {}

  /**
   * Verifies every signature on {@code event} over {@link KeyEvent#signedMessage()}.
   *
   * <p>Each key id is looked up first in the event's own payload (the new key of a REGISTER or
   * ROTATE, for proof of possession), then in {@code keys}. Which signatures the event needs is for
   * {@link EventRules} to decide; this only checks that each present one is genuine.
   *
   * @throws RuleViolationException {@link Violation#REVOKED_KEY} or {@link
   *     Violation#UNKNOWN_SIGNER} for a key id that names no usable key, {@link
   *     Violation#UNSUPPORTED_ALGORITHM} for a reserved algorithm, {@link
   *     Violation#INVALID_PUBLIC_KEY} for key bytes that are not a valid key, {@link
   *     Violation#BAD_SIGNATURE} for a signature that does not verify
   */
  public static VerifiedEvent verify(KeyEvent event, KeyResolver keys)
      throws RuleViolationException {
    PublicKeyInfo payloadKey = payloadKey(event.body().payload());
    byte[] message = null;
    List<EventSignature> sigs = event.signatures();
    List<Hash> signers = new ArrayList<>(sigs.size());
    for (EventSignature s : sigs) {
      Hash keyId = s.keyId();
      PublicKeyInfo key =
          payloadKey != null && payloadKey.keyId().equals(keyId) ? payloadKey : keys.resolve(keyId);
      if (key == null) {
        if (keys.isRetired(keyId)) {
          throw RuleViolationException.key(
              Violation.REVOKED_KEY, "signature by key " + keyId + ", which was retired", keyId);
        }
        throw RuleViolationException.key(
            Violation.UNKNOWN_SIGNER, "signature by unknown key " + keyId, keyId);
      }
      KeyVerifier verifier = usableKey(key);
      if (message == null) {
        message = event.signedMessage();
      }
      String problem = verifier.problem(message, s.signatureUnsafe());
      if (problem != null) {
        throw RuleViolationException.key(
            Violation.BAD_SIGNATURE, "signature by key " + keyId + " " + problem, keyId);
      }
      signers.add(keyId);
    }
    return new VerifiedEvent(event, List.copyOf(signers));
  }

  /** The key a REGISTER or ROTATE introduces, or null. */
  static PublicKeyInfo payloadKey(EventPayload p) {
    if (p instanceof EventPayload.Register) {
      return ((EventPayload.Register) p).publicKey();
    }
    if (p instanceof EventPayload.Rotate) {
      return ((EventPayload.Rotate) p).publicKey();
    }
    return null;
  }

  /** The verifier for {@code key}, or the violation that makes it unusable. */
  static KeyVerifier usableKey(PublicKeyInfo key) throws RuleViolationException {
    if (!key.algorithm().isSupported()) {
      throw RuleViolationException.key(
          Violation.UNSUPPORTED_ALGORITHM,
          "key " + key.keyId() + " uses unsupported algorithm " + key.algorithm(),
          key.keyId());
    }
    Object d = key.decoded();
    if (!(d instanceof KeyVerifier)) {
      throw RuleViolationException.key(
          Violation.INVALID_PUBLIC_KEY,
          "key " + key.keyId() + " is not a valid " + key.algorithm() + " public key: " + d,
          key.keyId());
    }
    return (KeyVerifier) d;
  }
}
