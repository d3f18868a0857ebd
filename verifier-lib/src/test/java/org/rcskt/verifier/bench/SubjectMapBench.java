package org.rcskt.verifier.bench;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectMap;

/**
 * The subject map (protocol 16) in memory at {@code subjects} existing subjects (1,000,000 by
 * default): the cost per subject of a batch of 1, 100 and 1000 updates of existing subjects (new
 * values, hashing and writing the changed records to the store included), proof generation, and
 * proof decoding and verification. The update scores are per subject
 * ({@code @OperationsPerInvocation}). Two baselines run alongside so ratios can be read off one
 * run: one SHA-256 of 64 bytes with a reused digest, and one Ed25519 verification of a 300-byte
 * message. Not a unit test; run with {@code java -cp <test classes, classes, dependencies>
 * org.openjdk.jmh.Main SubjectMapBench -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SubjectMapBench {
  private static final int POOL = 1 << 14;

  /** A map of {@code subjects} random subjects and a pool of them with fresh values and proofs. */
  @State(Scope.Benchmark)
  public static class Map {
    @Param({"1000000"})
    public int subjects;

    SubjectMap map;
    final Hash[] index = new Hash[POOL];
    final Hash[] value = new Hash[POOL];
    final byte[][] proof = new byte[POOL][];
    int next;

    @Setup
    public void setup() {
      Random rnd = new Random(16);
      map = SubjectMap.empty(new MemoryMapNodeStore());
      int stride = Math.max(1, subjects / POOL);
      byte[] b = new byte[32];
      for (int done = 0; done < subjects; ) {
        SubjectMap.Batch batch = map.batch();
        for (int i = 0; i < 10_000 && done < subjects; i++, done++) {
          rnd.nextBytes(b);
          Hash x = Hash.of(b);
          if (done % stride == 0 && done / stride < POOL) {
            index[done / stride] = x;
          }
          batch.put(x, 1, x);
        }
        map = map.apply(batch.finish());
      }
      for (int i = 0; i < POOL; i++) {
        if (index[i] == null) {
          index[i] = index[i % Math.min(subjects, POOL)];
        }
        rnd.nextBytes(b);
        value[i] = Hash.of(b);
        proof[i] = map.prove(index[i]).encoded();
      }
    }

    SubjectMap update(int n) {
      SubjectMap.Batch batch = map.batch();
      for (int j = 0; j < n; j++) {
        int i = next++ & (POOL - 1);
        batch.put(index[i], 2, value[i]);
      }
      map = map.apply(batch.finish());
      return map;
    }

    int pick() {
      return next++ & (POOL - 1);
    }
  }

  /** The baselines' inputs. */
  @State(Scope.Thread)
  public static class Baseline {
    final byte[] input = new byte[64];
    final byte[] message = new byte[300];
    final MessageDigest md = Hash.newSha256();
    Ed25519.PublicKey key;
    byte[] signature;

    @Setup
    public void setup() {
      Random rnd = new Random(64);
      rnd.nextBytes(input);
      rnd.nextBytes(message);
      Ed25519.KeyPair pair = Ed25519.KeyPair.generate(rnd);
      key = pair.publicKey();
      signature = pair.sign(message);
    }
  }

  @Benchmark
  public SubjectMap updateBatchOf1(Map m) {
    return m.update(1);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public SubjectMap updateBatchOf100(Map m) {
    return m.update(100);
  }

  @Benchmark
  @OperationsPerInvocation(1000)
  public SubjectMap updateBatchOf1000(Map m) {
    return m.update(1000);
  }

  @Benchmark
  public MapProof proofGenerate(Map m) {
    return m.map.prove(m.index[m.pick()]);
  }

  @Benchmark
  public Object proofVerify(Map m) throws Exception {
    int i = m.pick();
    return MapProof.verify(m.proof[i], m.map.root(), m.index[i]);
  }

  @Benchmark
  public byte[] baselineSha256Of64Bytes(Baseline b) {
    b.md.update(b.input);
    return b.md.digest();
  }

  @Benchmark
  public boolean baselineEd25519Verify(Baseline b) {
    return b.key.verify(b.message, b.signature);
  }

  /** Runs these benchmarks; arguments are JMH command-line options. */
  public static void main(String[] args) throws Exception {
    new Runner(
            new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(SubjectMapBench.class.getName() + ".*")
                .build())
        .run();
  }
}
