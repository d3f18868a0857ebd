package org.rcskt.server.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.server.bench.BenchToolsTest.assertOneLineFailure;
import static org.rcskt.server.bench.BenchToolsTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.bench.HostileFamily.Burst;
import org.rcskt.server.bench.HostileFamily.BurstRule;
import org.rcskt.server.bench.HostileFamily.Exchange;
import org.rcskt.server.bench.HostileFamily.Probe;
import org.rcskt.server.bench.HostileFamily.Raw;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.testing.Cli.Run;
import org.rcskt.verifier.crypto.Ed25519;

/**
 * The {@code hostile} load generator: a short run of every family against a real log, which must
 * answer no 5xx, keep serving valid traffic, pick one winner per race and pass {@code fsck
 * --replay} afterwards (issue 9's done criteria, in small); a fake server that answers 500 to some
 * requests, which the tool must count exactly and fail on; and the pieces the counts rest on (the
 * answer parser, the HTTP/2 status reader, the seeded request stream).
 */
class HostileCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyFamilyRunsAgainstARealLogWhoseValidClientsKeepBeingServed() throws Exception {
    Path data = dir.resolve("data");
    Path json = dir.resolve("report.json");
    Run r;
    try (LogServer s = BenchToolsTest.devServer(data, false)) {
      r =
          run(
              "hostile",
              "--url",
              s.baseUrl(),
              "--carrier-key",
              data.resolve("dev-carrier.key").toString(),
              "--requests",
              "1500",
              "--connections",
              "4",
              "--seed",
              "11",
              "--server-pid",
              Long.toString(ProcessHandle.current().pid()),
              "--slow-connections",
              "2",
              "--slow-seconds",
              "1",
              "--slow-interval-ms",
              "100",
              "--raw-timeout-ms",
              "2000",
              "--distinct-methods",
              "50",
              "--report-interval",
              "60",
              "--json",
              json.toString());
    }
    // Exit 0: no 5xx, valid traffic succeeded, races had one winner, no wrong event in.
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode j = MAPPER.readTree(json.toFile());
    assertThat(j.get("fiveXx").get("count").asLong()).as(j.get("fiveXx").toString()).isZero();
    // The store the run leaves is sound, replayed under the rules.
    Run fsck = run("fsck", "--data-dir", data.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.toString()).isZero();

    // Feeds were followed beside the run and everything they sent verified.
    assertThat(j.get("feed").get("followed").asLong()).isPositive();
    assertThat(j.get("feed").get("failures").asLong()).as(j.get("feed").toString()).isZero();
    long sent = j.get("requestsSent").asLong();
    assertThat(sent).isBetween(1500L, 1500L + RaceFamily.MAX_BURST);
    long sumOfFamilies = 0;
    List<String> names = new ArrayList<>();
    for (JsonNode f : j.get("families")) {
      String name = f.get("name").asText();
      names.add(name);
      long n = f.get("sent").asLong();
      assertThat(n).as(name).isPositive();
      assertThat(sum(f.get("answers"))).as(name).isEqualTo(n);
      long variants = 0;
      for (JsonNode v : iterable(f.get("variants"))) {
        variants += sum(v);
      }
      assertThat(variants).as(name).isEqualTo(n);
      assertThat(f.get("closedWithoutAnswer").asLong())
          .isEqualTo(count(f.get("answers"), "closed") + count(f.get("answers"), "reset"));
      if (!name.equals(SlowConnections.FAMILY)) {
        sumOfFamilies += n;
      }
    }
    List<String> expected = new ArrayList<>(HostileFamilies.NAMES);
    expected.add(SlowConnections.FAMILY);
    assertThat(names).isEqualTo(expected);
    assertThat(sumOfFamilies).isEqualTo(sent);

    JsonNode valid = j.get("valid");
    assertThat(valid.get("failed").asLong()).as(valid.toString()).isZero();
    assertThat(valid.get("ok").asLong()).isEqualTo(family(j, "valid").get("sent").asLong());
    assertThat(valid.get("byKind").get("register").get("ok").asLong()).isPositive();
    assertThat(valid.get("byKind").get("duplicate").get("ok").asLong()).isPositive();

