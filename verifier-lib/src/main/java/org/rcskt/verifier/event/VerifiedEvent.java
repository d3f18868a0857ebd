package org.rcskt.verifier.event;

import java.util.List;
import org.rcskt.verifier.Hash;

/**
 * An event every signature of which verified under the key its key id names. Only {@link
 * EventSignatures#verify} creates these, so holding one proves the signature check happened; the
 * rules then only need to match key ids against the subject's state.
 */
public final class VerifiedEvent {
  private final KeyEvent event;
  private final List<Hash> signerKeyIds;
  private final AttestationMark attestation;
  private final org.rcskt.verifier.attestation.AttestationResult attestationResult;

  VerifiedEvent(
      KeyEvent event,
      List<Hash> signerKeyIds,
      AttestationMark attestation,
      org.rcskt.verifier.attestation.AttestationResult attestationResult) {
    this.event = event;
    this.signerKeyIds = signerKeyIds;
    this.attestation = attestation;
    this.attestationResult = attestationResult;
  }

  /**
   * What the event's device attestation evidence showed, or null when it carries none. The mark's
   * security level is null when the evidence was not checked (no policy was given).
   */
  public AttestationMark attestation() {
    return attestation;
  }

  /** The full result of checking the evidence, or null when it was not checked or is absent. */
  public org.rcskt.verifier.attestation.AttestationResult attestationResult() {
    return attestationResult;
  }

  /** The event. */
  public KeyEvent event() {
    return event;
  }

  /** The key ids of all signatures, sorted (each verified). */
  public List<Hash> signerKeyIds() {
    return signerKeyIds;
  }

  /** Whether a verified signature by {@code keyId} is present. */
  public boolean isSignedBy(Hash keyId) {
    for (Hash h : signerKeyIds) {
      if (h.equals(keyId)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "VerifiedEvent[" + event + "]";
  }
}
