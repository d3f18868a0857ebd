package org.rcskt.verifier.attestation.testing;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.rcskt.verifier.attestation.AppleAppAttest;
import org.rcskt.verifier.attestation.AppleAttestationObject;
import org.rcskt.verifier.attestation.TrustAnchors;

/**
 * Builds App-Attest-shaped attestation objects under a test root made here: root, intermediate CA
 * and a credential certificate for a fresh P-256 key carrying the nonce extension; authData with
 * the App ID's hash, a counter, an AAGUID, the key id and the COSE key; all as CBOR. By default the
 * object verifies at {@link #validAtMs()} under {@link #policy(boolean)}; the setters break one
 * thing each.
 *
 * <p>The keys and the root and intermediate certificates are made once per instance, so {@link
 * #keyId()} and {@link #rootPem()} stay the same while the settings change; {@link
 * #attestationObject()} builds a new object (with new signatures) from the current settings.
 */
public final class AppleTestAttestations {
  /** The App ID objects are made for unless {@link #appId(String)} says otherwise. */
  public static final String DEFAULT_APP_ID = "ABCDE12345.org.rcskt.test";

  /** The production AAGUID: {@code appattest} and 7 zero bytes. */
  private static final byte[] PRODUCTION_AAGUID =
      Arrays.copyOf("appattest".getBytes(StandardCharsets.US_ASCII), 16);

  /** The development AAGUID: {@code appattestdevelop}. */
  private static final byte[] DEVELOPMENT_AAGUID =
      "appattestdevelop".getBytes(StandardCharsets.US_ASCII);

  private final Instant at;
  private final SecureRandom random;
  private final KeyPair rootKey;
  private final KeyPair intermediateKey;
  private final KeyPair credentialKey;
  private final X500Name rootName = new X500Name("CN=Test App Attestation Root CA,O=rcskt test");
  private final X500Name intermediateName =
      new X500Name("CN=Test App Attestation CA 1,O=rcskt test");
  private final X509CertificateHolder root;
  private final X509CertificateHolder intermediate;

  private String appId = DEFAULT_APP_ID;
  private byte[] clientDataHash = sha256("rcskt test challenge".getBytes(StandardCharsets.UTF_8));
  private byte[] aaguid = PRODUCTION_AAGUID;
  private long signCount;
  private int flags = AppleAttestationObject.AuthenticatorData.FLAG_AT;
  private Instant notBefore;
  private Instant notAfter;
  private boolean wrongNonce;
  private boolean withoutNonce;
  private boolean untaggedNonce;
  private boolean wrongCredentialId;
  private byte[] receipt = "not a real receipt".getBytes(StandardCharsets.US_ASCII);
  private UnaryOperator<byte[]> authDataHook = UnaryOperator.identity();
  private UnaryOperator<List<byte[]>> x5cHook = UnaryOperator.identity();

  /** Objects valid now: the credential certificate from a day before to two days after. */
  public AppleTestAttestations() {
    this(Instant.now());
  }

  /** Objects valid at {@code at}: the credential certificate from a day before to two after. */
  public AppleTestAttestations(Instant at) {
    this(at, new SecureRandom());
  }

  /**
   * Like {@link #AppleTestAttestations(Instant)}, with keys and signatures drawn from a generator
   * seeded with {@code seed}: the same seed and settings give the same bytes.
   */
  public AppleTestAttestations(Instant at, long seed) {
    this(at, seeded(seed));
  }

  private AppleTestAttestations(Instant at, SecureRandom random) {
    this.at = Instant.ofEpochSecond(at.getEpochSecond());
    this.random = random;
    this.rootKey = newKey(random);
    this.intermediateKey = newKey(random);
    this.credentialKey = newKey(random);
    this.notBefore = this.at.minus(Duration.ofDays(1));
    this.notAfter = this.at.plus(Duration.ofDays(2));
    Instant caFrom = this.at.minus(Duration.ofDays(365));
    Instant caTo = this.at.plus(Duration.ofDays(3650));
    root =
        certificate(
            rootName, rootName, rootKey.getPublic(), rootKey, caFrom, caTo, caExtensions(-1));
    intermediate =
        certificate(
            rootName,
            intermediateName,
            intermediateKey.getPublic(),
            rootKey,
            caFrom,
            caTo,
            caExtensions(0));
  }

