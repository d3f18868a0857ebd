package org.rcskt.monitor.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.Cosignature;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.witness.AddCheckpointRequest;

class WitnessTest {
  private static final String ORIGIN = "example.test/log";
  private static final long NOW = 1_780_000_000L;

  @TempDir Path dir;

  private final Ed25519NoteSigner logSigner =
      Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate());
  private final CheckpointSigner log = CheckpointSigner.of(logSigner);
  private final CosignatureV1Signer witnessKey =
      CosignatureV1Signer.of(
          "witness.test/w1",
          Ed25519.KeyPair.generate(),
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  private final List<SignedCheckpoint> seen = Collections.synchronizedList(new ArrayList<>());
  private RocksDbStateStore store;
  private Witness witness;

  @BeforeEach
  void open() throws Exception {
    store = RocksDbStateStore.open(dir.resolve("state"));
    witness = newWitness();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Witness newWitness() {
    return new Witness(
        witnessKey, Map.of(ORIGIN, logSigner.verifier()), new StoredWitnessState(store), seen::add);
  }

  /** A tree of {@code n} leaves made from {@code tag}: trees of one tag grow append-only. */
  private static MemoryNodeStore tree(String tag, int n) {
    MemoryNodeStore t = new MemoryNodeStore();
    for (int i = 0; i < n; i++) {
      t.append(Merkle.leafHash((tag + i).getBytes(StandardCharsets.UTF_8)));
    }
    return t;
  }

  private byte[] checkpoint(MemoryNodeStore t) {
    return log.sign(t.treeSize(), t.rootHash());
  }

  private Witness.Answer add(long old, List<Hash> proof, byte[] checkpoint) throws Exception {
    return witness.addCheckpoint(new AddCheckpointRequest(old, proof, checkpoint).encode());
  }

  private Witness.Answer grow(String tag, int from, int to) throws Exception {
    MemoryNodeStore t = tree(tag, to);
    List<Hash> proof = from == 0 ? List.of() : Proofs.consistency(from, to, t);
    return add(from, proof, checkpoint(t));
  }

  @Test
  void cosignsAFirstCheckpointAndTheSignatureFollowsTheSpec() throws Exception {
    byte[] cp = checkpoint(tree("a", 5));
    Witness.Answer a = add(0, List.of(), cp);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.bodyText()).startsWith("\u2014 witness.test/w1 ").endsWith("\n");
    assertThat(a.bodyText().lines()).hasSize(1);
    // The response appended to the checkpoint is a note that verifies with the witness's key.
    byte[] cosigned = concat(cp, a.body());
    SignedCheckpoint v =
        SignedCheckpoint.verify(
            cosigned, ORIGIN, logSigner.verifier(), NoteVerifiers.of(witnessKey.verifier()));
    assertThat(v.cosignatures())
        .extracting(Cosignature::name, Cosignature::timestamp)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("witness.test/w1", NOW));
    assertThat(seen).hasSize(1);
  }

  @Test
  void theCosignatureIsTheSpecsBytesCheckedWithAnotherEd25519Implementation() throws Exception {
    byte[] cp = checkpoint(tree("a", 3));
    String line = add(0, List.of(), cp).bodyText();
    String prefix = "\u2014 witness.test/w1 ";
    assertThat(line).startsWith(prefix);
    byte[] sig = java.util.Base64.getDecoder().decode(line.substring(prefix.length()).strip());
    assertThat(sig).hasSize(4 + 8 + 64);
    // Key ID: the first four bytes of SHA-256(name || 0x0A || 0x04 || public key).
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update("witness.test/w1\n".getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x04);
    sha.update(witnessKey.verifier().publicKey().encoded());
    assertThat(java.util.Arrays.copyOf(sig, 4)).isEqualTo(java.util.Arrays.copyOf(sha.digest(), 4));
    // Then the timestamp, big-endian seconds.
    assertThat(java.nio.ByteBuffer.wrap(sig, 4, 8).getLong()).isEqualTo(NOW);
    // The signed message: "cosignature/v1\ntime <seconds>\n" and the checkpoint text as signed.
    String body = org.rcskt.verifier.note.Note.parse(cp).body();
    byte[] message = ("cosignature/v1\ntime " + NOW + "\n" + body).getBytes(StandardCharsets.UTF_8);
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initVerify(jdkPublicKey(witnessKey.verifier().publicKey().encoded()));
    jdk.update(message);
    assertThat(jdk.verify(java.util.Arrays.copyOfRange(sig, 12, 76))).isTrue();
  }

  /** A raw 32-byte Ed25519 public key as a JDK key, through its X.509 encoding. */
  private static java.security.PublicKey jdkPublicKey(byte[] raw) throws Exception {
    byte[] spki = new byte[12 + 32];
    byte[] head = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    System.arraycopy(head, 0, spki, 0, 12);
    System.arraycopy(raw, 0, spki, 12, 32);
    return java.security.KeyFactory.getInstance("Ed25519")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
  }

  @Test
  void answersTheLatestSizeWithA409WhenTheOldSizeIsNotIt() throws Exception {
    assertThat(grow("a", 0, 5).status()).isEqualTo(200);
    Witness.Answer a = grow("a", 0, 7);
    assertThat(a.status()).isEqualTo(409);
    assertThat(a.contentType()).isEqualTo("text/x.tlog.size");
    assertThat(a.bodyText()).isEqualTo("5\n");
    assertThat(grow("a", 3, 7).status()).isEqualTo(409);
    assertThat(grow("a", 5, 7).status()).isEqualTo(200);
    assertThat(grow("a", 5, 9).bodyText()).isEqualTo("7\n");
  }

  @Test
  void refusesABadProofWith422AndKeepsItsState() throws Exception {
    assertThat(grow("a", 0, 5).status()).isEqualTo(200);
    MemoryNodeStore t = tree("a", 9);
    List<Hash> proof = new ArrayList<>(Proofs.consistency(5, 9, t));
    proof.set(0, Hash.sha256(new byte[] {1}));
    Witness.Answer a = add(5, proof, checkpoint(t));
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.bodyText()).startsWith("the consistency proof does not verify: ");
    // A fork of the same size 5 grown to 9: its own proof ties it to another root.
    MemoryNodeStore fork = tree("b", 9);
    assertThat(add(5, Proofs.consistency(5, 9, fork), checkpoint(fork)).status()).isEqualTo(422);
    // Nothing moved: size 5 is still the latest, and the honest extension is cosigned.
    assertThat(grow("a", 5, 9).status()).isEqualTo(200);
    // The signed checkpoints were all passed on, refused or not.
    assertThat(seen).hasSize(4);
  }

  @Test
  void aSecondRootForTheCosignedSizeIsAConflict() throws Exception {
    assertThat(grow("a", 0, 5).status()).isEqualTo(200);
    assertThat(grow("a", 5, 5).status()).isEqualTo(200);
    Witness.Answer a = add(5, List.of(), checkpoint(tree("b", 5)));
    assertThat(a.status()).isEqualTo(409);
    assertThat(a.bodyText()).isEqualTo("5\n");
    MemoryNodeStore t = tree("a", 5);
    assertThat(add(5, List.of(t.rootHash()), checkpoint(t)).status()).isEqualTo(422);
  }

  @Test
  void unknownLogsBadSignaturesAndMalformedBodiesGetTheSpecCodes() throws Exception {
    MemoryNodeStore t = tree("a", 5);
    CheckpointSigner stranger =
        CheckpointSigner.of(Ed25519NoteSigner.of("other.test/log", Ed25519.KeyPair.generate()));
    Witness.Answer unknown = add(0, List.of(), stranger.sign(5, t.rootHash()));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.bodyText())
        .isEqualTo("this witness does not serve the log \"other.test/log\"\n");
    // Same origin, another key: no trusted signature.
    CheckpointSigner impostor =
        CheckpointSigner.of(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate()));
    assertThat(add(0, List.of(), impostor.sign(5, t.rootHash())).status()).isEqualTo(403);
    // A line with the log's name and key ID whose signature is wrong.
    byte[] forged =
        org.rcskt.verifier.note.Note.of(
                org.rcskt.verifier.note.Note.parse(checkpoint(t)).body(),
                List.of(
                    org.rcskt.verifier.note.NoteSignature.of(
                        ORIGIN, logSigner.keyId(), new byte[64])))
            .format();
    assertThat(add(0, List.of(), forged).status()).isEqualTo(403);
    assertThat(add(6, List.of(), checkpoint(t)).status()).isEqualTo(400);
    // From size 0 the proof must be empty.
    Witness.Answer proofFromZero = add(0, List.of(t.rootHash()), checkpoint(t));
    assertThat(proofFromZero.status()).isEqualTo(422);
    assertThat(proofFromZero.bodyText())
        .isEqualTo("the consistency proof from size 0 to 5 must be empty; it has 1 hashes\n");
    assertThat(witness.addCheckpoint("old 0\n\nnot a note\n".getBytes()).status()).isEqualTo(400);
    assertThat(witness.addCheckpoint("garbage".getBytes()).status()).isEqualTo(400);
    // None of those changed anything.
    assertThat(grow("a", 0, 5).status()).isEqualTo(200);
  }

  @Test
  void signaturesFromUnknownKeysAreIgnored() throws Exception {
    MemoryNodeStore t = tree("a", 5);
    byte[] cp = checkpoint(t);
    byte[] extra =
        org.rcskt.verifier.note.Notes.addSignatures(
            cp, Ed25519NoteSigner.of("someone.else", Ed25519.KeyPair.generate()));
    assertThat(add(0, List.of(), extra).status()).isEqualTo(200);
  }

  @Test
  void theLatestCosignedCheckpointSurvivesARestart() throws Exception {
    assertThat(grow("a", 0, 5).status()).isEqualTo(200);
    store.close();
    store = RocksDbStateStore.open(dir.resolve("state"));
    witness = newWitness();
    assertThat(grow("a", 0, 9).bodyText()).isEqualTo("5\n");
    assertThat(grow("a", 5, 9).status()).isEqualTo(200);
  }

  @Test
  void concurrentRivalForksGetOneCosignatureBetweenThem() throws Exception {
    assertThat(grow("base", 0, 4).status()).isEqualTo(200);
    // Two forks of the cosigned size-4 tree, each grown to 8 with its own leaves.
    MemoryNodeStore a = tree("base", 4);
    MemoryNodeStore b = tree("base", 4);
    for (int i = 0; i < 4; i++) {
      a.append(Merkle.leafHash(("a" + i).getBytes(StandardCharsets.UTF_8)));
      b.append(Merkle.leafHash(("b" + i).getBytes(StandardCharsets.UTF_8)));
    }
    byte[] reqA = new AddCheckpointRequest(4, Proofs.consistency(4, 8, a), checkpoint(a)).encode();
    byte[] reqB = new AddCheckpointRequest(4, Proofs.consistency(4, 8, b), checkpoint(b)).encode();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        store.close();
        store = RocksDbStateStore.open(dir.resolve("state-" + round));
        witness = newWitness();
        assertThat(grow("base", 0, 4).status()).isEqualTo(200);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Witness.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          byte[] body = i % 2 == 0 ? reqA : reqB;
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return witness.addCheckpoint(body);
                  }));
        }
        go.countDown();
        int ok = 0;
        for (Future<Witness.Answer> f : answers) {
          Witness.Answer ans = f.get();
          if (ans.status() == 200) {
            ok++;
          } else {
            assertThat(ans.status()).isEqualTo(409);
            assertThat(ans.bodyText()).isEqualTo("8\n");
          }
        }
        assertThat(ok).as("round " + round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void badProofWarningsAreHeldToOneAMinutePerLogAndCounted() {
    Witness.OncePerMinute w = new Witness.OncePerMinute();
    long t = 5_000_000_000_000L;
    assertThat(w.report("a", t)).isZero();
    assertThat(w.report("a", t + 1)).isEqualTo(-1);
    assertThat(w.report("a", t + 59_000_000_000L)).isEqualTo(-1);
    assertThat(w.report("b", t + 2)).isZero();
    assertThat(w.report("a", t + 60_000_000_000L)).isEqualTo(2);
    assertThat(w.report("a", t + 60_000_000_001L)).isEqualTo(-1);
  }
}
