package org.rcskt.verifier.attestation;

import static org.rcskt.verifier.attestation.AndroidAuthorizationList.decode;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.enumerated;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.extension;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.guarded;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.intValue;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.octets;
import static org.rcskt.verifier.attestation.AndroidAuthorizationList.sequence;

import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The Android Key Attestation record: the KeyDescription extension ({@value #OID}) that the secure
 * hardware writes into the certificate of an attested key (source.android.com, "Key and ID
 * attestation"). Fields after the eighth, which later schema versions may add, are ignored.
 *
 * @param attestationVersion the schema version (1 to 4, then 100, 200, 300, ... for KeyMint)
 * @param attestationSecurityLevel where the attestation was made
 * @param keyMintVersion the Keymaster or KeyMint version
 * @param keyMintSecurityLevel where the Keymaster or KeyMint implementation runs
 * @param attestationChallenge the challenge the app passed when it made the key
 * @param uniqueId the device- and app-specific unique id, usually empty
 * @param softwareEnforced the properties Android's keystore enforces
 * @param hardwareEnforced the properties the secure hardware enforces ({@code teeEnforced})
 */
public record AndroidKeyDescription(
    int attestationVersion,
    SecurityLevel attestationSecurityLevel,
    int keyMintVersion,
    SecurityLevel keyMintSecurityLevel,
    byte[] attestationChallenge,
    byte[] uniqueId,
    AndroidAuthorizationList softwareEnforced,
    AndroidAuthorizationList hardwareEnforced) {

  /** The extension's object identifier. */
  public static final String OID = "1.3.6.1.4.1.11129.2.1.17";

  private static final ASN1ObjectIdentifier EXTENSION_OID = new ASN1ObjectIdentifier(OID);

  /** Copies the arrays. */
  public AndroidKeyDescription {
    attestationChallenge = attestationChallenge.clone();
    uniqueId = uniqueId.clone();
  }

  /** A copy of the attestation challenge. */
  @Override
  public byte[] attestationChallenge() {
    return attestationChallenge.clone();
  }

  /** A copy of the unique id. */
  @Override
  public byte[] uniqueId() {
    return uniqueId.clone();
  }

  /**
   * The record found in a chain.
   *
   * @param certificateIndex the index in the chain (0 = leaf) of the certificate that carries it
   * @param description the record
   */
  public record Found(int certificateIndex, AndroidKeyDescription description) {}

  /**
   * The root of trust from {@code hardwareEnforced}, else from {@code softwareEnforced}, or null.
   */
  public AndroidAuthorizationList.RootOfTrust rootOfTrust() {
    return hardwareEnforced.rootOfTrust() != null
        ? hardwareEnforced.rootOfTrust()
        : softwareEnforced.rootOfTrust();
  }

  /**
   * Parses the DER of a KeyDescription SEQUENCE (the extension's {@code extnValue} contents).
   *
   * @throws AttestationException {@link AttestationCheck#MALFORMED} if the bytes are not DER,
   *     {@link AttestationCheck#EXTENSION} if they do not follow the schema
   */
  public static AndroidKeyDescription parse(byte[] extensionValueDer) throws AttestationException {
    return guarded(
        "KeyDescription",
        () -> {
          ASN1Sequence s = sequence(decode(extensionValueDer, "KeyDescription"), "KeyDescription");
          if (s.size() < 8) {
            throw extension("KeyDescription has " + s.size() + " fields, not 8");
          }
          return new AndroidKeyDescription(
              intValue(s.getObjectAt(0), "attestationVersion"),
              level(s, 1, "attestationSecurityLevel"),
              intValue(s.getObjectAt(2), "keyMintVersion"),
              level(s, 3, "keyMintSecurityLevel"),
              octets(s.getObjectAt(4), "attestationChallenge"),
              octets(s.getObjectAt(5), "uniqueId"),
              AndroidAuthorizationList.of(s.getObjectAt(6), "softwareEnforced"),
              AndroidAuthorizationList.of(s.getObjectAt(7), "hardwareEnforced"));
        });
  }

  /**
   * The record of the certificate nearest the root (highest index) that carries the extension. Only
   * that one was written by the secure hardware: certificates below it are signed by keys it
   * attests, and whoever uses such a key can write any record into a certificate it signs.
   *
   * @param chain the chain, leaf first
   * @return the record and its certificate's index, or null when no certificate carries it
   * @throws AttestationException if that certificate's extension does not parse
   */
  public static Found fromChain(List<X509CertificateHolder> chain) throws AttestationException {
    for (int i = chain.size() - 1; i >= 0; i--) {
      Extension e = chain.get(i).getExtension(EXTENSION_OID);
      if (e != null) {
        return new Found(i, parse(e.getExtnValue().getOctets()));
      }
    }
    return null;
  }

  private static SecurityLevel level(ASN1Sequence s, int index, String what)
      throws AttestationException {
    int v = enumerated(s.getObjectAt(index), what);
    return switch (v) {
      case 0 -> SecurityLevel.SOFTWARE;
      case 1 -> SecurityLevel.TRUSTED_ENVIRONMENT;
      case 2 -> SecurityLevel.STRONG_BOX;
      default -> throw extension(what + " " + v + " is not 0, 1 or 2");
    };
  }
}
