package org.rcskt.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baseline}: the machine's limit for what ingest must do, with no HTTP: the same events the
 * {@code bench} command submits, their Ed25519 signature checks through verifier-lib, the rules,
 * leaf and tree hashing, and batched synced RocksDB writes through {@link RocksDbLogStore}, in a
 * tight in-process loop. Run it next to {@code bench} so both see the same machine load.
 *
 * <p>It times each part alone and then the parts together, as the server runs them: verification on
 * {@code --threads} threads feeding one writer thread.
 */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the machine's ingest limit with no HTTP: signature checks, rules, hashing and"
          + " batched synced RocksDB writes of the same events bench submits."
    })
public final class BaselineCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      defaultValue = "100000",
      description = "Events per phase (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Verification threads; 0 for one per core.")
  int threads;

  @Option(
      names = "--batch",
      defaultValue = "2048",
      description = "Events per synced write (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--dir",
      description =
          "Where to make the directory of scratch stores (default: the system's temporary"
              + " directory).")
  Path dir;

  @Option(names = "--keep", description = "Keep the scratch stores.")
  boolean keep;

  @Option(
      names = "--onto",
      description =
          "Write every writing phase into this existing log (a data directory that populate"
              + " built) instead of a new scratch store, each phase with its own fresh subjects, to"
              + " measure at that log's size. The events are signed by a carrier the log never"
              + " anchored, its checkpoints by a scratch key, and -nomap phases skip the map:"
              + " afterwards the directory is not a valid log, so use a copy.")
  Path onto;

  @Option(
      names = "--warm-up-events",
      defaultValue = "0",
      description =
          "With --onto: before the timed phases, write this many events with the map and as many"
              + " without it, untimed, so that the timed phases find the block cache and the JIT as"
              + " a server that has been running would (default: ${DEFAULT-VALUE}).")
  int warmUpEvents;

  @Option(
      names = "--leaf-cache",
      description =
          "Phases with the map keep its subjects' indexes and leaf hashes in memory (loaded untimed"
              + " before each such phase), so that updates read nothing from the store.")
  boolean leafCache;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--block-cache-mib",
      description =
          "RocksDB block cache of each store, as the server's blockCacheBytes (default: the"
              + " server's default, 1024).")
  Long blockCacheMib;

  private static final List<String> PHASES =
      List.of(
          "json",
          "verify",
          "write",
          "pipeline",
          "pipeline-json",
          "write-nomap",
          "pipeline-nomap",
          "pipeline-json-nomap");

  @Option(
      names = "--phases",
      split = ",",
      defaultValue = "json,verify,write,pipeline,pipeline-json",
      description =
          "Phases to run, of json, verify, write, pipeline, pipeline-json, and write-nomap,"
              + " pipeline-nomap, pipeline-json-nomap: the same without the subject map (what"
              + " the map costs; those stores are not valid logs).")
  List<String> phases;

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;

  private ExecutorService verifyPool;

  // With --onto: the log's store, open for the whole run as a server keeps it (its block cache
  // warm from one phase to the next); each phase writes through its own BatchWriter.
  private RocksDbLogStore shared;

  private static final ExecutorService WRITER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread th = new Thread(r, "writer");
            th.setDaemon(true);
            return th;
          });

  /** Everything prepared before any phase is timed. */
  private static final class Prepared {
    PublicKeyInfo policy;
    AnchorRegistry anchors;
    RulesContext rules;
    byte[][] encoded;
    byte[][] json;
    // Events per slice; with --onto, each writing phase takes the next slice of fresh subjects.
    int sliceSize;
    int nextSlice;

    int takeSlice(boolean fresh) {
      if (!fresh) {
        return 0;
      }
      return nextSlice++ * sliceSize;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (blockCacheMib != null && (blockCacheMib < 8 || blockCacheMib > 1 << 20)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--block-cache-mib must be 8 to 1048576");
    }
    if (warmUpEvents < 0 || warmUpEvents > events || (warmUpEvents > 0 && onto == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--warm-up-events must be 0 to --events, and needs --onto");
    }
    if (events < 1 || batch < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--events and --batch must be positive");
    }
    for (String phase : phases) {
      if (!PHASES.contains(phase)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "unknown phase " + phase + "; the phases are " + PHASES);
      }
    }
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    long firstSubject = 0;
    int slices = 1;
    if (onto != null) {
      if (!Files.isDirectory(LogServer.storeDirectory(onto))) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--onto "
                + onto
                + " is not a data directory: it has no "
                + LogServer.storeDirectory(onto));
      }
      try (RocksDbLogStore s = RocksDbLogStore.open(LogServer.storeDirectory(onto), settings())) {
        // Subjects numbered from the tree size: never used by this log, nor by an earlier run.
        firstSubject = s.treeSize();
      }
      slices =
          (int)
                  phases.stream()
                      .filter(ph -> ph.startsWith("write") || ph.startsWith("pipeline"))
                      .count()
              + (warmUpEvents > 0 ? 2 : 0);
    }
    // A new directory even inside --dir, so that deleting the scratch stores deletes nothing else.
    Path base =
        dir != null
            ? Files.createTempDirectory(Files.createDirectories(dir), "rcskt-baseline")
            : Files.createTempDirectory("rcskt-baseline");
    out.printf(
        "baseline: %,d events per phase, %d verification threads, batches of %d, %s;"
            + " load average %s%n",
        events,
        t,
        batch,
        onto != null
            ? "writing onto the log in " + onto + " (" + firstSubject + " entries)"
            : "stores in " + base,
        Reports.loadAverage());
    try {
      Prepared p = prepare(t, firstSubject, slices);
      // Untimed warm-up, so the JIT has compiled the hot paths before the first timed phase.
      int warm = Math.min(events, 5000);
      for (int round = 0; round < 2; round++) {
        BenchEvents.parallel(warm, t, i -> verify(p, parseJson(p.json[i])));
      }
      // And of the writer's path with and without the map, on scratch stores: otherwise the first
      // timed phase of each kind pays for compiling it.
      for (boolean map : new boolean[] {true, false}) {
        VerifiedEvent[] vs = new VerifiedEvent[warm];
        BenchEvents.parallel(warm, t, i -> vs[i] = verify(p, decode(p.encoded[i])));
        try (Writer w = new Writer(p, base.resolve(map ? "warm-up" : "warm-up-nomap"), map, true)) {
          WRITER
              .submit(
                  () -> {
                    for (int from = 0; from < warm; from += batch) {
                      w.write(java.util.Arrays.copyOfRange(vs, from, Math.min(warm, from + batch)));
                    }
                    return null;
                  })
              .get();
        }
      }
      if (onto != null) {
        shared = RocksDbLogStore.open(LogServer.storeDirectory(onto), settings());
      }
      if (warmUpEvents > 0) {
        for (boolean map : new boolean[] {true, false}) {
          int off = p.takeSlice(true);
          Writer w = new Writer(p, base.resolve("unused"), map);
          long t0 = System.nanoTime();
          WRITER.submit(() -> pipeline(p, t, off, w, false, warmUpEvents)).get();
          out.printf(
              "warm-up %s: %,d events, untimed (%.1f s)%n",
              map ? "with the map" : "without the map",
              warmUpEvents,
              (System.nanoTime() - t0) / 1e9);
        }
      }
      if (shared != null) {
        lastCompactions = shared.compactionCpuSeconds();
      }
      for (String phase : phases) {
        String load = Reports.loadAverage();
        Timed r =
            switch (phase) {
              case "json" -> jsonPhase(p, t);
              case "verify" -> verifyPhase(p, t);
              case "write" -> writePhase(p, t, base.resolve(phase), true);
              case "pipeline" -> pipelinePhase(p, t, base.resolve(phase), false, true);
              case "pipeline-json" -> pipelinePhase(p, t, base.resolve(phase), true, true);
              case "write-nomap" -> writePhase(p, t, base.resolve(phase), false);
              case "pipeline-nomap" -> pipelinePhase(p, t, base.resolve(phase), false, false);
              case "pipeline-json-nomap" -> pipelinePhase(p, t, base.resolve(phase), true, false);
              default -> throw new IllegalArgumentException(phase);
            };
        out.printf(
            "%-19s %,9.0f events/s  (%.2f s, %s, %.1f us CPU/event; load average %s)  %s%n",
            phase,
            events / r.seconds(),
            r.seconds(),
            Reports.cores("", r.cpuNanos(), r.seconds()).strip(),
            r.cpuNanos() / 1e3 / events,
            load,
            r.detail());
        out.print(breakdown(r));
        if (shared != null) {
          out.print(compactions());
        }
      }
    } finally {
      if (shared != null) {
        shared.close();
      }
      if (verifyPool != null) {
        verifyPool.shutdownNow();
      }
      if (!keep) {
        deleteTree(base);
      }
    }
    return 0;
  }

  /** The server's store settings, with --block-cache-mib if given. */
  private RocksDbLogStore.Settings settings() {
    RocksDbLogStore.Settings d = RocksDbLogStore.Settings.defaults();
    return blockCacheMib == null
        ? d
        : new RocksDbLogStore.Settings(blockCacheMib << 20, d.writeBufferBytes(), d.statistics());
  }

  private Prepared prepare(int t, long firstSubject, int slices) throws Exception {
    Random random = new Random(seed);
    Ed25519.KeyPair policyKey = Ed25519.KeyPair.generate(random);
    Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
    Prepared p = new Prepared();
    p.policy = PublicKeyInfo.ed25519(policyKey.publicKey());
    long now = System.currentTimeMillis();
    p.rules = RulesContext.ingest(p.policy, now);
    KeyEvent anchor =
        EventBuilder.forCarrier(LogServer.DEV_CARRIER_ID)
            .sequence(0)
            .previousHash(Hash.ZERO)
            .timestampMs(now)
            .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
            .sign(policyKey);
    VerifiedEvent va =
        EventSignatures.verify(anchor, KeyResolver.of(null, AnchorRegistry.EMPTY, p.policy));
    p.anchors = EventRules.apply(SubjectState.EMPTY, va, AnchorRegistry.EMPTY, p.rules).anchors();

    long p0 = System.nanoTime();
    BenchEvents gen = new BenchEvents(LogServer.DEV_CARRIER_ID, carrier, 1, seed, 4096);
    p.sliceSize = events;
    p.encoded = new byte[events * slices][];
    p.json = new byte[events * slices][];
    BenchEvents.parallel(
        events * slices,
        t,
        i -> {
          KeyEvent e = gen.register(firstSubject + i, now);
          p.encoded[i] = e.encoded();
          p.json[i] = EventJson.toJsonString(e).getBytes(StandardCharsets.UTF_8);
        });
    out.printf("prepared %,d events in %.1f s%n", events * slices, (System.nanoTime() - p0) / 1e9);
    return p;
  }

  /**
   * A timed phase: wall seconds, CPU of this process over them, the CPU of its thread groups, and
   * what was measured.
   */
  private record Timed(double seconds, long cpuNanos, Map<String, Long> groups, String detail) {}

  private interface Work {
    String run() throws Exception;
  }

  /**
   * Runs {@code work} on the thread named "writer" (the launcher's main thread has no name Linux
   * shows; one thread for the run, so it is alive at both snapshots) and times it.
   */
  private static Timed timed(Work work) throws Exception {
    ThreadCpu threads0 = ThreadCpu.now(BaselineCommand::threadGroup);
    long cpu0 = LoadRun.processCpuNanos();
    long t0 = System.nanoTime();
    String detail;
    try {
      detail = WRITER.submit(work::run).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw e;
    }
    double s = (System.nanoTime() - t0) / 1e9;
    long cpu = LoadRun.processCpuNanos() - cpu0;
    Map<String, Long> groups = ThreadCpu.now(BaselineCommand::threadGroup).since(threads0);
    return new Timed(s, cpu, groups, detail);
  }

  /**
   * The group a thread's CPU is reported under, from its name as Linux keeps it (at most 15
   * characters).
   */
  static String threadGroup(String name) {
    if (name.equals("writer")) {
      return "writer";
    }
    if (name.startsWith("verify-")) {
      return "verify";
    }
    if (name.startsWith("rocksdb:high")) {
      return "rocksdb-flush";
    }
    if (name.startsWith("rocksdb:")) {
      return "rocksdb-compaction";
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "gc";
    }
    if (name.startsWith("C1 ") || name.startsWith("C2 ")) {
      return "jit";
    }
    return "other";
  }

  private Map<String, Double> lastCompactions = Map.of();

  /** Compaction CPU per event by column since the last call, largest first (the shared store). */
  private String compactions() {
    Map<String, Double> now = shared.compactionCpuSeconds();
    StringBuilder b = new StringBuilder("    compaction CPU/event by column:");
    now.entrySet().stream()
        .map(
            e ->
                Map.entry(e.getKey(), e.getValue() - lastCompactions.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e -> b.append(String.format(" %s %.1f us,", e.getKey(), e.getValue() * 1e6 / events)));
    lastCompactions = now;
    return b.append(System.lineSeparator()).toString();
  }

  /** The groups' CPU per event, largest first, and what ended threads used. */
  private String breakdown(Timed r) {
    if (r.groups().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("    CPU/event by thread:");
    long sum = 0;
    for (Map.Entry<String, Long> e : r.groups().entrySet()) {
      sum += e.getValue();
      b.append(String.format(" %s %.1f us,", e.getKey(), e.getValue() / 1e3 / events));
    }
    b.append(String.format(" ended threads %.1f us", (r.cpuNanos() - sum) / 1e3 / events));
    return b.append(System.lineSeparator()).toString();
  }

  private Timed jsonPhase(Prepared p, int t) throws Exception {
    return timed(
        () -> {
          BenchEvents.parallel(events, t, i -> parseJson(p.json[i]));
          return "JSON parse of the request bodies";
        });
  }

  private Timed verifyPhase(Prepared p, int t) throws Exception {
    return timed(
        () -> {
          BenchEvents.parallel(events, t, i -> verify(p, decode(p.encoded[i])));
          return "binary decode + 2 Ed25519 verifications per event";
        });
  }

  private Timed writePhase(Prepared p, int t, Path storeDir, boolean map) throws Exception {
    int off = p.takeSlice(onto != null);
    // Verified first, untimed: this phase measures the single writer alone.
    VerifiedEvent[] verified = new VerifiedEvent[events];
    BenchEvents.parallel(events, t, i -> verified[i] = verify(p, decode(p.encoded[off + i])));
    // Opened untimed (a resumed map reads its bucket records), closed timed: closing waits for
    // the background work the phase's writes started.
    Writer w = new Writer(p, storeDir, map);
    return timed(
        () -> {
          try (w) {
            for (int from = 0; from < events; from += batch) {
              int to = Math.min(events, from + batch);
              w.write(java.util.Arrays.copyOfRange(verified, from, to));
            }
            return String.format(
                "one writer: lookups, rules, hashing, %s, %d synced writes of %.1f ms mean",
                w.mapNote(), w.writes, w.writer.appendNanos() / 1e6 / w.writes);
          }
        });
  }

  private Timed pipelinePhase(Prepared p, int t, Path storeDir, boolean fromJson, boolean map)
      throws Exception {
    int off = p.takeSlice(onto != null);
    // As in writePhase: opened untimed, closed timed.
    Writer w = new Writer(p, storeDir, map);
    return timed(() -> pipeline(p, t, off, w, fromJson, events));
  }

  private String pipeline(Prepared p, int t, int off, Writer w, boolean fromJson, int events)
      throws Exception {
    ExecutorService pool = verifyPool(t);
    Deque<Future<VerifiedEvent[]>> window = new ArrayDeque<>();
    int nextFrom = 0;
    try (w) {
      while (nextFrom < events || !window.isEmpty()) {
        while (nextFrom < events && window.size() < 2 * t + 1) {
          int from = nextFrom;
          int to = Math.min(events, from + batch);
          window.add(
              pool.submit(
                  () -> {
                    VerifiedEvent[] vs = new VerifiedEvent[to - from];
                    for (int i = from; i < to; i++) {
                      KeyEvent e =
                          fromJson ? parseJson(p.json[off + i]) : decode(p.encoded[off + i]);
                      vs[i - from] = verify(p, e);
                    }
                    return vs;
                  }));
          nextFrom = to;
        }
        w.write(window.removeFirst().get());
      }
      return String.format(
          "%s + verify on %d threads -> one writer; %s; %d synced writes of %.1f ms mean",
          fromJson ? "JSON parse" : "binary decode",
          t,
          w.mapNote(),
          w.writes,
          w.writer.appendNanos() / 1e6 / w.writes);
    } catch (ExecutionException e) {
      throw new IllegalStateException("verification failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * The pipeline phases' verification threads, one pool for the whole run so that their CPU is seen
   * by {@link ThreadCpu} (a thread that ended is not) and no phase pays for starting them.
   */
  private ExecutorService verifyPool(int t) {
    if (verifyPool == null) {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      verifyPool =
          Executors.newFixedThreadPool(
              t,
              r -> {
                Thread th = new Thread(r, "verify-" + n.getAndIncrement());
                th.setDaemon(true);
                return th;
              });
    }
    return verifyPool;
  }

  /** The integrator's work for fresh-subject events, on one thread, into a new store. */
  private final class Writer implements AutoCloseable {
    private final Prepared p;
    private final RocksDbLogStore store;
    private final BatchWriter writer;
    private final boolean map;
    private final boolean owned;
    long writes;

    String mapNote() {
      String write =
          String.format(
              "store write %.1f us CPU/event on the writer",
              writer.appendCpuNanos() / 1e3 / events);
      return map
          ? String.format(
              "subject map %.1f us/event (%.1f reading), %.1f us CPU/event on the writer; %s",
              writer.mapNanos() / 1e3 / events,
              writer.mapReadNanos() / 1e3 / events,
              writer.mapCpuNanos() / 1e3 / events,
              write)
          : "no subject map; " + write;
    }

    Writer(Prepared p, Path storeDir, boolean map) {
      this(p, storeDir, map, false);
    }

    /** With {@code scratch}, into {@code storeDir} even when --onto names a log. */
    Writer(Prepared p, Path storeDir, boolean map, boolean scratch) {
      this.p = p;
      boolean intoLog = onto != null && !scratch;
      // The server's own store settings, so the baseline differs from it only by HTTP.
      this.store = intoLog ? shared : RocksDbLogStore.open(storeDir, settings());
      this.owned = !intoLog;
      NoteLogSigner signer =
          new NoteLogSigner(
              Ed25519NoteSigner.of(
                  ServerConfig.DEFAULT_ORIGIN, Ed25519.KeyPair.generate(new Random(seed))));
      this.writer =
          intoLog ? BatchWriter.resume(store, signer, map) : new BatchWriter(store, signer, map);
      this.map = map;
      if (map && leafCache) {
        long t0 = System.nanoTime();
        long n = writer.enableLeafCache();
        out.printf(
            "leaf cache: %,d subjects loaded in %.1f s, map in memory %,d MB%n",
            n, (System.nanoTime() - t0) / 1e9, writer.mapBytes() >> 20);
      }
    }

    void write(VerifiedEvent[] vs) {
      AppendBatch b = writer.begin();
      for (VerifiedEvent v : vs) {
        KeyEvent e = v.event();
        Hash leaf = e.leafHash();
        // The lookups the integrator makes for every event: duplicate and subject state.
        if (store.leafIndex(leaf) >= 0) {
          throw new IllegalStateException("event " + leaf + " is already stored");
        }
        byte[] stored = store.subjectState(e.subject());
        if (stored != null) {
          throw new IllegalStateException("subject " + e.subject() + " already has a state");
        }
        Applied a;
        try {
          a = EventRules.apply(SubjectState.EMPTY, v, p.anchors, p.rules);
        } catch (RuleViolationException ex) {
          throw new IllegalStateException("a prepared event breaks a rule: " + ex.getMessage(), ex);
        }
        long index = writer.addEvent(b, e.encoded(), leaf, e.subject(), e.sequence());
        b.putSubjectState(e.subject(), a.state().toBytes());
        b.addSubjectEvent(e.subject(), e.sequence(), index);
      }
      writer.commit(b);
      writes++;
    }

    @Override
    public void close() {
      if (owned) {
        store.close();
      }
    }
  }

  private static KeyEvent parseJson(byte[] json) {
    try {
      return EventJson.parse(new String(json, StandardCharsets.UTF_8));
    } catch (EventFormatException e) {
      throw new IllegalStateException("a prepared event does not parse: " + e.getMessage(), e);
    }
  }

  private static KeyEvent decode(byte[] encoded) {
    try {
      return EventCodec.decode(encoded);
    } catch (EventFormatException e) {
      throw new IllegalStateException("a prepared event does not decode: " + e.getMessage(), e);
    }
  }

  private static VerifiedEvent verify(Prepared p, KeyEvent e) {
    try {
      return EventSignatures.verify(e, KeyResolver.of(SubjectState.EMPTY, p.anchors, p.policy));
    } catch (RuleViolationException ex) {
      throw new IllegalStateException("a prepared event does not verify: " + ex.getMessage(), ex);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
