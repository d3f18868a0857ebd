package org.rcskt.monitor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.GossipConfig;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Measures how long a monitor starting from nothing takes to verify a log of N entries: download
 * every entry bundle over HTTP, recompute the tree and prove it against the signed checkpoint,
 * verify every event signature and replay the rules for every subject.
 *
 * <p>Run it with {@code mvn -pl monitor -am verify -Dtest=CatchUpBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.argLine="-Drcskt.bench.dir=DIR
 * -Drcskt.bench.entries=1000000"} (the class is not a default test). The log is built once in
 * {@code DIR/log} (real signed REGISTER events, each with its device key's and the carrier's
 * signature, submitted in-process to a real log server) and reused by later runs; the monitor
 * directory {@code DIR/monitor} is wiped before each run.
 */
class CatchUpBenchmark {
  @Test
  void verifyALogFromNothing() throws Exception {
    String dir = System.getProperty("rcskt.bench.dir");
    Assumptions.assumeTrue(dir != null, "set rcskt.bench.dir and rcskt.bench.entries to run");
    run(
        Path.of(dir).resolve("log"),
        Long.parseLong(System.getProperty("rcskt.bench.entries", "1000000")),
        Path.of(dir).resolve("monitor"));
  }

  static void run(Path logDir, long entries, Path monitorDir) throws Exception {
    ServerConfig config = ServerConfig.builder(logDir).port(0).devMode(true).build();
    try (LogServer server = LogServer.start(config)) {
      long have = server.log().head().treeSize();
      if (have < entries) {
        build(server, entries - have);
      }
      long size = server.log().head().treeSize();
      System.out.printf(
          "log: %,d entries at %s; monitor replays %s subjects; %d processors%n",
          size,
          server.baseUrl(),
          System.getProperty("rcskt.bench.replay", "all"),
          Runtime.getRuntime().availableProcessors());
      if (Boolean.getBoolean("rcskt.bench.buildOnly")) {
        return;
      }

      deleteRecursively(monitorDir);
      MonitorConfig mc =
          new MonitorConfig(
              monitorDir,
              "127.0.0.1",
              0,
              List.of(
                  new LogConfig(
                      java.net.URI.create(server.baseUrl() + "/"),
                      server.origin(),
                      server.verifierKey(),
                      Optional.empty(),
                      Optional.empty(),
                      Duration.ofSeconds(1),
                      LogConfig.Replay.valueOf(
                          System.getProperty("rcskt.bench.replay", "all")
                              .toUpperCase(java.util.Locale.ROOT)),
                      0)),
              List.of(Fixtures.watchSubject("bench", "+447700900000")),
              List.of(new SinkConfig.File("file", monitorDir.resolve("alerts.jsonl"))),
              new GossipConfig(Duration.ofMinutes(1), List.of()),
              Optional.empty());
      double baseline = signatureBaseline();
      System.out.printf(
          "baseline: %,.0f Ed25519 verifications/s on %d threads in a tight loop (same run)%n",
          baseline, Runtime.getRuntime().availableProcessors());
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      try (Monitor m = Monitor.start(mc)) {
        long last = 0;
        while (m.followers().get(0).verifiedEntries() < size) {
          Thread.sleep(100);
          long now = System.nanoTime();
          if (now - last > 5_000_000_000L) {
            last = now;
            System.out.printf(
                "  %5.1f s: %,d verified%n",
                (now - t0) / 1e9, m.followers().get(0).verifiedEntries());
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "monitor verified %,d entries from nothing in %.1f s (%,.0f entries/s)%n",
            size, s, size / s);
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf(
            "process CPU time during the catch-up: %.1f s (%.2f cores busy on average)%n",
            cpu, cpu / s);
        System.out.printf(
            "signature floor: %,d entries x 2 signatures at the baseline rate = %.1f s%n",
            size, 2.0 * size / baseline);
        double map = m.followers().get(0).mapCheckNanos() / 1e9;
        System.out.printf(
            "subject map recomputed and checked at every MAP_ROOT leaf: %.1f s of it (%.0f%%)%n",
            map, 100 * map / s);
        System.out.printf("alerts raised: %d%n", m.store().alertCount());
      }
    }
  }

  /** Ed25519 verifications per second with every processor busy in a tight loop. */
  static double signatureBaseline() throws InterruptedException {
    int threads = Runtime.getRuntime().availableProcessors();
    int perThread = 20_000;
    Ed25519.KeyPair kp = Ed25519.KeyPair.generate(new Random(1));
    byte[] msg = new byte[180];
    byte[] sig = kp.sign(msg);
    double best = 0;
    for (int round = 0; round < 2; round++) {
      Thread[] ts = new Thread[threads];
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        ts[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    // A fresh key object each time, as in replay, where most keys are new.
                    Ed25519.PublicKey pk = Ed25519.PublicKey.of(kp.publicKey().encoded());
                    if (!pk.verify(msg, sig)) {
                      throw new IllegalStateException("baseline signature does not verify");
                    }
                  }
                });
        ts[t].start();
      }
      for (Thread t : ts) {
        t.join();
      }
      best = Math.max(best, threads * (double) perThread / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  /** Appends {@code n} carrier-attested REGISTER events for fresh subjects. */
  private static void build(LogServer server, long n) throws Exception {
    Ed25519.KeyPair carrier = server.devCarrierKey();
    Random random = new Random(2026);
    Semaphore inFlight = new Semaphore(4096);
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> tail = new ArrayList<>();
    long base = server.log().head().treeSize();
    for (long i = 0; i < n; i++) {
      Ed25519.KeyPair device = Ed25519.KeyPair.generate(random);
      String phone = String.format("+1%014d", base + i);
      KeyEvent e =
          EventBuilder.forSubject(TestVrf.standIn(phone), LogServer.DEV_CARRIER_ID)
              .timestampMs(System.currentTimeMillis())
              .register("phone", PublicKeyInfo.ed25519(device.publicKey()))
              .sign(device, carrier);
      inFlight.acquire();
      CompletableFuture<?> f = server.log().submit(e).whenComplete((r, x) -> inFlight.release());
      if (i % 100_000 == 99_999) {
        f.join();
        System.out.printf("  built %,d entries in %.0f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
      }
      tail.add(f);
      if (tail.size() > 10_000) {
        tail.clear();
      }
    }
    for (CompletableFuture<?> f : tail) {
      f.join();
    }
    inFlight.acquire(4096);
    inFlight.release(4096);
  }

  private static void deleteRecursively(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
