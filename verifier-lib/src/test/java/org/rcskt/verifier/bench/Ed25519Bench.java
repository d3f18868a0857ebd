package org.rcskt.verifier.bench;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * Ed25519 through Bouncy Castle's low-level code ({@link Ed25519}, what the project uses) against
 * the JDK's {@code Signature.getInstance("Ed25519")}, on a message the size of a key event's signed
 * body. Each is measured with a key already decoded (a log or carrier key used again and again) and
 * with the key decoded from its 32 bytes first (a device key seen once, as in a REGISTER). {@code
 * bcVerify} and {@code bcDecodeAndVerify} go through {@link Ed25519}, that is the strict rules of
 * docs/protocol.md section 7.1; {@code bcCofactoredVerifyOld} and {@code bcDecodeKeyOld} are what
 * {@link Ed25519} did before (Bouncy Castle's cofactored verification, its partial key validation),
 * and {@code strictDecodeKey} is the key decoding with the subgroup check.
 *
 * <p>Not a unit test; run with {@code java -cp <test classes, classes, dependencies>
 * org.rcskt.verifier.bench.Ed25519Bench [JMH options]}. After the JMH report it prints the ratios
 * (first time / second time) of each pair.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Ed25519Bench {
  /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410), before its 32 bytes. */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  /** The PKCS#8 prefix of an Ed25519 private key (RFC 8410), before its 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  /** One key pair, one message, one signature, in both libraries' forms. */
  @State(Scope.Thread)
  public static class Keys {
    @Param({"300"})
    public int messageBytes;

    byte[] message;
    byte[] signature;
    byte[] publicKeyBytes;
    Ed25519.KeyPair bcKeyPair;
    Ed25519.PublicKey bcPublicKey;
    org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint bcPoint;
    PublicKey jdkPublicKey;
    PrivateKey jdkPrivateKey;
    Signature jdkVerifier;
    Signature jdkSigner;
    KeyFactory jdkKeyFactory;

    @Setup
    public void setup() throws GeneralSecurityException {
      Random random = new Random(1);
      message = new byte[messageBytes];
      random.nextBytes(message);
      bcKeyPair = Ed25519.KeyPair.generate(random);
      bcPublicKey = bcKeyPair.publicKey();
      publicKeyBytes = bcPublicKey.encoded();
      bcPoint =
          org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(
              publicKeyBytes, 0);
      signature = bcKeyPair.sign(message);
      jdkKeyFactory = KeyFactory.getInstance("Ed25519");
      jdkPublicKey = jdkPublicKey(jdkKeyFactory, publicKeyBytes);
      jdkPrivateKey =
          jdkKeyFactory.generatePrivate(
              new java.security.spec.PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, bcKeyPair.seed())));
      jdkVerifier = Signature.getInstance("Ed25519");
      jdkSigner = Signature.getInstance("Ed25519");
      jdkSigner.initSign(jdkPrivateKey);
      jdkSigner.update(message);
      if (!java.util.Arrays.equals(jdkSigner.sign(), signature)) {
        throw new IllegalStateException("the JDK and Bouncy Castle sign differently");
      }
      jdkVerifier.initVerify(jdkPublicKey);
      jdkVerifier.update(message);
      if (!jdkVerifier.verify(signature) || !bcPublicKey.verify(message, signature)) {
        throw new IllegalStateException("the signature does not verify");
      }
    }
  }

  static PublicKey jdkPublicKey(KeyFactory f, byte[] raw) throws GeneralSecurityException {
    return f.generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Benchmark
  public boolean bcVerify(Keys k) {
    return k.bcPublicKey.verify(k.message, k.signature);
  }

  @Benchmark
  public boolean bcDecodeAndVerify(Keys k) {
    return Ed25519.PublicKey.of(k.publicKeyBytes).verify(k.message, k.signature);
  }

  /** The previous rule: Bouncy Castle's cofactored verification alone, its point decoded once. */
  @Benchmark
  public boolean bcCofactoredVerifyOld(Keys k) {
    return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
        k.signature, 0, k.bcPoint, k.message, 0, k.message.length);
  }

  /** The previous key decoding: Bouncy Castle's partial validation, no subgroup check. */
  @Benchmark
  public Object bcDecodeKeyOld(Keys k) {
    return org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(
        k.publicKeyBytes, 0);
  }

  /** The previous rule with the key decoded first, as for a device key seen once. */
  @Benchmark
  public boolean bcDecodeAndCofactoredVerifyOld(Keys k) {
    return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
        k.signature,
        0,
        org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(
            k.publicKeyBytes, 0),
        k.message,
        0,
        k.message.length);
  }

  /** Key decoding now: the rules of section 7.1 with the subgroup check, and the key's tables. */
  @Benchmark
  public Object strictDecodeKey(Keys k) {
    return Ed25519.PublicKey.of(k.publicKeyBytes);
  }

  @Benchmark
  public boolean jdkVerify(Keys k) throws GeneralSecurityException {
    k.jdkVerifier.initVerify(k.jdkPublicKey);
    k.jdkVerifier.update(k.message);
    return k.jdkVerifier.verify(k.signature);
  }

  @Benchmark
  public boolean jdkDecodeAndVerify(Keys k) throws GeneralSecurityException {
    k.jdkVerifier.initVerify(jdkPublicKey(k.jdkKeyFactory, k.publicKeyBytes));
    k.jdkVerifier.update(k.message);
    return k.jdkVerifier.verify(k.signature);
  }

  @Benchmark
  public byte[] bcSign(Keys k) {
    return k.bcKeyPair.sign(k.message);
  }

  @Benchmark
  public byte[] jdkSign(Keys k) throws GeneralSecurityException {
    k.jdkSigner.update(k.message);
    return k.jdkSigner.sign();
  }

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .parent(new CommandLineOptions(args))
                    .include(Ed25519Bench.class.getName() + ".*")
                    .build())
            .run();
    Map<String, Double> score = new HashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      score.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    System.out.println();
    ratio(score, "verify, key decoded once", "jdkVerify", "bcVerify");
    ratio(score, "verify, key decoded each time", "jdkDecodeAndVerify", "bcDecodeAndVerify");
    ratio(score, "sign", "jdkSign", "bcSign");
    ratio(score, "strict verify / old BC verify", "bcVerify", "bcCofactoredVerifyOld");
    ratio(score, "strict key decode / old decode", "strictDecodeKey", "bcDecodeKeyOld");
    ratio(
        score, "strict decode+verify / old", "bcDecodeAndVerify", "bcDecodeAndCofactoredVerifyOld");
  }

  private static void ratio(Map<String, Double> score, String what, String jdk, String bc) {
    Double j = score.get(jdk);
    Double b = score.get(bc);
    if (j == null || b == null) {
      return;
    }
    System.out.printf("%-32s %s %.1f us, %s %.1f us: ratio %.2fx%n", what, jdk, j, bc, b, j / b);
  }
}
