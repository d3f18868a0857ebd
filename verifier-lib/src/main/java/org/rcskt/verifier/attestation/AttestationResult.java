package org.rcskt.verifier.attestation;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * What verified device attestation evidence shows.
 *
 * @param platform which kind of evidence
 * @param securityLevel where the attested key lives (Android: the attestation security level;
 *     Apple: always the Secure Enclave)
 * @param appId the app that made the key: for Android the allowed package name that matched, for
 *     Apple the App ID ({@code <team id>.<bundle id>}) whose hash the evidence carries
 * @param attestedKey the public key the evidence attests (the Android leaf's key, the App Attest
 *     credential key)
 * @param rootFingerprint the {@linkplain TrustAnchors.Anchor#fingerprint() fingerprint} of the root
 *     the chain ended at
 * @param bootState Android: the verified boot state ({@code VERIFIED}, {@code SELF_SIGNED}, {@code
 *     UNVERIFIED} or {@code FAILED}), or null when the record has no root of trust; Apple: null
 * @param deviceLocked Android: whether the bootloader is locked (false when the record has no root
 *     of trust); Apple: true
 * @param environment Apple: {@code "production"} or {@code "development"}; Android: null
 */
public record AttestationResult(
    Platform platform,
    SecurityLevel securityLevel,
    String appId,
    SubjectPublicKeyInfo attestedKey,
    String rootFingerprint,
    String bootState,
    boolean deviceLocked,
    String environment) {}