  /** Sets the App ID whose hash authData carries. */
  public AppleTestAttestations appId(String appId) {
    this.appId = appId;
    return this;
  }

  /** Sets the client data hash the nonce is computed with. */
  public AppleTestAttestations clientDataHash(byte[] clientDataHash) {
    this.clientDataHash = clientDataHash.clone();
    return this;
  }

  /** Development ({@code appattestdevelop}) or production AAGUID. */
  public AppleTestAttestations development(boolean development) {
    return aaguid(development ? DEVELOPMENT_AAGUID : PRODUCTION_AAGUID);
  }

  /** Sets the AAGUID (16 bytes). */
  public AppleTestAttestations aaguid(byte[] aaguid) {
    if (aaguid.length != 16) {
      throw new IllegalArgumentException("an AAGUID is 16 bytes");
    }
    this.aaguid = aaguid.clone();
    return this;
  }

  /** Sets the counter (an attestation's is 0). */
  public AppleTestAttestations signCount(long signCount) {
    this.signCount = signCount;
    return this;
  }

  /** Sets the authData flags byte (default: attested credential data only). */
  public AppleTestAttestations flags(int flags) {
    this.flags = flags;
    return this;
  }

  /** Sets the credential certificate's validity. */
  public AppleTestAttestations validity(Instant notBefore, Instant notAfter) {
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    return this;
  }

  /** Puts a nonce in the credential certificate that is not SHA-256(authData || hash). */
  public AppleTestAttestations wrongNonce(boolean wrongNonce) {
    this.wrongNonce = wrongNonce;
    return this;
  }

  /** Leaves the nonce extension out of the credential certificate. */
  public AppleTestAttestations withoutNonce(boolean withoutNonce) {
    this.withoutNonce = withoutNonce;
    return this;
  }

  /** Writes the nonce extension as {@code SEQUENCE { OCTET STRING }}, without the [1] tag. */
  public AppleTestAttestations untaggedNonce(boolean untaggedNonce) {
    this.untaggedNonce = untaggedNonce;
    return this;
  }

  /** Puts a credentialId in authData that is not the key id (the nonce still matches). */
  public AppleTestAttestations wrongCredentialId(boolean wrongCredentialId) {
    this.wrongCredentialId = wrongCredentialId;
    return this;
  }

  /** Sets the receipt bytes (not verified; any bytes do). */
  public AppleTestAttestations receipt(byte[] receipt) {
    this.receipt = receipt.clone();
    return this;
  }

  /** Changes authData after the nonce was computed over it. */
  public AppleTestAttestations tamperAuthData(UnaryOperator<byte[]> hook) {
    this.authDataHook = hook;
    return this;
  }

  /** Changes the x5c DER list (credential certificate first) after it was made. */
  public AppleTestAttestations tamperX5c(UnaryOperator<List<byte[]>> hook) {
    this.x5cHook = hook;
    return this;
  }

  /** A new attestation object from the current settings. */
  public byte[] attestationObject() {
    byte[] keyId = keyId();
    byte[] credentialId = keyId.clone();
    if (wrongCredentialId) {
      credentialId[0] ^= 1;
    }
    byte[] cose = coseKey();
    ByteBuffer b = ByteBuffer.allocate(32 + 1 + 4 + 16 + 2 + credentialId.length + cose.length);
    b.put(sha256(appId.getBytes(StandardCharsets.UTF_8)))
        .put((byte) flags)
        .putInt((int) signCount)
        .put(aaguid)
        .putShort((short) credentialId.length)
        .put(credentialId)
        .put(cose);
    byte[] authData = b.array();
    byte[] toHash = Arrays.copyOf(authData, authData.length + clientDataHash.length);
    System.arraycopy(clientDataHash, 0, toHash, authData.length, clientDataHash.length);
    byte[] nonce = sha256(toHash);
    if (wrongNonce) {
      nonce[0] ^= 1;
    }
    List<Extension> ext = new ArrayList<>();
    try {
      ext.add(
          new Extension(
              Extension.basicConstraints, true, new BasicConstraints(false).getEncoded()));
      ext.add(
          new Extension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature).getEncoded()));
      if (!withoutNonce) {
        DEROctetString octets = new DEROctetString(nonce);
        byte[] value =
            new DERSequence(untaggedNonce ? octets : new DERTaggedObject(true, 1, octets))
                .getEncoded();
        ext.add(new Extension(AppleAppAttest.NONCE_OID, false, value));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    X509CertificateHolder credential =
        certificate(
            intermediateName,
            new X500Name("CN=" + HexFormat.of().formatHex(keyId) + ",O=rcskt test"),
            credentialKey.getPublic(),
            intermediateKey,
            notBefore,
            notAfter,
            ext);
    List<byte[]> x5c = x5cHook.apply(List.of(encoded(credential), encoded(intermediate)));
    return encodeObject(x5c, receipt, authDataHook.apply(authData));
  }

