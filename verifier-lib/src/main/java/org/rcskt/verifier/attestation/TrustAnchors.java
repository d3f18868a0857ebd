package org.rcskt.verifier.attestation;

import java.io.IOException;
import java.io.StringReader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The roots an attestation chain must end at: certificates or bare public keys (Google publishes
 * its attestation root as both), read from PEM. A root is identified by its public key, so a
 * re-issued root certificate with the same key is the same root.
 */
public final class TrustAnchors {
  /**
   * One root.
   *
   * @param publicKeyInfo the root's public key
   * @param certificate the root certificate, or null when only the key was configured
   * @param publicKey {@code publicKeyInfo} as a JCA key, for signature checks
   */
  public record Anchor(
      SubjectPublicKeyInfo publicKeyInfo, X509CertificateHolder certificate, PublicKey publicKey) {
    /** SHA-256 of the DER SubjectPublicKeyInfo, in hex: how docs and logs name a root. */
    public String fingerprint() {
      return HexFormat.of().formatHex(sha256(encoded(publicKeyInfo)));
    }
  }

  private final List<Anchor> anchors;

  private TrustAnchors(List<Anchor> anchors) {
    this.anchors = List.copyOf(anchors);
  }

  /** No roots: every chain fails the root check. */
  public static TrustAnchors none() {
    return new TrustAnchors(List.of());
  }

  /**
   * Reads every {@code CERTIFICATE} and {@code PUBLIC KEY} block of {@code pem}.
   *
   * @param source names the input in error messages (a file name or config field)
   * @throws IllegalArgumentException if the text holds no such block, another kind of block, or a
   *     block that does not parse
   */
  public static TrustAnchors fromPem(String pem, String source) {
    List<Anchor> out = new ArrayList<>();
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = readNext(parser, source)) != null) {
        if (o instanceof X509CertificateHolder cert) {
          SubjectPublicKeyInfo spki = cert.getSubjectPublicKeyInfo();
          out.add(new Anchor(spki, cert, converter.getPublicKey(spki)));
        } else if (o instanceof SubjectPublicKeyInfo spki) {
          out.add(new Anchor(spki, null, converter.getPublicKey(spki)));
        } else {
          throw new IllegalArgumentException(
              source
                  + ": a "
                  + o.getClass().getSimpleName()
                  + " block; only CERTIFICATE and PUBLIC KEY blocks can be roots");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          source + ": no CERTIFICATE or PUBLIC KEY block in the PEM text");
    }
    return new TrustAnchors(out);
  }

  private static Object readNext(PEMParser parser, String source) {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + ": not valid PEM: " + e.getMessage(), e);
    }
  }

  /** This set and {@code other}'s roots together. */
  public TrustAnchors and(TrustAnchors other) {
    List<Anchor> all = new ArrayList<>(anchors);
    all.addAll(other.anchors);
    return new TrustAnchors(all);
  }

  /** The roots as PEM text: each certificate, or the public key where only the key was given. */
  public String toPem() {
    java.io.StringWriter out = new java.io.StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter w =
        new org.bouncycastle.util.io.pem.PemWriter(out)) {
      for (Anchor a : anchors) {
        if (a.certificate() != null) {
          w.writeObject(
              new org.bouncycastle.util.io.pem.PemObject(
                  "CERTIFICATE", a.certificate().getEncoded()));
        } else {
          w.writeObject(
              new org.bouncycastle.util.io.pem.PemObject("PUBLIC KEY", encoded(a.publicKeyInfo())));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory failed", e);
    }
    return out.toString();
  }

  /** The roots, in configuration order. */
  public List<Anchor> anchors() {
    return anchors;
  }

  /** The root whose public key is {@code spki}, or null. */
  public Anchor withKey(SubjectPublicKeyInfo spki) {
    byte[] want = encoded(spki);
    for (Anchor a : anchors) {
      if (MessageDigest.isEqual(encoded(a.publicKeyInfo()), want)) {
        return a;
      }
    }
    return null;
  }

  static byte[] encoded(SubjectPublicKeyInfo spki) {
    try {
      return spki.getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("re-encoding a parsed key failed", e);
    }
  }

  static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
