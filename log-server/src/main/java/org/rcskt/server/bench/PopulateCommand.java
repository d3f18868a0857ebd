package org.rcskt.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code populate}: builds a large log quickly, for read and growth benchmarks, straight into a new
 * data directory that {@code serve --dev} then opens as its own.
 *
 * <p>What it writes is what the server would have written for the same events: the development
 * carrier's ANCHOR as entry 0 (with the log, policy and carrier keys in the usual files), then one
 * carrier-attested REGISTER per fresh subject, really signed by the device and carrier keys, with
 * every Merkle node, leaf index row, subject state and subject event row, the subject map's records
 * and the MAP_ROOT leaf that closes every batch, and a signed checkpoint per batch.
 *
 * <p>What it skips, to go fast: it does not verify the signatures it just made, and it does not run
 * the rules for each event; the subject state of each REGISTER is the rules' state for a template
 * REGISTER with the event's hash, timestamp and key patched in ({@link RegisterStateTemplate}). One
 * event in {@code --check-every} is verified and run through the rules for real and its state
 * compared byte for byte. Device keys come from a pool ({@code --device-keys}), reused across
 * subjects (the rules allow it: keys are unique within a subject). There is no HTTP, no queue, and
 * batches are far larger than a server's under load.
 */
@Command(
    name = "populate",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a log of many valid signed events directly in a new data directory (no HTTP, no"
          + " per-event verification), for read and growth benchmarks."
    })
public final class PopulateCommand implements Callable<Integer> {
  /** The subject namespace populate uses; {@code bench} runs never use it. */
  public static final int NAMESPACE = 0;

  @Option(names = "--data-dir", required = true, description = "New data directory.")
  Path dataDir;

  @Option(
      names = "--entries",
      defaultValue = "10000000",
      description =
          "Tree size to build, the ANCHOR and one map root leaf per batch included (default:"
              + " ${DEFAULT-VALUE}).")
  long entries;

  @Option(
      names = "--origin",
      defaultValue = ServerConfig.DEFAULT_ORIGIN,
      description = "The log's origin (default: ${DEFAULT-VALUE}).")
  String origin;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Signing threads; 0 for one per core.")
  int threads;

  @Option(
      names = "--batch",
      defaultValue = "8192",
      description =
          "Events per synced write, each batch closed by its map root leaf (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--check-every",
      defaultValue = "1024",
      description =
          "Fully verify every N-th event and compare its state with the rules' (default:"
              + " ${DEFAULT-VALUE}).")
  int checkEvery;

