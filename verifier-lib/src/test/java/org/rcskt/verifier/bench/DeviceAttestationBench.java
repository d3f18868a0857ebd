package org.rcskt.verifier.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.attestation.AndroidKeyAttestation;
import org.rcskt.verifier.attestation.AndroidStatusList;
import org.rcskt.verifier.attestation.AttestationChallenge;
import org.rcskt.verifier.attestation.CertificateChains;
import org.rcskt.verifier.attestation.DeviceAttestationPolicy;
import org.rcskt.verifier.attestation.DeviceEvidence;
import org.rcskt.verifier.attestation.TrustAnchors;
import org.rcskt.verifier.attestation.testing.AndroidTestChains;
import org.rcskt.verifier.attestation.testing.AppleTestAttestations;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.VerifiedEvent;

/**
 * What device attestation evidence adds to the log's ingest cost (docs/benchmarks.md, "Device
 * attestation"): the signature phase of a REGISTER (decode, the new key's and an Ed25519 carrier
 * anchor's signatures) without evidence, with Android evidence (a three-certificate P-256 chain of
 * a test CA, root left out, allow list and a 10,000-entry status list) and with Apple evidence (an
 * App Attest object of a test CA), all in one run, each over 256 distinct events whose leaves
 * differ and whose intermediates are shared, with the link cache at 64 (steady state) and off; one
 * certificate signature through the JDK and through Bouncy Castle; and, when the shared vectors are
 * present, the chain check alone of a real Google TEE chain (RSA-4096 root).
 *
 * <p>Not a unit test; run with {@code java -cp <test classes, classes, dependencies>
 * org.rcskt.verifier.bench.DeviceAttestationBench [JMH options]}. After the report it prints each
 * time as a multiple of {@code registerUnattested}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Drcskt.attestation.linkCacheSize=64")
public class DeviceAttestationBench {
  /** Distinct events per platform: more than the link cache holds, so leaves are never cached. */
  private static final int POOL = 256;

  private static final long T = System.currentTimeMillis();
  private static final String CARRIER = "carrier.example";

  /** Events, evidence and the policy, made once. */
  @State(Scope.Benchmark)
  public static class Data {
    byte[] unattested;
    byte[][] android = new byte[POOL][];
    byte[][] apple = new byte[POOL][];
    int next;
    KeyResolver carrierOnly;
    DeviceAttestationPolicy policy;
    X509CertificateHolder leaf;
    X509CertificateHolder intermediate;

    @Setup
    public void setUp() throws Exception {
      Random r = new Random(13);
      Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(r);
      PublicKeyInfo carrierKey = PublicKeyInfo.ed25519(carrier.publicKey());
      carrierOnly = keyId -> keyId.equals(carrierKey.keyId()) ? carrierKey : null;
      EventSigner c = EventSigner.of(carrier);
      Hash subject = Hash.sha256(new byte[] {1});
      EventSigner d1 = EventSigner.of(Ed25519.KeyPair.generate(r));
      EventSigner d2 = EventSigner.of(Ed25519.KeyPair.generate(r));
      EventSigner d3 = EventSigner.of(Ed25519.KeyPair.generate(r));
      unattested = register(subject, d1, c, null);
      // One root and intermediate (same seed, serial and ordering), a new leaf per event.
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      java.math.BigInteger serial = java.math.BigInteger.valueOf(1313);
      AndroidTestChains chain = null;
      AppleTestAttestations a = null;
      for (int i = 0; i < POOL; i++) {
        EventSigner da = EventSigner.of(Ed25519.KeyPair.generate(r));
        chain =
            AndroidTestChains.builder()
                .seed(13)
                .leafKey(g.generateKeyPair())
                .intermediateSerial(serial)
                .challenge(challenge(subject, da))
                .build();
        android[i] = register(subject, da, c, DeviceEvidence.android(chain.chainDer()).encode());
        EventSigner di = EventSigner.of(Ed25519.KeyPair.generate(r));
        a = new AppleTestAttestations(java.time.Instant.ofEpochMilli(T), 13);
        apple[i] =
            register(
                subject,
                di,
                c,
                DeviceEvidence.apple(a.clientDataHash(challenge(subject, di)).attestationObject())
                    .encode());
      }
      List<X509CertificateHolder> parsed = CertificateChains.parse(chain.chainDer());
      leaf = parsed.get(0);
      intermediate = parsed.get(1);
      StringBuilder status = new StringBuilder("{\"entries\": {");
      for (int i = 0; i < 10_000; i++) {
        status
            .append(i == 0 ? "" : ",")
            .append("\"")
            .append(Long.toHexString(0x1000_0000_0000L + i))
            .append("\": {\"status\": \"REVOKED\", \"reason\": \"KEY_COMPROMISE\"}");
      }
      status.append("}}");
      policy =
          new DeviceAttestationPolicy(
              chain.roots(),
              a.roots(),
              new DeviceAttestationPolicy.Apps(
                  List.of(
                      new AndroidKeyAttestation.AllowedApp(
                          chain.packageName(), chain.signingDigest())),
                  Set.of(a.appId())),
              Map.of(),
              Map.of(),
              false,
              AndroidStatusList.parse(status.toString(), "bench"));
      // Each must verify, or the benchmark would time a failure path.
      for (int i = 0; i < POOL; i++) {
        verify(android[i], carrierOnly, policy);
        verify(apple[i], carrierOnly, policy);
      }
    }

    int next() {
      next = (next + 1) % POOL;
      return next;
    }

    private static byte[] challenge(Hash subject, EventSigner device) {
      return AttestationChallenge.of(
          subject.toByteArray(), CARRIER, "phone-1", device.publicKey().keyId().toByteArray(), T);
    }

    private static byte[] register(
        Hash subject, EventSigner device, EventSigner carrier, byte[] evidence) {
      EventBuilder b = EventBuilder.forSubject(subject, CARRIER).timestampMs(T);
      if (evidence != null) {
        b.attestationEvidence(evidence);
      }
      return b.register("phone-1", device.publicKey()).sign(device, carrier).encoded();
    }
  }

  /** A real Google TEE chain from the shared vectors, checked at a time it was valid. */
  @State(Scope.Benchmark)
  public static class GoogleChain {
    List<X509CertificateHolder> chain;
    TrustAnchors root;

    @Setup
    public void setUp() throws Exception {
      Path dir =
          Path.of(System.getProperty("rcskt.vectors.dir", "../shared/vectors"))
              .resolve("android-attestation-google");
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException(
            "googleTeeChainOnly needs the shared vectors at " + dir + " (-Drcskt.vectors.dir)");
      }
      List<byte[]> der = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        try (PEMParser p =
            new PEMParser(
                Files.newBufferedReader(
                    dir.resolve("pem/algorithm_EC_SecurityLevel_TEE/cert" + i + ".pem")))) {
          der.add(((X509CertificateHolder) p.readObject()).getEncoded());
        }
      }
      chain = CertificateChains.parse(der);
      root =
          TrustAnchors.fromPem(
              Files.readString(dir.resolve("google_root_ca_pubkey_from_Constants.pem")), "root");
    }
  }

  @Benchmark
  public VerifiedEvent registerUnattested(Data d) throws Exception {
    return verify(d.unattested, d.carrierOnly, d.policy);
  }

  /** A new leaf each time; the shared intermediate's link comes from the cache (steady state). */
  @Benchmark
  public VerifiedEvent registerAndroid(Data d) throws Exception {
    return verify(d.android[d.next()], d.carrierOnly, d.policy);
  }

  @Benchmark
  public VerifiedEvent registerApple(Data d) throws Exception {
    return verify(d.apple[d.next()], d.carrierOnly, d.policy);
  }

  /** As {@link #registerAndroid} with the link cache off: every certificate signature checked. */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-Drcskt.attestation.linkCacheSize=0")
  public VerifiedEvent registerAndroidNoCache(Data d) throws Exception {
    return verify(d.android[d.next()], d.carrierOnly, d.policy);
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-Drcskt.attestation.linkCacheSize=0")
  public VerifiedEvent registerAppleNoCache(Data d) throws Exception {
    return verify(d.apple[d.next()], d.carrierOnly, d.policy);
  }

  /** One P-256 certificate signature through the JDK's provider (SunEC on JDK 17). */
  @Benchmark
  public boolean certSignatureJdk(Data d) throws Exception {
    return d.leaf.isSignatureValid(
        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
            .build(d.intermediate));
  }

  /** The same signature through Bouncy Castle's lightweight API, as CertificateChains does. */
  @Benchmark
  public boolean certSignatureBc(Data d) throws Exception {
    return d.leaf.isSignatureValid(
        new org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder(
                new org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder())
            .build(d.intermediate));
  }

  /** The four links of a real chain, every signature checked (cache off). */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-Drcskt.attestation.linkCacheSize=0")
  public TrustAnchors.Anchor googleTeeChainOnly(GoogleChain g) throws Exception {
    return CertificateChains.verify(
        g.chain, g.root, java.time.Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
  }

  private static VerifiedEvent verify(
      byte[] encoded, KeyResolver keys, DeviceAttestationPolicy policy) throws Exception {
    KeyEvent e = EventCodec.decode(encoded);
    VerifiedEvent v = EventSignatures.verify(e, keys, policy);
    if (e.body().attestationEvidence().length > 0 && v.attestationResult() == null) {
      throw new AssertionError("evidence was not checked");
    }
    return v;
  }

  public static void main(String[] args) throws Exception {
    SameRunRatios.run(DeviceAttestationBench.class, "registerUnattested", args);
  }
}
