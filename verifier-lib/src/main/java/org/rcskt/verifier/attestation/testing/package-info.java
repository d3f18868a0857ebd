/**
 * Test certificate authorities that issue attestation-shaped evidence: Android Key Attestation
 * chains ({@link org.rcskt.verifier.attestation.testing.AndroidTestChains}) and Apple App Attest
 * objects ({@link org.rcskt.verifier.attestation.testing.AppleTestAttestations}), each under a root
 * made on the spot. For tests and load generators of clients and logs, which cannot make real
 * device evidence bind to their own events. Never configure one of these roots in a production log:
 * anyone can make evidence under them.
 */
package org.rcskt.verifier.attestation.testing;
