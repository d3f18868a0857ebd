package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: submits valid signed key events to a running log over HTTP and prints throughput
 * and latency percentiles. Every event is a carrier-attested REGISTER of a fresh subject (or, with
 * {@code --unattested}, one signed by its device alone); all of them are built and signed, and
 * their JSON bodies encoded, before timing starts. Exit status 1 when a sampled receipt does not
 * verify or the log refused an event with a 4xx answer.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Submits valid signed key events to a log over HTTP and reports throughput and latency.",
      "With --rate the load is open-loop (latency counted from each event's intended send time);"
          + " without it, --concurrency requests are kept in flight to find the maximum."
    })
public final class BenchCommand extends HttpLoadCommand {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
      names = "--unattested",
      description =
          "REGISTERs signed by the device alone, no carrier key needed (the server must run with"
              + " --allow-unattested).")
  boolean unattested;

  @Option(
      names = "--events",
      defaultValue = "0",
      description =
          "Events to prepare, and so the most sent; 0: rate x (warmup + duration), or 10,000/s x"
              + " (warmup + duration) in closed loop.")
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
      names = "--hybrid-share",
      defaultValue = "0",
      description =
          "Share of events (0 to 1) that register an Ed25519 + ML-DSA-65 hybrid key instead of an"
              + " Ed25519 key (default: ${DEFAULT-VALUE}).")
  double hybridShare;

  @Option(
      names = "--attestation",
      defaultValue = "none",
      description =
          "Device attestation evidence on every REGISTER: none, android or apple, from a test CA"
              + " made from --attestation-seed; the server must trust its roots"
              + " (--write-attestation-config) (default: ${DEFAULT-VALUE}).")
  String attestation;

  @Option(
      names = "--attestation-seed",
      defaultValue = "1",
      description = "Seed of the test CAs of --attestation (default: ${DEFAULT-VALUE}).")
  long attestationSeed;

  @Option(
      names = "--write-attestation-config",
      description =
          "Write the test CAs' roots into this folder, print the server config fragment that"
              + " trusts them, and exit.")
  java.nio.file.Path writeAttestationConfig;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description =
          "Events per request: 1 sends each to POST /v1/events, more (up to 1000) sends them in"
              + " groups to POST /v1/events/batch (default: ${DEFAULT-VALUE}).")
  int batch;

  public BenchCommand() {
    super(256, 256, 60, 10);
  }

  @Override
  public Integer call() throws Exception {
    BenchAttestation.Kind kind;
    try {
      kind = BenchAttestation.Kind.valueOf(attestation.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw usage("--attestation must be none, android or apple, got " + attestation);
    }
    BenchAttestation att = new BenchAttestation(kind, attestationSeed);
    if (writeAttestationConfig != null) {
      out.println(att.writeConfig(writeAttestationConfig));
      return 0;
    }
    checkLoadOptions();
    if (events < 0 || prepThreads < 0 || deviceKeys < 0) {
      throw usage("--events, --prep-threads and --device-keys must be >= 0");
    }
    Ed25519.KeyPair carrier = null;
    if (!unattested) {
      if (carrierKey == null && dataDir == null) {
        throw usage("give --carrier-key or the server's --data-dir (or --unattested)");
      }
      carrier =
          BenchEvents.readSignerKey(
              carrierKey != null ? carrierKey : dataDir.resolve("dev-carrier.key"));
    }
    long s = seed != null ? seed : new SecureRandom().nextLong();
    // Namespace 0 is populate's.
    int namespace = 1 + (int) Math.floorMod(s, (long) BenchEvents.NAMESPACES - 1);
    double seconds = warmupSeconds + durationSeconds;
    long count = events > 0 ? events : (long) Math.ceil((rate > 0 ? rate : 10_000) * seconds) + 1;
    if (count > Integer.MAX_VALUE - 8) {
      throw usage("cannot prepare " + count + " events in one run");
    }
    int threads = prepThreads > 0 ? prepThreads : Runtime.getRuntime().availableProcessors();

    LogInfo info = LogInfo.fetch(url);
    out.printf(
        "log %s at %s, tree size %d; load average %s%n",
        info.origin(), url, info.treeSize(), Reports.loadAverage());
    out.printf(
        "preparing %,d %sREGISTER events (seed %d, namespace %d) on %d threads%n",
        count, unattested ? "unattested " : "", s, namespace, threads);

    // Timestamps must stay within the log's clock-skew window (10 minutes back, 2 ahead) when the
    // events arrive. They start a minute ahead and follow the planned send times; in closed loop
    // the send times are unknown, so they advance as if at 10,000 events/s at most: an event
    // stamped early is at worst as far behind as the run is long, never too far ahead.
    long prepStart = System.currentTimeMillis();
    double msPerEvent = rate > 0 ? 1000.0 / rate : Math.min(0.1, seconds * 1000.0 / count);
    if (!(hybridShare >= 0 && hybridShare <= 1)) {
      throw usage("--hybrid-share must be from 0 to 1, got " + hybridShare);
    }
    BenchEvents gen =
        new BenchEvents(carrierId, carrier, namespace, s, deviceKeys)
            .withHybridShare(hybridShare, 256)
            .withAttestation(att);
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

    if (batch < 1 || batch > 1000) {
      throw usage("--batch must be 1 to 1000, got " + batch);
    }
    byte[][] requests = batch == 1 ? bodies : batches(bodies, batch);
    SampledCheck check =
        batch == 1
            ? new ReceiptCheck(info, bodies, verifyEvery)
            : new BatchReceiptCheck(info, bodies, batch, verifyEvery);
    String uri = requestUri(batch == 1 ? "/v1/events" : "/v1/events/batch");
    if (batch > 1) {
      out.printf(
          "%,d requests of up to %d events each to /v1/events/batch%n", requests.length, batch);
    }
    out.printf(
        "%s for %.0f s after %.0f s of warm-up, %d connections; started %s%n",
        rate > 0
            ? String.format("open loop at %.0f events/s", rate)
            : "closed loop with " + concurrency + " in flight",
        durationSeconds,
        warmupSeconds,
        connections,
        Instant.now());
    Measured m =
        measure(
            i -> new LoadRun.Request(HttpMethod.POST, uri, Buffer.buffer(requests[(int) i])),
            requests.length,
            check);
    LoadRun.Result r = m.result();
    LogInfo after = LogInfo.fetch(url);

    out.println("---");
    if (batch == 1) {
      out.printf(
          "ingest: %.0f events/s accepted (%d of %d sent in the measured %.0f s, answered within"
              + " %.1f s)%n",
          r.okPerSecond(), r.ok(), r.sent(), durationSeconds, r.elapsedSeconds());
    } else {
      out.printf(
          "ingest: %.0f events/s in batches answered 200 (%d batches of %d of %d sent in the"
              + " measured %.0f s, answered within %.1f s); events refused inside them: %d of"
              + " those checked%n",
          r.okPerSecond() * batch,
          r.ok(),
          batch,
          r.sent(),
          durationSeconds,
          r.elapsedSeconds(),
          check.bad());
    }
    printAnswers(r);
    if (rate > 0) {
      out.printf(
          "offered %.0f events/s; latency counted from each event's intended send time%n", rate);
    }
    out.printf(
        "receipts verified: %d (checkpoint signature and inclusion proof), bad: %d%n",
        check.verified(), check.bad());
    printCpu(m);
    if (batch > 1 && m.serverCpuNanos().isPresent()) {
      out.printf(
          "server CPU per event: %.0f us (%d events in %d requests, warm-up included)%n",
          m.serverCpuNanos().getAsLong() / 1e3 / ((double) r.allCompleted() * batch),
          r.allCompleted() * batch,
          r.allCompleted());
    }
    out.printf(
        "tree size %d -> %d; load average %s before, %s after%n",
        info.treeSize(), after.treeSize(), m.loadBefore(), Reports.loadAverage());
    if (r.ranOutOfRequests()) {
      out.println(
          events > 0
              ? "all " + count + " events were sent before the measured time was over"
              : "WARNING: ran out of prepared events before the end: raise --events");
    }
    // Answers 503 and timeouts are what overload looks like; a 4xx means the log refused events
    // that are valid by construction: the wrong carrier key, say, or an unattested run against a
    // log that does not allow them.
    long refused =
        r.outcomes().entrySet().stream()
            .filter(e -> e.getKey().startsWith("4"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    if (refused > 0) {
      out.printf("FAILED: the log refused %d events%n", refused);
    }
    return check.bad() == 0 && refused == 0 ? 0 : 1;
  }

  /** Groups {@code bodies} into batch request bodies of {@code n} events. */
  static byte[][] batches(byte[][] bodies, int n) {
    byte[][] out = new byte[(bodies.length + n - 1) / n][];
    for (int b = 0; b < out.length; b++) {
      java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
      o.writeBytes("{\"events\": [".getBytes(StandardCharsets.UTF_8));
      for (int i = b * n; i < Math.min(bodies.length, (b + 1) * n); i++) {
        if (i > b * n) {
          o.write(',');
        }
        o.writeBytes(bodies[i]);
      }
      o.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
      out[b] = o.toByteArray();
    }
    return out;
  }

  /**
   * Verifies sampled batch answers: every outcome 200, the checkpoint's signature, and each event's
   * inclusion proof against it.
   */
  static final class BatchReceiptCheck extends SampledCheck {
    private final String origin;
    private final NoteVerifier logKey;
    private final byte[][] bodies;
    private final int batch;

    BatchReceiptCheck(LogInfo info, byte[][] bodies, int batch, int every)
        throws VerificationException {
      super(every, "bad_receipt");
      this.origin = info.origin();
      this.logKey = info.logKey();
      this.bodies = bodies;
      this.batch = batch;
    }

    @Override
    void verify(long b, Buffer body) throws Exception {
      JsonNode j = MAPPER.readTree(body.getBytes());
      SignedCheckpoint cp =
          SignedCheckpoint.verify(
              j.get("checkpoint").asText().getBytes(StandardCharsets.UTF_8), origin, logKey);
      JsonNode results = j.get("results");
      for (int k = 0; k < results.size(); k++) {
        JsonNode x = results.get(k);
        if (x.get("status").asInt() != 200) {
          throw new IllegalStateException("event " + k + " of the batch: " + x);
        }
        KeyEvent e =
            EventJson.parse(new String(bodies[(int) (b * batch + k)], StandardCharsets.UTF_8));
        InclusionProof.verify(
            x.get("leafIndex").asLong(),
            cp.checkpoint().treeSize(),
            e.leafHash(),
            hashes(x.get("inclusionProof")),
            cp.checkpoint().rootHash());
      }
    }
  }

  /** Verifies sampled receipts: the checkpoint's signature and the event's inclusion proof. */
  static final class ReceiptCheck extends SampledCheck {
    private final String origin;
    private final NoteVerifier logKey;
    private final byte[][] bodies;

    ReceiptCheck(LogInfo info, byte[][] bodies, int every) throws VerificationException {
      super(every, "bad_receipt");
      this.origin = info.origin();
      this.logKey = info.logKey();
      this.bodies = bodies;
    }

    @Override
    void verify(long i, Buffer body) throws Exception {
      KeyEvent e = EventJson.parse(new String(bodies[(int) i], StandardCharsets.UTF_8));
      JsonNode j = MAPPER.readTree(body.getBytes());
      SignedCheckpoint cp =
          SignedCheckpoint.verify(
              j.get("checkpoint").asText().getBytes(StandardCharsets.UTF_8), origin, logKey);
      InclusionProof.verify(
          j.get("leafIndex").asLong(),
          cp.checkpoint().treeSize(),
          e.leafHash(),
          hashes(j.get("inclusionProof")),
          cp.checkpoint().rootHash());
    }
  }
}
