package org.rcskt.verifier.bench;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.NodeSink;
import org.rcskt.verifier.merkle.Proofs;

/**
 * Merkle hot paths: hashing, appending, and proof generation and verification over a {@link
 * MemoryNodeStore} of {@code treeSize} leaves (10,000,000 by default, about 640 MB of node hashes).
 * Not part of the unit tests; run with {@code java -cp <test classes, classes, JMH>
 * org.rcskt.verifier.bench.MerkleBench [JMH options]}, for example {@code -wi 2 -i 3 -f 1 -p
 * treeSize=1000000}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MerkleBench {
  private static final int POOL = 1024;

  /** A 64-byte entry, roughly the size of a small key event. */
  @State(Scope.Thread)
  public static class Entry {
    final byte[] entry = new byte[64];
    final Hash left = Merkle.leafHash(new byte[] {1});
    final Hash right = Merkle.leafHash(new byte[] {2});

    @Setup
    public void setup() {
      new Random(1).nextBytes(entry);
    }
  }

  /** A tree that grows by one leaf per invocation. */
  @State(Scope.Thread)
  public static class Growing {
    CompactRange range;
    long nodes;
    final NodeSink counting = (level, index, hash) -> nodes++;
    final Hash leaf = Merkle.leafHash(new byte[] {3});

    @Setup(Level.Iteration)
    public void setup() {
      range = CompactRange.empty();
    }
  }

  /** A million 64-byte entries in one buffer, as a monitor holds downloaded entry bundles. */
  @State(Scope.Benchmark)
  public static class Entries {
    static final int SIZE = 64;
    final byte[] data = new byte[1_000_000 * SIZE];

    @Setup
    public void setup() {
      new Random(2).nextBytes(data);
    }
  }

  /** A stored tree with a pool of random leaves and their proofs. */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"10000000"})
    public long treeSize;

    MemoryNodeStore store;
    Hash root;
    final long[] leafIndex = new long[POOL];
    final Hash[] leafHash = new Hash[POOL];

    @SuppressWarnings("unchecked")
    final List<Hash>[] inclusion = new List[POOL];

    final long[] size1 = new long[POOL];
    final Hash[] root1 = new Hash[POOL];

    @SuppressWarnings("unchecked")
    final List<Hash>[] consistency = new List[POOL];

    CompactRange peaks;
    int next;

    @Setup(Level.Trial)
    public void setup() {
      store = new MemoryNodeStore();
      byte[] entry = new byte[8];
      for (long i = 0; i < treeSize; i++) {
        for (int b = 0; b < 8; b++) {
          entry[b] = (byte) (i >>> (8 * b));
        }
        store.append(Merkle.leafHash(entry));
      }
      root = store.rootHash();
      peaks = CompactRange.fromSource(treeSize, store);
      Random rnd = new Random(9162);
      for (int i = 0; i < POOL; i++) {
        leafIndex[i] = rnd.nextLong(treeSize);
        leafHash[i] = store.node(0, leafIndex[i]);
        inclusion[i] = Proofs.inclusion(leafIndex[i], treeSize, store);
        size1[i] = 1 + rnd.nextLong(treeSize);
        root1[i] = Proofs.rootHash(size1[i], store);
        consistency[i] = Proofs.consistency(size1[i], treeSize, store);
      }
    }

    int pick() {
      return next++ & (POOL - 1);
    }
  }

  @Benchmark
  public Hash leafHash64Bytes(Entry e) {
    return Merkle.leafHash(e.entry);
  }

  @Benchmark
  public Hash nodeHash(Entry e) {
    return Merkle.nodeHash(e.left, e.right);
  }

  @Benchmark
  public long compactRangeAppend(Growing g) {
    g.range.append(g.leaf, g.counting);
    return g.range.treeSize();
  }

  @Benchmark
  public Hash compactRangeRoot(Tree t) {
    return t.peaks.rootHash();
  }

  @Benchmark
  public CompactRange compactRangeFromStore(Tree t) {
    return CompactRange.fromSource(t.treeSize, t.store);
  }

  /** The monitor's job: leaf-hash a million downloaded 64-byte entries and compute the root. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 5)
  public Hash rebuildMillionEntryTree(Entries e) {
    CompactRange range = CompactRange.empty();
    for (int off = 0; off < e.data.length; off += Entries.SIZE) {
      range.append(Merkle.leafHash(e.data, off, Entries.SIZE));
    }
    return range.rootHash();
  }

  @Benchmark
  public List<Hash> inclusionProofGenerate(Tree t) {
    int i = t.pick();
    return Proofs.inclusion(t.leafIndex[i], t.treeSize, t.store);
  }

  @Benchmark
  public boolean inclusionProofVerify(Tree t) throws Exception {
    int i = t.pick();
    InclusionProof.verify(t.leafIndex[i], t.treeSize, t.leafHash[i], t.inclusion[i], t.root);
    return true;
  }

  @Benchmark
  public List<Hash> consistencyProofGenerate(Tree t) {
    int i = t.pick();
    return Proofs.consistency(t.size1[i], t.treeSize, t.store);
  }

  @Benchmark
  public boolean consistencyProofVerify(Tree t) throws Exception {
    int i = t.pick();
    ConsistencyProof.verify(t.size1[i], t.treeSize, t.root1[i], t.root, t.consistency[i]);
    return true;
  }

  @Benchmark
  public Hash rootHashFromStore(Tree t) {
    return Proofs.rootHash(t.treeSize, t.store);
  }

  /** Runs these benchmarks; arguments are JMH command-line options. */
  public static void main(String[] args) throws Exception {
    new Runner(
            new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(MerkleBench.class.getName() + ".*")
                .build())
        .run();
  }
}
