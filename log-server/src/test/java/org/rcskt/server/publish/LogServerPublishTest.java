package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.PublishConfig;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.publish.PublishStatus.State;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.S3Server;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TileNodeSource;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.tile.Tiles;

/**
 * A real log server publishing to a real S3 API server (s3proxy, Signature V4), read back as a
 * tlog-tiles client would: anonymous GETs, checked with verifier-lib alone.
 */
class LogServerPublishTest {
  @TempDir Path dir;
  S3Server s3;
  Path credentials;
  final List<LogServer> servers = new ArrayList<>();
  final HttpClient anonymous =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The server's SEVERE lines (s3proxy logs its own, when stopped mid-request). */
  final List<LogRecord> severe = new ArrayList<>();

  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.SEVERE.intValue()
              && r.getLoggerName() != null
              && r.getLoggerName().startsWith("org.rcskt.")) {
            synchronized (severe) {
              severe.add(r);
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("s3"));
    s3 = S3Server.start(dir.resolve("s3"));
    credentials = S3Server.credentialsFile(dir);
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("").removeHandler(capture);
    for (LogServer s : servers) {
      s.close();
    }
    s3.close();
  }

  LogServer server(PublishConfig publish) {
    return server(dir.resolve("data"), publish);
  }

  LogServer server(Path data, PublishConfig publish) {
    LogServer s =
        LogServer.start(ServerConfig.builder(data).port(0).devMode(true).publish(publish).build());
    servers.add(s);
    return s;
  }

  /** Submits {@code n} new registrations in one batch over HTTP; all must be accepted. */
  static void submit(LogServer s, Events events, int n) {
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(
          EventJson.toJsonString(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    Http.Response r =
        new Http(s.baseUrl())
            .post("/v1/events/batch", "{\"events\": [" + String.join(",", batch) + "]}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).isEqualTo(n);
  }

  static void awaitCaughtUp(LogServer s) throws InterruptedException {
    ExpectedObjects.await(
        30,
        () -> "caught up at " + s.log().head().treeSize() + ": " + s.publisher().status(),
        () -> {
          PublishStatus st = s.publisher().status();
          return st.state() == State.CAUGHT_UP
              && st.publishedTreeSize() == s.log().head().treeSize();
        });
  }

  HttpResponse<byte[]> get(String key) throws Exception {
    return anonymous.send(
        HttpRequest.newBuilder(s3.url(key)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  byte[] body(String key) throws Exception {
    HttpResponse<byte[]> r = get(key);
    assertThat(r.statusCode()).as(key).isEqualTo(200);
    return r.body();
  }

  @Test
  void theBucketIsATlogTilesEndpointThatVerifiesWithTheLogsKeyAlone() throws Exception {
    LogServer s = server(s3.publishConfig(credentials));
    Events events = new Events(11, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
    for (int i = 0; i < 4; i++) {
      submit(s, events, 150);
    }
    awaitCaughtUp(s);
    long n = s.log().head().treeSize();
    assertThat(n).isGreaterThan(600);

    // The checkpoint: signed by the log, for the whole tree.
    HttpResponse<byte[]> cp = get("checkpoint");
    Checkpoint c =
        SignedCheckpoint.verify(cp.body(), s.origin(), NoteVerifiers.parse(s.verifierKey()))
            .checkpoint();
    assertThat(c.treeSize()).isEqualTo(n);
    assertThat(cp.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(S3Server.mediaType(cp.headers().firstValue("Content-Type").orElseThrow()))
        .isEqualTo("text/plain;charset=utf-8");
    assertThat(
            s3.blobStore()
                .blobMetadata(S3Server.BUCKET, "checkpoint")
                .getContentMetadata()
                .getContentType())
        .isEqualTo("text/plain; charset=utf-8");

    // The root hash, recomputed from the tiles the root needs.
    TileNodeSource src = new TileNodeSource(n);
    for (TilePath t : TileNodeSource.tilesNeeded(n, x -> Proofs.rootHash(n, x))) {
      src.add(t, body(t.toString()));
    }
    assertThat(Proofs.rootHash(n, src)).isEqualTo(c.rootHash());

    // Every entry of the bundles hashes to its leaf in the level-0 tiles.
    List<Hash> leaves = new ArrayList<>();
    List<byte[]> entries = new ArrayList<>();
    for (long i = 0; i <= Tiles.fullTileCount(0, n); i++) {
      int w = (int) Math.min(256, n - i * 256);
      if (w == 0) {
        break;
      }
      TilePath tile = TilePath.hashTile(0, i, w);
      TilePath bundle = TilePath.entryBundle(i, w);
      leaves.addAll(Tiles.parseHashTile(tile, body(tile.toString())));
      entries.addAll(EntryBundle.parse(bundle, body(bundle.toString())));
    }
    assertThat(entries).hasSize((int) n);
    for (int i = 0; i < n; i++) {
      assertThat(Merkle.leafHash(entries.get(i))).as("leaf %d", i).isEqualTo(leaves.get(i));
    }

    // The bucket answers like the server: same bytes, same headers, for each kind of object.
    Http http = new Http(s.baseUrl());
    List<String> kinds = new ArrayList<>(List.of("tile/0/000", "tile/entries/001"));
    Tiles.partialTiles(n).forEach(t -> kinds.add(t.toString()));
    if (Tiles.partialWidth(0, n) != 0) {
      kinds.add(
          TilePath.entryBundle(Tiles.fullTileCount(0, n), Tiles.partialWidth(0, n)).toString());
    }
    assertThat(kinds).anyMatch(k -> k.contains(".p/"));
    for (String key : kinds) {
      HttpResponse<byte[]> b = get(key);
      Http.Response fromServer = http.get("/" + key);
      assertThat(b.body()).as(key).isEqualTo(fromServer.body());
      assertThat(b.headers().firstValue("Cache-Control"))
          .as(key)
          .hasValue(fromServer.header("Cache-Control"));
      assertThat(b.headers().firstValue("Content-Type"))
          .as(key)
          .hasValue(fromServer.header("Content-Type"))
          .hasValue("application/octet-stream");
      assertThat(fromServer.header("Cache-Control"))
          .isEqualTo(
              TilePath.parse(key).isPartial()
                  ? "public, max-age=5"
                  : "public, max-age=31536000, immutable");
    }
    assertThat(http.get("/checkpoint").body()).isEqualTo(cp.body());
    assertThat(http.get("/checkpoint").header("Content-Type"))
        .isEqualTo("text/plain; charset=utf-8");

    // Readiness and metrics tell the same.
    Http.Response ready = http.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    JsonNode p = ready.json().get("publish");
    assertThat(p.get("state").asText()).isEqualTo("caught_up");
    assertThat(p.get("ready").asBoolean()).isTrue();
    assertThat(p.get("treeSize").asLong()).isEqualTo(n);
    assertThat(p.get("lagEntries").asLong()).isZero();
    assertThat(p.get("lagSeconds").asDouble()).isZero();
    String metrics = http.get("/metrics").text();
    assertThat(metrics)
        .contains("rcskt_publish_tree_size " + n + ".0")
        .contains("rcskt_publish_lag_entries 0.0")
        .contains("rcskt_publish_lag_seconds 0.0")
        .contains("rcskt_publish_conflict 0.0")
        .contains("rcskt_publish_errors_total 0.0");
    assertThat(s.metrics().publishedCount("checkpoint")).isPositive();
    assertThat(s.metrics().publishedCount("tile")).isGreaterThanOrEqualTo(4);
    assertThat(s.metrics().publishedCount("bundle")).isGreaterThanOrEqualTo(3);
    assertThat(severe).isEmpty();
  }

  @Test
  void outlivesTheBucketGoingAwayMidPublishAndConvergesToExactlyTheLog() throws Exception {
    LogServer s = server(s3.publishConfig(credentials));
    Events events = new Events(12, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
    submit(s, events, 300);
    awaitCaughtUp(s);

    // Events keep arriving, from another thread, for the whole outage.
    AtomicBoolean more = new AtomicBoolean(true);
    AtomicInteger batches = new AtomicInteger();
    List<Throwable> failures = new ArrayList<>();
    Events moreEvents = new Events(13, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
    Thread writer =
        new Thread(
            () -> {
              try {
                // Bounded: at most 400 batches, whatever happens.
                while (more.get() && batches.get() < 400) {
                  submit(s, moreEvents, 7);
                  batches.incrementAndGet();
                }
              } catch (Throwable t) {
                synchronized (failures) {
                  failures.add(t);
                }
              }
            },
            "test-writer");
    writer.start();
    long before = s.publisher().status().publishedTreeSize();
    ExpectedObjects.await(
        30,
        () -> "a checkpoint published while events arrive",
        () -> s.publisher().status().publishedTreeSize() > before);
    s3.stop();

    ExpectedObjects.await(
        30,
        () -> "retrying with a lag: " + s.publisher().status(),
        () ->
            s.publisher().status().state() == State.RETRYING
                && s.publisher().status().lagEntries() > 0
                && s.metrics().publishErrorCount() >= 2);
    double lag = s.publisher().status().lagSeconds();
    ExpectedObjects.await(
        30,
        () -> "the lag grows past " + (lag + 1) + ": " + s.publisher().status(),
        () -> s.publisher().status().lagSeconds() > lag + 1);
    // Events keep being accepted during the outage, and the lag in entries grows with them (the
    // writer's counter moves after the log's head, so the head is what is waited for).
    long lagEntries = s.publisher().status().lagEntries();
    ExpectedObjects.await(
        30,
        () -> "the lag in entries grows past " + lagEntries + ": " + s.publisher().status(),
        () -> s.publisher().status().lagEntries() > lagEntries);
    // The log is unaffected; /readyz stays 200 (no readyMaxLagSeconds) and shows the lag.
    Http.Response ready = new Http(s.baseUrl()).get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().at("/publish/state").asText()).isEqualTo("retrying");
    assertThat(ready.json().at("/publish/lagSeconds").asDouble()).isGreaterThan(1);

    s3.restart();
    more.set(false);
    writer.join(30_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(failures).isEmpty();
    awaitCaughtUp(s);

    // Exactly what the log holds: every object the tree needs, and nothing that is not the log's.
    long n = s.log().head().treeSize();
    LogSource log = LogSource.of(s.log());
    List<String> keys;
    try (S3ObjectStore listing = S3ObjectStore.open(s3.publishConfig(credentials))) {
      keys = listing.list(100_000);
    }
    Set<String> expected = new TreeSet<>(ExpectedObjects.tiles(n).keySet());
    expected.add("checkpoint");
    assertThat(keys).containsAll(expected);
    for (String key : keys) {
      if (key.equals("checkpoint")) {
        assertThat(body(key)).isEqualTo(s.log().head().signedCheckpoint());
        continue;
      }
      TilePath t = TilePath.parse(key); // only tlog-tiles paths
      assertThat(Tiles.widthIn(t.level(), t.index(), n)).as(key).isGreaterThanOrEqualTo(t.width());
      assertThat(body(key)).as(key).isEqualTo(ExpectedObjects.bytes(log, t));
    }
    assertThat(severe).isEmpty();
  }

  @Test
  void aRestartedServerResumesFromTheBucketAndWritesOnlyWhatIsNew() throws Exception {
    Path data = dir.resolve("data");
    long n1;
    try (LogServer a = LogServer.start(config(data, s3.publishConfig(credentials)))) {
      Events events = new Events(14, LogServer.DEV_CARRIER_ID, a.devCarrierKey());
      submit(a, events, 200);
      awaitCaughtUp(a);
      n1 = a.log().head().treeSize();
    }
    long n2;
    // More entries while nothing publishes.
    try (LogServer b = LogServer.start(config(data, null))) {
      Events events = new Events(15, LogServer.DEV_CARRIER_ID, b.devCarrierKey());
      submit(b, events, 150);
      submit(b, events, 150);
      n2 = b.log().head().treeSize();
    }
    LogServer c = server(data, s3.publishConfig(credentials));
    assertThat(c.log().head().treeSize()).isEqualTo(n2);
    awaitCaughtUp(c);

    Set<String> fresh = new TreeSet<>(ExpectedObjects.tiles(n2).keySet());
    fresh.removeAll(ExpectedObjects.tiles(n1).keySet());
    double written =
        c.metrics().publishedCount("tile")
            + c.metrics().publishedCount("bundle")
            + c.metrics().publishedCount("checkpoint");
    assertThat(written).isEqualTo(fresh.size() + 1);
    assertThat(c.publisher().objectsWritten()).isEqualTo(fresh.size() + 1);
    assertThat(c.metrics().publishedCount("checkpoint")).isEqualTo(1);
    Checkpoint cp =
        SignedCheckpoint.verify(
                body("checkpoint"), c.origin(), NoteVerifiers.parse(c.verifierKey()))
            .checkpoint();
    assertThat(cp.treeSize()).isEqualTo(n2);
    for (String key : ExpectedObjects.tiles(n2).keySet()) {
      assertThat(get(key).statusCode()).as(key).isEqualTo(200);
    }
  }

  private static ServerConfig config(Path data, PublishConfig publish) {
    return ServerConfig.builder(data).port(0).devMode(true).publish(publish).build();
  }

  @Test
  void aForeignTileInTheBucketStopsPublishingAndIsLeftAlone() throws Exception {
    Path data = dir.resolve("data");
    try (LogServer a = LogServer.start(config(data, null))) {
      submit(a, new Events(16, LogServer.DEV_CARRIER_ID, a.devCarrierKey()), 300);
    }
    byte[] planted = new byte[8192];
    new Random(5).nextBytes(planted);
    s3.blobStore()
        .putBlob(
            S3Server.BUCKET, s3.blobStore().blobBuilder("tile/0/000").payload(planted).build());

    LogServer s = server(data, s3.publishConfig(credentials));
    ExpectedObjects.await(
        30,
        () -> "a conflict: " + s.publisher().status(),
        () -> s.publisher().status().state() == State.CONFLICT);
    assertThat(s.publisher().conflict()).contains("tile/0/000 differs from the log's");
    assertThat(body("tile/0/000")).isEqualTo(planted);
    assertThat(get("checkpoint").statusCode()).isEqualTo(404);
    try (S3ObjectStore listing = S3ObjectStore.open(s3.publishConfig(credentials))) {
      assertThat(listing.list(1000)).containsExactly("tile/0/000");
    }
    assertThat(s.publisher().objectsWritten()).isZero();

    Http http = new Http(s.baseUrl());
    Http.Response ready = http.get("/readyz");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().get("status").asText()).isEqualTo("not_ready");
    assertThat(ready.json().at("/publish/state").asText()).isEqualTo("conflict");
    assertThat(http.get("/metrics").text()).contains("rcskt_publish_conflict 1.0");
    synchronized (severe) {
      assertThat(severe).hasSize(1);
      assertThat(severe.get(0).getLoggerName()).isEqualTo(TilePublisher.class.getName());
      assertThat(severe.get(0).getMessage())
          .contains("stopped for good")
          .contains("tile/0/000 differs from the log's");
    }
    // The log itself goes on taking events.
    submit(s, new Events(17, LogServer.DEV_CARRIER_ID, s.devCarrierKey()), 1);
    assertThat(get("checkpoint").statusCode()).isEqualTo(404);
  }

  @Test
  void aCheckpointOfAnotherLogStopsPublishingBeforeAnyWrite() throws Exception {
    try (LogServer other = LogServer.start(config(dir.resolve("other"), null))) {
      s3.blobStore()
          .putBlob(
              S3Server.BUCKET,
              s3.blobStore()
                  .blobBuilder("checkpoint")
                  .payload(other.log().head().signedCheckpoint())
                  .build());
    }
    LogServer s = server(s3.publishConfig(credentials));
    ExpectedObjects.await(
        30,
        () -> "a conflict: " + s.publisher().status(),
        () -> s.publisher().status().state() == State.CONFLICT);
    assertThat(s.publisher().conflict())
        .startsWith("the bucket's checkpoint is not one of this log's");
    try (S3ObjectStore listing = S3ObjectStore.open(s3.publishConfig(credentials))) {
      assertThat(listing.list(1000)).containsExactly("checkpoint");
    }
    synchronized (severe) {
      assertThat(severe).hasSize(1);
    }
  }

  @Test
  void readinessFailsOnlyPastTheConfiguredLag() throws Exception {
    s3.stop();
    LogServer s = server(s3.publishConfig(credentials).withReadyMaxLagSeconds(1));
    Http http = new Http(s.baseUrl());
    ExpectedObjects.await(
        30,
        () -> "not ready: " + s.publisher().status(),
        () -> http.get("/readyz").status() == 503);
    JsonNode body = http.get("/readyz").json();
    assertThat(body.get("status").asText()).isEqualTo("not_ready");
    assertThat(body.at("/publish/ready").asBoolean()).isFalse();
    assertThat(body.at("/publish/lagSeconds").asDouble()).isGreaterThan(1);
    // The log takes events all the same: readiness only reports the bucket's lag.
    submit(s, new Events(18, LogServer.DEV_CARRIER_ID, s.devCarrierKey()), 1);

    s3.restart();
    awaitCaughtUp(s);
    Http.Response ready = http.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().at("/publish/state").asText()).isEqualTo("caught_up");
  }

  /**
   * A log of two processes with one bucket: only the writer publishes (the standby's publisher is
   * idle and ready), and after a takeover the new writer resumes from what the bucket holds and
   * brings it to exactly its log.
   */
  @Test
  void inALogOfSeveralProcessesOnlyTheWriterPublishesAndTheNextCarriesOn() throws Exception {
    org.rcskt.server.cluster.ClusterRuntime.quietZooKeeper();
    try (org.apache.curator.test.TestingServer zk =
        new org.apache.curator.test.TestingServer(-1, dir.resolve("zk").toFile(), true)) {
      java.util.function.BiFunction<Path, String, LogServer> serve =
          (data, node) -> {
            LogServer s =
                LogServer.start(
                    ServerConfig.builder(data)
                        .port(0)
                        .devMode(true)
                        .publish(s3.publishConfig(credentials))
                        .cluster(
                            org.rcskt.server.config.ClusterConfig.of(
                                zk.getConnectString(), "/rcskt/published", node))
                        .build());
            servers.add(s);
            return s;
          };
      LogServer a = serve.apply(dir.resolve("a"), "a");
      ExpectedObjects.await(
          30,
          () -> "a to write",
          () -> a.cluster().role() == org.rcskt.server.cluster.ClusterNode.Role.WRITER);
      Events events = new Events(41, LogServer.DEV_CARRIER_ID, a.devCarrierKey());
      ExpectedObjects.await(30, () -> "the ANCHOR", () -> a.log().head().treeSize() >= 2);
      submit(a, events, 300);
      awaitCaughtUp(a);
      Files.createDirectories(dir.resolve("b"));
      try (java.util.stream.Stream<Path> keys = Files.list(dir.resolve("a"))) {
        for (Path f : (Iterable<Path>) keys::iterator) {
          if (f.getFileName().toString().endsWith(".key")) {
            Files.copy(f, dir.resolve("b").resolve(f.getFileName()));
          }
        }
      }
      LogServer b = serve.apply(dir.resolve("b"), "b");
      ExpectedObjects.await(
          30, () -> "b to follow", () -> b.log().head().treeSize() == a.log().head().treeSize());
      assertThat(b.publisher().status().state()).isEqualTo(State.IDLE);
      assertThat(b.publisher().status().ready()).isTrue();
      long writtenByB = b.publisher().objectsWritten();
      assertThat(writtenByB).isZero();

      // a stops; b takes over, resumes from the bucket and publishes what it writes.
      servers.remove(a);
      a.close();
      ExpectedObjects.await(
          30,
          () -> "b to write",
          () -> b.cluster().role() == org.rcskt.server.cluster.ClusterNode.Role.WRITER);
      submit(b, events, 300);
      awaitCaughtUp(b);
      long n = b.log().head().treeSize();
      assertThat(body("checkpoint")).isEqualTo(b.log().head().signedCheckpoint());
      LogSource log = LogSource.of(b.log());
      List<String> keys;
      try (S3ObjectStore listing = S3ObjectStore.open(s3.publishConfig(credentials))) {
        keys = listing.list(100_000);
      }
      Set<String> expected = new TreeSet<>(ExpectedObjects.tiles(n).keySet());
      expected.add("checkpoint");
      assertThat(keys).containsAll(expected);
      for (String key : keys) {
        if (!key.equals("checkpoint")) {
          assertThat(body(key)).as(key).isEqualTo(ExpectedObjects.bytes(log, TilePath.parse(key)));
        }
      }
      assertThat(severe).isEmpty();
    }
  }

  @Test
  void withoutAPublishBlockNothingChanges() throws Exception {
    LogServer s = server(null);
    assertThat(s.publisher()).isNull();
    Http http = new Http(s.baseUrl());
    Http.Response ready = http.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().has("publish")).isFalse();
    assertThat(http.get("/metrics").text()).doesNotContain("rcskt_publish_tree_size");
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals(TilePublisher.THREAD_NAME));
    try (S3ObjectStore listing = S3ObjectStore.open(s3.publishConfig(credentials))) {
      assertThat(listing.list(10)).isEmpty();
    }
  }
}