  /** The test root certificate, PEM. */
  public String rootPem() {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(encoded(root))
        + "\n-----END CERTIFICATE-----\n";
  }

  /** The test root as trust anchors. */
  public TrustAnchors roots() {
    return TrustAnchors.fromPem(rootPem(), "test root");
  }

  /** The key id: SHA-256 of the credential key's uncompressed point. */
  public byte[] keyId() {
    return sha256(point());
  }

  /** The credential key pair (P-256), for signing assertions in tests. */
  public KeyPair credentialKey() {
    return credentialKey;
  }

  /** The credential key as the result of a verification names it. */
  public SubjectPublicKeyInfo credentialKeyInfo() {
    return SubjectPublicKeyInfo.getInstance(credentialKey.getPublic().getEncoded());
  }

  /** The App ID set by {@link #appId(String)}. */
  public String appId() {
    return appId;
  }

  /** The client data hash set by {@link #clientDataHash(byte[])}. */
  public byte[] clientDataHash() {
    return clientDataHash.clone();
  }

  /** The time given to the constructor (whole seconds), at which objects are valid. */
  public long validAtMs() {
    return at.toEpochMilli();
  }

  /** A policy of the test root and {@link #DEFAULT_APP_ID}. */
  public AppleAppAttest.Policy policy(boolean allowDevelopment) {
    return new AppleAppAttest.Policy(roots(), Set.of(DEFAULT_APP_ID), allowDevelopment);
  }

  private byte[] point() {
    return credentialKeyInfo().getPublicKeyData().getOctets();
  }

  /** COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
  private byte[] coseKey() {
    byte[] p = point();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = (CBORGenerator) new CBORFactory().createGenerator(out)) {
      g.writeStartObject(5);
      g.writeFieldId(1);
      g.writeNumber(2);
      g.writeFieldId(3);
      g.writeNumber(-7);
      g.writeFieldId(-1);
      g.writeNumber(1);
      g.writeFieldId(-2);
      g.writeBinary(Arrays.copyOfRange(p, 1, 33));
      g.writeFieldId(-3);
      g.writeBinary(Arrays.copyOfRange(p, 33, 65));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] encodeObject(List<byte[]> x5c, byte[] receipt, byte[] authData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = (CBORGenerator) new CBORFactory().createGenerator(out)) {
      g.writeStartObject(3);
      g.writeStringField("fmt", AppleAttestationObject.FORMAT);
      g.writeFieldName("attStmt");
      g.writeStartObject(2);
      g.writeFieldName("x5c");
      g.writeStartArray(null, x5c.size());
      for (byte[] c : x5c) {
        g.writeBinary(c);
      }
      g.writeEndArray();
      g.writeFieldName("receipt");
      g.writeBinary(receipt);
      g.writeEndObject();
      g.writeFieldName("authData");
      g.writeBinary(authData);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<Extension> caExtensions(int pathLength) {
    try {
      BasicConstraints bc =
          pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength);
      return List.of(
          new Extension(Extension.basicConstraints, true, bc.getEncoded()),
          new Extension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign).getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private X509CertificateHolder certificate(
      X500Name issuer,
      X500Name subject,
      PublicKey key,
      KeyPair signer,
      Instant from,
      Instant to,
      List<Extension> extensions) {
    try {
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
              issuer,
              new BigInteger(63, random),
              Date.from(from),
              Date.from(to),
              subject,
              SubjectPublicKeyInfo.getInstance(key.getEncoded()));
      for (Extension e : extensions) {
        b.addExtension(e);
      }
      return b.build(
          new JcaContentSignerBuilder("SHA256withECDSA")
              .setSecureRandom(random)
              .build(signer.getPrivate()));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("building a test certificate failed", e);
    }
  }

  private static byte[] encoded(X509CertificateHolder c) {
    try {
      return c.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKey(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] in) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(in);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
