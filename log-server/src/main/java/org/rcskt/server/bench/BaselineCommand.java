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
                  .count();
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
      }
    } finally {
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

  /** A timed phase: wall seconds, CPU of this process over them, and what was measured. */
  private record Timed(double seconds, long cpuNanos, String detail) {}

  private interface Work {
    String run() throws Exception;
  }

  private static Timed timed(Work work) throws Exception {
    long cpu0 = LoadRun.processCpuNanos();
    long t0 = System.nanoTime();
    String detail = work.run();
    double s = (System.nanoTime() - t0) / 1e9;
    return new Timed(s, LoadRun.processCpuNanos() - cpu0, detail);
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
    try (Writer w = new Writer(p, storeDir, map)) {
      return timed(
          () -> {
            for (int from = 0; from < events; from += batch) {
              int to = Math.min(events, from + batch);
              w.write(java.util.Arrays.copyOfRange(verified, from, to));
            }
            return String.format(
                "one writer: lookups, rules, hashing, %s, %d synced writes of %.1f ms mean",
                w.mapNote(), w.writes, w.writer.appendNanos() / 1e6 / w.writes);
          });
    }
  }

  private Timed pipelinePhase(Prepared p, int t, Path storeDir, boolean fromJson, boolean map)
      throws Exception {
    return timed(() -> pipeline(p, t, storeDir, fromJson, map));
  }

  private String pipeline(Prepared p, int t, Path storeDir, boolean fromJson, boolean map)
      throws Exception {
    int off = p.takeSlice(onto != null);
    ExecutorService pool = Executors.newFixedThreadPool(t);
    Deque<Future<VerifiedEvent[]>> window = new ArrayDeque<>();
    int nextFrom = 0;
    try (Writer w = new Writer(p, storeDir, map)) {
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
    } finally {
      pool.shutdownNow();
    }
  }

  /** The integrator's work for fresh-subject events, on one thread, into a new store. */
  private final class Writer implements AutoCloseable {
    private final Prepared p;
    private final RocksDbLogStore store;
    private final BatchWriter writer;
    private final boolean map;
    long writes;

    String mapNote() {
      return map
          ? String.format(
              "subject map %.1f us/event (%.1f reading)",
              writer.mapNanos() / 1e3 / events, writer.mapReadNanos() / 1e3 / events)
          : "no subject map";
    }

    Writer(Prepared p, Path storeDir, boolean map) {
      this.p = p;
      // The server's own store settings, so the baseline differs from it only by HTTP.
      this.store =
          RocksDbLogStore.open(
              onto != null ? LogServer.storeDirectory(onto) : storeDir, settings());
      NoteLogSigner signer =
          new NoteLogSigner(
              Ed25519NoteSigner.of(
                  ServerConfig.DEFAULT_ORIGIN, Ed25519.KeyPair.generate(new Random(seed))));
      this.writer =
          onto != null
              ? BatchWriter.resume(store, signer, map)
              : new BatchWriter(store, signer, map);
      this.map = map;
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
      store.close();
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
