package org.rcskt.verifier.attestation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Verifies Apple App Attest attestation objects, following Apple's "Validating apps that connect to
 * your server": the certificate chain to Apple's App Attestation root, the nonce in the credential
 * certificate, the key id, the App ID, the counter and the environment.
 *
 * <p>The receipt in the attestation statement is not verified: it is a PKCS#7 for Apple's
 * fraud-metric service and the attestation does not depend on it.
 */
public final class AppleAppAttest {
  private AppleAppAttest() {}

  /** The credential certificate extension that holds the nonce. */
  public static final ASN1ObjectIdentifier NONCE_OID =
      new ASN1ObjectIdentifier("1.2.840.113635.100.8.2");

  private static final byte[] DEVELOPMENT = "appattestdevelop".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PRODUCTION =
      Arrays.copyOf("appattest".getBytes(StandardCharsets.US_ASCII), 16);

  /**
   * What an attestation must satisfy.
   *
   * @param roots the roots the chain must end at (Apple App Attestation Root CA)
   * @param allowedAppIds the App IDs ({@code <team id>.<bundle id>}) whose keys are accepted
   * @param allowDevelopment whether keys of the development environment ({@code appattestdevelop})
   *     are accepted
   */
  public record Policy(TrustAnchors roots, Set<String> allowedAppIds, boolean allowDevelopment) {
    /** Checks for nulls and copies the set. */
    public Policy {
      Objects.requireNonNull(roots, "roots");
      allowedAppIds = Set.copyOf(allowedAppIds);
    }
  }

  /**
   * Verifies {@code attestationObject} without an expected key id: see {@link #verify(byte[],
   * byte[], byte[], long, Policy)}.
   */
  public static AttestationResult verify(
      byte[] attestationObject, byte[] clientDataHash, long atMs, Policy policy)
      throws AttestationException {
    return verify(attestationObject, clientDataHash, null, atMs, policy);
  }

  /**
   * Verifies {@code attestationObject}.
   *
   * @param attestationObject the CBOR attestation object
   * @param clientDataHash SHA-256 of the client data the app passed to {@code attestKey}
   * @param keyId the key id the app reported, or null when the caller does not know it
   * @param atMs the time the certificates must be valid at, in milliseconds since the epoch
   * @param policy the roots, App IDs and environments accepted
   * @return the App ID, key and environment the attestation shows
   * @throws AttestationException naming the first failed check, in this order: {@link
   *     AttestationCheck#MALFORMED}; {@link AttestationCheck#VALIDITY}, {@link
   *     AttestationCheck#CHAIN} or {@link AttestationCheck#ROOT}; {@link
   *     AttestationCheck#EXTENSION} or {@link AttestationCheck#CHALLENGE} (nonce); {@link
   *     AttestationCheck#KEY} (key id); {@link AttestationCheck#APP_ID}; {@link
   *     AttestationCheck#KEY} (counter); {@link AttestationCheck#ENVIRONMENT}
   */
  public static AttestationResult verify(
      byte[] attestationObject, byte[] clientDataHash, byte[] keyId, long atMs, Policy policy)
      throws AttestationException {
    Objects.requireNonNull(clientDataHash, "clientDataHash");
    Objects.requireNonNull(policy, "policy");
    AppleAttestationObject obj = AppleAttestationObject.parse(attestationObject);
    AppleAttestationObject.AuthenticatorData auth = obj.authData();
    TrustAnchors.Anchor root;
    try {
      root = CertificateChains.verify(obj.certificates(), policy.roots(), atMs);
    } catch (RuntimeException e) {
      // A certificate field that does not decode (an extension's value, for example).
      throw new AttestationException(
          AttestationCheck.MALFORMED, "a certificate field does not decode: " + e.getMessage());
    }
    X509CertificateHolder cred = obj.credentialCertificate();

    byte[] authData = obj.authDataBytes();
    byte[] toHash = Arrays.copyOf(authData, authData.length + clientDataHash.length);
    System.arraycopy(clientDataHash, 0, toHash, authData.length, clientDataHash.length);
    byte[] nonce = TrustAnchors.sha256(toHash);
    byte[] certNonce = certificateNonce(cred);
    if (!MessageDigest.isEqual(nonce, certNonce)) {
      throw new AttestationException(
          AttestationCheck.CHALLENGE,
          "SHA-256(authData || clientDataHash) is "
              + hex(nonce)
              + " but the credential certificate's nonce is "
              + hex(certNonce));
    }

    byte[] computedKeyId = TrustAnchors.sha256(ecPoint(cred.getSubjectPublicKeyInfo()));
    if (!MessageDigest.isEqual(computedKeyId, auth.credentialId())) {
      throw new AttestationException(
          AttestationCheck.KEY,
          "authData's credentialId "
              + hex(auth.credentialId())
              + " is not the credential key's id "
              + hex(computedKeyId));
    }
    if (keyId != null && !MessageDigest.isEqual(computedKeyId, keyId)) {
      throw new AttestationException(
          AttestationCheck.KEY,
          "the credential key's id is " + hex(computedKeyId) + ", not the expected " + hex(keyId));
    }

    byte[] rpIdHash = auth.rpIdHash();
    String appId = null;
    for (String candidate : policy.allowedAppIds()) {
      if (MessageDigest.isEqual(
          TrustAnchors.sha256(candidate.getBytes(StandardCharsets.UTF_8)), rpIdHash)) {
        appId = candidate;
        break;
      }
    }
    if (appId == null) {
      throw new AttestationException(
          AttestationCheck.APP_ID, "no allowed App ID hashes to " + hex(rpIdHash));
    }

    if (auth.signCount() != 0) {
      throw new AttestationException(
          AttestationCheck.KEY, "the counter is " + auth.signCount() + ", not 0");
    }
    byte[] aaguid = auth.aaguid();
    boolean development;
    if (Arrays.equals(aaguid, PRODUCTION)) {
      development = false;
    } else if (Arrays.equals(aaguid, DEVELOPMENT)) {
      development = true;
    } else {
      throw new AttestationException(
          AttestationCheck.ENVIRONMENT,
          "aaguid " + hex(aaguid) + " is neither appattest (production) nor appattestdevelop");
    }
    if (development && !policy.allowDevelopment()) {
      throw new AttestationException(
          AttestationCheck.ENVIRONMENT, "the key is of the development environment");
    }
    return new AttestationResult(
        Platform.APPLE_APP_ATTEST,
        SecurityLevel.SECURE_ENCLAVE,
        appId,
        cred.getSubjectPublicKeyInfo(),
        root.fingerprint(),
        null,
        true,
        development ? "development" : "production");
  }

