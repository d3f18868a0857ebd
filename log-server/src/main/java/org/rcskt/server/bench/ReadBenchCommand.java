package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.security.SecureRandom;
import java.time.Instant;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.tile.Tiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code read-bench}: read load on a running log: inclusion proofs for random leaves, random full
 * hash tiles, random full entry bundles, all against the checkpoint current when the run starts, or
 * the checkpoint itself. Reports throughput and latency percentiles; a sample of the answers is
 * verified (proofs against the signed checkpoint, checkpoints by signature, tiles and bundles by
 * size and form). Exit status 1 when any answer was not a good 200.
 */
@Command(
    name = "read-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Read load on a log: inclusion proofs, hash tiles or entry bundles at random positions, or"
          + " the checkpoint."
    })
public final class ReadBenchCommand extends HttpLoadCommand {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What to request. */
  public enum Mode {
    proofs,
    tiles,
    bundles,
    checkpoints
  }

  @Option(
      names = "--mode",
      defaultValue = "proofs",
      description = "proofs, tiles, bundles or checkpoints (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(names = "--seed", description = "Seed of the positions (default: random).")
  Long seed;

  public ReadBenchCommand() {
    super(64, 64, 30, 5);
  }

  @Override
  public Integer call() throws Exception {
    checkLoadOptions();
    LogInfo info = LogInfo.fetch(url);
    SignedCheckpoint cp = info.checkpoint(url);
    long size = cp.checkpoint().treeSize();
    if (size == 0) {
      throw new IllegalStateException("the log is empty");
    }
    long s = seed != null ? seed : new SecureRandom().nextLong();
    Positions positions = new Positions(size, s);
    if ((mode == Mode.tiles || mode == Mode.bundles) && positions.fullTiles(mode) == 0) {
      throw new IllegalStateException("the tree of size " + size + " has no full tile yet");
    }
    Checker checker = new Checker(info, cp, positions, verifyEvery);

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
    String prefix = requestUri("");
    Measured m =
        measure(
            i -> new LoadRun.Request(HttpMethod.GET, prefix + positions.uri(mode, i), null),
            Long.MAX_VALUE,
            checker);
    LoadRun.Result r = m.result();

    out.println("---");
    out.printf(
        "%s: %.0f requests/s answered 200 (%d of %d sent in the measured %.0f s)%n",
        mode, r.okPerSecond(), r.ok(), r.sent(), durationSeconds);
    printAnswers(r);
    out.printf("answers checked: %d, bad: %d%n", checker.verified(), checker.bad());
    printCpu(m);
    out.printf("load average %s before, %s after%n", m.loadBefore(), Reports.loadAverage());
    // Every read names a position inside the tree the run started from, so anything but a good
    // 200 (an error status, a timeout, a broken connection, a wrong answer) is a failure.
    long failed = r.completed() - r.ok();
    if (failed > 0) {
      out.printf("FAILED: %d of %d answers were not a good 200%n", failed, r.completed());
    }
    return failed == 0 ? 0 : 1;
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
      return switch (mode) {
        case proofs -> "/v1/proof/inclusion?index=" + leafIndex(i) + "&size=" + size;
        case tiles, bundles -> "/" + tile(mode, i);
        case checkpoints -> "/checkpoint";
      };
    }
  }

  /** Checks sampled answers: proofs and checkpoints verified, tiles and bundles by form. */
  private final class Checker extends SampledCheck {
    private final LogInfo info;
    private final SignedCheckpoint cp;
    private final Positions positions;

    Checker(LogInfo info, SignedCheckpoint cp, Positions positions, int every) {
      super(every, "bad_answer");
      this.info = info;
      this.cp = cp;
      this.positions = positions;
    }

    @Override
    void verify(long i, Buffer body) throws Exception {
      switch (mode) {
        case proofs -> {
          JsonNode j = MAPPER.readTree(body.getBytes());
          long index = j.get("leafIndex").asLong();
          if (index != positions.leafIndex(i)) {
            throw new IllegalStateException("proof for leaf " + index);
          }
          InclusionProof.verify(
              index,
              cp.checkpoint().treeSize(),
              Hash.fromBase64(j.get("leafHash").asText()),
              hashes(j.get("inclusionProof")),
              cp.checkpoint().rootHash());
        }
        case tiles -> {
          if (body.length() != TilePath.FULL_WIDTH * Hash.SIZE) {
            throw new IllegalStateException("tile of " + body.length() + " bytes");
          }
        }
        case bundles -> EntryBundle.parse(positions.tile(mode, i), body.getBytes());
        case checkpoints -> {
          SignedCheckpoint now =
              SignedCheckpoint.verify(body.getBytes(), info.origin(), info.logKey());
          if (now.checkpoint().treeSize() < cp.checkpoint().treeSize()) {
            throw new IllegalStateException("the tree shrank to " + now.checkpoint().treeSize());
          }
        }
      }
    }
  }
}
