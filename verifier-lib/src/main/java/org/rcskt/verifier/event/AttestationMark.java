package org.rcskt.verifier.event;

import org.rcskt.verifier.attestation.Platform;
import org.rcskt.verifier.attestation.SecurityLevel;

/**
 * What a device key's attestation evidence showed, kept in the device's state and shown by lookups
 * and monitors.
 *
 * @param platform which kind of evidence the key's REGISTER or ROTATE carried
 * @param securityLevel the security level the verified evidence states, or null when the verifier
 *     had no attestation policy and so did not check the evidence (a client replaying without the
 *     log's roots)
 * @param bootVerified Android: the record's root of trust shows a verified boot state and a locked
 *     bootloader; Apple: true for checked evidence (App Attest has no boot state); false when not
 *     checked
 */
public record AttestationMark(
    Platform platform, SecurityLevel securityLevel, boolean bootVerified) {
  public AttestationMark {
    if (platform == null) {
      throw new IllegalArgumentException("platform: missing");
    }
  }

  /**
   * Whether the evidence was checked and showed secure hardware on a device that booted verified
   * software: what a carrier's hardware requirement asks for.
   */
  public boolean hardwareBacked() {
    return securityLevel != null && securityLevel.hardwareBacked() && bootVerified;
  }

  /** The mark for checked evidence. */
  public static AttestationMark of(org.rcskt.verifier.attestation.AttestationResult r) {
    boolean boot =
        r.platform() == Platform.APPLE_APP_ATTEST
            || ("VERIFIED".equals(r.bootState()) && r.deviceLocked());
    return new AttestationMark(r.platform(), r.securityLevel(), boot);
  }

  /** Whether the evidence was checked. */
  public boolean verified() {
    return securityLevel != null;
  }
}
