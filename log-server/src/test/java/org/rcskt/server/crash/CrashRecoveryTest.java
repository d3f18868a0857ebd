package org.rcskt.server.crash;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.log.Fsck;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Clients;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.NumberLookup;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * Runs the server as a child process under concurrent load, kills it with SIGKILL at seeded random
 * moments, restarts it on the same data directory, and checks after every restart that nothing a
 * client was told survived is lost or moved, and that the new tree extends every tree the old
 * process ever served.
 *
 * <p>Checks after each restart:
 *
 * <ul>
 *   <li>every acknowledged event (a 200 answer) is in the log at the leaf index it was given, with
 *       the same bytes;
 *   <li>every checkpoint any client saw (receipts and {@code GET /checkpoint}) has a root equal to
 *       the root of the same-size prefix of the restarted log, recomputed from the entry bundles,
 *       and a consistency proof served by the restarted log verifies from it to the new checkpoint;
 *   <li>the whole log recomputed from its entry bundles: every entry decodes (as an event or a map
 *       root), no leaf appears twice, the root equals the new checkpoint's root (the client-side
 *       part of an fsck), and the last leaf of every checkpoint seen is the map root of exactly
 *       that tree size;
 *   <li>a number registered before the kill and one never registered are looked up with
 *       verifier-lib's {@code LogClient}: the VRF proof, the map root leaf and the completeness
 *       proof verify, the first lists its events and the second none;
 *   <li>events whose fate was unknown at the crash (no answer) are submitted again and answered
 *       200, never logged twice;
 *   <li>before each restart and at the end, the server's {@link Fsck} passes on the store as the
 *       kill left it, replaying every event through the rules and recomputing the subject map and
 *       every map root leaf's commitment.
 * </ul>
 *
 * <p>Set {@code -Drcskt.crash.seed=N} to replay another schedule.
 */
class CrashRecoveryTest {
  private static final long SEED = Long.getLong("rcskt.crash.seed", 0x5eedc0deL);
  private static final int ROUNDS = 5;
  private static final int WORKERS = 12;
  private static final int CONSISTENCY_SAMPLES = 40;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  /** What clients were told, across all server processes. */
  static final class Observed {
    /** Acknowledged events by leaf index. */
    final Map<Long, KeyEvent> acked = new ConcurrentHashMap<>();

    /** Leaf index each acknowledged event was given, by leaf hash. */
    final Map<Hash, Long> ackedIndex = new ConcurrentHashMap<>();

    /** The root of every checkpoint seen, by tree size. */
    final Map<Long, Hash> roots = new ConcurrentHashMap<>();

    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicLong acks = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong inDoubt = new AtomicLong();
    final AtomicLong overloaded = new AtomicLong();

    /** Numbers whose REGISTER was acknowledged. */
    final Set<String> registered = ConcurrentHashMap.newKeySet();

    void fail(String message) {
      failures.add(message);
    }

    void checkpoint(SignedCheckpoint cp, String where) {
      long size = cp.checkpoint().treeSize();
      Hash root = cp.checkpoint().rootHash();
      Hash before = roots.putIfAbsent(size, root);
      if (before != null && !before.equals(root)) {
        fail(
            where + ": two checkpoints of size " + size + " with roots " + before + " and " + root);
      }
    }

    void ack(long leafIndex, KeyEvent event) {
      acks.incrementAndGet();
      KeyEvent before = acked.putIfAbsent(leafIndex, event);
      if (before != null && !Arrays.equals(before.encoded(), event.encoded())) {
        fail("leaf index " + leafIndex + " acknowledged for two different events");
      }
      Long was = ackedIndex.putIfAbsent(event.leafHash(), leafIndex);
      if (was != null && was != leafIndex) {
        fail("event " + event.leafHash() + " acknowledged at " + was + " and at " + leafIndex);
      }
    }

