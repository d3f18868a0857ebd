/**
 * Device attestation evidence: Android Key Attestation certificate chains and Apple App Attest
 * attestation objects, parsed with Bouncy Castle's ASN.1 and X.509 classes and Jackson's CBOR
 * module, and checked against configured roots (docs/protocol.md, "Device attestation").
 *
 * <p>{@link org.rcskt.verifier.attestation.CertificateChains} checks a chain's signatures, names
 * and validity at a fixed time against {@link org.rcskt.verifier.attestation.TrustAnchors}; {@link
 * org.rcskt.verifier.attestation.AndroidKeyAttestation} and {@link
 * org.rcskt.verifier.attestation.AppleAppAttest} add each platform's checks. Every failure is an
 * {@link org.rcskt.verifier.attestation.AttestationException} naming the {@link
 * org.rcskt.verifier.attestation.AttestationCheck} that failed.
 */
package org.rcskt.verifier.attestation;
