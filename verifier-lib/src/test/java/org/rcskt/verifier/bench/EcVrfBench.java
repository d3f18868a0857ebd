package org.rcskt.verifier.bench;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * ECVRF-EDWARDS25519-SHA512-TAI prove and verify ({@link EcVrf}) against Bouncy Castle's Ed25519
 * signature verification (the project's baseline cost of a signature check) in the same run. The
 * input is the proposed E.164 alpha of docs/protocol.md appendix A.3.
 *
 * <p>Not a unit test; run with {@code java -cp <test classes, classes, dependencies>
 * org.rcskt.verifier.bench.EcVrfBench [JMH options]}. After the JMH report it prints the ratios to
 * Ed25519 verify.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EcVrfBench {
  /** One VRF key, one input and its proof; one Ed25519 key and signature. */
  @State(Scope.Thread)
  public static class Keys {
    byte[] secretKey;
    byte[] publicKey;
    byte[] alpha;
    byte[] proof;
    Ed25519.PublicKey ed25519Key;
    byte[] message;
    byte[] signature;

    @Setup
    public void setup() throws VrfVerificationException {
      Random random = new Random(9381);
      secretKey = new byte[32];
      random.nextBytes(secretKey);
      publicKey = EcVrf.publicKey(secretKey);
      alpha =
          "rcskt/v2/vrf/e164\0+33612345678".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      proof = EcVrf.prove(secretKey, alpha);
      EcVrf.verify(publicKey, alpha, proof);
      Ed25519.KeyPair kp = Ed25519.KeyPair.generate(random);
      ed25519Key = kp.publicKey();
      message = new byte[300];
      random.nextBytes(message);
      signature = kp.sign(message);
      if (!ed25519Key.verify(message, signature)) {
        throw new IllegalStateException("the signature does not verify");
      }
    }
  }

  @Benchmark
  public byte[] vrfProve(Keys k) {
    return EcVrf.prove(k.secretKey, k.alpha);
  }

  @Benchmark
  public byte[] vrfVerify(Keys k) throws VrfVerificationException {
    return EcVrf.verify(k.publicKey, k.alpha, k.proof);
  }

  @Benchmark
  public byte[] vrfProofToHash(Keys k) throws VrfVerificationException {
    return EcVrf.proofToHash(k.proof);
  }

  @Benchmark
  public boolean ed25519Verify(Keys k) {
    return k.ed25519Key.verify(k.message, k.signature);
  }

  /** Runs these benchmarks; arguments are JMH command-line options. */
  public static void main(String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .parent(new CommandLineOptions(args))
                    .include(EcVrfBench.class.getName() + ".*")
                    .build())
            .run();
    Map<String, Double> score = new HashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      score.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    Double base = score.get("ed25519Verify");
    if (base == null) {
      return;
    }
    System.out.println();
    for (String name : new String[] {"vrfVerify", "vrfProve", "vrfProofToHash"}) {
      Double s = score.get(name);
      if (s != null) {
        System.out.printf(
            "%-15s %.1f us, Ed25519 verify %.1f us: %.2fx Ed25519 verify%n",
            name, s, base, s / base);
      }
    }
  }
}