    long maxSize() {
      return roots.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  /** A blocking HTTP/1.1 client of one server process. */
  static final class Api {
    final HttpClient client;
    final String base;
    final String origin;
    final NoteVerifier logKey;

    Api(HttpClient client, String base, String origin, NoteVerifier logKey) {
      this.client = client;
      this.base = base;
      this.origin = origin;
      this.logKey = logKey;
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(20))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
      return client.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(20))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    byte[] getOk(String path) throws IOException, InterruptedException {
      HttpResponse<byte[]> r = get(path);
      if (r.statusCode() != 200) {
        throw new AssertionError(
            "GET " + path + " answered " + r.statusCode() + ": " + new String(r.body(), UTF_8));
      }
      return r.body();
    }

    SignedCheckpoint checkpoint() throws IOException, InterruptedException, VerificationException {
      return SignedCheckpoint.verify(getOk("/checkpoint"), origin, logKey);
    }
  }

  /**
   * One client submitting chains of events (a REGISTER, then ROTATEs) for fresh subjects, one
   * request at a time. An event left without an answer by a crash is submitted again first after
   * the restart.
   */
  static final class Worker {
    private final Events events;
    private final Observed observed;
    private KeyEvent last;
    private Ed25519.KeyPair key;
    private int steps;
    private KeyEvent pending;
    private String pendingNumber;
    private Ed25519.KeyPair pendingKey;

    Worker(Events events, Observed observed) {
      this.events = events;
      this.observed = observed;
    }

    private void prepareNext() {
      Ed25519.KeyPair next = events.newKey();
      if (last == null || steps >= 4) {
        pendingNumber = events.newNumber();
        pending = events.register(TestVrf.index(pendingNumber), "phone-1", next);
      } else {
        pending = events.rotate(last, "phone-1", key, next);
      }
      pendingKey = next;
    }

