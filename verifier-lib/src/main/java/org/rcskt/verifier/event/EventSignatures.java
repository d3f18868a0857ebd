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
    return verify(event, keys, null);
  }

  /**
   * Verifies every signature as {@link #verify(KeyEvent, KeyResolver)} does, then the event's
   * device attestation evidence, if any: its structure always, and with {@code attestation} its
   * chain, binding and app against that policy at the event's timestamp (docs/protocol.md, "Device
   * attestation"). Evidence checks are pure given the policy, so every verifier with the log's
   * published policy reaches the same answer; only the status list is the log's own, and it can
   * only refuse.
   *
   * @param attestation the policy, or null to check the evidence's structure only
   * @throws RuleViolationException as {@link #verify(KeyEvent, KeyResolver)}, and {@link
   *     Violation#INVALID_ATTESTATION} naming the check that failed
   */
  public static VerifiedEvent verify(
      KeyEvent event,
      KeyResolver keys,
      org.rcskt.verifier.attestation.DeviceAttestationPolicy attestation)
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
    byte[] evidence =
        event.body().attestationEvidenceLength() == 0 ? null : event.body().attestationEvidence();
    if (evidence == null) {
      return new VerifiedEvent(event, List.copyOf(signers), null, null);
    }
    org.rcskt.verifier.attestation.AttestationResult result =
        checkEvidence(event.body(), payloadKey, evidence, attestation);
    AttestationMark mark =
        result != null
            ? AttestationMark.of(result)
            : new AttestationMark(evidencePlatform(evidence), null, false);
    return new VerifiedEvent(event, List.copyOf(signers), mark, result);
  }

  private static org.rcskt.verifier.attestation.Platform evidencePlatform(byte[] evidence) {
    return org.rcskt.verifier.attestation.Platform.ofCode(evidence[0] & 0xff);
  }

  /** The result of checking {@code evidence}, or null when there is no policy to check it with. */
  private static org.rcskt.verifier.attestation.AttestationResult checkEvidence(
      EventBody body,
      PublicKeyInfo newKey,
      byte[] evidence,
      org.rcskt.verifier.attestation.DeviceAttestationPolicy policy)
      throws RuleViolationException {
    if (newKey == null) {
      throw RuleViolationException.attestation(
          Violation.INVALID_ATTESTATION,
          org.rcskt.verifier.attestation.AttestationCheck.MALFORMED,
          "attestationEvidence: only REGISTER and ROTATE carry device attestation evidence, not "
              + body.type());
    }
    try {
      org.rcskt.verifier.attestation.DeviceEvidence d =
          org.rcskt.verifier.attestation.DeviceEvidence.decode(evidence);
      if (policy == null) {
        return null;
      }
      String deviceId =
          body.payload() instanceof EventPayload.Register r
              ? r.deviceId()
              : ((EventPayload.Rotate) body.payload()).deviceId();
      byte[] challenge =
          org.rcskt.verifier.attestation.AttestationChallenge.of(
              body.subject().toByteArray(),
              body.carrierId(),
              deviceId,
              newKey.keyId().toByteArray(),
              body.timestampMs());
      return policy.verify(d, challenge, body.timestampMs(), body.carrierId());
    } catch (org.rcskt.verifier.attestation.AttestationException e) {
      throw RuleViolationException.attestation(
          Violation.INVALID_ATTESTATION, e.check(), "attestationEvidence: " + e.getMessage());
    }
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
