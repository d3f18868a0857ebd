package org.rcskt.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ClusterConfig;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Two {@code serve} processes of one log (in one JVM, each with its own data directory and
 * ZooKeeper session) over HTTP: the standby answers writes 503 and serves what the writer logged,
 * and takes over when the writer stops.
 */
class ClusterServerTest {
  static final String BASE = "/rcskt/served";

  @TempDir Path dir;
  TestingServer zk;
  LogServer a;
  LogServer b;
  final Random random = new Random(17);

  @BeforeEach
  void start() throws Exception {
    ClusterRuntime.quietZooKeeper();
    zk = new TestingServer(-1, dir.resolve("zk").toFile(), true);
  }

  @AfterEach
  void stop() throws Exception {
    for (LogServer s : new LogServer[] {b, a}) {
      if (s != null) {
        s.close();
      }
    }
    zk.close();
  }

  private LogServer serve(Path data, String node) {
    return serve(data, ClusterConfig.of(zk.getConnectString(), BASE, node));
  }

  private LogServer serve(Path data, ClusterConfig cluster) {
    return LogServer.start(
        ServerConfig.builder(data).port(0).devMode(true).cluster(cluster).build());
  }

  /** The same log's keys in another data directory: every process of a log signs as the log. */
  private static void copyKeys(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private String register(LogServer s, String number) {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    return EventJson.toJsonString(
        EventBuilder.forSubject(TestVrf.index(number), LogServer.DEV_CARRIER_ID)
            .timestampMs(System.currentTimeMillis())
            .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
            .sign(k, s.devCarrierKey()));
  }

  private static String role(LogServer s) {
    Http.Response r = new Http(s.baseUrl()).get("/readyz");
    return r.json().path("cluster").path("role").asText();
  }

  @Test
  void theStandbyServesReadsRefusesWritesAndTakesOver() throws Exception {
    a = serve(dir.resolve("a"), "a");
    await("a to write", () -> role(a).equals("writer"));
    // a logged the development carrier's ANCHOR when its term began.
    await("the ANCHOR", () -> a.log().head().treeSize() >= 2);
    Http ha = new Http(a.baseUrl());
    for (int i = 0; i < 5; i++) {
      assertThat(ha.post("/v1/events", register(a, "+1555000710" + i)).status()).isEqualTo(200);
    }

    copyKeys(dir.resolve("a"), dir.resolve("b"));
    b = serve(dir.resolve("b"), "b");
    await("b to follow", () -> b.log().head().treeSize() == a.log().head().treeSize());
    assertThat(role(b)).isEqualTo("standby");
    Http hb = new Http(b.baseUrl());
    Http.Response ready = hb.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().at("/cluster/nodeId").asText()).isEqualTo("b");
    // The same tree, signed by both as the log: the same body and Ed25519 line (deterministic);
    // the ML-DSA-44 lines differ, its signatures being randomized.
    String[] cb = hb.get("/checkpoint").text().split("\n");
    String[] ca = ha.get("/checkpoint").text().split("\n");
    assertThat(java.util.Arrays.copyOf(cb, 5)).isEqualTo(java.util.Arrays.copyOf(ca, 5));

    Http.Response refused = hb.post("/v1/events", register(b, "+15550007200"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(refused.json().get("error").asText()).isEqualTo("standby");
    assertThat(refused.json().get("detail").asText()).contains("(b) is a standby");

    // The writer stops: b is elected, takes over, and takes writes.
    long size = a.log().head().treeSize();
    a.close();
    a = null;
    await("b to write", () -> role(b).equals("writer"));
    Http.Response taken = hb.post("/v1/events", register(b, "+15550007201"));
    assertThat(taken.status()).as(taken.text()).isEqualTo(200);
    assertThat(taken.json().get("leafIndex").asLong()).isEqualTo(size);
  }

  @Test
  void aReplicaFollowsAndServesButNeverTakesOver() throws Exception {
    a = serve(dir.resolve("a"), "a");
    await("a to write", () -> role(a).equals("writer"));
    Http ha = new Http(a.baseUrl());
    for (int i = 0; i < 3; i++) {
      assertThat(ha.post("/v1/events", register(a, "+1555000730" + i)).status()).isEqualTo(200);
    }
    copyKeys(dir.resolve("a"), dir.resolve("r"));
    b = serve(dir.resolve("r"), ClusterConfig.of(zk.getConnectString(), BASE, "r").asReplica());
    await("r to follow", () -> b.log().head().treeSize() == a.log().head().treeSize());
    assertThat(role(b)).isEqualTo("replica");
    Http hr = new Http(b.baseUrl());
    assertThat(hr.get("/readyz").status()).isEqualTo(200);
    assertThat(hr.post("/v1/events", register(b, "+15550007310")).status()).isEqualTo(503);
    // The writer goes; the replica keeps serving what it has and does not take over.
    a.close();
    a = null;
    Thread.sleep(3 * ClusterConfig.DEFAULT_SESSION_TIMEOUT_MILLIS / 2);
    assertThat(role(b)).isEqualTo("replica");
    assertThat(hr.get("/checkpoint").status()).isEqualTo(200);
    assertThat(hr.post("/v1/events", register(b, "+15550007311")).status()).isEqualTo(503);
  }
}