  /** The nonce: {@code SEQUENCE { [1] EXPLICIT OCTET STRING }} in extension {@link #NONCE_OID}. */
  private static byte[] certificateNonce(X509CertificateHolder cred) throws AttestationException {
    Extension ext = cred.getExtension(NONCE_OID);
    if (ext == null) {
      throw new AttestationException(
          AttestationCheck.EXTENSION, "the credential certificate has no nonce extension");
    }
    try {
      ASN1Sequence seq =
          ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(ext.getExtnValue().getOctets()));
      if (seq.size() != 1) {
        throw new IllegalArgumentException("a sequence of " + seq.size() + " elements");
      }
      ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(seq.getObjectAt(0));
      if (tagged.getTagClass() != BERTags.CONTEXT_SPECIFIC || tagged.getTagNo() != 1) {
        throw new IllegalArgumentException("not tagged [1]");
      }
      return ASN1OctetString.getInstance(tagged, true).getOctets();
    } catch (IOException | RuntimeException e) {
      throw new AttestationException(
          AttestationCheck.EXTENSION,
          "the nonce extension is not SEQUENCE { [1] EXPLICIT OCTET STRING }: " + e.getMessage());
    }
  }

  /** The uncompressed P-256 point of {@code spki} (65 bytes). */
  private static byte[] ecPoint(SubjectPublicKeyInfo spki) throws AttestationException {
    try {
      boolean p256 =
          X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())
              && SECObjectIdentifiers.secp256r1.equals(spki.getAlgorithm().getParameters());
      byte[] point = spki.getPublicKeyData().getOctets();
      if (!p256 || point.length != 65 || point[0] != 0x04) {
        throw new IllegalArgumentException("not an uncompressed P-256 point");
      }
      ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1).getCurve().decodePoint(point);
      return point;
    } catch (RuntimeException e) {
      throw new AttestationException(
          AttestationCheck.KEY, "the credential certificate's key: " + e.getMessage());
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
