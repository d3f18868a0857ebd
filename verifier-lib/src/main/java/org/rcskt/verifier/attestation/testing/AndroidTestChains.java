package org.rcskt.verifier.attestation.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.rcskt.verifier.attestation.AndroidAuthorizationList.VerifiedBootState;
import org.rcskt.verifier.attestation.AndroidKeyAttestation;
import org.rcskt.verifier.attestation.AndroidKeyDescription;
import org.rcskt.verifier.attestation.SecurityLevel;
import org.rcskt.verifier.attestation.TrustAnchors;

/**
 * Android-attestation-shaped certificate chains for tests, under a P-256 test root made here: root
 * (CA) → intermediate (CA, the "attestation key") → leaf carrying a KeyDescription encoded with
 * Bouncy Castle's ASN.1 classes, and optionally a certificate below the leaf, signed by the leaf's
 * key, carrying a forged KeyDescription. Start with {@link #builder()}; every setting has a default
 * that {@link AndroidKeyAttestation#verify} accepts at {@link #VALID_AT_MS} under {@link
 * #policy()}.
 */
public final class AndroidTestChains {
  /** A time inside every default validity window (2025-01-01T00:00:00Z). */
  public static final long VALID_AT_MS = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  private static final byte[] DEFAULT_CHALLENGE =
      "rcskt test challenge".getBytes(StandardCharsets.UTF_8);

  /** The default package name. */
  public static final String DEFAULT_PACKAGE = "org.rcskt.testapp";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ASN1ObjectIdentifier KEY_DESCRIPTION =
      new ASN1ObjectIdentifier(AndroidKeyDescription.OID);

  private final List<byte[]> chainDer;
  private final X509CertificateHolder root;
  private final X509CertificateHolder leaf;
  private final byte[] keyDescriptionDer;
  private final byte[] challenge;
  private final String packageName;
  private final byte[] signingDigest;
  private final KeyPair leafKey;
  private final BigInteger intermediateSerial;
  private final X509CertificateHolder intermediate;
  private final KeyPair intermediateKey;

  private AndroidTestChains(
      List<byte[]> chainDer,
      X509CertificateHolder root,
      X509CertificateHolder intermediate,
      KeyPair intermediateKey,
      X509CertificateHolder leaf,
      byte[] keyDescriptionDer,
      Builder b) {
    this.chainDer = chainDer;
    this.root = root;
    this.intermediate = intermediate;
    this.intermediateKey = intermediateKey;
    this.leaf = leaf;
    this.keyDescriptionDer = keyDescriptionDer;
    this.challenge = b.challenge.clone();
    this.packageName = b.packageName;
    this.signingDigest = b.signingDigest.clone();
    this.leafKey = b.leafKey;
    this.intermediateSerial = b.intermediateSerial;
  }

