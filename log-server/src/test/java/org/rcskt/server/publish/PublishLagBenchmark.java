package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Cli;
import org.rcskt.server.testing.S3Server;

/**
 * Publish lag under load (issue 15, docs/benchmarks.md): a development-mode log publishing to a
 * real S3 API server (s3proxy, filesystem backend) on loopback while the {@code bench} load
 * generator submits events, first at 2,000 events a second (open loop, single-event route), then as
 * fast as the log takes them (batches of 100 from four clients). The publisher's lag, in entries
 * and in seconds, is sampled every 50 ms during the measured seconds.
 *
 * <p>Not part of the test suite (its name does not end in Test); run with {@code mvn -B -pl
 * verifier-lib,log-server test -Dtest=PublishLagBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Prints {@code PUBLISH-LAG} lines.
 */
class PublishLagBenchmark {
  private static final Pattern RATE = Pattern.compile("ingest: ([\\d,.]+) events/s");

  @TempDir Path dir;

  private record Lag(long nanos, long treeSize, double seconds, long entries) {}

  @Test
  void lagAtTwoThousandAndAtTheHighestRate() throws Exception {
    try (S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      Path data = dir.resolve("data");
      Path plain = dir.resolve("plain");
      Path credentials = S3Server.credentialsFile(dir);
      try (LogServer server =
              LogServer.start(
                  ServerConfig.builder(data)
                      .port(0)
                      .devMode(true)
                      .publish(s3.publishConfig(credentials))
                      .build());
          LogServer unpublished =
              LogServer.start(ServerConfig.builder(plain).port(0).devMode(true).build())) {
        phase(
            server,
            data,
            "rate 2000",
            "--rate",
            "2000",
            "--concurrency",
            "256",
            "--events",
            "60000");
        // The cost of publishing to the writer: the highest rate with and without a publisher,
        // in the order without, with, with, without.
        String[] max = {"--batch", "100", "--concurrency", "4", "--events", "240000"};
        double a1 = phase(unpublished, plain, "batches of 100, no publishing", max);
        double b1 = phase(server, data, "batches of 100, publishing", max);
        double b2 = phase(server, data, "batches of 100, publishing", max);
        double a2 = phase(unpublished, plain, "batches of 100, no publishing", max);
        System.out.printf(
            "PUBLISH-COST highest rate publishing / not publishing: %.2f (%.0f, %.0f against %.0f,"
                + " %.0f events/s)%n",
            (b1 + b2) / (a1 + a2), b1, b2, a1, a2);
        phase(
            server,
            data,
            "rate 2000 again",
            "--rate",
            "2000",
            "--concurrency",
            "256",
            "--events",
            "60000");
      }
    }
  }

  /** One load phase; returns the accepted events/s the bench tool reports. */
  private double phase(LogServer server, Path data, String name, String... load) throws Exception {
    List<Lag> samples = Collections.synchronizedList(new ArrayList<>());
    long before = server.log().head().treeSize();
    long objectsBefore = server.publisher() == null ? 0 : objects(server);
    long publisherCpu0 = threadCpu(TilePublisher.THREAD_NAME);
    long process0 = processCpu();
    // Sampled all along; only the samples from the first growth of the tree to its last count,
    // so that the bench tool's preparation of its events is left out.
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              try {
                while (sampling.get() && server.publisher() != null) {
                  PublishStatus s = server.publisher().status();
                  samples.add(
                      new Lag(
                          System.nanoTime(),
                          server.log().head().treeSize(),
                          s.lagSeconds(),
                          s.lagEntries()));
                  Thread.sleep(50);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    sampler.start();
    List<String> args = new ArrayList<>();
    for (String a :
        new String[] {
          "bench",
          "--url",
          server.baseUrl(),
          "--data-dir",
          data.toString(),
          "--carrier-key",
          data.resolve("dev-carrier.key").toString(),
          "--duration",
          "20",
          "--warmup",
          "3"
        }) {
      args.add(a);
    }
    for (String a : load) {
      args.add(a);
    }
    Cli.Run r = Cli.run(args.toArray(new String[0]));
    long publisherCpu = threadCpu(TilePublisher.THREAD_NAME) - publisherCpu0;
    long processCpu = processCpu() - process0;
    sampling.set(false);
    sampler.join();
    assertThat(r.code()).as(r.toString()).isZero();
    for (String line : r.out().split("\n")) {
      if (line.startsWith("ingest") || line.contains("latency")) {
        System.out.println("  bench: " + line);
      }
    }
    Matcher m = RATE.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    double rate = Double.parseDouble(m.group(1).replace(",", ""));
    if (server.publisher() == null) {
      long leaves = server.log().head().treeSize() - before;
      System.out.printf(
          "PUBLISH-LAG %s: %.0f events/s (bench); the whole JVM %.1f us per leaf%n",
          name, rate, processCpu / 1e3 / leaves);
      return rate;
    }
    // Caught up afterwards, with nothing left behind.
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    while (server.publisher().status().lagEntries() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long catchUpNanos = System.nanoTime() - t0;
    assertThat(server.publisher().status().lagEntries()).isZero();
    int first = -1;
    int last = -1;
    for (int i = 1; i < samples.size(); i++) {
      if (samples.get(i).treeSize() > samples.get(i - 1).treeSize()) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    List<Double> secs = new ArrayList<>();
    List<Long> entries = new ArrayList<>();
    for (Lag l : samples.subList(first, last + 1)) {
      secs.add(l.seconds());
      entries.add(l.entries());
    }
    double loadSeconds = (samples.get(last).nanos() - samples.get(first).nanos()) / 1e9;
    Collections.sort(secs);
    Collections.sort(entries);
    long added = server.log().head().treeSize() - before;
    System.out.printf(
        "PUBLISH-CPU %s: publisher thread %.1f us per leaf, the whole JVM (log, load generator"
            + " and S3 server) %.1f us%n",
        name, publisherCpu / 1e3 / added, processCpu / 1e3 / added);
    System.out.printf(
        "PUBLISH-LAG %s: %.0f events/s (bench), %,d leaves added, %,d objects written; lag seconds"
            + " p50 %.3f p99 %.3f max %.3f; lag entries p50 %,d p99 %,d max %,d; caught up %.2f s"
            + " after the load; %d samples over %.1f s of growth%n",
        name,
        rate,
        added,
        objects(server) - objectsBefore,
        pct(secs, 0.5),
        pct(secs, 0.99),
        secs.get(secs.size() - 1),
        entries.get(entries.size() / 2),
        entries.get((int) Math.min(entries.size() - 1, Math.round(entries.size() * 0.99))),
        entries.get(entries.size() - 1),
        catchUpNanos / 1e9,
        secs.size(),
        loadSeconds);
    return rate;
  }

  /** CPU nanoseconds the live thread named {@code name} has used, 0 if there is none. */
  private static long threadCpu(String name) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        n += Math.max(0, mx.getThreadCpuTime(t.getId()));
      }
    }
    return n;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long objects(LogServer server) {
    double n = 0;
    for (String kind : new String[] {"tile", "bundle", "checkpoint"}) {
      n += server.metrics().publishedCount(kind);
    }
    return (long) n;
  }

  private static double pct(List<Double> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * q)));
  }
}