    JsonNode bursts = j.get("bursts");
    for (BurstRule rule : BurstRule.values()) {
      assertThat(bursts.get(rule.name()).get("right").asLong()).as(rule.name()).isPositive();
      assertThat(bursts.get(rule.name()).get("wrong").asLong()).as(rule.name()).isZero();
    }
    // No rule-breaking event got in (a REGISTER naming the carrier's subject included), and the
    // carrier's chain still reads and its attested registrations still succeed.
    assertThat(family(j, "wrong-events").get("wronglyAccepted").asLong()).isZero();
    assertThat(valid.get("byKind").get("carrier-subject").get("ok").asLong()).isPositive();
    assertThat(family(j, "methods").get("figures").get("distinctInventedMethods").asLong())
        .isBetween(1L, 50L);

    // The RSS of this process (the server's) at the start, every tenth and the end.
    List<String> at = new ArrayList<>();
    j.get("server").get("rssKib").forEach(n -> at.add(n.get("at").asText()));
    assertThat(at)
        .containsExactly(
            "start", "10%", "20%", "30%", "40%", "50%", "60%", "70%", "80%", "90%", "end");
    for (String phase : List.of("metricsBefore", "metricsAfter")) {
      JsonNode m = j.get("server").get(phase);
      assertThat(m.get("status").asInt()).isEqualTo(200);
      assertThat(m.get("httpSeries").asLong()).as(phase).isPositive();
    }
    assertThat(r.out())
        .contains("requests: " + String.format("%,d", sent) + " sent in ")
        .contains(
            "valid traffic: "
                + String.format("%,d of %,d", valid.get("ok").asLong(), valid.get("ok").asLong()))
        .contains("server RSS (VmRSS, KiB): start ");
  }

  /**
   * The same campaign over TLS: HTTP/1.1 families negotiate http/1.1, the HTTP/2 ones h2, the feed
   * watchers and slow connections go over TLS too, and the server still answers no 5xx.
   */
  @Test
  void theCampaignRunsOverTlsWithHttp2WhereItSpeaksHttp2() throws Exception {
    Path data = dir.resolve("data");
    Path json = dir.resolve("report.json");
    org.rcskt.server.testing.TestCertificates.Issued cert =
        org.rcskt.server.testing.TestCertificates.selfSigned("log.test");
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    cert.writePem(crt, key);
    // Every SEVERE record the server logs while the campaign runs: there must be none.
    List<String> severe = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Handler catcher =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord rec) {
            if (rec.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
              severe.add(rec.getLoggerName() + ": " + rec.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger.getLogger("").addHandler(catcher);
    Run r;
    try (LogServer s =
        LogServer.start(
            org.rcskt.server.config.ServerConfig.builder(data)
                .port(0)
                .devMode(true)
                .tls(org.rcskt.server.config.TlsConfig.of(crt, key))
                .build())) {
      assertThat(s.baseUrl()).startsWith("https://");
      r =
          run(
              "hostile",
              "--url",
              s.baseUrl(),
              "--carrier-key",
              data.resolve("dev-carrier.key").toString(),
              "--requests",
              "800",
              "--connections",
              "3",
              "--seed",
              "12",
              "--slow-connections",
              "1",
              "--slow-seconds",
              "1",
              "--slow-interval-ms",
              "100",
              "--raw-timeout-ms",
              "2000",
              "--report-interval",
              "60",
              "--json",
              json.toString());
    } finally {
      java.util.logging.Logger.getLogger("").removeHandler(catcher);
    }
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(severe).isEmpty();
    JsonNode j = MAPPER.readTree(json.toFile());
    assertThat(j.get("fiveXx").get("count").asLong()).as(j.get("fiveXx").toString()).isZero();
    assertThat(j.get("valid").get("failed").asLong()).isZero();
    assertThat(j.get("valid").get("ok").asLong()).isPositive();
    assertThat(j.get("feed").get("followed").asLong()).isPositive();
    assertThat(j.get("feed").get("failures").asLong()).as(j.get("feed").toString()).isZero();
    // The HTTP/2 variants were answered in HTTP/2 (a GOAWAY or a response frame), which only an h2
    // connection gives: over an http/1.1 one the preface is a malformed HTTP/1 request.
    JsonNode malformed = family(j, "malformed-http").get("variants");
    long h2Variants = 0;
    for (java.util.Iterator<String> it = malformed.fieldNames(); it.hasNext(); ) {
      String v = it.next();
      if (v.startsWith("h2-")) {
        h2Variants++;
        malformed
            .get(v)
            .fieldNames()
            .forEachRemaining(answer -> assertThat(answer).as(v).startsWith("h2:"));
      }
    }
    assertThat(h2Variants).as(malformed.toString()).isPositive();
    Run fsck = run("fsck", "--data-dir", data.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
  }

  /**
   * The campaign against a log with a configured submitter: every write carries its token, the edge
   * family's wrong credentials must each get exactly 401, and slow feed consumers are held past the
   * server's stall limit, so the server drops them with a last message.
   */
  @Test
  void theCampaignRunsAgainstALogWithSubmittersAndOutlastsTheFeedStallLimit() throws Exception {
    Path data = dir.resolve("data");
    Path json = dir.resolve("report.json");
    String token = "hostile-campaign-token-0123456789";
    Path tokenFile = dir.resolve("token");
    java.nio.file.Files.writeString(tokenFile, token + "\n");
    // A log big enough that a feed from 0 overflows a reader's socket and the server's queue.
    Run p =
        run(
            "populate",
            "--data-dir",
            data.toString(),
            "--entries",
            "6000",
            "--batch",
            "1000",
            "--check-every",
            "1000",
            "--seed",
            "13");
    assertThat(p.code()).as(p.toString()).isZero();
    Run r;
    try (LogServer s =
        LogServer.start(
            org.rcskt.server.config.ServerConfig.builder(data)
                .port(0)
                .devMode(true)
                .feedStallSeconds(1)
                .submitters(
                    List.of(
                        new org.rcskt.server.config.Submitter(
                            "campaign",
                            org.rcskt.verifier.Hash.sha256(
                                token.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            java.util.Set.of(LogServer.DEV_CARRIER_ID),
                            100_000,
                            100_000)))
                .build())) {
      // Without the token the tool cannot even register its setup subjects.
      Run without =
          run(
              "hostile",
              "--url",
              s.baseUrl(),
              "--carrier-key",
              data.resolve("dev-carrier.key").toString(),
              "--requests",
              "10");
      assertThat(without.code()).as(without.toString()).isEqualTo(2);
      assertThat(without.err()).contains("401");
      r =
          run(
              "hostile",
              "--url",
              s.baseUrl(),
              "--carrier-key",
              data.resolve("dev-carrier.key").toString(),
              "--token-file",
              tokenFile.toString(),
              "--requests",
              "1200",
              "--connections",
              "3",
              "--seed",
              "13",
              "--feed-watchers",
              "4",
              "--feed-stall-seconds",
              "2",
              "--slow-connections",
              "1",
              "--slow-seconds",
              "1",
              "--slow-interval-ms",
              "100",
              "--raw-timeout-ms",
              "2000",
              "--report-interval",
              "60",
              "--json",
              json.toString());
    }
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode j = MAPPER.readTree(json.toFile());
    assertThat(j.get("fiveXx").get("count").asLong()).as(j.get("fiveXx").toString()).isZero();
    assertThat(j.get("valid").get("failed").asLong()).isZero();
    assertThat(j.get("valid").get("ok").asLong()).isPositive();
    JsonNode edge = family(j, "edge");
    assertThat(edge.get("wrongStatus").asLong()).as(edge.toString()).isZero();
    assertThat(edge.get("answers").get("401").asLong()).as(edge.toString()).isPositive();
    JsonNode feed = j.get("feed");
    assertThat(feed.get("failures").asLong()).as(feed.toString()).isZero();
    assertThat(feed.get("slowConsumersDropped").asLong()).as(feed.toString()).isPositive();
    Run fsck = run("fsck", "--data-dir", data.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
  }

  @Test
  void fiveHundredsFromAServerAreCountedExactlyAndFailTheRun() throws Exception {
    Path key = dir.resolve("carrier.key");
    ServerKeys.devCarrierKey(key);
    AtomicLong served500 = new AtomicLong();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer fake = fakeLog(vertx, served500);
      String url = "http://127.0.0.1:" + fake.actualPort();
      Path json = dir.resolve("fake.json");
      Run r =
          run(
              "hostile",
              "--url",
              url,
              "--carrier-key",
              key.toString(),
              "--families",
              "escapes=3,valid=1",
              "--requests",
              "400",
              "--connections",
              "3",
              "--seed",
              "5",
              "--slow-connections",
              "0",
              "--json",
              json.toString());
      assertThat(r.code()).as(r.toString()).isEqualTo(1);
      assertThat(served500.get()).isPositive();
      JsonNode j = MAPPER.readTree(json.toFile());
      assertThat(j.get("fiveXx").get("count").asLong()).isEqualTo(served500.get());
      assertThat(r.out())
          .contains(String.format("5xx answers: %,d%n", served500.get()))
          .contains(String.format("FAILED: %,d answers were 5xx", served500.get()));
      JsonNode examples = j.get("fiveXx").get("examples");
      assertThat(examples).hasSize(HostileStats.EXAMPLES);
      for (JsonNode e : examples) {
        assertThat(e.get("target").asText()).startsWith("/v1/proof/");
        assertThat(e.get("outcome").asText()).isEqualTo("500");
        assertThat(e.get("body").asText()).isEqualTo("{\"error\":\"internal_error\"}");
        assertThat(e.get("family").asText()).isIn("escapes", "valid");
      }
      // The valid proofs the fake failed are valid traffic that did not succeed.
      assertThat(j.get("valid").get("failed").asLong()).isPositive();

      // Only reported: the escapes alone, whose 500s are all the failure there is.
      long before = served500.get();
      Run allowed =
          run(
              "hostile",
              "--url",
              url,
              "--carrier-key",
              key.toString(),
              "--families",
              "escapes",
              "--requests",
              "200",
              "--slow-connections",
              "0",
              "--allow-5xx");
      assertThat(allowed.code()).as(allowed.toString()).isZero();
      assertThat(allowed.out())
          .contains(String.format("5xx answers: %,d%n", served500.get() - before))
          .contains("PASSED apart from the 5xx answers (--allow-5xx)");
      assertThat(served500.get()).isGreaterThan(before);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A stand-in for a log: {@code /v1/info}, receipts for every event, and a 500 for every proof,
   * counted.
   */
  private static HttpServer fakeLog(Vertx vertx, AtomicLong served500) throws Exception {
    return vertx
        .createHttpServer()
        .requestHandler(
            req -> {
              String uri = req.uri();
              req.body()
                  .onSuccess(
                      body -> {
                        if (uri.startsWith("/v1/info")) {
                          req.response()
                              .end(
                                  "{\"origin\":\"fake/log\",\"verifierKey\":\"fake/log+00000000+AA\","
                                      + "\"treeSize\":5}");
                        } else if (uri.startsWith("/v1/proof/")) {
                          served500.incrementAndGet();
                          req.response().setStatusCode(500).end("{\"error\":\"internal_error\"}");
                        } else if (uri.startsWith("/v1/events")) {
                          req.response()
                              .end("{\"leafIndex\":5,\"treeSize\":6,\"duplicate\":false}");
                        } else if (uri.startsWith("/metrics")) {
                          req.response().end("# none\n");
                        } else {
                          req.response().setStatusCode(200).end("{}");
                        }
                      });
            })
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void answersAreReadWhateverTheirFraming() {
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 404 x\r\n\r\n"))
        .isEqualTo(Answer.of(200, "abc", true));
    assertThat(
            read(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "2\r\nab\r\n1;x=y\r\nc\r\n0\r\nTrailer: t\r\n\r\n"))
        .isEqualTo(Answer.of(200, "abc", true));
    assertThat(read("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nbye"))
        .isEqualTo(Answer.of(400, "bye", false));
    assertThat(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))
        .isEqualTo(Answer.of(200, "", false));
    assertThat(read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 413 x\r\nContent-Length: 0\r\n\r\n"))
        .isEqualTo(Answer.of(413, "", true));
    assertThat(read("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"))
        .isEqualTo(Answer.of(101, "", false));
    // Netty echoes the version a client sent; the status still counts.
    assertThat(read("HTTP/9.9 501 Not Implemented\r\ncontent-length: 0\r\n\r\n"))
        .isEqualTo(Answer.of(501, "", false));
    assertThat(read("HTTP/1.1 500 x\r\nContent-Length: 10\r\n\r\nabc"))
        .isEqualTo(new Answer("500:truncated", 500, "abc", false));
    assertThat(read("")).isEqualTo(Answer.failure(Answer.CLOSED));
    assertThat(read("\u0000\u0004garbage\r\n")).isEqualTo(Answer.failure(Answer.GARBLED));
    assertThat(read("HTTP/1.1 20")).isEqualTo(Answer.failure(Answer.GARBLED));
    // A HEAD answer has no body, whatever its Content-Length says.
    WireReader in = reader("HTTP/1.1 405 x\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 y\r\n\r\n");
    assertThat(Answer.read(in, true)).isEqualTo(Answer.of(405, "", true));
    assertThat(Answer.read(in, false).status()).isEqualTo(200);
  }

  private static Answer read(String wire) {
    return Answer.read(reader(wire), false);
  }

  private static WireReader reader(String wire) {
    return new WireReader(new ByteArrayInputStream(wire.getBytes(ISO_8859_1)));
  }

  @Test
  void theStatusOfAnHttp2AnswerIsReadAsNettyEncodesIt() throws Exception {
    for (int status = 100; status < 600; status++) {
      Http2Headers h = new DefaultHttp2Headers().status(Integer.toString(status));
      h.add("content-type", "application/json");
      ByteBuf buf = Unpooled.buffer();
      // A fresh encoder each time: the first use of a status is what a connection's answer holds.
      new DefaultHttp2HeadersEncoder().encodeHeaders(1, h, buf);
      byte[] block = new byte[buf.readableBytes()];
      buf.readBytes(block);
      buf.release();
      assertThat(H2c.status(block, 0x4)).as("status %d", status).isEqualTo(status);
    }
    // "503": 011011 00000 011001, then seven 1 bits of padding.
    assertThat(H2c.huffmanDigits(new byte[] {0x6c, 0x0c, (byte) 0xff}, 0, 3)).isEqualTo("503");
    // 'a' (00011) is no digit.
    assertThat(H2c.huffmanDigits(new byte[] {0x1f}, 0, 1)).isNull();
  }

  @Test
  void theSameSeedSendsTheSameRequests() throws Exception {
    HostileContext ctx = context(7);
    HostileRun a = hostileRun(ctx, clockless(ctx), 7);
    HostileContext again = context(7);
    HostileRun b = hostileRun(again, clockless(again), 7);
    HostileRun other = hostileRun(ctx, clockless(ctx), 8);
    int differences = 0;
    for (long i = 0; i < 1000; i++) {
      assertThat(bytes(a.draw(i).probe())).as("request %d", i).isEqualTo(bytes(b.draw(i).probe()));
      if (!Arrays.equals(bytes(a.draw(i).probe()), bytes(other.draw(i).probe()))) {
        differences++;
      }
    }
    assertThat(differences).isGreaterThan(950);
    assertThat(HostileFamilies.names(HostileFamilies.all(ctx, 100)))
        .isEqualTo(HostileFamilies.NAMES);
    // Invented methods are distinct by construction and never real ones.
    List<String> tokens = new ArrayList<>();
    for (int k = 0; k < 30_000; k++) {
      tokens.add(MethodFamily.token(7, k, 4));
    }
    assertThat(tokens).doesNotHaveDuplicates().noneMatch(t -> t.equals("GET") || t.equals("HEAD"));
  }

  /** The families whose requests hold no signed event, and so no time from the clock. */
  private static List<HostileFamily> clockless(HostileContext ctx) {
    List<HostileFamily> out = new ArrayList<>();
    for (HostileFamily f : HostileFamilies.all(ctx, 100)) {
      if (List.of("escapes", "malformed-http", "methods").contains(f.name())) {
        out.add(f);
      }
    }
    return out;
  }

  private static HostileContext context(long seed) {
    Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(new Random(seed));
    HostileEvents events = new HostileEvents(LogServer.DEV_CARRIER_ID, carrier, 3, seed);
    HostileContext.SetupSubject s =
        new HostileContext.SetupSubject(
            events.setupSubject(0),
            events.register(events.setupSubject(0), events.setupKey(0)),
            events.setupKey(0),
            2);
    return new HostileContext("127.0.0.1:1", "", seed, events, List.of(s), 2, null);
  }

  private static HostileRun hostileRun(
      HostileContext ctx, List<HostileFamily> families, long seed) {
    double[] weights = new double[families.size()];
    Arrays.fill(weights, 1);
    return new HostileRun(
        new HostileRun.Settings(
            new InetSocketAddress("127.0.0.1", 1), 1, 1, 10, seed, 1000, 1000, 10),
        families,
        weights,
        ctx,
        new HostileStats(HostileFamilies.names(families)),
        new ServerWatch(null, java.net.URI.create("http://127.0.0.1:1")),
        System.out);
  }

  private static byte[] bytes(Probe p) {
    if (p instanceof Exchange e) {
      return e.bytes();
    }
    if (p instanceof Raw r) {
      return r.bytes();
    }
    StringBuilder sb = new StringBuilder();
    for (Exchange e : ((Burst) p).exchanges()) {
      sb.append(new String(e.bytes(), StandardCharsets.ISO_8859_1));
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aRaceIsRightOnlyWithOneWinner() {
    Answer won = Answer.of(200, "{\"leafIndex\":3,\"duplicate\":false}", true);
    Answer dup = Answer.of(200, "{\"leafIndex\":3,\"duplicate\":true}", true);
    Answer lost = Answer.of(409, "{\"error\":\"conflict\"}", true);
    Answer error = Answer.of(503, "{}", true);
    BurstRule one = BurstRule.ONE_WINNER;
    BurstRule copies = BurstRule.ONE_NEW_REST_DUPLICATES;
    assertThat(HostileRun.burstRight(one, new Answer[] {lost, won, lost})).isTrue();
    assertThat(HostileRun.burstRight(one, new Answer[] {won, won})).isFalse();
    assertThat(HostileRun.burstRight(one, new Answer[] {lost, lost})).isFalse();
    assertThat(HostileRun.burstRight(one, new Answer[] {won, error})).isFalse();
    assertThat(HostileRun.burstRight(copies, new Answer[] {dup, won, dup})).isTrue();
    assertThat(HostileRun.burstRight(copies, new Answer[] {dup, dup})).isFalse();
    assertThat(HostileRun.burstRight(copies, new Answer[] {won, lost})).isFalse();
  }

  @Test
  void badCommandLinesGetOneLine() throws Exception {
    assertOneLineFailure(
        run("hostile", "--families", "escapes,nope"),
        "log-server hostile: unknown family nope; the families are "
            + HostileFamilies.NAMES
            + " (see: log-server hostile --help)");
    assertOneLineFailure(
        run("hostile", "--requests", "0"),
        "log-server hostile: --requests must be in 1.."
            + HostileEvents.MAX_REQUESTS
            + ", got 0 (see: log-server hostile --help)");
    Path missing = dir.resolve("none.key");
    assertOneLineFailure(
        run("hostile", "--carrier-key", missing.toString()),
        "log-server hostile: key file " + missing + " does not exist");
  }

  private static JsonNode family(JsonNode report, String name) {
    for (JsonNode f : report.get("families")) {
      if (f.get("name").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no family " + name);
  }

  private static long sum(JsonNode counts) {
    long n = 0;
    for (JsonNode v : iterable(counts)) {
      n += v.asLong();
    }
    return n;
  }

  private static long count(JsonNode counts, String key) {
    return counts.has(key) ? counts.get(key).asLong() : 0;
  }

  private static Iterable<JsonNode> iterable(JsonNode object) {
    List<JsonNode> values = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
    while (it.hasNext()) {
      values.add(it.next().getValue());
    }
    return values;
  }
}
