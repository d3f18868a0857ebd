package org.rcskt.verifier.attestation;

import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Verifies Android Key Attestation evidence: a certificate chain whose leaf certifies a key made in
 * the device's keystore and carries the {@link AndroidKeyDescription} the secure hardware wrote.
 *
 * <p>The checks, in order, each failing with its {@link AttestationCheck}: the certificates parse
 * ({@code MALFORMED}); the chain verifies at the given time against the policy's roots ({@code
 * CHAIN}, {@code VALIDITY}, {@code ROOT}); no certificate is in the status list ({@code REVOKED});
 * the KeyDescription nearest the root exists ({@code EXTENSION}) and is the leaf's ({@code CHAIN});
 * its challenge is the expected one ({@code CHALLENGE}); its app is allowed ({@code APP_ID}).
 */
public final class AndroidKeyAttestation {
  private AndroidKeyAttestation() {}

  /**
   * An app whose keys are accepted.
   *
   * @param packageName the Android package name
   * @param signingCertificateSha256 SHA-256 of the app's signing certificate (32 bytes), as the
   *     attestation application id lists it
   */
  public record AllowedApp(String packageName, byte[] signingCertificateSha256) {
    /**
     * @throws IllegalArgumentException if the name is empty or the digest is not 32 bytes
     */
    public AllowedApp {
      if (packageName == null || packageName.isEmpty()) {
        throw new IllegalArgumentException("an allowed app needs a package name");
      }
      if (signingCertificateSha256 == null || signingCertificateSha256.length != 32) {
        throw new IllegalArgumentException(
            "allowed app " + packageName + ": the signing certificate digest must be 32 bytes");
      }
      signingCertificateSha256 = signingCertificateSha256.clone();
    }

    /** A copy of the digest. */
    @Override
    public byte[] signingCertificateSha256() {
      return signingCertificateSha256.clone();
    }
  }

  /**
   * What evidence must show.
   *
   * @param roots the roots a chain must end at (Google's attestation roots in production)
   * @param allowedApps the apps whose keys are accepted; empty accepts none
   * @param statusList the revocation list to check every certificate against, or null for none
   */
  public record Policy(
      TrustAnchors roots, List<AllowedApp> allowedApps, AndroidStatusList statusList) {
    /** Copies the list. */
    public Policy {
      Objects.requireNonNull(roots, "roots");
      allowedApps = List.copyOf(allowedApps);
    }
  }

  /**
   * Verifies {@code chainDer} (leaf first; the root may be included or left out).
   *
   * @param expectedChallenge the challenge the key must have been made with
   * @param atMs the time to check validity at: the event's timestamp, never the verifier's clock
   * @return what the evidence shows; {@code appId} is the allowed package that matched
   * @throws AttestationException naming the first check that failed
   */
  public static AttestationResult verify(
      List<byte[]> chainDer, byte[] expectedChallenge, long atMs, Policy policy)
      throws AttestationException {
    List<X509CertificateHolder> chain = CertificateChains.parse(chainDer);
    TrustAnchors.Anchor root;
    try {
      root = CertificateChains.verify(chain, policy.roots(), atMs);
    } catch (RuntimeException e) {
      // A field the chain checks read lazily (a name, a constraint) does not decode.
      throw new AttestationException(
          AttestationCheck.MALFORMED, "a certificate field does not decode: " + e.getMessage());
    }
    if (policy.statusList() != null) {
      for (int i = 0; i < chain.size(); i++) {
        checkStatus(policy.statusList(), chain.get(i), "certificate " + i);
      }
      if (root.certificate() != null) {
        checkStatus(policy.statusList(), root.certificate(), "the root");
      }
    }
    AndroidKeyDescription.Found found = AndroidKeyDescription.fromChain(chain);
    if (found == null) {
      throw new AttestationException(
          AttestationCheck.EXTENSION,
          "no certificate carries the key description extension " + AndroidKeyDescription.OID);
    }
    if (found.certificateIndex() != 0) {
      throw new AttestationException(
          AttestationCheck.CHAIN,
          "the key description is in certificate "
              + found.certificateIndex()
              + ": the chain has certificates below the attested key");
    }
    AndroidKeyDescription d = found.description();
    if (!MessageDigest.isEqual(d.attestationChallenge(), expectedChallenge)) {
      throw new AttestationException(
          AttestationCheck.CHALLENGE,
          "the attestation challenge ("
              + d.attestationChallenge().length
              + " bytes) is not the one this event requires");
    }
    String app = allowedApp(d, policy.allowedApps());
    // For a hardware level the boot state must come from the hardware-enforced list: the
    // software-enforced one is written by the operating system, which a hardware claim is about.
    AndroidAuthorizationList.RootOfTrust rot =
        d.attestationSecurityLevel().hardwareBacked()
            ? (d.hardwareEnforced() == null ? null : d.hardwareEnforced().rootOfTrust())
            : d.rootOfTrust();
    return new AttestationResult(
        Platform.ANDROID_KEY_ATTESTATION,
        d.attestationSecurityLevel(),
        app,
        chain.get(0).getSubjectPublicKeyInfo(),
        root.fingerprint(),
        rot == null ? null : rot.verifiedBootState().name(),
        rot != null && rot.deviceLocked(),
        null);
  }

