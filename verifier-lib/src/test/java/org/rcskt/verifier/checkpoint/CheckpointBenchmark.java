package org.rcskt.verifier.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.Note;

/**
 * Cost of the checkpoint hot paths: the log signing a checkpoint, a client parsing one, and a
 * client verifying one. Run with {@code org.openjdk.jmh.Main CheckpointBenchmark} on the test
 * classpath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CheckpointBenchmark {
  private static final String ORIGIN = "kt.example.net/log2026";
  private CheckpointSigner signer;
  private Ed25519NoteVerifier verifier;
  private Hash root;
  private byte[] signed;
  private long size = 1_000_000;

  @Setup
  public void setup() {
    Ed25519NoteSigner key = Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(new Random(1)));
    signer = CheckpointSigner.of(key);
    verifier = key.verifier();
    root = Hash.sha256("root".getBytes(UTF_8));
    signed = signer.sign(123_456_789L, root);
  }

  @Benchmark
  public byte[] sign() {
    return signer.sign(size++, root);
  }

  @Benchmark
  public Checkpoint parseOnly() throws Exception {
    return Checkpoint.parse(Note.parse(signed).body());
  }

  @Benchmark
  public SignedCheckpoint verify() throws Exception {
    return SignedCheckpoint.verify(signed, ORIGIN, verifier);
  }
}
