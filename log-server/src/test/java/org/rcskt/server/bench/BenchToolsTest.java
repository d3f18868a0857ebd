package org.rcskt.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Cli;
import org.rcskt.server.testing.Cli.Run;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;

/**
 * The benchmark tools as an operator runs them, {@code log-server <tool> ...}, in small fast runs
 * against real servers and stores, checking what they did to the log and what they reported.
 */
class BenchToolsTest {
  @TempDir Path dir;

  static Run run(String... args) {
    return Cli.run(args);
  }

  static LogServer devServer(Path data, boolean allowUnattested) {
    return LogServer.start(
        ServerConfig.builder(data).port(0).devMode(true).allowUnattested(allowUnattested).build());
  }

  /** The one number a line of {@code text} holds where {@code pattern} has its group. */
  static long number(String text, String pattern) {
    Matcher m = Pattern.compile(pattern, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as("/%s/ in:%n%s", pattern, text).isTrue();
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  /**
   * The leaves of {@code s}'s log from {@code from} on, as {events, map roots}; checks that each
   * batch ends with a map root, so the last leaf is one.
   */
  static long[] leavesSince(LogServer s, long from) {
    long size = s.log().head().treeSize();
    long[] n = new long[2];
    byte[] last = null;
    for (long i = from; i < size; i += 1000) {
      for (byte[] e : s.log().reader().entries(i, Math.min(size, i + 1000), 1000)) {
        n[MapRootEntry.isMapRoot(e) ? 1 : 0]++;
        last = e;
      }
    }
    if (last != null) {
      assertThat(MapRootEntry.isMapRoot(last)).as("the last leaf is a map root").isTrue();
    }
    return n;
  }

  @Test
  void benchLogsExactlyTheEventsItSentAndTheLogStaysConsistent() {
    long after;
    try (LogServer s = devServer(dir, false)) {
      long before = s.log().head().treeSize();
      Run r =
          run(
              "bench",
              "--url",
              s.baseUrl(),
              "--data-dir",
              dir.toString(),
              "--events",
              "300",
              "--warmup",
              "0",
              "--concurrency",
              "16",
              "--connections",
              "4",
              "--seed",
              "5",
              "--verify-every",
              "10");
      assertThat(r.code()).as(r.toString()).isZero();
      // Exactly the 300 events, and one map root per batch the server cut them into.
      long[] added = leavesSince(s, before);
      assertThat(added[0]).isEqualTo(300);
      assertThat(added[1]).isBetween(1L, 300L);
      after = s.log().head().treeSize();
      assertThat(after).isEqualTo(before + 300 + added[1]);
      assertThat(r.out())
          .contains("outcomes: 200=300\n")
          .contains("receipts verified: 30 (checkpoint signature and inclusion proof), bad: 0")
          .contains("tree size " + before + " -> " + after)
          .contains("all 300 events were sent before the measured time was over");
      assertThat(r.err()).isEmpty();

      // The same seed again means the same subjects, which are registered now: the log refuses
      // every event, and bench says so in its exit status.
      Run again =
          run(
              "bench",
              "--url",
              s.baseUrl(),
              "--data-dir",
              dir.toString(),
              "--events",
              "40",
              "--warmup",
              "0",
              "--seed",
              "5");
      assertThat(again.code()).as(again.toString()).isEqualTo(1);
      assertThat(again.out()).contains("FAILED: the log refused 40 events");
      // So is a REGISTER without carrier attestation, on a log that does not allow them.
      Run unattested =
          run("bench", "--url", s.baseUrl(), "--unattested", "--events", "20", "--warmup", "0");
      assertThat(unattested.code()).as(unattested.toString()).isEqualTo(1);
      assertThat(unattested.out()).contains("FAILED: the log refused 20 events");
      // Refused events write nothing, not even a map root.
      assertThat(s.log().head().treeSize()).isEqualTo(after);
    }
    // Every signature checked again, every event replayed through the rules, the map recomputed.
    Run fsck = run("fsck", "--data-dir", dir.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
    assertThat(fsck.out()).contains("OK: tree size " + after + ", root hash ");
  }

  @Test
  void benchUnattestedNeedsNoCarrierKey() {
    try (LogServer s = devServer(dir, true)) {
      Run r =
          run(
              "bench",
              "--url",
              s.baseUrl() + "/",
              "--unattested",
              "--events",
              "50",
              "--warmup",
              "0",
              "--rate",
              "500",
              "--verify-every",
              "7");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("preparing 50 unattested REGISTER events")
          .contains("open loop at 500 events/s")
          .contains("outcomes: 200=50\n")
          .contains("receipts verified: 8 (checkpoint signature and inclusion proof), bad: 0");
      // The dev anchor and its map root, the 50 events, and a map root per batch of them.
      long[] added = leavesSince(s, 2);
      assertThat(added[0]).isEqualTo(50);
      assertThat(s.log().head().treeSize()).isEqualTo(2 + 50 + added[1]);
    }
  }

  @Test
  void populateBuildsALogThatServesVerifiableProofsUnderReadBench() throws Exception {
    Path data = dir.resolve("populated");
    Run p =
        run(
            "populate",
            "--data-dir",
            data.toString(),
            "--entries",
            "3000",
            "--batch",
            "500",
            "--check-every",
            "50",
            "--device-keys",
            "64",
            "--seed",
            "3");
    assertThat(p.code()).as(p.toString()).isZero();
    // --entries is the tree size: the ANCHOR's batch (2 leaves), then batches of 500 REGISTERs and
    // a map root (501 leaves) five times, and a last one of 492 and a map root: 2,992 REGISTERs.
    assertThat(p.out()).contains("done: tree size 3,000 (2,993 events, 7 map roots), root ");
    assertThat(number(p.out(), "; ([\\d,]+) events fully verified against the rules"))
        .isEqualTo(61);
    Run fsck = run("fsck", "--data-dir", data.toString(), "--replay");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
    assertThat(fsck.out()).contains("OK: tree size 3000, root hash ");

    try (LogServer s = devServer(data, false)) {
      // The populated ANCHOR already trusts the carrier: serve logs nothing more.
      assertThat(s.log().head().treeSize()).isEqualTo(3000);
      Http http = new Http(s.baseUrl());
      SignedCheckpoint cp =
          SignedCheckpoint.verify(
              http.get("/checkpoint").body(), s.origin(), NoteVerifiers.parse(s.verifierKey()));
      assertThat(cp.checkpoint().treeSize()).isEqualTo(3000);

      // Entry 1234 read from its bundle and hashed here: in the third batch of REGISTERs (leaves
      // 1004 to 1503, REGISTERs 1000 to 1499, after two batches of 500 and their map roots), it is
      // populate's REGISTER number 1230.
      long index = 1234;
      TilePath bundle = TilePath.entryBundle(index / TilePath.FULL_WIDTH, TilePath.FULL_WIDTH);
      byte[] entry =
          EntryBundle.parse(bundle, http.get("/" + bundle).body())
              .get((int) (index % TilePath.FULL_WIDTH));
      KeyEvent e = EventCodec.decode(entry);
      BenchEvents gen =
          new BenchEvents(LogServer.DEV_CARRIER_ID, null, PopulateCommand.NAMESPACE, 3, 64);
      assertThat(e.subject()).isEqualTo(gen.subject(1230));
      // Its batch's map root (leaf 1504) commits to the 1,501 subjects so far (with the carrier).
      byte[] mapRoot = http.get("/v1/entries?start=1504&end=1505").body();
      assertThat(
              Http.parse(new String(mapRoot, java.nio.charset.StandardCharsets.UTF_8))
                  .at("/entries/0/mapRoot/subjectCount")
                  .asLong())
          .isEqualTo(1501);
      assertThat(e.body().payload()).isInstanceOf(EventPayload.Register.class);
      JsonNode inc = http.get("/v1/proof/inclusion?index=" + index + "&size=3000").json();
      List<Hash> proof = new ArrayList<>();
      inc.get("inclusionProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
      InclusionProof.verify(
          index, 3000, EventCodec.leafHash(entry), proof, cp.checkpoint().rootHash());

      for (String mode : List.of("proofs", "tiles", "bundles", "checkpoints")) {
        Run r =
            run(
                "read-bench",
                "--url",
                s.baseUrl(),
                "--mode",
                mode,
                "--duration",
                "1",
                "--warmup",
                "0.2",
                "--concurrency",
                "8",
                "--connections",
                "4",
                "--verify-every",
                "5",
                "--seed",
                "11");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("tree size 3,000; " + mode + " at 8 in flight");
        // Only answers 200, and every sampled one verified.
        assertThat(number(r.out(), "^outcomes: 200=(\\d+)$")).as(r.out()).isPositive();
        assertThat(number(r.out(), "^answers checked: (\\d+), bad: 0$")).isPositive();
      }
    }
  }

  @Test
  void baselineRunsEveryPhaseAndCleansUp() throws Exception {
    Path scratch = dir.resolve("scratch");
    Run r =
        run(
            "baseline",
            "--events",
            "400",
            "--batch",
            "100",
            "--threads",
            "2",
            "--dir",
            scratch.toString(),
            "--seed",
            "4",
            "--phases",
            "json,verify,write,pipeline,pipeline-json,write-nomap,pipeline-nomap,"
                + "pipeline-json-nomap");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("prepared 400 events in ");
    for (String phase :
        List.of(
            "json",
            "verify",
            "write",
            "pipeline",
            "pipeline-json",
            "write-nomap",
            "pipeline-nomap",
            "pipeline-json-nomap")) {
      assertThat(number(r.out(), "^" + phase + " +([\\d,]+) events/s")).as(phase).isPositive();
    }
    String store = "store write [\\d.]+ us CPU/event on the writer";
    String map =
        "subject map [\\d.]+ us/event \\([\\d.]+ reading\\), [\\d.]+ us CPU/event on the writer; ";
    assertThat(r.out())
        .containsPattern("one writer: lookups, rules, hashing, " + map + store + ", 4 synced")
        .containsPattern(
            "one writer: lookups, rules, hashing, no subject map; " + store + ", 4 synced")
        .containsPattern(
            "binary decode \\+ verify on 2 threads -> one writer; " + map + store + "; 4 synced")
        .containsPattern(
            "binary decode \\+ verify on 2 threads -> one writer; no subject map; "
                + store
                + "; 4 synced")
        .containsPattern("JSON parse \\+ verify on 2 threads -> one writer; " + map + store)
        .containsPattern(
            "JSON parse \\+ verify on 2 threads -> one writer; no subject map; " + store + "; 4")
        // Where the CPU went, by thread group (Linux), after each phase.
        .containsPattern("(?m)^    CPU/event by thread: .*writer [\\d.]+ us")
        .containsPattern("(?m)^write +[\\d,]+ events/s .* us CPU/event");
    try (Stream<Path> left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void baselineOntoAnExistingLogAppendsFreshSubjectsAfterIt() throws Exception {
    Path data = dir.resolve("onto");
    Run p = run("populate", "--data-dir", data.toString(), "--entries", "1000", "--seed", "5");
    assertThat(p.code()).as(p.toString()).isZero();
    for (int round = 0; round < 2; round++) {
      long before = treeSize(data);
      Run r =
          run(
              "baseline",
              "--onto",
              data.toString(),
              "--events",
              "200",
              "--batch",
              "100",
              "--threads",
              "2",
              "--block-cache-mib",
              "16",
              "--warm-up-events",
              round == 0 ? "0" : "50",
              "--phases",
              "write,pipeline");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("writing onto the log in " + data + " (" + before + " entries)")
          .contains(round == 0 ? "prepared 400 events in " : "prepared 800 events in ")
          .containsPattern("(?m)^    compaction CPU/event by column:");
      // Two phases of 200 fresh subjects, each phase two batches closed by a map root leaf; the
      // second round's subjects are numbered from the larger tree, so none is taken already. Its
      // warm-up writes 50 with the map (one batch and its map root) and 50 without.
      assertThat(treeSize(data)).isEqualTo(before + 2 * 200 + 4 + (round == 0 ? 0 : 101));
      if (round == 1) {
        assertThat(r.out())
            .contains("warm-up with the map: 50 events, untimed")
            .contains("warm-up without the map: 50 events, untimed");
      }
    }
    assertOneLineFailure(
        run("baseline", "--warm-up-events", "10"),
        "log-server baseline: --warm-up-events must be 0 to --events, and needs --onto"
            + " (see: log-server baseline --help)");
    assertOneLineFailure(
        run("baseline", "--onto", dir.resolve("nothing").toString()),
        "log-server baseline: --onto "
            + dir.resolve("nothing")
            + " is not a data directory: it has no "
            + dir.resolve("nothing").resolve("db")
            + " (see: log-server baseline --help)");
  }

  private static long treeSize(Path data) {
    try (RocksDbLogStore s = RocksDbLogStore.open(LogServer.storeDirectory(data))) {
      return s.treeSize();
    }
  }

  /** A usage error or a failure to start: exit status 2 and one line on standard error. */
  static void assertOneLineFailure(Run r, String line) {
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(line + System.lineSeparator());
  }

  @Test
  void badCommandLinesGetOneLineAndStatusTwo() throws Exception {
    assertOneLineFailure(
        run("populate"),
        "log-server populate: Missing required option: '--data-dir=<dataDir>'"
            + " (see: log-server populate --help)");
    assertOneLineFailure(
        run("bench", "--events", "many"),
        "log-server bench: Invalid value for option '--events': 'many' is not a long"
            + " (see: log-server bench --help)");
    assertOneLineFailure(
        run("read-bench", "--mode", "sideways"),
        "log-server read-bench: Invalid value for option '--mode': expected one of [proofs, tiles,"
            + " bundles, checkpoints] (case-sensitive) but was 'sideways'"
            + " (see: log-server read-bench --help)");
    assertOneLineFailure(
        run("bench", "--events", "10"),
        "log-server bench: give --carrier-key or the server's --data-dir (or --unattested)"
            + " (see: log-server bench --help)");
    assertOneLineFailure(
        run("bench", "--unattested", "--duration", "0"),
        "log-server bench: --rate, --warmup and --verify-every must be >= 0; --duration,"
            + " --concurrency, --connections, --client-threads, --timeout-ms and --report-interval"
            + " > 0 (see: log-server bench --help)");
    assertOneLineFailure(
        run("read-bench", "--url", "https://127.0.0.1/"),
        "log-server read-bench: --url must be an http:// URL with a host, got https://127.0.0.1/"
            + " (see: log-server read-bench --help)");
    Path missing = dir.resolve("no.key");
    assertOneLineFailure(
        run("bench", "--carrier-key", missing.toString()),
        "log-server bench: key file " + missing + " does not exist");
    assertOneLineFailure(
        run("baseline", "--phases", "json,fast"),
        "log-server baseline: unknown phase fast; the phases are [json, verify, write, pipeline,"
            + " pipeline-json, write-nomap, pipeline-nomap, pipeline-json-nomap] (see: log-server"
            + " baseline --help)");
    assertOneLineFailure(
        run("populate", "--data-dir", dir.toString(), "--entries", "0"),
        "log-server populate: --entries, --batch, --check-every and --device-keys must be positive"
            + " (see: log-server populate --help)");
    Files.createDirectories(dir.resolve("db"));
    assertOneLineFailure(
        run("populate", "--data-dir", dir.toString(), "--entries", "10"),
        "log-server populate: "
            + dir.resolve("db")
            + " exists: populate only builds new logs (see: log-server populate --help)");

    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run unreachable = run("read-bench", "--url", "http://127.0.0.1:" + closed, "--duration", "1");
    assertThat(unreachable.code()).as(unreachable.toString()).isEqualTo(2);
    assertThat(unreachable.err())
        .startsWith("log-server read-bench: cannot reach http://127.0.0.1:" + closed + "/v1/info: ")
        .hasLineCount(1);
  }

  @Test
  void readBenchOfTilesNeedsAFullTile() {
    try (LogServer s = devServer(dir, false)) {
      assertOneLineFailure(
          run("read-bench", "--url", s.baseUrl(), "--mode", "tiles"),
          "log-server read-bench: the tree of size 2 has no full tile yet");
    }
  }
}