  /**
   * The KeyDescription of a chain (from the certificate nearest the root that carries one), without
   * verifying anything: for audits and tools.
   *
   * @throws AttestationException {@link AttestationCheck#MALFORMED} if a certificate does not
   *     parse, {@link AttestationCheck#EXTENSION} if no certificate carries the extension or it
   *     does not parse
   */
  public static AndroidKeyDescription describe(List<byte[]> chainDer) throws AttestationException {
    AndroidKeyDescription.Found found =
        AndroidKeyDescription.fromChain(CertificateChains.parse(chainDer));
    if (found == null) {
      throw new AttestationException(
          AttestationCheck.EXTENSION,
          "no certificate carries the key description extension " + AndroidKeyDescription.OID);
    }
    return found.description();
  }

  private static void checkStatus(AndroidStatusList list, X509CertificateHolder c, String what)
      throws AttestationException {
    AndroidStatusList.Entry e = list.statusOf(c);
    if (e != null) {
      throw new AttestationException(
          AttestationCheck.REVOKED,
          what
              + " (serial "
              + CertificateChains.serialHex(c)
              + ") is "
              + e.status()
              + (e.reason() == null ? "" : " (" + e.reason() + ")")
              + " in "
              + list.source());
    }
  }

  private static String allowedApp(AndroidKeyDescription d, List<AllowedApp> allowed)
      throws AttestationException {
    if (allowed.isEmpty()) {
      throw new AttestationException(
          AttestationCheck.APP_ID, "no Android app is allowed (the allow list is empty)");
    }
    AndroidAuthorizationList.AttestationApplicationId id =
        d.softwareEnforced().attestationApplicationId();
    if (id == null) {
      throw new AttestationException(
          AttestationCheck.APP_ID, "the key description has no attestationApplicationId");
    }
    String packageOnly = null;
    for (AllowedApp a : allowed) {
      if (id.hasPackage(a.packageName())) {
        if (id.hasSignatureDigest(a.signingCertificateSha256())) {
          return a.packageName();
        }
        packageOnly = a.packageName();
      }
    }
    if (packageOnly != null) {
      throw new AttestationException(
          AttestationCheck.APP_ID,
          "package "
              + packageOnly
              + " is allowed but none of the app's "
              + id.signatureDigests().size()
              + " signing certificate digests is");
    }
    List<String> names =
        id.packages().stream().map(p -> p.packageName().replaceAll("\\p{Cntrl}", "?")).toList();
    throw new AttestationException(
        AttestationCheck.APP_ID,
        "none of the key's "
            + names.size()
            + " packages is allowed: "
            + String.join(", ", names.subList(0, Math.min(4, names.size())))
            + (names.size() > 4 ? ", ..." : ""));
  }
}
