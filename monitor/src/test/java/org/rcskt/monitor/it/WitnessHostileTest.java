package org.rcskt.monitor.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.monitor.testing.Fixtures.alerts;
import static org.rcskt.monitor.testing.Fixtures.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.Monitor;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.config.WitnessConfig;
import org.rcskt.monitor.follow.LogClient;
import org.rcskt.monitor.testing.Fixtures;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.server.cli.LogServerCli;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.Cosignature;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.CosignatureV1Signer;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.KeyFileIo;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/**
 * The log-server's {@code hostile} tool with its {@code witness} family against a real log and a
 * real monitor witness (issue 11: the witness answers every malformed request with the spec's
 * status, never a 5xx, and its state survives): a short seeded run, then the witness must still
 * cosign the log, refuse a fork of the size it cosigned, and remember that size across a restart.
 */
class WitnessHostileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Every status docs/monitor.md gives the witness's answers but 503 (a failed state store). */
  private static final List<String> STATUSES =
      List.of("200", "400", "403", "404", "409", "413", "422");

  @TempDir Path dir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aHostileRunGetsTheSpecsStatusesAndLeavesTheWitnessCosigning() throws Exception {
    CosignatureV1Signer key = WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    Path alertsFile = dir.resolve("alerts.jsonl");
    Path logDir = dir.resolve("log");
    try (TestLog log = TestLog.start(logDir)) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(new Random(3)));
      MonitorConfig config =
          Fixtures.monitor(
                  dir.resolve("monitor"),
                  List.of(Fixtures.follow(log, Duration.ofMillis(200), 1)),
                  List.of(),
                  List.of(new SinkConfig.File("file", alertsFile)),
                  List.of())
              .withWitness(new WitnessConfig(dir.resolve("w.key")));
      long cosigned;
      try (Monitor m = Monitor.start(config)) {
        String witnessUrl = "http://127.0.0.1:" + m.port();
        Path report = dir.resolve("hostile.json");
        Cli run =
            hostile(
                "--url",
                log.server().baseUrl(),
                "--carrier-key",
                logDir.resolve("dev-carrier.key").toString(),
                "--witness-url",
                witnessUrl,
                "--witness-key",
                key.verifier().verifierKey(),
                // Mostly the witness; valid traffic beside it makes the log grow by itself.
                "--families",
                "witness=4,valid=1",
                "--requests",
                "3000",
                "--connections",
                "4",
                "--seed",
                "11",
                "--slow-connections",
                "0",
                "--report-interval",
                "60",
                "--json",
                report.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode j = JSON.readTree(report.toFile());
        assertThat(j.get("fiveXx").get("count").asLong()).as(run.toString()).isZero();
        JsonNode witness = j.get("witness");
        assertThat(witness.get("wrongStatuses").asLong()).as(witness.toString()).isZero();
        assertThat(witness.get("checkAfter").get("ok").asBoolean()).as(witness.toString()).isTrue();
        JsonNode family = family(j, "witness");
        assertThat(family.get("sent").asLong()).isGreaterThan(1500);
        assertThat(family.get("unexpected").asLong()).isZero();
        assertThat(family.get("closedWithoutAnswer").asLong()).isZero();
        assertThat(family.get("timeouts").asLong()).isZero();
        List<String> statuses = new ArrayList<>();
        family.get("answers").fieldNames().forEachRemaining(statuses::add);
        assertThat(statuses).containsExactlyInAnyOrderElementsOf(STATUSES);
        // Real consistency proofs with a flaw were refused, not only proofs where none belong.
        JsonNode variants = family.get("variants");
        assertThat(variants.get("bad-proof-flipped-bit").get("422").asLong()).isPositive();
        assertThat(variants.get("cosign").get("200").asLong()).isPositive();
        JsonNode cosigns = j.get("valid").get("byKind").get("witness-cosign");
        assertThat(cosigns.get("ok").asLong()).isPositive();
        assertThat(cosigns.get("failed").asLong()).isZero();
        assertThat(run.out())
            .contains("witness " + witnessUrl + ": 0 answers with a wrong status")
            .contains("witness check after the run: ok: ");

        // The witness is where it was left: it answers the size it last cosigned, cosigns the log
        // from there, and refuses another tree of that size signed by the log's key.
        URI add = URI.create(witnessUrl + "/add-checkpoint");
        cosigned = witness.get("figures").get("witnessLatestSize").asLong();
        assertThat(latestOf(add, log)).isEqualTo(cosigned);
        log.register("+447700900124", "phone", Ed25519.KeyPair.generate(new Random(4)));
        LogClient client = new LogClient(log.url(), Duration.ofSeconds(10));
        Ed25519NoteVerifier logKey = Ed25519NoteVerifier.fromVerifierKey(log.verifierKey());
        byte[] next = client.checkpoint();
        long size = SignedCheckpoint.verify(next, log.origin(), logKey).checkpoint().treeSize();
        assertThat(size).isGreaterThan(cosigned);
        HttpResponse<String> ok =
            post(
                add,
                new AddCheckpointRequest(cosigned, client.consistencyProof(cosigned, size), next)
                    .encode());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        SignedCheckpoint withCosignature =
            SignedCheckpoint.verify(
                concat(next, ok.body().getBytes(UTF_8)),
                log.origin(),
                logKey,
                NoteVerifiers.of(key.verifier()));
        assertThat(withCosignature.cosignatures())
            .extracting(Cosignature::name)
            .containsExactly("witness.test/w1");
        cosigned = size;
        // Nothing the run sent raised an alert.
        assertThat(alerts(alertsFile)).isEmpty();
        // The metrics count no 5xx answer.
        String metrics =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(witnessUrl + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
            .contains("rcskt_monitor_witness_requests_total{status=\"200\"}")
            .doesNotContain("rcskt_monitor_witness_requests_total{status=\"5");

        CheckpointSigner evil =
            CheckpointSigner.of(Ed25519NoteSigner.fromSignerKey(KeyFileIo.read(log.logKeyFile())));
        byte[] fork = evil.sign(cosigned, Hash.sha256("fork".getBytes(UTF_8)));
        HttpResponse<String> refused =
            post(add, new AddCheckpointRequest(cosigned, List.of(), fork).encode());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(refused.body()).isEqualTo(cosigned + "\n");
        // The following monitor turns the offered fork into an alert, as it should.
        await(Duration.ofSeconds(20), () -> !alerts(alertsFile).isEmpty());
      }
      // Restarted on the same state, the witness still knows the size it cosigned last.
      try (Monitor again = Monitor.start(config)) {
        URI add = URI.create("http://127.0.0.1:" + again.port() + "/add-checkpoint");
        assertThat(latestOf(add, log)).isEqualTo(cosigned);
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aWitnessThatAnswersWithOtherStatusesFailsTheRun() throws Exception {
    WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    Path logDir = dir.resolve("log");
    try (TestLog log = TestLog.start(logDir)) {
      log.register("+447700900123", "phone", Ed25519.KeyPair.generate(new Random(5)));
      try (Monitor m =
              Monitor.start(
                  Fixtures.monitor(
                          dir.resolve("monitor"),
                          List.of(Fixtures.follow(log, Duration.ofMillis(200), 1).witnessOnly()),
                          List.of(),
                          List.of(new SinkConfig.File("file", dir.resolve("alerts.jsonl"))),
                          List.of())
                      .withWitness(new WitnessConfig(dir.resolve("w.key"))));
          Sloppy sloppy = new Sloppy(URI.create("http://127.0.0.1:" + m.port()))) {
        Path report = dir.resolve("sloppy.json");
        Cli run =
            hostile(
                "--url",
                log.server().baseUrl(),
                "--carrier-key",
                logDir.resolve("dev-carrier.key").toString(),
                "--witness-url",
                sloppy.url(),
                "--families",
                "witness",
                "--requests",
                "600",
                "--connections",
                "2",
                "--seed",
                "4",
                "--slow-connections",
                "0",
                "--json",
                report.toString());
        assertThat(run.code()).as(run.toString()).isEqualTo(1);
        JsonNode j = JSON.readTree(report.toFile());
        JsonNode variants = family(j, "witness").get("variants");
        long badSignatures = 0;
        long tooLarge = 0;
        for (var it = variants.fields(); it.hasNext(); ) {
          var v = it.next();
          if (v.getKey().startsWith("sig-")) {
            badSignatures += v.getValue().path("400").asLong();
          } else if (v.getKey().startsWith("over-limit")) {
            tooLarge += v.getValue().path("500").asLong();
          }
        }
        assertThat(badSignatures).isPositive().isEqualTo(sloppy.rewritten403.get());
        assertThat(tooLarge).isPositive().isEqualTo(sloppy.rewritten413.get());
        assertThat(j.get("fiveXx").get("count").asLong()).isEqualTo(tooLarge);
        assertThat(j.get("witness").get("wrongStatuses").asLong())
            .isEqualTo(badSignatures + tooLarge);
        assertThat(j.get("witness").get("checkAfter").get("ok").asBoolean()).isTrue();
        assertThat(run.out())
            .contains(
                String.format(
                    "FAILED: %,d witness answers were not the status the spec gives the request",
                    badSignatures + tooLarge))
            .containsPattern("  sig-[a-z-]+: wanted 403, got 400 ");
      }
    }
  }

  @Test
  void theWitnessFamilyNeedsAWitness() {
    Cli run = hostile("--families", "escapes,witness");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "log-server hostile: the family witness needs --witness-url (see: log-server hostile"
                + " --help)");
    Cli key = hostile("--witness-key", "witness.test/w1+01234567+BAAA");
    assertThat(key.err().strip()).contains("--witness-key needs --witness-url");
  }

  /**
   * A witness in front of a real one that gets two statuses wrong: 400 for a bad signature (403)
   * and 500 for a body over the limit (413).
   */
  private static final class Sloppy implements AutoCloseable {
    private final com.sun.net.httpserver.HttpServer server;
    private final HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final java.util.concurrent.atomic.AtomicLong rewritten403 =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong rewritten413 =
        new java.util.concurrent.atomic.AtomicLong();

    Sloppy(URI upstream) throws java.io.IOException {
      server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 16);
      server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
      server.createContext(
          "/",
          ex -> {
            try {
              byte[] body = ex.getRequestBody().readAllBytes();
              HttpResponse<byte[]> r =
                  client.send(
                      HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().getPath()))
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray());
              int status = r.statusCode();
              if (status == 403) {
                rewritten403.incrementAndGet();
                status = 400;
              } else if (status == 413) {
                rewritten413.incrementAndGet();
                status = 500;
              }
              r.headers()
                  .firstValue("Content-Type")
                  .ifPresent(t -> ex.getResponseHeaders().set("Content-Type", t));
              ex.sendResponseHeaders(status, r.body().length == 0 ? -1 : r.body().length);
              ex.getResponseBody().write(r.body());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              ex.sendResponseHeaders(502, -1);
            } finally {
              ex.close();
            }
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  /** The witness's latest cosigned size, from the 409 that {@code old 0} gets. */
  private static long latestOf(URI add, TestLog log) throws Exception {
    byte[] cp = new LogClient(log.url(), Duration.ofSeconds(10)).checkpoint();
    HttpResponse<String> r = post(add, new AddCheckpointRequest(0, List.of(), cp).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
    assertThat(r.body()).endsWith("\n");
    return Long.parseLong(r.body().strip());
  }

  private static HttpResponse<String> post(URI u, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(u).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode family(JsonNode report, String name) {
    for (JsonNode f : report.get("families")) {
      if (f.get("name").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no family " + name + " in " + report);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A finished log-server command line: exit status and what it printed. */
  private record Cli(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + out + err;
    }
  }

  /** Runs {@code log-server hostile} in this process, keeping what it prints. */
  private static Cli hostile(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "hostile";
    System.arraycopy(args, 0, all, 1, args.length);
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, UTF_8));
    System.setErr(new PrintStream(err, true, UTF_8));
    int code;
    try {
      code = LogServerCli.run(all);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Cli(code, out.toString(UTF_8), err.toString(UTF_8));
  }
}
