package org.rcskt.verifier.attestation;

import java.util.Locale;

/**
 * The check of device attestation evidence that failed. Its {@link #wireName()} (lower case with
 * hyphens) is what the log's 422 answers and the audit print.
 */
public enum AttestationCheck {
  /** The evidence bytes, a certificate, the extension or the CBOR object do not parse. */
  MALFORMED,
  /** A certificate is not issued by the next one (names differ or the signature fails). */
  CHAIN,
  /** The chain does not end at, or under, a configured root. */
  ROOT,
  /** A certificate is not valid at the event's timestamp. */
  VALIDITY,
  /** A certificate's serial number is revoked or suspended in the configured status list. */
  REVOKED,
  /** The attestation record is missing or its fields are not what the platform defines. */
  EXTENSION,
  /** The challenge (Android) or nonce (Apple) is not the one this event requires. */
  CHALLENGE,
  /** The app that made the key is not in the allow list. */
  APP_ID,
  /** The attested key does not match the evidence (Apple: key id, counter or credential). */
  KEY,
  /** The security level or boot state is below what the policy requires. */
  SECURITY_LEVEL,
  /** The evidence's environment (Apple development) is not accepted. */
  ENVIRONMENT;

  /** The name used in JSON and messages, for example {@code "security-level"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
