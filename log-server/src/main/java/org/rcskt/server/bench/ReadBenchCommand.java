package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.tile.Tiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code read-bench}: read load on a running log: inclusion proofs for random leaves, random full
 * hash tiles, or random full entry bundles, all against the checkpoint current when the run starts.
 * Reports throughput and latency percentiles; a sample of the answers is verified (proofs against
 * the signed checkpoint, tiles and bundles by size and form).
 */
@Command(
    name = "read-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Read load on a log: inclusion proofs, hash tiles or entry bundles at random positions."
    })
public final class ReadBenchCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What to request. */
  public enum Mode {
    proofs,
    tiles,
    bundles
  }

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Base URL of the log (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--mode",
      defaultValue = "proofs",
      description = "proofs, tiles or bundles (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Target requests/s, open loop; 0 for closed loop at --concurrency.")
  double rate;

  @Option(
      names = "--concurrency",
      defaultValue = "64",
      description = "Requests in flight in closed-loop mode (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "HTTP/1.1 keep-alive connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--client-threads",
      defaultValue = "1",
      description = "Event loops of the HTTP client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(
      names = "--duration",
      defaultValue = "30",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--seed", description = "Seed of the positions (default: random).")
  Long seed;

  @Option(
      names = "--verify-every",
      defaultValue = "1000",
      description = "Check every N-th answer; 0 never (default: ${DEFAULT-VALUE}).")
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

  public ReadBenchCommand() {
    this(System.out);
  }

  ReadBenchCommand(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadBenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (rate < 0 || durationSeconds <= 0 || warmupSeconds < 0 || concurrency < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--rate must be >= 0, --duration > 0, --warmup >= 0 and --concurrency >= 1");
    }
    BenchCommand.LogInfo info = BenchCommand.LogInfo.fetch(url);
    SignedCheckpoint cp = fetchCheckpoint(info);
    long size = cp.checkpoint().treeSize();
    long s = seed != null ? seed : new SecureRandom().nextLong();
    Positions positions = new Positions(size, s);
    if (mode != Mode.proofs && positions.fullTiles(mode) == 0) {
      throw new IllegalStateException("the tree of size " + size + " has no full tile yet");
    }
    String prefix = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    Checker checker = new Checker(cp, positions, verifyEvery);

    out.printf(
        "log %s at %s, tree size %,d; %s at %s for %.0f s after %.0f s of warm-up, %d connections,"
            + " seed %d; started %s; load average %s%n",
        info.origin(),
        url,
        size,
        mode,
        rate > 0 ? String.format("%.0f requests/s open loop", rate) : concurrency + " in flight",
        durationSeconds,
        warmupSeconds,
        connections,
        s,
        Instant.now(),
        Reports.loadAverage());
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
            Long.MAX_VALUE,
            (long) (reportIntervalSeconds * 1e9),
            timeoutMillis);
    LoadRun run =
        new LoadRun(
            settings,
            i -> new LoadRun.Request(HttpMethod.GET, prefix + positions.uri(mode, i), null),
            checker,
            out);
    String loadBefore = Reports.loadAverage();
    Optional<Duration> cpu0 = serverPid == null ? Optional.empty() : Reports.cpuOf(serverPid);
    LoadRun.Result r = run.run();
    Optional<Duration> cpu1 = serverPid == null ? Optional.empty() : Reports.cpuOf(serverPid);

    out.println("---");
    out.printf(
        "%s: %.0f requests/s answered 200 (%d of %d sent in the measured %.0f s)%n",
        mode, r.okPerSecond(), r.ok(), r.sent(), durationSeconds);
    out.printf("outcomes: %s%n", Reports.outcomes(r.outcomes()));
    out.printf("latency: %s%n", Reports.latencies(r.latencyMicros()));
    out.printf("answers checked: %d, bad: %d%n", checker.checked.sum(), checker.bad.sum());
    out.println(
        Reports.cpu(
            "load generator",
            r.clientCpuNanos(),
            r.elapsedSeconds() + warmupSeconds,
            r.allCompleted()));
    if (cpu0.isPresent() && cpu1.isPresent()) {
      out.println(
          Reports.cpu(
              "server",
              cpu1.get().minus(cpu0.get()).toNanos(),
              r.elapsedSeconds() + warmupSeconds,
              r.allCompleted()));
    }
    out.printf("load average %s before, %s after%n", loadBefore, Reports.loadAverage());
    return checker.bad.sum() == 0 ? 0 : 1;
  }

  private SignedCheckpoint fetchCheckpoint(BenchCommand.LogInfo info) throws Exception {
    java.net.http.HttpClient c =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    java.net.http.HttpResponse<byte[]> r =
        c.send(
            java.net.http.HttpRequest.newBuilder(url.resolve("/checkpoint"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /checkpoint answered " + r.statusCode());
    }
    return SignedCheckpoint.verify(
        r.body(), info.origin(), NoteVerifiers.parse(info.verifierKey()));
  }

  /** Request {@code i}'s position, a pure function of the seed and {@code i}. */
  static final class Positions {
    private final long size;
    private final long seed;
    private final long[] fullTilesPerLevel;
    private final long totalFullTiles;

    Positions(long size, long seed) {
      this.size = size;
      this.seed = seed;
      int levels = Tiles.levelCount(size);
      this.fullTilesPerLevel = new long[Math.max(1, levels)];
      long total = 0;
      for (int l = 0; l < fullTilesPerLevel.length; l++) {
        fullTilesPerLevel[l] = Tiles.fullTileCount(l, size);
        total += fullTilesPerLevel[l];
      }
      this.totalFullTiles = total;
    }

    long fullTiles(Mode mode) {
      return mode == Mode.bundles ? fullTilesPerLevel[0] : totalFullTiles;
    }

    /** A well-mixed 64-bit value for request {@code i} (SplitMix64's finalizer). */
    long random(long i) {
      long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    long leafIndex(long i) {
      return Math.floorMod(random(i), size);
    }

    /** Request {@code i}'s full tile, uniform over all full tiles of every level. */
    TilePath tile(Mode mode, long i) {
      long k = Math.floorMod(random(i), fullTiles(mode));
      if (mode == Mode.bundles) {
        return TilePath.entryBundle(k, TilePath.FULL_WIDTH);
      }
      int level = 0;
      while (k >= fullTilesPerLevel[level]) {
        k -= fullTilesPerLevel[level];
        level++;
      }
      return TilePath.hashTile(level, k, TilePath.FULL_WIDTH);
    }

    String uri(Mode mode, long i) {
      if (mode == Mode.proofs) {
        return "/v1/proof/inclusion?index=" + leafIndex(i) + "&size=" + size;
      }
      return "/" + tile(mode, i);
    }
  }

  /** Checks a sample of answers. */
  private final class Checker implements LoadRun.ResponseCheck {
    private final SignedCheckpoint cp;
    private final Positions positions;
    private final int every;
    final LongAdder checked = new LongAdder();
    final LongAdder bad = new LongAdder();

    Checker(SignedCheckpoint cp, Positions positions, int every) {
      this.cp = cp;
      this.positions = positions;
      this.every = every;
    }

    @Override
    public String check(long i, int status, Buffer body) {
      if (status != 200 || every <= 0 || i % every != 0) {
        return null;
      }
      try {
        switch (mode) {
          case proofs -> {
            JsonNode j = MAPPER.readTree(body.getBytes());
            List<Hash> proof = new ArrayList<>();
            j.get("inclusionProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
            long index = j.get("leafIndex").asLong();
            if (index != positions.leafIndex(i)) {
              throw new IllegalStateException("proof for leaf " + index);
            }
            InclusionProof.verify(
                index,
                cp.checkpoint().treeSize(),
                Hash.fromBase64(j.get("leafHash").asText()),
                proof,
                cp.checkpoint().rootHash());
          }
          case tiles -> {
            if (body.length() != TilePath.FULL_WIDTH * Hash.SIZE) {
              throw new IllegalStateException("tile of " + body.length() + " bytes");
            }
          }
          case bundles -> EntryBundle.parse(positions.tile(mode, i), body.getBytes());
        }
        checked.increment();
        return null;
      } catch (Exception e) {
        bad.increment();
        return "bad_answer";
      }
    }
  }
}
