package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * {@code GET /v1/feed} on a real log: entries arrive as Server-Sent Events within a moment of being
 * logged, each with an inclusion proof against the checkpoint event before it; a client resumes
 * with {@code Last-Event-ID} without gaps or repeats; filters by type and subject; bad parameters
 * are 400s naming them; the subscriber bound is a 503.
 */
class FeedHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Random RANDOM = new Random(18);

  @TempDir Path dir;
  LogServer server;
  Http http;
  final List<InputStream> streams = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (InputStream s : streams) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(int maxSubscribers) {
    start(maxSubscribers, 30);
  }

  private void start(int maxSubscribers, int stallSeconds) {
    start(maxSubscribers, stallSeconds, FeedSubscribers.DEFAULT_MAX_PER_SOURCE);
  }

  private void start(int maxSubscribers, int stallSeconds, int perAddress) {
    server =
        LogServer.start(
            ServerConfig.builder(dir)
                .port(0)
                .devMode(true)
                .feedMaxSubscribers(maxSubscribers)
                .feedStallSeconds(stallSeconds)
                .feedMaxSubscribersPerAddress(perAddress)
                .build());
    http = new Http(server.baseUrl());
  }

  /** One server-sent event. */
  record Sse(String event, String id, JsonNode data) {}

  /** Opens the feed; its events arrive in the returned queue. */
  private BlockingQueue<Sse> open(String query, String lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed" + query));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    streams.add(r.body());
    BlockingQueue<Sse> q = new ArrayBlockingQueue<>(10_000);
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String id = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.isEmpty()) {
                    q.add(
                        new Sse(
                            event, id, data.length() == 0 ? null : JSON.readTree(data.toString())));
                    event = null;
                    id = null;
                    data.setLength(0);
                  } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                  } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                  } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                  }
                }
              } catch (Exception e) {
                // the stream was closed
              }
            },
            "sse-reader");
    t.setDaemon(true);
    t.start();
    return q;
  }

  /** The next event of type {@code type}, skipping others. */
  private static Sse next(BlockingQueue<Sse> q, String type) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Sse e = q.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && type.equals(e.event())) {
        return e;
      }
    }
    throw new AssertionError("no " + type + " event within 10 s");
  }

  private KeyEvent register(String number, Ed25519.KeyPair k) {
    return EventBuilder.forSubject(TestVrf.index(number), LogServer.DEV_CARRIER_ID)
        .timestampMs(System.currentTimeMillis())
        .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
        .sign(k, server.devCarrierKey());
  }

  private void submit(KeyEvent e) {
    Http.Response r = http.post("/v1/events", EventJson.toJsonString(e));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  /** Checks an entry event against the checkpoint event that came before it. */
  private void verify(Sse entry, Sse checkpoint) throws Exception {
    SignedCheckpoint cp =
        SignedCheckpoint.verify(
            checkpoint.data().get("checkpoint").asText().getBytes(StandardCharsets.UTF_8),
            server.origin(),
            NoteVerifiers.parse(server.verifierKey()));
    Checkpoint c = cp.checkpoint();
    assertThat(entry.data().get("treeSize").asLong()).isEqualTo(c.treeSize());
    List<Hash> proof = new ArrayList<>();
    for (JsonNode h : entry.data().get("inclusionProof")) {
      proof.add(Hash.fromBase64(h.asText()));
    }
    KeyEvent e = EventJson.fromJson(entry.data().get("event"));
    InclusionProof.verify(
        entry.data().get("leafIndex").asLong(), c.treeSize(), e.leafHash(), proof, c.rootHash());
    assertThat(entry.id()).isEqualTo(Long.toString(entry.data().get("leafIndex").asLong() + 1));
  }

  @Test
  void newEntriesArriveProvenAndAClientResumesWithoutGapsOrRepeats() throws Exception {
    start(8);
    BlockingQueue<Sse> feed = open("?type=REGISTER,ROTATE,REVOKE", null);
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(RANDOM);
    KeyEvent reg = register("+15550008001", k);
    long t0 = System.nanoTime();
    submit(reg);
    Sse cp = next(feed, "checkpoint");
    Sse entry = next(feed, "entry");
    long latencyMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(latencyMs).isLessThan(1000);
    verify(entry, cp);
    assertThat(EventJson.fromJson(entry.data().get("event"))).isEqualTo(reg);

    // Resume from the last id seen: the next events, nothing twice.
    String resumeAt = entry.id();
    streams.get(0).close();
    KeyEvent revoke =
        EventBuilder.forSubject(reg.subject(), LogServer.DEV_CARRIER_ID)
            .after(reg)
            .timestampMs(System.currentTimeMillis())
            .revoke("phone", RevocationReason.COMPROMISED)
            .sign(server.devCarrierKey());
    KeyEvent other = register("+15550008002", Ed25519.KeyPair.generate(RANDOM));
    submit(revoke);
    submit(other);
    BlockingQueue<Sse> resumed = open("?type=REGISTER,ROTATE,REVOKE", resumeAt);
    Sse cp2 = next(resumed, "checkpoint");
    Sse first = next(resumed, "entry");
    verify(first, cp2);
    assertThat(EventJson.fromJson(first.data().get("event"))).isEqualTo(revoke);
    Sse second = next(resumed, "entry");
    assertThat(EventJson.fromJson(second.data().get("event"))).isEqualTo(other);
  }

  @Test
  void filtersBySubjectAndTypeAndMapRootsOnlyWhenAsked() throws Exception {
    start(8);
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(RANDOM);
    KeyEvent watched = register("+15550008011", k);
    BlockingQueue<Sse> mine =
        open("?from=0&type=REVOKE&subject=" + watched.subject().toHex(), null);
    BlockingQueue<Sse> roots = open("?from=0&type=MAP_ROOT", null);
    submit(watched);
    submit(register("+15550008012", Ed25519.KeyPair.generate(RANDOM)));
    KeyEvent revoke =
        EventBuilder.forSubject(watched.subject(), LogServer.DEV_CARRIER_ID)
            .after(watched)
            .timestampMs(System.currentTimeMillis())
            .revoke("phone", RevocationReason.DEVICE_LOST)
            .sign(k);
    submit(revoke);
    Sse only = next(mine, "entry");
    assertThat(EventJson.fromJson(only.data().get("event"))).isEqualTo(revoke);
    Sse root = next(roots, "entry");
    assertThat(root.data().has("mapRoot")).isTrue();
    assertThat(root.data().has("event")).isFalse();
  }

  @Test
  void badParametersAre400sAndTheSubscriberBoundIsA503() throws Exception {
    start(1);
    assertThat(http.get("/v1/feed?type=FOO").json().get("field").asText()).isEqualTo("type");
    assertThat(http.get("/v1/feed?subject=zz").json().get("field").asText()).isEqualTo("subject");
    Http.Response beyond = http.get("/v1/feed?from=999999");
    assertThat(beyond.status()).isEqualTo(400);
    assertThat(beyond.json().get("field").asText()).isEqualTo("from");
    Http.Response junk =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed"))
                .header("Last-Event-ID", "abc"));
    assertThat(junk.status()).isEqualTo(400);
    assertThat(junk.json().get("field").asText()).isEqualTo("Last-Event-ID");
    Http.Response huge =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed"))
                .header("Last-Event-ID", "9999999999999999999"));
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.json().get("field").asText()).isEqualTo("Last-Event-ID");

    open("", null);
    Http.Response full =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed"))
                .timeout(Duration.ofSeconds(5)));
    assertThat(full.status()).isEqualTo(503);
    assertThat(full.json().get("error").asText()).isEqualTo("too_many_subscribers");
    assertThat(full.header("Retry-After")).isEqualTo("5");
  }

  @Test
  void oneAddressGetsAtMostItsShareOfTheSubscriberSlots() throws Exception {
    start(10, 30, 2);
    open("", null);
    open("?type=REVOKE", null);
    Http.Response third =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed"))
                .timeout(Duration.ofSeconds(5)));
    assertThat(third.status()).isEqualTo(503);
    assertThat(third.json().get("error").asText()).isEqualTo("too_many_subscribers");
    assertThat(third.json().get("detail").asText()).contains("at most 2 feeds", "one address");
    assertThat(third.header("Retry-After")).isEqualTo("5");
    // A closed feed gives its slot back to the address.
    streams.remove(0).close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status;
    do {
      Thread.sleep(50);
      HttpResponse<InputStream> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed")).build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      if (status == 200) {
        streams.add(r.body());
      } else {
        r.body().close();
      }
    } while (status != 200 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(200);
    assertThatThrownBy(() -> ServerConfig.builder(dir).feedMaxSubscribersPerAddress(0))
        .isInstanceOf(org.rcskt.server.config.ConfigException.class)
        .hasMessage("feedMaxSubscribersPerAddress must be in 1..100000, got 0");
  }

  @Test
  void aConsumerThatStopsReadingIsDroppedAndItsSlotFreed() throws Exception {
    start(1, 1);
    // Enough bytes that the feed from 0 outgrows the kernel's socket buffers (up to 4 MiB on
    // loopback) and the bounded queue: ML-DSA-65 registrations, about 7 KB each in JSON.
    for (int b = 0; b < 2; b++) {
      StringBuilder batch = new StringBuilder("{\"events\": [");
      for (int i = 0; i < 700; i++) {
        org.rcskt.verifier.event.EventSigner k =
            org.rcskt.verifier.event.EventSigner.of(
                org.rcskt.verifier.crypto.MlDsa65.KeyPair.generate(RANDOM));
        KeyEvent e =
            EventBuilder.forSubject(
                    TestVrf.index("+1555" + (1000000 + b * 1000 + i)), LogServer.DEV_CARRIER_ID)
                .timestampMs(System.currentTimeMillis())
                .register("phone", k.publicKey())
                .sign(k, org.rcskt.verifier.event.EventSigner.of(server.devCarrierKey()));
        batch.append(i == 0 ? "" : ",").append(EventJson.toJsonString(e));
      }
      Http.Response r = http.post("/v1/events/batch", batch.append("]}").toString());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("accepted").asInt()).isEqualTo(700);
    }
    try (java.net.Socket slow = new java.net.Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      slow.getOutputStream()
          .write(
              "GET /v1/feed?from=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      // Never read: the server's queue fills, then the stall limit (1 s) drops the feed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int status = 0;
      while (System.nanoTime() < deadline) {
        HttpResponse<InputStream> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/feed"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        status = r.statusCode();
        r.body().close();
        if (status != 503) {
          break;
        }
        Thread.sleep(200);
      }
      // The one slot came free: the slow subscriber was dropped.
      assertThat(status).isEqualTo(200);
      // What it was sent ends with the last message saying why and where to resume.
      slow.setSoTimeout(10_000);
      byte[] all = slow.getInputStream().readAllBytes();
      String tail =
          new String(
              all,
              Math.max(0, all.length - 2000),
              Math.min(all.length, 2000),
              StandardCharsets.UTF_8);
      assertThat(tail).contains("event: dropped").contains("\"reason\":\"slow_consumer\"");
      assertThat(all.length).isGreaterThan(Feed.MAX_QUEUED_BYTES);
    }
  }
}