  /** A builder with the defaults: TEE, verified boot, locked, a fresh P-256 leaf key. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The chain, leaf first (the extra certificate first when one was asked for), without the root.
   */
  public List<byte[]> chainDer() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] d : chainDer) {
      out.add(d.clone());
    }
    return out;
  }

  /** The test root certificate as PEM. */
  public String rootPem() {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** The test root as trust anchors. */
  public TrustAnchors roots() {
    return TrustAnchors.fromPem(rootPem(), "test root");
  }

  /** A policy that accepts this chain: the test root, the app, no status list. */
  public AndroidKeyAttestation.Policy policy() {
    return new AndroidKeyAttestation.Policy(
        roots(), List.of(new AndroidKeyAttestation.AllowedApp(packageName, signingDigest)), null);
  }

  /** The challenge in the key description. */
  public byte[] challenge() {
    return challenge.clone();
  }

  /** The package name in the attestation application id. */
  public String packageName() {
    return packageName;
  }

  /** The signing certificate digest in the attestation application id. */
  public byte[] signingDigest() {
    return signingDigest.clone();
  }

  /** The leaf (attested) key. */
  public KeyPair leafKey() {
    return leafKey;
  }

  /** The leaf's SubjectPublicKeyInfo, as the result's {@code attestedKey}. */
  public SubjectPublicKeyInfo leafPublicKeyInfo() {
    return leaf.getSubjectPublicKeyInfo();
  }

  /** The intermediate's serial number. */
  public BigInteger intermediateSerial() {
    return intermediateSerial;
  }

  /** The DER of the leaf's KeyDescription (null when the leaf carries none). */
  public byte[] keyDescriptionDer() {
    return keyDescriptionDer == null ? null : keyDescriptionDer.clone();
  }

  /** Settings of a chain; each setter returns this builder. */
  public static final class Builder {
    private byte[] challenge = DEFAULT_CHALLENGE.clone();
    private SecurityLevel attestationLevel = SecurityLevel.TRUSTED_ENVIRONMENT;
    private SecurityLevel keyMintLevel = SecurityLevel.TRUSTED_ENVIRONMENT;
    private int attestationVersion = 300;
    private int keyMintVersion = 300;
    private String packageName = DEFAULT_PACKAGE;
    private byte[] signingDigest = sha256("rcskt test app signing certificate");
    private boolean applicationId = true;
    private VerifiedBootState bootState = VerifiedBootState.VERIFIED;
    private boolean deviceLocked = true;
    private Instant leafFrom = Instant.parse("2024-01-01T00:00:00Z");
    private Instant leafTo = Instant.parse("2048-01-01T00:00:00Z");
    private BigInteger intermediateSerial;
    private SecureRandom random = RANDOM;
    private KeyPair leafKey;
    private boolean certBelowLeaf;
    private boolean leafIsCa;
    private boolean intermediateIsCa = true;
    private boolean keyDescription = true;
    private byte[] rawKeyDescription;
    private AndroidTestChains issuer;

    private Builder() {}

    /**
     * Issue the leaf under {@code ca}'s root and intermediate instead of a new pair: chains of one
     * test CA, as a device batch shares its intermediates (and a load generator needs one root).
     */
    public Builder issuedBy(AndroidTestChains ca) {
      this.issuer = ca;
      return this;
    }

    /** The attestation challenge. */
    public Builder challenge(byte[] challenge) {
      this.challenge = challenge.clone();
      return this;
    }

    /** The attestation and KeyMint security levels (not {@link SecurityLevel#SECURE_ENCLAVE}). */
    public Builder securityLevel(SecurityLevel attestation, SecurityLevel keyMint) {
      code(attestation);
      code(keyMint);
      this.attestationLevel = attestation;
      this.keyMintLevel = keyMint;
      return this;
    }

    /** The attestation and KeyMint versions (default 300 and 300). */
    public Builder versions(int attestation, int keyMint) {
      this.attestationVersion = attestation;
      this.keyMintVersion = keyMint;
      return this;
    }

    /** The app's package name and signing certificate digest. */
    public Builder app(String packageName, byte[] signingCertificateSha256) {
      this.packageName = packageName;
      this.signingDigest = signingCertificateSha256.clone();
      return this;
    }

    /** Leave the attestation application id out of the key description. */
    public Builder withoutApplicationId() {
      this.applicationId = false;
      return this;
    }

    /**
     * The root of trust (in hardwareEnforced, or softwareEnforced for a software attestation); null
     * state leaves it out.
     */
    public Builder bootState(VerifiedBootState state, boolean deviceLocked) {
      this.bootState = state;
      this.deviceLocked = deviceLocked;
      return this;
    }

    /** The leaf's validity window. */
    public Builder leafValidity(Instant notBefore, Instant notAfter) {
      this.leafFrom = notBefore;
      this.leafTo = notAfter;
      return this;
    }

    /** The intermediate's serial number. */
    public Builder intermediateSerial(BigInteger serial) {
      this.intermediateSerial = serial;
      return this;
    }

    /**
     * Make keys, serials and signatures from {@code seed}, so that the same seed gives the same
     * chain (on the same JDK).
     */
    public Builder seed(long seed) {
      try {
        random = SecureRandom.getInstance("SHA1PRNG");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      random.setSeed(seed);
      return this;
    }

    /** The leaf's key pair (any algorithm the leaf can hold; default a fresh P-256 key). */
    public Builder leafKey(KeyPair key) {
      this.leafKey = key;
      return this;
    }

    /** A fresh Ed25519 leaf key. */
    public Builder ed25519LeafKey() {
      return leafKey(generate("Ed25519", NamedParameterSpec.ED25519, random));
    }

    /** Add a certificate below the leaf, signed by the leaf's key, with a forged record. */
    public Builder certBelowLeaf(boolean on) {
      this.certBelowLeaf = on;
      return this;
    }

    /** Mark the leaf as a CA (basicConstraints cA, keyCertSign), so it can issue. */
    public Builder leafIsCa(boolean on) {
      this.leafIsCa = on;
      return this;
    }

    /** Whether the intermediate is a CA (default true). */
    public Builder intermediateIsCa(boolean on) {
      this.intermediateIsCa = on;
      return this;
    }

    /** Leave the KeyDescription extension out of the leaf. */
    public Builder withoutKeyDescription() {
      this.keyDescription = false;
      return this;
    }

    /** Put {@code der} into the leaf as the KeyDescription extension's value, as it is. */
    public Builder rawKeyDescription(byte[] der) {
      this.rawKeyDescription = der.clone();
      return this;
    }

    /** Makes the keys and certificates. */
    public AndroidTestChains build() {
      if (leafKey == null) {
        leafKey = p256(random);
      }
      if (intermediateSerial == null) {
        intermediateSerial = new BigInteger(64, random).setBit(63);
      }
      X509CertificateHolder root;
      X509CertificateHolder intermediate;
      KeyPair intermediateKey;
      X500Name intermediateName = new X500Name("CN=rcskt Test Attestation Intermediate, O=TEE");
      X500Name leafName = new X500Name("CN=Android Keystore Key");
      if (issuer != null) {
        root = issuer.root;
        intermediate = issuer.intermediate;
        intermediateKey = issuer.intermediateKey;
        intermediateName = intermediate.getSubject();
      } else {
        KeyPair rootKey = p256(random);
        intermediateKey = p256(random);
        X500Name rootName = new X500Name("CN=rcskt Test Attestation Root");
        Instant caFrom = Instant.parse("2020-01-01T00:00:00Z");
        Instant caTo = Instant.parse("2040-01-01T00:00:00Z");
        root =
            cert(
                rootName,
                BigInteger.ONE,
                caFrom,
                caTo,
                rootName,
                rootKey,
                rootKey,
                true,
                null,
                random);
        intermediate =
            cert(
                rootName,
                intermediateSerial,
                caFrom,
                caTo,
                intermediateName,
                intermediateKey,
                rootKey,
                intermediateIsCa,
                null,
                random);
      }
      byte[] kd =
          rawKeyDescription != null
              ? rawKeyDescription
              : keyDescription ? encode(attestationLevel, keyMintLevel) : null;
      X509CertificateHolder leaf =
          cert(
              intermediateName,
              BigInteger.ONE,
              leafFrom,
              leafTo,
              leafName,
              leafKey,
              intermediateKey,
              leafIsCa,
              kd,
              random);
      List<byte[]> chain = new ArrayList<>();
      if (certBelowLeaf) {
        byte[] forged = encode(SecurityLevel.STRONG_BOX, SecurityLevel.STRONG_BOX);
        chain.add(
            der(
                cert(
                    leafName,
                    BigInteger.TWO,
                    leafFrom,
                    leafTo,
                    new X500Name("CN=Forged Key Below The Leaf"),
                    p256(random),
                    leafKey,
                    false,
                    forged,
                    random)));
      }
      chain.add(der(leaf));
      chain.add(der(intermediate));
      return new AndroidTestChains(
          List.copyOf(chain), root, intermediate, intermediateKey, leaf, kd, this);
    }

    private byte[] encode(SecurityLevel attestation, SecurityLevel keyMint) {
      List<ASN1Encodable> sw = new ArrayList<>();
      List<ASN1Encodable> hw = new ArrayList<>();
      hw.add(explicit(1, new DERSet(new ASN1Integer(2))));
      hw.add(explicit(2, new ASN1Integer(3)));
      hw.add(explicit(3, new ASN1Integer(256)));
      hw.add(explicit(5, new DERSet(new ASN1Integer(4))));
      hw.add(explicit(10, new ASN1Integer(1)));
      hw.add(explicit(503, DERNull.INSTANCE));
      sw.add(explicit(701, new ASN1Integer(leafFrom.toEpochMilli())));
      hw.add(explicit(702, new ASN1Integer(0)));
      if (bootState != null) {
        DERSequence rot =
            seq(
                new DEROctetString(sha256("rcskt test verified boot key")),
                ASN1Boolean.getInstance(deviceLocked),
                new ASN1Enumerated(bootState.ordinal()),
                new DEROctetString(sha256("rcskt test verified boot hash")));
        (attestation == SecurityLevel.SOFTWARE ? sw : hw).add(explicit(704, rot));
      }
      hw.add(explicit(705, new ASN1Integer(140000)));
      hw.add(explicit(706, new ASN1Integer(202412)));
      if (applicationId) {
        DERSequence appId =
            seq(
                new DERSet(
                    seq(
                        new DEROctetString(packageName.getBytes(StandardCharsets.UTF_8)),
                        new ASN1Integer(42))),
                new DERSet(new DEROctetString(signingDigest)));
        sw.add(explicit(709, new DEROctetString(encoded(appId))));
      }
      hw.add(explicit(718, new ASN1Integer(20241205)));
      hw.add(explicit(719, new ASN1Integer(20241205)));
      return encoded(
          seq(
              new ASN1Integer(attestationVersion),
              new ASN1Enumerated(code(attestation)),
              new ASN1Integer(keyMintVersion),
              new ASN1Enumerated(code(keyMint)),
              new DEROctetString(challenge),
              new DEROctetString(new byte[0]),
              seq(sw.toArray(ASN1Encodable[]::new)),
              seq(hw.toArray(ASN1Encodable[]::new))));
    }
  }

  private static int code(SecurityLevel level) {
    return switch (level) {
      case SOFTWARE -> 0;
      case TRUSTED_ENVIRONMENT -> 1;
      case STRONG_BOX -> 2;
      case SECURE_ENCLAVE ->
          throw new IllegalArgumentException("Android has no SECURE_ENCLAVE security level");
    };
  }

  private static X509CertificateHolder cert(
      X500Name issuer,
      BigInteger serial,
      Instant from,
      Instant to,
      X500Name subject,
      KeyPair subjectKey,
      KeyPair issuerKey,
      boolean ca,
      byte[] keyDescription,
      SecureRandom random) {
    try {
      X509v3CertificateBuilder cb =
          new JcaX509v3CertificateBuilder(
              issuer, serial, Date.from(from), Date.from(to), subject, subjectKey.getPublic());
      if (ca) {
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        cb.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
      } else {
        cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      }
      if (keyDescription != null) {
        cb.addExtension(new Extension(KEY_DESCRIPTION, false, keyDescription));
      }
      return cb.build(signer(issuerKey.getPrivate(), random));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("building a test certificate failed", e);
    }
  }

  private static ContentSigner signer(PrivateKey key, SecureRandom random)
      throws OperatorCreationException {
    String alg = key.getAlgorithm();
    return new JcaContentSignerBuilder(
            alg.equals("EC") ? "SHA256withECDSA" : alg.equals("EdDSA") ? "Ed25519" : alg)
        .setSecureRandom(random)
        .build(key);
  }

  private static KeyPair p256(SecureRandom random) {
    return generate("EC", new ECGenParameterSpec("secp256r1"), random);
  }

  private static KeyPair generate(String alg, AlgorithmParameterSpec spec, SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      g.initialize(spec, random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(alg + " key generation failed", e);
    }
  }

  private static DERTaggedObject explicit(int tag, ASN1Encodable value) {
    return new DERTaggedObject(true, tag, value);
  }

  private static DERSequence seq(ASN1Encodable... items) {
    return new DERSequence(items);
  }

  private static byte[] encoded(ASN1Encodable v) {
    try {
      return v.toASN1Primitive().getEncoded("DER");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] der(X509CertificateHolder c) {
    try {
      return c.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
