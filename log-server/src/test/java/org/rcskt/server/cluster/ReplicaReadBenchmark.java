package org.rcskt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ClusterConfig;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Cli;

/**
 * Read throughput of a read-only replica against the writer's, in one run (issue 15,
 * docs/benchmarks.md): a populated log is copied, one copy becomes the writer and the other a
 * replica that follows it through ZooKeeper; {@code read-bench} then reads each in turn, in the
 * order writer, replica, replica, writer, for each kind of read.
 *
 * <p>Not part of the test suite; run with {@code mvn -B -pl verifier-lib,log-server test
 * -Dtest=ReplicaReadBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true
 * -DargLine=-Xmx2g}. Prints {@code REPLICA-READS} lines.
 */
class ReplicaReadBenchmark {
  private static final Pattern RATE = Pattern.compile(": ([\\d.]+) requests/s answered 200");

  @TempDir Path dir;

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  private static double reads(LogServer s, String mode, long seed) {
    Cli.Run r =
        Cli.run(
            "read-bench",
            "--url",
            s.baseUrl(),
            "--mode",
            mode,
            "--duration",
            "8",
            "--warmup",
            "2",
            "--concurrency",
            "64",
            "--seed",
            Long.toString(seed));
    assertThat(r.code()).as(r.toString()).isZero();
    Matcher m = RATE.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aReplicaServesReadsAsFastAsTheWriter() throws Exception {
    ClusterRuntime.quietZooKeeper();
    Path a = dir.resolve("a");
    Cli.Run p =
        Cli.run(
            "populate",
            "--data-dir",
            a.toString(),
            "--entries",
            "100000",
            "--batch",
            "1000",
            "--check-every",
            "1000",
            "--seed",
            "5");
    assertThat(p.code()).as(p.toString()).isZero();
    Path r = dir.resolve("r");
    copy(a, r);
    try (TestingServer zk = new TestingServer(-1, dir.resolve("zk").toFile(), true)) {
      String base = "/rcskt/reads";
      try (LogServer writer =
              LogServer.start(
                  ServerConfig.builder(a)
                      .port(0)
                      .devMode(true)
                      .cluster(ClusterConfig.of(zk.getConnectString(), base, "a"))
                      .build());
          LogServer replica =
              LogServer.start(
                  ServerConfig.builder(r)
                      .port(0)
                      .devMode(true)
                      .cluster(ClusterConfig.of(zk.getConnectString(), base, "r").asReplica())
                      .build())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (writer.cluster().role() != ClusterNode.Role.WRITER
            || replica.log().head().treeSize() != writer.log().head().treeSize()) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(20);
        }
        for (String mode : new String[] {"proofs", "tiles", "checkpoints"}) {
          double w1 = reads(writer, mode, 1);
          double r1 = reads(replica, mode, 1);
          double r2 = reads(replica, mode, 2);
          double w2 = reads(writer, mode, 2);
          System.out.printf(
              "REPLICA-READS %s: writer %.0f then %.0f requests/s, replica %.0f then %.0f;"
                  + " replica/writer %.2f (tree size %d)%n",
              mode, w1, w2, r1, r2, (r1 + r2) / (w1 + w2), writer.log().head().treeSize());
        }
      }
    }
  }
}
