package org.rcskt.monitor.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/**
 * Issue 11: a monitor-witness as a child process is offered two rival forks of one log at once, by
 * two clients that each follow the witness's 409 answers, and is killed with SIGKILL at seeded
 * moments and restarted on the same state. Across all of it, it never cosigns both forks, and its
 * latest cosigned size never goes back below a size it cosigned.
 */
class WitnessCrashTest {
  private static final String ORIGIN = "crash.test/log";
  private static final int BASE = 4;
  private static final int GROWTH = 3000;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir Path dir;

  /** One cosigned answer: which fork, which size, and the cosigned note. */
  private record Cosigned(char fork, long size, byte[] note) {}

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void neverCosignsTwoForksAcrossKills() throws Exception {
    long seed = Long.getLong("rcskt.crash.seed", 20261203L);
    Random random = new Random(seed);
    Ed25519NoteSigner logKey = Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random));
    CheckpointSigner log = CheckpointSigner.of(logKey);
    CosignatureV1Signer witnessKey = WitnessKeys.generate("crash.test/w", dir.resolve("w.key"));
    MemoryNodeStore a = new MemoryNodeStore();
    MemoryNodeStore b = new MemoryNodeStore();
    for (int i = 0; i < BASE; i++) {
      a.append(leaf("base" + i));
      b.append(leaf("base" + i));
    }
    for (int i = 0; i < GROWTH; i++) {
      a.append(leaf("a" + i));
      b.append(leaf("b" + i));
    }
    Path config = dir.resolve("monitor.json");
    Files.writeString(
        config,
        "{\"dataDir\": \"data\", \"listen\": {\"port\": 0},"
            + " \"logs\": [{\"url\": \"http://127.0.0.1:1/\", \"origin\": \""
            + ORIGIN
            + "\", \"verifierKey\": \""
            + logKey.verifier().verifierKey()
            + "\", \"replay\": \"watched\"}],"
            + " \"sinks\": [{\"type\": \"file\", \"path\": \"alerts.jsonl\"}],"
            + " \"witness\": {\"keyFile\": \"w.key\"}}");
    Path stderr = dir.resolve("monitor.err");
    Path vertxCache = Files.createDirectories(dir.resolve("vertx"));

    ConcurrentLinkedQueue<Cosigned> cosigned = new ConcurrentLinkedQueue<>();
    long highest = 0;
    int kills = Integer.getInteger("rcskt.crash.kills", 12);
    MonitorProcess p = MonitorProcess.start(config, stderr, vertxCache, 60);
    try {
      // The common base, cosigned first.
      URI add0 = URI.create("http://127.0.0.1:" + p.port() + "/add-checkpoint");
      byte[] baseCp = checkpoint(log, a, BASE);
      assertThat(post(add0, new AddCheckpointRequest(0, List.of(), baseCp).encode()).statusCode())
          .isEqualTo(200);
      for (int k = 0; k < kills; k++) {
        URI add = URI.create("http://127.0.0.1:" + p.port() + "/add-checkpoint");
        // Where the witness stands now: never below a size it cosigned before the kill.
        long latest = latestSize(add, log, a);
        assertThat(latest).as("after restart " + k).isGreaterThanOrEqualTo(highest);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<?>> fs = new ArrayList<>();
        fs.add(clients.submit(() -> offer('a', a, log, add, stop, cosigned, random.nextLong())));
        fs.add(clients.submit(() -> offer('b', b, log, add, stop, cosigned, random.nextLong())));
        Thread.sleep(50 + random.nextInt(400));
        p.kill();
        stop.set(true);
        for (Future<?> f : fs) {
          f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        for (Cosigned c : cosigned) {
          highest = Math.max(highest, c.size());
        }
        p = MonitorProcess.start(config, stderr, vertxCache, 60);
      }
      URI add = URI.create("http://127.0.0.1:" + p.port() + "/add-checkpoint");
      assertThat(latestSize(add, log, a)).isGreaterThanOrEqualTo(highest);
    } finally {
      p.close();
    }
    // Every answer was a real cosignature, and all beyond the base are of one fork.
    assertThat(cosigned).isNotEmpty();
    java.util.Set<Character> forks = new java.util.HashSet<>();
    for (Cosigned c : cosigned) {
      SignedCheckpoint v =
          SignedCheckpoint.verify(
              c.note(), ORIGIN, logKey.verifier(), NoteVerifiers.of(witnessKey.verifier()));
      assertThat(v.cosignatures()).hasSize(1);
      if (c.size() > BASE) {
        forks.add(c.fork());
      }
    }
    System.out.printf(
        "witness crash test: seed %d, %d kills, %d cosignatures, highest size %d, fork %s%n",
        seed, kills, cosigned.size(), highest, forks);
    assertThat(forks).as("forks cosigned beyond the common base").hasSizeLessThanOrEqualTo(1);
    assertThat(highest).isGreaterThan(BASE);
  }

  /**
   * One rival: offers its fork one leaf beyond the witness's latest size, following 409 answers,
   * until told to stop or the witness goes away.
   */
  private static Void offer(
      char fork,
      MemoryNodeStore tree,
      CheckpointSigner log,
      URI add,
      AtomicBoolean stop,
      ConcurrentLinkedQueue<Cosigned> cosigned,
      long seed) {
    Random r = new Random(seed);
    long old = 0;
    while (!stop.get()) {
      long size = Math.min(tree.treeSize(), Math.max(old, BASE) + 1 + r.nextInt(2));
      byte[] cp = checkpoint(log, tree, size);
      List<Hash> proof =
          old == 0 || old == size ? List.of() : Proofs.consistency(old, size, prefix(tree, size));
      HttpResponse<String> resp;
      try {
        resp = post(add, new AddCheckpointRequest(old, proof, cp).encode());
      } catch (Exception e) {
        return null; // killed
      }
      if (resp.statusCode() == 200) {
        byte[] note = concat(cp, resp.body().getBytes(StandardCharsets.UTF_8));
        cosigned.add(new Cosigned(fork, size, note));
        old = size;
      } else if (resp.statusCode() == 409) {
        old = Long.parseLong(resp.body().strip());
      } else if (resp.statusCode() == 422) {
        // The other fork is ahead; keep trying from the size the witness gives.
        old = 0;
      } else {
        throw new AssertionError("witness answered " + resp.statusCode() + ": " + resp.body());
      }
    }
    return null;
  }

  /** The witness's latest cosigned size, from the 409 answer to a request from size 0. */
  private static long latestSize(URI add, CheckpointSigner log, MemoryNodeStore tree)
      throws Exception {
    HttpResponse<String> r =
        post(add, new AddCheckpointRequest(0, List.of(), checkpoint(log, tree, BASE)).encode());
    assertThat(r.statusCode()).isEqualTo(409);
    return Long.parseLong(r.body().strip());
  }

  private static byte[] checkpoint(CheckpointSigner log, MemoryNodeStore tree, long size) {
    return log.sign(size, prefix(tree, size).rootHash());
  }

  /** The first {@code size} leaves of {@code tree} as a tree of their own. */
  private static MemoryNodeStore prefix(MemoryNodeStore tree, long size) {
    List<Hash> leaves = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      leaves.add(tree.node(0, i));
    }
    return MemoryNodeStore.of(leaves);
  }

  private static Hash leaf(String s) {
    return Merkle.leafHash(s.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(URI u, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(u)
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = new byte[x.length + y.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }
}
