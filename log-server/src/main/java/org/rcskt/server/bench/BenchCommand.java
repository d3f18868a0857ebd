package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: submits valid signed key events to a running log over HTTP and prints throughput
 * and latency percentiles. Every event is a carrier-attested REGISTER of a fresh subject with its
 * own device key; all of them are built and signed, and their JSON bodies encoded, before timing
 * starts.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Submits valid signed key events to a log over HTTP and reports throughput and latency.",
      "With --rate the load is open-loop (latency counted from each event's intended send time);"
          + " without it, --concurrency requests are kept in flight to find the maximum."
    })
public final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Base URL of the log (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--data-dir",
      description = "The server's data directory, to read its development carrier key from.")
  Path dataDir;

  @Option(
      names = "--carrier-key",
      description =
          "A carrier anchor signer key file (C2SP signer key); default <data-dir>/dev-carrier.key.")
  Path carrierKey;

  @Option(
      names = "--carrier-id",
      defaultValue = LogServer.DEV_CARRIER_ID,
      description = "The carrier the key belongs to (default: ${DEFAULT-VALUE}).")
  String carrierId;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Target events/s, open loop; 0 for closed loop at --concurrency.")
  double rate;

  @Option(
      names = "--concurrency",
      defaultValue = "256",
      description = "Requests in flight in closed-loop mode (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--connections",
      defaultValue = "256",
      description = "HTTP/1.1 keep-alive connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--client-threads",
      defaultValue = "1",
      description = "Event loops of the HTTP client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(
      names = "--duration",
      defaultValue = "60",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--events",
      defaultValue = "0",
      description =
          "Events to prepare; 0: rate x (warmup + duration), or 10,000/s x (warmup + duration) in"
              + " closed loop.")
  long events;

  @Option(
      names = "--prep-threads",
      defaultValue = "0",
      description = "Threads signing events before the run; 0 for one per core.")
  int prepThreads;

  @Option(
      names = "--device-keys",
      defaultValue = "4096",
      description =
          "Device keys the events share round-robin (each subject still gets one); 0 for a new key"
              + " per event (default: ${DEFAULT-VALUE}).")
  int deviceKeys;

  @Option(names = "--seed", description = "Seed of keys and subjects (default: random).")
  Long seed;

  @Option(
      names = "--verify-every",
      defaultValue = "1000",
      description =
          "Verify the checkpoint signature and inclusion proof of every N-th receipt; 0 never"
              + " (default: ${DEFAULT-VALUE}).")
  int verifyEvery;

  @Option(
      names = "--server-pid",
      description = "Process id of the server, to report the CPU it used during the run.")
  Long serverPid;

  @Option(
      names = "--timeout-ms",
      defaultValue = "30000",
      description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  @Option(
      names = "--report-interval",
      defaultValue = "10",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  double reportIntervalSeconds;

  private final PrintStream out;

  public BenchCommand() {
    this(System.out);
  }

  BenchCommand(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path keyFile = carrierKey;
    if (keyFile == null) {
      if (dataDir == null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "give --carrier-key or the server's --data-dir");
      }
      keyFile = dataDir.resolve("dev-carrier.key");
    }
    if (rate < 0 || durationSeconds <= 0 || warmupSeconds < 0 || concurrency < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--rate must be >= 0, --duration > 0, --warmup >= 0 and --concurrency >= 1");
    }
    Ed25519.KeyPair carrier = BenchEvents.readSignerKey(keyFile);
    long s = seed != null ? seed : new SecureRandom().nextLong();
    // Namespace 0 is populate's.
    int namespace = 1 + (int) Math.floorMod(s, (long) BenchEvents.NAMESPACES - 1);
    double seconds = warmupSeconds + durationSeconds;
    long count = events > 0 ? events : (long) Math.ceil((rate > 0 ? rate : 10_000) * seconds) + 1;
    if (count > Integer.MAX_VALUE - 8) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "cannot prepare " + count + " events in one run");
    }
    int threads = prepThreads > 0 ? prepThreads : Runtime.getRuntime().availableProcessors();

    LogInfo info = LogInfo.fetch(url);
    out.printf(
        "log %s at %s, tree size %d; load average %s%n",
        info.origin(), url, info.treeSize(), Reports.loadAverage());
    out.printf(
        "preparing %,d REGISTER events (seed %d, namespace %d) on %d threads%n",
        count, s, namespace, threads);

    // Timestamps follow the planned send times, a minute ahead, so that even a long run's events
    // stay within the log's clock-skew window (10 minutes back, 2 ahead) when they arrive.
    long prepStart = System.currentTimeMillis();
    double msPerEvent = seconds * 1000.0 / count;
    BenchEvents gen = new BenchEvents(carrierId, carrier, namespace, s, deviceKeys);
    long p0 = System.nanoTime();
    byte[][] bodies =
        gen.jsonBodies((int) count, threads, i -> prepStart + 60_000 + (long) (i * msPerEvent));
    double prepSeconds = (System.nanoTime() - p0) / 1e9;
    long bytes = 0;
    for (byte[] b : bodies) {
      bytes += b.length;
    }
    out.printf(
        "prepared in %.1f s (%.0f events/s), %.0f bytes per body%n",
        prepSeconds, count / prepSeconds, (double) bytes / count);

    ReceiptCheck check = new ReceiptCheck(info, bodies, verifyEvery);
    LoadRun.Settings settings =
        new LoadRun.Settings(
            url.getHost(),
            url.getPort() < 0 ? 80 : url.getPort(),
            connections,
            clientThreads,
            rate,
            concurrency,
            (long) (warmupSeconds * 1e9),
            (long) (durationSeconds * 1e9),
            count,
            (long) (reportIntervalSeconds * 1e9),
            timeoutMillis);
    String path = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    String uri = path + "/v1/events";
    LoadRun run =
        new LoadRun(
            settings,
            i -> new LoadRun.Request(HttpMethod.POST, uri, Buffer.buffer(bodies[(int) i])),
            check,
            out);
    out.printf(
        "%s for %.0f s after %.0f s of warm-up, %d connections; started %s%n",
        rate > 0
            ? String.format("open loop at %.0f events/s", rate)
            : "closed loop with " + concurrency + " in flight",
        durationSeconds,
        warmupSeconds,
        connections,
        Instant.now());
    String loadBefore = Reports.loadAverage();
    Optional<Duration> serverCpu0 = serverPid == null ? Optional.empty() : Reports.cpuOf(serverPid);
    LoadRun.Result r = run.run();
    Optional<Duration> serverCpu1 = serverPid == null ? Optional.empty() : Reports.cpuOf(serverPid);
    LogInfo after = LogInfo.fetch(url);

    out.println("---");
    out.printf(
        "ingest: %.0f events/s accepted (%d of %d sent in the measured %.0f s, answered within"
            + " %.1f s)%n",
        r.okPerSecond(), r.ok(), r.sent(), durationSeconds, r.elapsedSeconds());
    out.printf("outcomes: %s%n", Reports.outcomes(r.outcomes()));
    out.printf("latency: %s%n", Reports.latencies(r.latencyMicros()));
    if (rate > 0) {
      out.printf(
          "offered %.0f events/s; latency counted from each event's intended send time%n", rate);
    }
    out.printf(
        "receipts verified: %d (checkpoint signature and inclusion proof), bad: %d%n",
        check.verified(), check.bad());
    out.println(
        Reports.cpu(
            "load generator",
            r.clientCpuNanos(),
            r.elapsedSeconds() + warmupSeconds,
            r.allCompleted()));
    if (serverCpu0.isPresent() && serverCpu1.isPresent()) {
      long serverNanos = serverCpu1.get().minus(serverCpu0.get()).toNanos();
      out.println(
          Reports.cpu("server", serverNanos, r.elapsedSeconds() + warmupSeconds, r.allCompleted()));
    }
    out.printf(
        "tree size %d -> %d; load average %s before, %s after%n",
        info.treeSize(), after.treeSize(), loadBefore, Reports.loadAverage());
    if (r.ranOutOfRequests()) {
      out.println("WARNING: ran out of prepared events before the end: raise --events");
    }
    return check.bad() == 0 ? 0 : 1;
  }

  /** What {@code GET /v1/info} says about the log. */
  record LogInfo(String origin, String verifierKey, long treeSize) {
    static LogInfo fetch(URI base) throws Exception {
      java.net.http.HttpClient c =
          java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      java.net.http.HttpResponse<byte[]> r =
          c.send(
              java.net.http.HttpRequest.newBuilder(base.resolve("/v1/info"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "GET /v1/info answered "
                + r.statusCode()
                + ": "
                + new String(r.body(), StandardCharsets.UTF_8));
      }
      JsonNode j = MAPPER.readTree(r.body());
      return new LogInfo(
          j.get("origin").asText(), j.get("verifierKey").asText(), j.get("treeSize").asLong());
    }
  }

  /** Verifies a sample of receipts against the log's key, off the hot path of the others. */
  static final class ReceiptCheck implements LoadRun.ResponseCheck {
    private final String origin;
    private final NoteVerifier logKey;
    private final byte[][] bodies;
    private final int every;
    private final java.util.concurrent.atomic.LongAdder verified =
        new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder bad =
        new java.util.concurrent.atomic.LongAdder();

    ReceiptCheck(LogInfo info, byte[][] bodies, int every) throws Exception {
      this.origin = info.origin();
      this.logKey = NoteVerifiers.parse(info.verifierKey());
      this.bodies = bodies;
      this.every = every;
    }

    @Override
    public String check(long i, int status, Buffer body) {
      if (status != 200 || every <= 0 || i % every != 0) {
        return null;
      }
      try {
        KeyEvent e = EventJson.parse(new String(bodies[(int) i], StandardCharsets.UTF_8));
        JsonNode j = MAPPER.readTree(body.getBytes());
        SignedCheckpoint cp =
            SignedCheckpoint.verify(
                j.get("checkpoint").asText().getBytes(StandardCharsets.UTF_8), origin, logKey);
        List<Hash> proof = new ArrayList<>();
        j.get("inclusionProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
        InclusionProof.verify(
            j.get("leafIndex").asLong(),
            cp.checkpoint().treeSize(),
            e.leafHash(),
            proof,
            cp.checkpoint().rootHash());
        verified.increment();
        return null;
      } catch (Exception ex) {
        bad.increment();
        return "bad_receipt";
      }
    }

    long verified() {
      return verified.sum();
    }

    long bad() {
      return bad.sum();
    }
  }
}