  @Option(
      names = "--device-keys",
      defaultValue = "4096",
      description = "Size of the device key pool (default: ${DEFAULT-VALUE}).")
  int deviceKeys;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--hybrid-share",
      defaultValue = "0",
      description =
          "Share of events (0 to 1) that register an Ed25519 + ML-DSA-65 hybrid key instead of an"
              + " Ed25519 key (default: ${DEFAULT-VALUE}).")
  double hybridShare;

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;

  /** One batch of events, prepared by a signing thread. */
  private record Chunk(byte[][] encoded, Hash[] leaves, Hash[] subjects, byte[][] states) {}

  @Override
  public Integer call() throws Exception {
    if (entries < 1 || batch < 1 || checkEvery < 1 || deviceKeys < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--entries, --batch, --check-every and --device-keys must be positive");
    }
    if (!(hybridShare >= 0 && hybridShare <= 1)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--hybrid-share must be from 0 to 1, got " + hybridShare);
    }
    // Every batch is its events and one map root: the ANCHOR's makes 2 leaves, each other one at
    // least 2, and with --batch 1 exactly 2.
    if (entries == 1 || entries == 3 || (batch == 1 && entries % 2 == 1)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--entries "
              + entries
              + " cannot be built: every batch is its events and one map root leaf (the ANCHOR's"
              + " batch is 2 leaves, every other one 2 to --batch + 1)");
    }
    Path db = LogServer.storeDirectory(dataDir);
    if (Files.exists(db)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), db + " exists: populate only builds new logs");
    }
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    Files.createDirectories(dataDir);
    NoteLogSigner signer =
        new NoteLogSigner(ServerKeys.logSigner(dataDir.resolve("log.key"), origin));
    ServerKeys.PolicyKey policy = ServerKeys.policyKey(dataDir.resolve("policy.key"));
    if (!policy.canSign()) {
      throw new IllegalStateException(
          "the policy key file " + dataDir.resolve("policy.key") + " holds no signer key");
    }
    Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(dataDir.resolve("dev-carrier.key"));
    PublicKeyInfo policyKey = PublicKeyInfo.ed25519(policy.publicKey());
    long now = System.currentTimeMillis();
    RulesContext rules = RulesContext.ingest(policyKey, now);

    out.printf(
        "populating %s with %,d entries on %d signing threads, batches of %d; load average %s%n",
        dataDir, entries, t, batch, Reports.loadAverage());
    long t0 = System.nanoTime();
    AtomicLong checked = new AtomicLong();
    try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
      BatchWriter writer = new BatchWriter(store, signer);

      // Entry 0: the development carrier's ANCHOR, exactly as serve --dev logs it.
      KeyEvent anchor =
          EventBuilder.forCarrier(LogServer.DEV_CARRIER_ID)
              .timestampMs(now)
              .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
              .sign(policy.keyPair());
      VerifiedEvent va =
          EventSignatures.verify(anchor, KeyResolver.of(null, AnchorRegistry.EMPTY, policyKey));
      AnchorRegistry anchors =
          org.rcskt.verifier.event.EventRules.apply(
                  SubjectState.EMPTY, va, AnchorRegistry.EMPTY, rules)
              .anchors();
      AppendBatch first = writer.begin();
      long ai =
          writer.addEvent(
              first, anchor.encoded(), anchor.leafHash(), anchor.subject(), anchor.sequence());
      first.addSubjectEvent(anchor.subject(), anchor.sequence(), ai);
      first.setAnchorRegistry(anchors.toBytes());
      writer.commit(first);

      BenchEvents gen =
          new BenchEvents(LogServer.DEV_CARRIER_ID, carrier, NAMESPACE, seed, deviceKeys)
              .withHybridShare(hybridShare, 256);
      // One template per key length: Ed25519 keys and, with --hybrid-share, hybrid keys.
      java.util.Map<Integer, RegisterStateTemplate> template = new java.util.HashMap<>();
      for (long i = 0; template.size() < (hybridShare > 0 ? 2 : 1) && i < 100_000; i++) {
        KeyEvent model = gen.register(i, now);
        int length = keyLength(model);
        if (!template.containsKey(length)) {
          template.put(
              length, RegisterStateTemplate.of(model, fullCheck(model, anchors, policyKey, rules)));
        }
      }

      // Leaves still to write after the ANCHOR's batch; each batch takes its events and a map root.
      long leavesLeft = entries - writer.treeSize();
      ExecutorService signers = Executors.newFixedThreadPool(t);
      Deque<Future<Chunk>> window = new ArrayDeque<>();
      long next = 0;
      long lastReport = System.nanoTime();
      try {
        while (leavesLeft > 0 || !window.isEmpty()) {
          while (leavesLeft > 0 && window.size() < 2 * t + 1) {
            long from = next;
            int k = (int) Math.min(batch, leavesLeft - 1);
            if (leavesLeft - k - 1 == 1) {
              // One leaf left over could not be a batch: leave room for a last one of two.
              k--;
            }
            int n = k;
            window.add(
                signers.submit(
                    () -> chunk(gen, from, n, template, anchors, policyKey, rules, checked)));
            next = from + n;
            leavesLeft -= n + 1;
          }
          Chunk c = window.removeFirst().get();
          AppendBatch b = writer.begin();
          for (int i = 0; i < c.encoded().length; i++) {
            long index = writer.addEvent(b, c.encoded()[i], c.leaves()[i], c.subjects()[i], 0);
            b.putSubjectState(c.subjects()[i], c.states()[i]);
            b.addSubjectEvent(c.subjects()[i], 0, index);
          }
          writer.commit(b);
          long nowNanos = System.nanoTime();
          if (nowNanos - lastReport > 30_000_000_000L) {
            lastReport = nowNanos;
            double s = (nowNanos - t0) / 1e9;
            out.printf(
                "  %,d entries in %.0f s (%,.0f/s), load average %s%n",
                writer.treeSize(), s, writer.treeSize() / s, Reports.loadAverage());
          }
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("preparing events failed: " + e.getCause(), e.getCause());
      } finally {
        signers.shutdownNow();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      out.printf(
          "done: tree size %,d (%,d events, %,d map roots), root %s, in %.0f s (%,.0f entries/s);"
              + " %,d events fully verified against the rules; store %,d MB; load average %s%n",
          writer.treeSize(),
          next + 1,
          writer.treeSize() - next - 1,
          writer.rootHash(),
          s,
          writer.treeSize() / s,
          checked.get() + 1,
          directoryBytes(db) >> 20,
          Reports.loadAverage());
    }
    return 0;
  }

  private Chunk chunk(
      BenchEvents gen,
      long from,
      int n,
      java.util.Map<Integer, RegisterStateTemplate> template,
      AnchorRegistry anchors,
      PublicKeyInfo policyKey,
      RulesContext rules,
      AtomicLong checked) {
    byte[][] encoded = new byte[n][];
    Hash[] leaves = new Hash[n];
    Hash[] subjects = new Hash[n];
    byte[][] states = new byte[n][];
    long ts = System.currentTimeMillis();
    RulesContext now = rules.withNow(ts);
    for (int k = 0; k < n; k++) {
      long i = from + k;
      KeyEvent e = gen.register(i, ts);
      encoded[k] = e.encoded();
      leaves[k] = e.leafHash();
      subjects[k] = e.subject();
      states[k] = template.get(keyLength(e)).stateAfter(e);
      if (i % checkEvery == 0) {
        byte[] real = fullCheck(e, anchors, policyKey, now).toBytes();
        if (!Arrays.equals(real, states[k])) {
          throw new IllegalStateException(
              "the patched state of event " + i + " differs from the rules' state");
        }
        checked.incrementAndGet();
      }
    }
    return new Chunk(encoded, leaves, subjects, states);
  }

  /** Decodes {@code e} afresh, verifies its signatures and applies the rules to a fresh subject. */
  private static SubjectState fullCheck(
      KeyEvent e, AnchorRegistry anchors, PublicKeyInfo policyKey, RulesContext rules) {
    try {
      KeyEvent fresh = EventCodec.decode(e.encoded());
      VerifiedEvent v =
          EventSignatures.verify(fresh, KeyResolver.of(SubjectState.EMPTY, anchors, policyKey));
      return org.rcskt.verifier.event.EventRules.apply(SubjectState.EMPTY, v, anchors, rules)
          .state();
    } catch (org.rcskt.verifier.VerificationException ex) {
      throw new IllegalStateException("a populated event fails the rules: " + ex.getMessage(), ex);
    }
  }

  static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static int keyLength(KeyEvent register) {
    return ((org.rcskt.verifier.event.EventPayload.Register) register.body().payload())
        .publicKey()
        .keyLength();
  }
}
