package org.rcskt.verifier.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHAKEDigest;
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
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.EventSigner;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.VerifiedEvent;

/**
 * What a post-quantum key costs to verify, against Ed25519 in the same run (docs/benchmarks.md,
 * "Post-quantum keys"): the primitives with a key already decoded and with the key decoded first,
 * the parts of an ML-DSA-65 verification that can be taken apart through Bouncy Castle's API (the
 * key's parsing, {@code tr = SHAKE256(pk)}), and the signature phase of a REGISTER event as the log
 * runs it (the new key decoded from the event, the carrier's Ed25519 anchor key held decoded).
 *
 * <p>Not a unit test; run with {@code java -cp <test classes, classes, dependencies>
 * org.rcskt.verifier.bench.PostQuantumBench [JMH options]}. After the report it prints each time as
 * a multiple of {@code ed25519Verify}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PostQuantumBench {
  /** Keys, messages, signatures and events, made once. */
  @State(Scope.Benchmark)
  public static class Data {
    byte[] message;
    Ed25519.PublicKey ed;
    byte[] edSig;
    MlDsa65.KeyPair mlPair;
    org.rcskt.verifier.crypto.MlDsa44.KeyPair ml44Pair;
    byte[] ml44Sig;
    MlDsa65.PublicKey ml;
    byte[] mlKeyBytes;
    byte[] mlSig;
    Ed25519MlDsa65.PublicKey hybrid;
    byte[] hybridKeyBytes;
    byte[] hybridSig;
    byte[] registerEd25519;
    byte[] registerMlDsa;
    byte[] registerHybrid;
    KeyResolver carrierOnly;

    @Setup
    public void setUp() {
      Random r = new Random(12);
      message = new byte[300];
      r.nextBytes(message);
      Ed25519.KeyPair edPair = Ed25519.KeyPair.generate(r);
      ed = edPair.publicKey();
      edSig = edPair.sign(message);
      mlPair = MlDsa65.KeyPair.generate(r);
      ml = mlPair.publicKey();
      mlKeyBytes = ml.encoded();
      mlSig = mlPair.sign(message);
      ml44Pair = org.rcskt.verifier.crypto.MlDsa44.KeyPair.generate(r);
      ml44Sig = ml44Pair.sign(message);
      Ed25519MlDsa65.KeyPair hybridPair = Ed25519MlDsa65.KeyPair.generate(r);
      hybrid = hybridPair.publicKey();
      hybridKeyBytes = hybrid.encoded();
      hybridSig = hybridPair.sign(message);

      Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(r);
      PublicKeyInfo carrierKey = PublicKeyInfo.ed25519(carrier.publicKey());
      carrierOnly = keyId -> keyId.equals(carrierKey.keyId()) ? carrierKey : null;
      EventSigner c = EventSigner.of(carrier);
      registerEd25519 = register(EventSigner.of(Ed25519.KeyPair.generate(r)), c);
      registerMlDsa = register(EventSigner.of(MlDsa65.KeyPair.generate(r)), c);
      registerHybrid = register(EventSigner.of(Ed25519MlDsa65.KeyPair.generate(r)), c);
    }

    private static byte[] register(EventSigner device, EventSigner carrier) {
      return EventBuilder.forSubject(Hash.sha256(new byte[] {1}), "carrier.example")
          .timestampMs(1_767_225_600_000L)
          .register("phone-1", device.publicKey())
          .sign(device, carrier)
          .encoded();
    }
  }

  @Benchmark
  public boolean ed25519Verify(Data d) {
    return d.ed.verify(d.message, d.edSig);
  }

  @Benchmark
  public boolean mlDsaVerify(Data d) {
    return d.ml.verify(d.message, d.mlSig);
  }

  @Benchmark
  public boolean mlDsaDecodeAndVerify(Data d) {
    return MlDsa65.PublicKey.of(d.mlKeyBytes).verify(d.message, d.mlSig);
  }

  @Benchmark
  public MlDsa65.PublicKey mlDsaDecodeKey(Data d) {
    return MlDsa65.PublicKey.of(d.mlKeyBytes);
  }

  /** tr = SHAKE256(pk, 64 bytes), which every ML-DSA verification computes from the key. */
  @Benchmark
  public byte[] mlDsaKeyHashTr(Data d) {
    SHAKEDigest s = new SHAKEDigest(256);
    s.update(d.mlKeyBytes, 0, d.mlKeyBytes.length);
    byte[] out = new byte[64];
    s.doFinal(out, 0, 64);
    return out;
  }

  @Benchmark
  public boolean hybridVerify(Data d) {
    return d.hybrid.verify(d.message, d.hybridSig);
  }

  @Benchmark
  public boolean hybridDecodeAndVerify(Data d) {
    return Ed25519MlDsa65.PublicKey.of(d.hybridKeyBytes).verify(d.message, d.hybridSig);
  }

  /** The log's checkpoint signature (ML-DSA-44, C2SP type 0x06), made once per batch. */
  @Benchmark
  public byte[] mlDsa44Sign(Data d) {
    return d.ml44Pair.sign(d.message);
  }

  @Benchmark
  public boolean mlDsa44Verify(Data d) {
    return d.ml44Pair.publicKey().verify(d.message, d.ml44Sig);
  }

  @Benchmark
  public byte[] mlDsaSign(Data d) {
    return d.mlPair.sign(d.message);
  }

  /** The log's signature phase of a REGISTER: decode, the new key's and the carrier's checks. */
  @Benchmark
  public VerifiedEvent registerEd25519Event(Data d) throws Exception {
    return verify(d.registerEd25519, d.carrierOnly);
  }

  @Benchmark
  public VerifiedEvent registerMlDsaEvent(Data d) throws Exception {
    return verify(d.registerMlDsa, d.carrierOnly);
  }

  @Benchmark
  public VerifiedEvent registerHybridEvent(Data d) throws Exception {
    return verify(d.registerHybrid, d.carrierOnly);
  }

  private static VerifiedEvent verify(byte[] encoded, KeyResolver keys) throws Exception {
    KeyEvent e = EventCodec.decode(encoded);
    try {
      return EventSignatures.verify(e, keys);
    } catch (RuleViolationException ex) {
      throw new AssertionError(ex);
    }
  }

  public static void main(String[] args) throws Exception {
    SameRunRatios.run(PostQuantumBench.class, "ed25519Verify", args);
  }
}
