package org.rcskt.verifier.attestation;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a log accepts as device attestation evidence (docs/protocol.md, "Device attestation"): the
 * roots of each platform, the apps allowed to make attested keys (log-wide, or per carrier),
 * whether Apple development keys count, from when each carrier requires hardware-backed attestation
 * for registrations, and at ingest the Android status list.
 *
 * @param androidRoots the roots Android chains must end at (Google's hardware attestation roots)
 * @param appleRoots the roots App Attest chains must end at (Apple's App Attestation root)
 * @param apps the log-wide allow list
 * @param carrierApps per carrier id, an allow list that replaces {@code apps} for that carrier
 * @param hardwareRequiredFrom per carrier id ({@code *}: every carrier not listed), the first event
 *     timestamp from which its REGISTER events must carry verified hardware-backed evidence
 * @param allowAppleDevelopment whether App Attest evidence from the development environment is
 *     accepted (never for a production log)
 * @param statusList the Android attestation status list, checked at ingest only; null on replay,
 *     where a certificate revoked after the event does not undo it
 */
public record DeviceAttestationPolicy(
    TrustAnchors androidRoots,
    TrustAnchors appleRoots,
    Apps apps,
    Map<String, Apps> carrierApps,
    Map<String, Long> hardwareRequiredFrom,
    boolean allowAppleDevelopment,
    AndroidStatusList statusList) {

  /**
   * An allow list.
   *
   * @param android the Android apps (package name and signing certificate digest)
   * @param apple the Apple App IDs ({@code <team id>.<bundle id>})
   */
  public record Apps(List<AndroidKeyAttestation.AllowedApp> android, Set<String> apple) {
    public Apps {
      android = List.copyOf(android);
      apple = Set.copyOf(apple);
    }

    /** No app. */
    public static final Apps NONE = new Apps(List.of(), Set.of());
  }

  /** No roots and no apps: every evidence fails, and nothing is required. */
  public static final DeviceAttestationPolicy NONE =
      new DeviceAttestationPolicy(
          TrustAnchors.none(), TrustAnchors.none(), Apps.NONE, Map.of(), Map.of(), false, null);

  public DeviceAttestationPolicy {
    if (androidRoots == null || appleRoots == null || apps == null) {
      throw new IllegalArgumentException("roots and apps must not be null");
    }
    carrierApps = Map.copyOf(new TreeMap<>(carrierApps));
    hardwareRequiredFrom = Map.copyOf(new TreeMap<>(hardwareRequiredFrom));
    for (Map.Entry<String, Long> e : hardwareRequiredFrom.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            "hardwareRequiredFrom." + e.getKey() + ": must not be negative");
      }
    }
  }

  /** This policy without the status list, for publishing and replay. */
  public DeviceAttestationPolicy withoutStatusList() {
    return withStatusList(null);
  }

  /** This policy with {@code list} as its status list. */
  public DeviceAttestationPolicy withStatusList(AndroidStatusList list) {
    return new DeviceAttestationPolicy(
        androidRoots,
        appleRoots,
        apps,
        carrierApps,
        hardwareRequiredFrom,
        allowAppleDevelopment,
        list);
  }

  /** The allow list for {@code carrierId}. */
  public Apps appsFor(String carrierId) {
    Apps a = carrierApps.get(carrierId);
    return a != null ? a : apps;
  }

  /** Whether a REGISTER of {@code carrierId} at {@code timestampMs} needs hardware evidence. */
  public boolean requiresHardware(String carrierId, long timestampMs) {
    Long from = hardwareRequiredFrom.get(carrierId);
    if (from == null) {
      from = hardwareRequiredFrom.get("*");
    }
    return from != null && timestampMs >= from;
  }

  /**
   * Verifies {@code evidence}, which must commit to {@code challenge}, at {@code atMs} (the event's
   * timestamp) for an event of {@code carrierId}.
   *
   * @throws AttestationException naming the failed check
   */
  public AttestationResult verify(
      DeviceEvidence evidence, byte[] challenge, long atMs, String carrierId)
      throws AttestationException {
    Apps allowed = appsFor(carrierId);
    TrustAnchors roots =
        evidence.platform() == Platform.ANDROID_KEY_ATTESTATION ? androidRoots : appleRoots;
    if (roots.anchors().isEmpty()) {
      throw new AttestationException(
          AttestationCheck.ROOT,
          "this log accepts no "
              + (evidence.platform() == Platform.ANDROID_KEY_ATTESTATION ? "Android" : "Apple")
              + " device attestation: it has no roots configured for it");
    }
    if (evidence.platform() == Platform.ANDROID_KEY_ATTESTATION) {
      return AndroidKeyAttestation.verify(
          evidence.certificates(),
          challenge,
          atMs,
          new AndroidKeyAttestation.Policy(androidRoots, allowed.android(), statusList));
    }
    return AppleAppAttest.verify(
        evidence.attestationObject(),
        challenge,
        atMs,
        new AppleAppAttest.Policy(appleRoots, allowed.apple(), allowAppleDevelopment));
  }
}
