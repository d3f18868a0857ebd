package org.rcskt.monitor.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WitnessConfig;
import org.rcskt.monitor.follow.LogClient;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/**
 * How many {@code add-checkpoint} requests a monitor-witness answers, over real HTTP on loopback,
 * against a real log's real checkpoints; with, as baselines in the same run, the monitor's cheapest
 * endpoint ({@code GET /healthz}) at the same concurrency and Ed25519 verifications per second in a
 * tight loop.
 *
 * <p>Run it with {@code mvn -pl monitor -am verify -Dtest=WitnessBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.argLine="-Drcskt.bench.dir=DIR"} (not a
 * default test); {@code rcskt.bench.seconds} (default 10) and {@code rcskt.bench.concurrency}
 * (default 32) tune it. Phases:
 *
 * <ul>
 *   <li>{@code healthz}: the baseline, HTTP alone;
 *   <li>{@code repeat}: the checkpoint the witness last cosigned, again (old size = its size): a
 *       log signature verified and a cosignature made per request, nothing written;
 *   <li>{@code advance}: a log's successive checkpoints, each with the consistency proof from the
 *       previous, one after another: each request also stores the new checkpoint with an fsync,
 *       which is what bounds one log's rate of new checkpoints.
 * </ul>
 */
class WitnessBenchmark {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void witnessThroughput() throws Exception {
    String dir = System.getProperty("rcskt.bench.dir");
    Assumptions.assumeTrue(dir != null, "set rcskt.bench.dir to run");
    int seconds = Integer.getInteger("rcskt.bench.seconds", 10);
    int concurrency = Integer.getInteger("rcskt.bench.concurrency", 32);
    Path base = Path.of(dir);
    deleteRecursively(base);
    Files.createDirectories(base);
    Random random = new Random(5);
    try (TestLog log = TestLog.start(base.resolve("log"))) {
      // Successive checkpoints of the log, one per single-event batch.
      LogClient client = new LogClient(log.url(), Duration.ofSeconds(10));
      List<byte[]> checkpoints = new ArrayList<>();
      List<Long> sizes = new ArrayList<>();
      int advance = Integer.getInteger("rcskt.bench.advance", 300);
      for (int i = 0; i < advance; i++) {
        log.register("+4477009" + (10000 + i), "phone", Ed25519.KeyPair.generate(random));
        checkpoints.add(client.checkpoint());
        sizes.add(log.treeSize());
      }
      List<byte[]> advanceBodies = new ArrayList<>();
      for (int i = 0; i < checkpoints.size(); i++) {
        long old = i == 0 ? 0 : sizes.get(i - 1);
        List<Hash> proof = old == 0 ? List.of() : client.consistencyProof(old, sizes.get(i));
        advanceBodies.add(new AddCheckpointRequest(old, proof, checkpoints.get(i)).encode());
      }
      org.rcskt.verifier.note.CosignatureV1Signer wkey =
          WitnessKeys.generate("witness.bench/w1", base.resolve("w.key"));
      byte[] lastCp = checkpoints.get(checkpoints.size() - 1);
      org.rcskt.verifier.note.Ed25519NoteVerifier logKey =
          org.rcskt.verifier.note.Ed25519NoteVerifier.fromVerifierKey(log.verifierKey());
      System.out.printf(
          "floor before: %,.0f checkpoint verifications + cosignatures/s on %d threads, no HTTP%n",
          floor(lastCp, log.origin(), logKey, wkey), Runtime.getRuntime().availableProcessors());
      try (Monitor m =
          Monitor.start(
              Fixtures.monitor(
                      base.resolve("monitor"),
                      List.of(Fixtures.follow(log, Duration.ofSeconds(1), 0)),
                      List.of(),
                      List.of(new SinkConfig.File("file", base.resolve("alerts.jsonl"))),
                      List.of())
                  .withWitness(new WitnessConfig(base.resolve("w.key"))))) {
        URI add = URI.create("http://127.0.0.1:" + m.port() + "/add-checkpoint");
        URI health = URI.create("http://127.0.0.1:" + m.port() + "/healthz");
        System.out.printf(
            "witness benchmark: %d processors, concurrency %d, %d s per phase%n",
            Runtime.getRuntime().availableProcessors(), concurrency, seconds);

        // advance: sequential, each request a new checkpoint with its proof.
        Histogram adv = new Histogram(60_000_000_000L, 3);
        long t0 = System.nanoTime();
        for (byte[] body : advanceBodies) {
          long s = System.nanoTime();
          HttpResponse<String> r = post(add, body);
          adv.recordValue(System.nanoTime() - s);
          if (r.statusCode() != 200) {
            throw new IllegalStateException("advance answered " + r.statusCode() + ": " + r.body());
          }
        }
        report("advance (1 at a time)", advanceBodies.size(), System.nanoTime() - t0, adv);

        byte[] last = checkpoints.get(checkpoints.size() - 1);
        long lastSize = sizes.get(sizes.size() - 1);
        byte[] repeatBody = new AddCheckpointRequest(lastSize, List.of(), last).encode();
        for (int round = 0; round < 2; round++) {
          load("healthz (baseline)", concurrency, seconds, () -> get(health));
          load("repeat", concurrency, seconds, () -> post(add, repeatBody));
        }
        System.out.printf(
            "floor after: %,.0f checkpoint verifications + cosignatures/s, no HTTP%n",
            floor(lastCp, log.origin(), logKey, wkey));
      }
    }
  }