    void run(Api api, AtomicBoolean stop) {
      byte[] body = null;
      boolean resent = pending != null;
      while (!stop.get()) {
        if (pending == null) {
          prepareNext();
          resent = false;
        }
        if (body == null) {
          body = EventJson.toJsonString(pending).getBytes(UTF_8);
        }
        HttpResponse<byte[]> r;
        try {
          r = api.post("/v1/events", body);
        } catch (IOException e) {
          // The server died with the request in flight: the event may or may not be logged.
          observed.inDoubt.incrementAndGet();
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (r.statusCode() == 503) {
          observed.overloaded.incrementAndGet();
          sleep(20);
          continue;
        }
        if (r.statusCode() != 200) {
          observed.fail(
              "submitting "
                  + pending
                  + (resent ? " again after a crash" : "")
                  + " answered "
                  + r.statusCode()
                  + ": "
                  + new String(r.body(), UTF_8));
          return;
        }
        try {
          receipt(api, MAPPER.readTree(r.body()));
        } catch (IOException | VerificationException | RuntimeException e) {
          observed.fail("bad receipt for " + pending + ": " + e);
          return;
        }
        last = pending;
        key = pendingKey;
        steps = last.sequence() == 0 ? 0 : steps + 1;
        pending = null;
        body = null;
      }
    }

    private void receipt(Api api, JsonNode j) throws VerificationException {
      long leafIndex = j.get("leafIndex").asLong();
      long treeSize = j.get("treeSize").asLong();
      Hash leafHash = Hash.fromBase64(j.get("leafHash").asText());
      if (!leafHash.equals(pending.leafHash())) {
        throw new IllegalStateException(
            "receipt leaf hash " + leafHash + " is not the event's " + pending.leafHash());
      }
      SignedCheckpoint cp =
          SignedCheckpoint.verify(
              j.get("checkpoint").asText().getBytes(UTF_8), api.origin, api.logKey);
      if (cp.checkpoint().treeSize() != treeSize) {
        throw new IllegalStateException(
            "receipt tree size "
                + treeSize
                + " but its checkpoint's is "
                + cp.checkpoint().treeSize());
      }
      List<Hash> proof = new ArrayList<>();
      j.get("inclusionProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
      InclusionProof.verify(leafIndex, treeSize, leafHash, proof, cp.checkpoint().rootHash());
      if (j.get("duplicate").asBoolean()) {
        observed.duplicates.incrementAndGet();
      }
      observed.checkpoint(cp, "receipt");
      observed.ack(leafIndex, pending);
      if (pending.sequence() == 0) {
        observed.registered.add(pendingNumber);
      }
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void acknowledgedEventsAndServedCheckpointsSurviveSigkill() throws Exception {
    long t0 = System.nanoTime();
    Random schedule = new Random(SEED);
    String origin = ServerConfig.DEFAULT_ORIGIN;
    Path data = dir.resolve("data");
    // The server's VRF key is the test key, so that numbers drawn by Events map to its subjects.
    java.nio.file.Files.createDirectories(data);
    KeyFiles.write(data.resolve("vrf.key"), VrfKeys.formatSecret(origin, TestVrf.SECRET));
    Path serverLog = dir.resolve("server.log");
    Observed observed = new Observed();
    String verifierKey = null;
    List<Worker> workers = new ArrayList<>();
    ExecutorService httpPool = Executors.newCachedThreadPool();
    List<String> roundNotes = new ArrayList<>();
    try {
      for (int round = 0; round <= ROUNDS; round++) {
        if (round > 0) {
          checkStore(data, observed, "the store left by kill " + round);
        }
        long startNanos = System.nanoTime();
        try (ServerProcess server = ServerProcess.start(data, serverLog, 60)) {
          long startMillis = (System.nanoTime() - startNanos) / 1_000_000;
          if (verifierKey == null) {
            verifierKey = server.verifierKey();
            Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(data.resolve("dev-carrier.key"));
            for (int w = 0; w < WORKERS; w++) {
              workers.add(
                  new Worker(
                      new Events(SEED * 31 + w, LogServer.DEV_CARRIER_ID, carrier), observed));
            }
          } else {
            assertThat(server.verifierKey()).isEqualTo(verifierKey);
          }
          HttpClient client =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(5))
                  .executor(httpPool)
                  .build();
          Api api = new Api(client, server.baseUrl(), origin, NoteVerifiers.parse(verifierKey));

          long size = verifyRestarted(api, observed, schedule, round, server);
          verifyLookups(server, origin, verifierKey, observed, schedule, round);
          if (round == ROUNDS) {
            roundNotes.add("final: tree size " + size + ", restart " + startMillis + " ms");
            break;
          }

          long acksBefore = observed.acks.get();
          AtomicBoolean stop = new AtomicBoolean();
          List<Thread> threads = new ArrayList<>();
          for (Worker w : workers) {
            Thread t = new Thread(() -> w.run(api, stop), "crash-client");
            t.start();
            threads.add(t);
          }
          Thread poller = new Thread(() -> pollCheckpoints(api, observed, stop), "crash-poller");
          poller.start();
          threads.add(poller);

          // Kill only once the server is visibly taking events, then at a random moment.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (observed.acks.get() < acksBefore + 20 && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          assertThat(observed.acks.get())
              .as("acknowledgements in round %d before the kill\n%s", round, server.log())
              .isGreaterThanOrEqualTo(acksBefore + 20);
          long delay = 100 + schedule.nextInt(900);
          Thread.sleep(delay);
          server.kill();
          stop.set(true);
          for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("client thread still running after the kill").isFalse();
          }
          roundNotes.add(
              "round "
                  + round
                  + ": restart "
                  + startMillis
                  + " ms, tree size "
                  + size
                  + ", "
                  + (observed.acks.get() - acksBefore)
                  + " acks, killed "
                  + delay
                  + " ms after the 20th");
          assertThat(observed.failures).as("client-side failures").isEmpty();
        }
      }
    } finally {
      httpPool.shutdownNow();
    }
    checkStore(data, observed, "the store after the last run");
    assertThat(observed.failures).as("client-side failures").isEmpty();
    assertThat(observed.inDoubt.get())
        .as("requests cut off by a kill (the interesting case must happen)")
        .isPositive();
    System.out.println(
        "crash test (seed "
            + SEED
            + "): "
            + observed.acks.get()
            + " acknowledgements ("
            + observed.duplicates.get()
            + " duplicates of resubmitted events), "
            + observed.inDoubt.get()
            + " requests cut off by kills, "
            + observed.roots.size()
            + " checkpoints seen, "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms\n  "
            + String.join("\n  ", roundNotes));
  }

  /**
   * The server's own fsck, on the store as a kill left it (RocksDB recovers its write-ahead log on
   * open, as the server would): tree, indexes, states and checkpoint, and every event replayed
   * through the rules with its signatures checked again.
   */
  private static void checkStore(Path data, Observed observed, String what) throws Exception {
    NoteLogSigner signer =
        new NoteLogSigner(Ed25519NoteSigner.fromSignerKey(KeyFiles.read(data.resolve("log.key"))));
    RulesContext rules =
        RulesContext.replay(
            PublicKeyInfo.ed25519(ServerKeys.policyKey(data.resolve("policy.key")).publicKey()));
    Fsck.Report report;
    try (RocksDbLogStore store = RocksDbLogStore.open(data.resolve("db"))) {
      report = new Fsck(store, signer, rules, line -> {}).run();
    }
    assertThat(report.problems()).as("fsck of %s", what).isEmpty();
    assertThat(report.ok()).as("fsck of %s", what).isTrue();
    assertThat(report.treeSize())
        .as("fsck of %s: tree size against the checkpoints served", what)
        .isGreaterThanOrEqualTo(observed.maxSize());
    Hash served = observed.roots.get(report.treeSize());
    if (served != null) {
      assertThat(report.rootHash()).as("fsck of %s: root", what).isEqualTo(served);
    }
  }

  private static void pollCheckpoints(Api api, Observed observed, AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        observed.checkpoint(api.checkpoint(), "GET /checkpoint");
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (VerificationException | AssertionError e) {
        observed.fail("served checkpoint does not verify: " + e);
        return;
      }
      sleep(10);
    }
  }

