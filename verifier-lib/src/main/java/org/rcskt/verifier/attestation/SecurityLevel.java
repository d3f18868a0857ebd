package org.rcskt.verifier.attestation;

/**
 * Where the attested key lives, as the platform's evidence states it. The order is part of the
 * log's stored subject states (ordinal + 1): append new levels, never reorder.
 */
public enum SecurityLevel {
  /** Android: the key is in the operating system's software keystore. */
  SOFTWARE,
  /** Android: the key is in a trusted execution environment (KeyMint/Keymaster in the TEE). */
  TRUSTED_ENVIRONMENT,
  /** Android: the key is in a StrongBox secure element. */
  STRONG_BOX,
  /** Apple: the App Attest key is in the Secure Enclave. */
  SECURE_ENCLAVE;

  /** Whether the level is secure hardware (anything but {@link #SOFTWARE}). */
  public boolean hardwareBacked() {
    return this != SOFTWARE;
  }
}