  /**
   * What one add-checkpoint costs without HTTP or state: the log signature checked and a
   * cosignature made, on every processor in a tight loop (best of two rounds).
   */
  private static double floor(
      byte[] cp,
      String origin,
      org.rcskt.verifier.note.NoteVerifier logKey,
      org.rcskt.verifier.note.CosignatureV1Signer signer)
      throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    int per = 3000;
    double best = 0;
    for (int round = 0; round < 2; round++) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> fs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < per; i++) {
                    org.rcskt.verifier.checkpoint.SignedCheckpoint v =
                        org.rcskt.verifier.checkpoint.SignedCheckpoint.verify(cp, origin, logKey);
                    signer.sign(v.note().bodyBytes());
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      best = Math.max(best, threads * (double) per / ((System.nanoTime() - t0) / 1e9));
      pool.shutdown();
    }
    return best;
  }

  interface Call {
    HttpResponse<String> call() throws Exception;
  }

  private static void load(String phase, int concurrency, int seconds, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicLong ok = new AtomicLong();
    AtomicLong bad = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Histogram>> parts = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      parts.add(
          pool.submit(
              () -> {
                Histogram h = new Histogram(60_000_000_000L, 3);
                while (System.nanoTime() < end) {
                  long s = System.nanoTime();
                  HttpResponse<String> r = call.call();
                  h.recordValue(System.nanoTime() - s);
                  if (r.statusCode() == 200) {
                    ok.incrementAndGet();
                  } else {
                    bad.incrementAndGet();
                  }
                }
                return h;
              }));
    }
    Histogram all = new Histogram(60_000_000_000L, 3);
    for (Future<Histogram> f : parts) {
      all.add(f.get());
    }
    long nanos = System.nanoTime() - t0;
    pool.shutdown();
    if (bad.get() > 0) {
      System.out.printf("  %s: %d answers were not 200%n", phase, bad.get());
    }
    report(phase, ok.get(), nanos, all);
  }

  private static void report(String phase, long n, long nanos, Histogram h) {
    System.out.printf(
        "%-24s %,9.0f requests/s  (%,d in %.1f s)  p50 %.2f ms  p99 %.2f ms%n",
        phase,
        n / (nanos / 1e9),
        n,
        nanos / 1e9,
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6);
  }

  private static HttpResponse<String> post(URI u, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(u).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(URI u) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void deleteRecursively(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