  /**
   * Checks a freshly restarted server against everything observed before; returns its tree size.
   */
  private static long verifyRestarted(
      Api api, Observed observed, Random schedule, int round, ServerProcess server)
      throws Exception {
    SignedCheckpoint cp = api.checkpoint();
    long size = cp.checkpoint().treeSize();
    Hash root = cp.checkpoint().rootHash();
    String where = "after restart " + round + " (tree size " + size + ")";
    assertThat(size)
        .as("%s: tree size against the largest checkpoint served before", where)
        .isGreaterThanOrEqualTo(observed.maxSize());
    long maxAcked = observed.acked.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
    assertThat(size)
        .as("%s: tree size against the acknowledged leaves", where)
        .isGreaterThan(maxAcked);

    // The whole log from its entry bundles.
    List<byte[]> entries = new ArrayList<>((int) size);
    for (long b = 0; b * TilePath.FULL_WIDTH < size; b++) {
      int width = (int) Math.min(TilePath.FULL_WIDTH, size - b * TilePath.FULL_WIDTH);
      TilePath path = TilePath.entryBundle(b, width);
      entries.addAll(EntryBundle.parse(path, api.getOk("/" + path)));
    }
    assertThat(entries).hasSize((int) size);

    CompactRange range = CompactRange.empty();
    Set<Hash> leaves = new HashSet<>();
    int prefixChecks = 0;
    for (int i = 0; i < size; i++) {
      byte[] e = entries.get(i);
      if (MapRootEntry.isMapRoot(e)) {
        MapRootEntry.decode(e);
      } else {
        EventCodec.decode(e);
      }
      Hash leaf = EventCodec.leafHash(e);
      assertThat(leaves.add(leaf))
          .as("%s: leaf %s logged twice (again at %d)", where, leaf, i)
          .isTrue();
      range.append(leaf);
      Hash seen = observed.roots.get((long) i + 1);
      if (seen != null) {
        assertThat(range.rootHash())
            .as("%s: root of the first %d leaves against a checkpoint served before", where, i + 1)
            .isEqualTo(seen);
        prefixChecks++;
      }
    }
    assertThat(range.rootHash()).as("%s: recomputed root", where).isEqualTo(root);
    // Every batch ends with the map root after it: so does every tree any client was shown.
    List<Long> shown = new ArrayList<>(observed.roots.keySet());
    shown.add(size);
    for (long s : shown) {
      if (s == 0) {
        continue;
      }
      byte[] last = entries.get((int) (s - 1));
      assertThat(MapRootEntry.isMapRoot(last))
          .as("%s: the last leaf of tree size %d is a map root", where, s)
          .isTrue();
      assertThat(MapRootEntry.decode(last).treeSize())
          .as("%s: the map root closing tree size %d", where, s)
          .isEqualTo(s);
    }

    for (Map.Entry<Long, KeyEvent> a : observed.acked.entrySet()) {
      assertThat(entries.get(a.getKey().intValue()))
          .as("%s: entry at acknowledged leaf index %d", where, a.getKey())
          .isEqualTo(a.getValue().encoded());
    }

    // Consistency proofs served by the restarted log, from a sample of the old checkpoints.
    TreeMap<Long, Hash> old = new TreeMap<>(observed.roots);
    old.remove(0L);
    List<Long> sizes = new ArrayList<>(old.keySet());
    java.util.Collections.shuffle(sizes, schedule);
    List<Long> sample =
        new ArrayList<>(sizes.subList(0, Math.min(CONSISTENCY_SAMPLES, sizes.size())));
    if (!old.isEmpty()) {
      sample.add(old.lastKey());
      sample.add(old.firstKey());
    }
    for (long from : sample) {
      JsonNode j = MAPPER.readTree(api.getOk("/v1/proof/consistency?from=" + from + "&to=" + size));
      List<Hash> proof = new ArrayList<>();
      j.get("consistencyProof").forEach(n -> proof.add(Hash.fromBase64(n.asText())));
      ConsistencyProof.verify(from, size, old.get(from), root, proof);
    }
    assertThat(prefixChecks).as("%s: old checkpoints checked", where).isEqualTo(old.size());
    observed.checkpoint(cp, where);
    return size;
  }

