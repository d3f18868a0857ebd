package org.rcskt.verifier.attestation;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Checks an attestation certificate chain: each certificate issued and signed by the next, every
 * issuer a CA, all valid at one fixed time, and the last one a configured root or issued by one.
 * The time is the event's timestamp, never the verifier's clock, so a chain checked years later
 * gives the answer it gave at ingest.
 */
public final class CertificateChains {
  private CertificateChains() {}

  /** The most certificates a chain may have (Android chains have 3 to 5, Apple's 2). */
  public static final int MAX_CERTIFICATES = 8;

  /** The largest certificate accepted, in DER bytes. */
  public static final int MAX_CERTIFICATE_BYTES = 4096;

  /**
   * Parses DER certificates.
   *
   * @throws AttestationException ({@link AttestationCheck#MALFORMED}) naming the certificate that
   *     does not parse, or if there are none or too many
   */
  public static List<X509CertificateHolder> parse(List<byte[]> der) throws AttestationException {
    if (der.isEmpty() || der.size() > MAX_CERTIFICATES) {
      throw new AttestationException(
          AttestationCheck.MALFORMED,
          "a chain has 1 to " + MAX_CERTIFICATES + " certificates, got " + der.size());
    }
    List<X509CertificateHolder> out = new ArrayList<>(der.size());
    for (int i = 0; i < der.size(); i++) {
      byte[] d = der.get(i);
      if (d.length == 0 || d.length > MAX_CERTIFICATE_BYTES) {
        throw new AttestationException(
            AttestationCheck.MALFORMED,
            "certificate " + i + " is " + d.length + " bytes (1 to " + MAX_CERTIFICATE_BYTES + ")");
      }
      try {
        X509CertificateHolder c = new X509CertificateHolder(d);
        if (!java.util.Arrays.equals(c.toASN1Structure().getEncoded("DER"), d)) {
          throw new AttestationException(
              AttestationCheck.MALFORMED, "certificate " + i + " is not in DER (trailing bytes?)");
        }
        out.add(c);
      } catch (IOException | RuntimeException e) {
        throw new AttestationException(
            AttestationCheck.MALFORMED,
            "certificate " + i + " is not an X.509 certificate: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * Checks {@code chain} (leaf first) at {@code atMs}.
   *
   * @return the root the chain ends at
   * @throws AttestationException naming the first failed check: {@link AttestationCheck#CHAIN},
   *     {@link AttestationCheck#VALIDITY} or {@link AttestationCheck#ROOT}
   */
  public static TrustAnchors.Anchor verify(
      List<X509CertificateHolder> chain, TrustAnchors roots, long atMs)
      throws AttestationException {
    try {
      return check(chain, roots, atMs);
    } catch (RuntimeException e) {
      // A garbled extension or name that parsed lazily: malformed input, never a crash.
      throw new AttestationException(
          AttestationCheck.MALFORMED, "a certificate does not parse: " + oneLine(e.getMessage()));
    }
  }

  private static TrustAnchors.Anchor check(
      List<X509CertificateHolder> chain, TrustAnchors roots, long atMs)
      throws AttestationException {
    Date at = new Date(atMs);
    for (int i = 0; i < chain.size(); i++) {
      X509CertificateHolder c = chain.get(i);
      if (!c.isValidOn(at)) {
        throw new AttestationException(
            AttestationCheck.VALIDITY,
            "certificate "
                + i
                + " ("
                + name(c.getSubject())
                + ") is valid from "
                + c.getNotBefore().toInstant()
                + " to "
                + c.getNotAfter().toInstant()
                + ", not at "
                + at.toInstant());
      }
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509CertificateHolder child = chain.get(i);
      X509CertificateHolder issuer = chain.get(i + 1);
      if (!child.getIssuer().equals(issuer.getSubject())) {
        throw new AttestationException(
            AttestationCheck.CHAIN,
            "certificate "
                + i
                + " names issuer "
                + name(child.getIssuer())
                + " but certificate "
                + (i + 1)
                + " is "
                + name(issuer.getSubject()));
      }
      requireCa(issuer, "certificate " + (i + 1));
      if (!signedBy(child, issuer.getSubjectPublicKeyInfo(), AttestationCheck.CHAIN, issuer)) {
        throw new AttestationException(
            AttestationCheck.CHAIN,
            "certificate " + i + "'s signature does not verify under certificate " + (i + 1));
      }
    }
    X509CertificateHolder last = chain.get(chain.size() - 1);
    TrustAnchors.Anchor self = roots.withKey(last.getSubjectPublicKeyInfo());
    if (self != null) {
      return self;
    }
    for (TrustAnchors.Anchor a : roots.anchors()) {
      if (a.certificate() != null && !a.certificate().getSubject().equals(last.getIssuer())) {
        continue;
      }
      if (signedBy(last, a.publicKeyInfo(), AttestationCheck.ROOT, null)) {
        if (a.certificate() != null) {
          requireCa(a.certificate(), "the root");
          if (!a.certificate().isValidOn(at)) {
            throw new AttestationException(
                AttestationCheck.VALIDITY,
                "the root "
                    + name(a.certificate().getSubject())
                    + " is valid from "
                    + a.certificate().getNotBefore().toInstant()
                    + " to "
                    + a.certificate().getNotAfter().toInstant()
                    + ", not at "
                    + at.toInstant());
          }
        }
        return a;
      }
    }
    throw new AttestationException(
        AttestationCheck.ROOT,
        "the chain's last certificate ("
            + last.getSubject()
            + ", issued by "
            + last.getIssuer()
            + ") is not a configured root and no configured root signed it");
  }

  /** The serial number as the Android status list writes it: lower-case hex, no leading zeros. */
  public static String serialHex(X509CertificateHolder c) {
    BigInteger s = c.getSerialNumber();
    return s.toString(16);
  }

  /** A certificate name for a one-line message: printable ASCII only, at most 200 characters. */
  static String name(org.bouncycastle.asn1.x500.X500Name n) {
    String text;
    try {
      text = n.toString();
    } catch (RuntimeException e) {
      return "(a name that does not decode)";
    }
    return oneLine(text);
  }

  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && b.length() < 200; i++) {
      char ch = text.charAt(i);
      b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    return b.toString();
  }

  private static void requireCa(X509CertificateHolder c, String what) throws AttestationException {
    BasicConstraints bc = BasicConstraints.fromExtensions(c.getExtensions());
    // Android's and Apple's attestation CAs all carry basicConstraints cA=true. A certificate that
    // is not a CA must not issue: without this check, an attested key (which may sign) could
    // certify a key of the attacker's choosing with an attestation record of its own making.
    if (bc == null || !bc.isCA()) {
      throw new AttestationException(
          AttestationCheck.CHAIN, what + " (" + name(c.getSubject()) + ") issues but is not a CA");
    }
    KeyUsage ku = KeyUsage.fromExtensions(c.getExtensions());
    if (ku != null && !ku.hasUsages(KeyUsage.keyCertSign)) {
      throw new AttestationException(
          AttestationCheck.CHAIN,
          what + " (" + name(c.getSubject()) + ") issues but its key usage lacks keyCertSign");
    }
  }

  private static ContentVerifierProvider verifierFor(X509CertificateHolder issuer)
      throws AttestationException {
    return verifierFor(
        issuer.getSubjectPublicKeyInfo(),
        AttestationCheck.CHAIN,
        "the key of " + name(issuer.getSubject()));
  }

  /**
   * A verifier for signatures by {@code key}: Bouncy Castle's lightweight implementations for the
   * key types attestation chains use (EC, RSA, Ed25519), which verify several times faster than the
   * JDK 17 providers here (docs/benchmarks.md, "Device attestation"); JCA for anything else.
   */
  static ContentVerifierProvider verifierFor(
      SubjectPublicKeyInfo key, AttestationCheck check, String what) throws AttestationException {
    try {
      org.bouncycastle.asn1.ASN1ObjectIdentifier alg = key.getAlgorithm().getAlgorithm();
      org.bouncycastle.crypto.params.AsymmetricKeyParameter params;
      org.bouncycastle.operator.DigestAlgorithmIdentifierFinder digests =
          new org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder();
      if (alg.equals(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey)) {
        params = org.bouncycastle.crypto.util.PublicKeyFactory.createKey(key);
        return new org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder(digests)
            .build(params);
      }
      if (alg.equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption)) {
        params = org.bouncycastle.crypto.util.PublicKeyFactory.createKey(key);
        return new org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder(digests)
            .build(params);
      }
      if (alg.equals(org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519)) {
        params = org.bouncycastle.crypto.util.PublicKeyFactory.createKey(key);
        return new org.bouncycastle.operator.bc.BcEdDSAContentVerifierProviderBuilder()
            .build(params);
      }
      return new JcaContentVerifierProviderBuilder()
          .build(new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPublicKey(key));
    } catch (OperatorCreationException | java.io.IOException | RuntimeException e) {
      throw new AttestationException(
          check, what + " cannot verify signatures: " + oneLine(e.getMessage()));
    }
  }

  /**
   * How many verified (certificate, issuer key) links are remembered: 4096, or the system property
   * {@code rcskt.attestation.linkCacheSize} (0 turns the cache off; benchmarks use it).
   */
  static final int LINK_CACHE_SIZE = Integer.getInteger("rcskt.attestation.linkCacheSize", 4096);

  /**
   * Links already verified, by SHA-256 of the certificate's DER and the issuer's key: Android
   * intermediates are shared by a whole batch of devices and Apple's by every App Attest key, so
   * most chains repeat all but their leaf's link. A signature check is a pure function of those
   * bytes, so a remembered success is as good as a new check; failures are not remembered.
   */
  private static final java.util.Map<String, Boolean> VERIFIED_LINKS =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> e) {
              return size() > LINK_CACHE_SIZE;
            }
          });

  private static boolean signedBy(
      X509CertificateHolder c,
      SubjectPublicKeyInfo issuerKey,
      AttestationCheck check,
      X509CertificateHolder issuer)
      throws AttestationException {
    String link;
    try {
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
      d.update(c.getEncoded());
      d.update(TrustAnchors.encoded(issuerKey));
      link = java.util.HexFormat.of().formatHex(d.digest());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new AttestationException(AttestationCheck.MALFORMED, oneLine(e.getMessage()));
    }
    if (LINK_CACHE_SIZE > 0 && VERIFIED_LINKS.containsKey(link)) {
      return true;
    }
    ContentVerifierProvider v =
        issuer != null ? verifierFor(issuer) : verifierFor(issuerKey, check, "a root key");
    boolean ok;
    try {
      ok = c.isSignatureValid(v);
    } catch (CertException | RuntimeException e) {
      ok = false;
    }
    if (ok && LINK_CACHE_SIZE > 0) {
      VERIFIED_LINKS.put(link, Boolean.TRUE);
    }
    return ok;
  }
}