  /**
   * Looks up, with verifier-lib's client, a number registered before (one of the acknowledged, at
   * random) and a number never registered: both answers' VRF proofs, map root leaves and
   * completeness proofs must verify against the restarted log's checkpoint.
   */
  private static void verifyLookups(
      ServerProcess server,
      String origin,
      String verifierKey,
      Observed observed,
      Random schedule,
      int round)
      throws Exception {
    LogClient client = Clients.of(server.baseUrl(), origin, verifierKey, TestVrf.PUBLIC);
    String where = "lookup after restart " + round;
    List<String> numbers = new ArrayList<>(observed.registered);
    java.util.Collections.sort(numbers);
    if (!numbers.isEmpty()) {
      String number = numbers.get(schedule.nextInt(numbers.size()));
      NumberLookup found = client.lookup(number);
      assertThat(found.index()).as(where).isEqualTo(TestVrf.index(number));
      assertThat(found.history().events()).as("%s: events of %s", where, number).isNotEmpty();
      assertThat(found.history().events().get(0).event().leafHash())
          .as("%s: the REGISTER of %s", where, number)
          .isIn(observed.ackedIndex.keySet());
    }
    // Numbers drawn by Events are "+1" and ten digits: this one is never registered.
    NumberLookup absent = client.lookup("+4420000000" + round);
    assertThat(absent.history().events()).as("%s: a number never registered", where).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
