package org.rcskt.server.log;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * The log: accepts key events, sequences them durably and serves what it logged. Plain Java; the
 * HTTP layer is a thin adapter over this class.
 *
 * <p>Submissions are verified (signatures, the expensive part) on a pool of worker threads, then
 * queued for the single {@link Integrator}. Reads go through {@link #reader()}.
 */
public final class KeyEventLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KeyEventLog.class.getName());

  /**
   * Tuning.
   *
   * @param memoryLevel tree levels from this one up are held in memory (2/2^memoryLevel hashes per
   *     leaf); 1 to 8, so that hash tiles of tile level 1 and up never need storage
   * @param tileCacheSize full tiles (and, a sixteenth as many, full entry bundles) kept cached
   * @param batchIntervalMicros under load, the least time from the start of one batch to the start
   *     of the next (fewer checkpoint signatures and syncs); a first event after a quiet spell
   *     never waits for it
   */
  public record Settings(
      int maxBatch,
      long batchWindowMicros,
      int queueSize,
      int verifyThreads,
      int memoryLevel,
      int tileCacheSize,
      long batchIntervalMicros) {
    /** Settings with no batch interval. */
    public Settings(
        int maxBatch,
        long batchWindowMicros,
        int queueSize,
        int verifyThreads,
        int memoryLevel,
        int tileCacheSize) {
      this(maxBatch, batchWindowMicros, queueSize, verifyThreads, memoryLevel, tileCacheSize, 0);
    }

    public Settings {
      if (batchIntervalMicros < 0 || batchIntervalMicros > 1_000_000) {
        throw new IllegalArgumentException(
            "batchIntervalMicros must be in 0..1000000, got " + batchIntervalMicros);
      }
      if (memoryLevel < 1 || memoryLevel > 8) {
        throw new IllegalArgumentException("memoryLevel must be in 1..8, got " + memoryLevel);
      }
      if (tileCacheSize < 16) {
        throw new IllegalArgumentException(
            "tileCacheSize must be at least 16, got " + tileCacheSize);
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
      }
      if (queueSize < 1) {
        throw new IllegalArgumentException("queueSize must be at least 1, got " + queueSize);
      }
      if (verifyThreads < 1) {
        throw new IllegalArgumentException(
            "verifyThreads must be at least 1, got " + verifyThreads);
      }
    }

    public static Settings defaults() {
      return new Settings(4096, 0, 20_000, Runtime.getRuntime().availableProcessors(), 4, 8192);
    }
  }

  private final LogStore store;
  private final StoredMap map;
  private final LogSigner signer;
  private final RulesContext rules;
  private final LogMetrics metrics;
  private final TreeNodes nodes;
  private final Integrator integrator;
  private final CommitGate gate;
  private final LogReader reader;
  private final ThreadPoolExecutor verifiers;

  private KeyEventLog(
      LogStore store,
      LogSigner signer,
      RulesContext rules,
      RuleEngine engine,
      LogMetrics metrics,
      Settings settings,
      TreeNodes nodes,
      CompactRange range,
      TreeHead head,
      AnchorRegistry anchors,
      StoredMap map,
      CommitGate gate) {
    this.store = store;
    this.gate = gate;
    this.map = map;
    this.signer = signer;
    this.rules = rules;
    this.metrics = metrics;
    this.nodes = nodes;
    this.integrator =
        new Integrator(
            store,
            nodes,
            signer,
            rules,
            engine,
            metrics,
            settings.maxBatch(),
            settings.batchWindowMicros(),
            settings.batchIntervalMicros(),
            settings.queueSize(),
            range,
            head,
            anchors,
            map,
            gate);
    this.reader = new LogReader(store, nodes, integrator::head, settings.tileCacheSize());
    AtomicInteger n = new AtomicInteger();
    this.verifiers =
        new ThreadPoolExecutor(
            settings.verifyThreads(),
            settings.verifyThreads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.queueSize()),
            r -> {
              Thread t = new Thread(r, "verify-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens the log kept in {@code store}: checks that the stored tree matches the latest stored
   * checkpoint and that this signer signed it, or, for an empty store, signs and stores the
   * checkpoint of the empty tree. Then starts the integrator.
   *
   * @param rules the log's policy; its clock is replaced by the current time for each batch
   * @throws LogStateException if the stored tree, checkpoint and key do not agree
   * @throws StorageException if the store cannot be read
   */
  public static KeyEventLog open(
      LogStore store, LogSigner signer, RulesContext rules, LogMetrics metrics, Settings settings) {
    return open(store, signer, rules, RuleEngine.STANDARD, metrics, settings, CommitGate.LOCAL);
  }

  /**
   * As {@link #open(LogStore, LogSigner, RulesContext, LogMetrics, Settings)}, committing every
   * batch through {@code gate} before its checkpoint is signed (a log of several processes,
   * docs/design/0022-standby-writer.md).
   */
  public static KeyEventLog open(
      LogStore store,
      LogSigner signer,
      RulesContext rules,
      LogMetrics metrics,
      Settings settings,
      CommitGate gate) {
    return open(store, signer, rules, RuleEngine.STANDARD, metrics, settings, gate);
  }

  /**
   * As {@link #open(LogStore, LogSigner, RulesContext, LogMetrics, Settings)}, with other rules.
   */
  static KeyEventLog open(
      LogStore store,
      LogSigner signer,
      RulesContext rules,
      RuleEngine engine,
      LogMetrics metrics,
      Settings settings) {
    return open(store, signer, rules, engine, metrics, settings, CommitGate.LOCAL);
  }

  private static KeyEventLog open(
      LogStore store,
      LogSigner signer,
      RulesContext rules,
      RuleEngine engine,
      LogMetrics metrics,
      Settings settings,
      CommitGate gate) {
    long size = store.treeSize();
    byte[] stored = store.checkpoint();
    TreeNodes nodes = new TreeNodes(store, settings.memoryLevel());
    TreeHead head;
    CompactRange range;
    if (stored == null) {
      range = CompactRange.empty();
      Hash root = range.rootHash();
      byte[] note = signer.sign(0, root);
      AppendBatch empty = new AppendBatch(0);
      empty.setCheckpoint(note);
      store.append(empty);
      head = new TreeHead(0, root, note);
    } else {
      try {
        head = signer.open(stored);
      } catch (VerificationException e) {
        throw new LogStateException(
            "the stored checkpoint does not verify with the configured log key and origin "
                + signer.origin()
                + ": "
                + e.getMessage(),
            e);
      }
      if (head.treeSize() != size) {
        throw new LogStateException(
            "the stored checkpoint is for tree size "
                + head.treeSize()
                + " but the store holds "
                + size
                + " entries");
      }
      nodes.load(size);
      range = CompactRange.fromSource(size, nodes);
      Hash root = range.rootHash();
      if (!root.equals(head.rootHash())) {
        throw new LogStateException(
            "the stored tree of size "
                + size
                + " has root hash "
                + root
                + " but the stored checkpoint says "
                + head.rootHash());
      }
    }
    AnchorRegistry anchors = StateCodec.anchors(store);
    StoredMap map = openMap(store, size);
    KeyEventLog log =
        new KeyEventLog(
            store, signer, rules, engine, metrics, settings, nodes, range, head, anchors, map,
            gate);
    log.integrator.start();
    LOG.log(
        System.Logger.Level.INFO,
        "log " + signer.origin() + " open at tree size " + size + ", root " + head.rootHash());
    return log;
  }

  /**
   * The stored subject map, checked against the last leaf: in a non-empty log it is the MAP_ROOT
   * entry of the last batch, and it must name the stored map's root and count. Reads the map's
   * bucket records and rebuilds the levels above its buckets (docs/design/0010-map-storage.md).
   */
  private static StoredMap openMap(LogStore store, long size) {
    StoredMap map;
    try {
      map = StoredMap.open(store);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new LogStateException("the stored subject map is damaged: " + e.getMessage(), e);
    }
    if (size == 0) {
      if (map.subjectCount() != 0) {
        throw new LogStateException(
            "the store holds no entries but a map of " + map.subjectCount() + " subjects");
      }
      return map;
    }
    byte[] last = store.entry(size - 1);
    MapRootEntry entry;
    try {
      entry = MapRootEntry.decode(last);
    } catch (VerificationException e) {
      throw new LogStateException(
          "the last leaf (" + (size - 1) + ") is not a map root: " + e.getMessage(), e);
    }
    if (entry.treeSize() != size
        || entry.subjectCount() != map.subjectCount()
        || !entry.mapRoot().equals(map.root())) {
      throw new LogStateException(
          "the last leaf commits to map root "
              + entry.mapRoot()
              + " of "
              + entry.subjectCount()
              + " subjects at size "
              + entry.treeSize()
              + ", but the stored map has root "
              + map.root()
              + " of "
              + map.subjectCount()
              + " subjects at size "
              + size);
    }
    return map;
  }

  /**
   * Applies a batch another process of this log committed (a standby following the writer,
   * docs/design/0022-standby-writer.md): the leaves from {@code start}, which made the tree {@code
   * (treeSize, root)}. The events are integrated again here under the rules, which must give the
   * same leaves and tree; then the batch is stored with a checkpoint this log signs over it.
   *
   * @return the new head, or a future failed with {@link LogStateException} if the batch does not
   *     start at this log's size or does not replay to the committed tree (nothing is stored)
   */
  public CompletableFuture<TreeHead> applyCommitted(
      long start, List<byte[]> entries, long treeSize, Hash root) {
    return integrator.replay(start, entries, treeSize, root);
  }

  /**
   * Submits {@code event}. The future completes when the event is durably logged (or was logged
   * before), or exceptionally with {@link RejectedEventException} (a rule, including a signature,
   * refused it), {@link UnavailableException} (queue full, write failed, shutting down) or {@link
   * StorageException}.
   */
  public CompletableFuture<Sequenced> submit(KeyEvent event) {
    CompletableFuture<Sequenced> out = new CompletableFuture<>();
    try {
      verifiers.execute(() -> prepare(event, out));
    } catch (RejectedExecutionException e) {
      metrics.submission("overloaded");
      out.completeExceptionally(
          new UnavailableException("queue_full", "the log's verification queue is full", 1, null));
    }
    return out;
  }

  /**
   * Parses {@code json} (the JSON form of one event) and submits it, all off the caller's thread.
   * Completes exceptionally with {@link org.rcskt.verifier.event.EventFormatException} for JSON
   * that is not a well-formed event, otherwise as {@link #submit(KeyEvent)}.
   */
  public CompletableFuture<Sequenced> submitJson(byte[] json) {
    return submitJson(json, SubmissionScope.ANY);
  }

  /**
   * As {@link #submitJson(byte[])}, refusing with {@link ForbiddenException} an event whose carrier
   * {@code scope} does not permit, before any signature is verified.
   */
  public CompletableFuture<Sequenced> submitJson(byte[] json, SubmissionScope scope) {
    CompletableFuture<Sequenced> out = new CompletableFuture<>();
    try {
      verifiers.execute(
          () -> {
            KeyEvent event;
            try {
              event = EventJson.parse(new String(json, StandardCharsets.UTF_8));
            } catch (EventFormatException e) {
              metrics.submission("malformed");
              out.completeExceptionally(e);
              return;
            } catch (RuntimeException e) {
              metrics.submission("failed");
              out.completeExceptionally(e);
              return;
            }
            String carrier = event.body().carrierId();
            if (!scope.permits(carrier)) {
              metrics.submission("forbidden");
              out.completeExceptionally(
                  new ForbiddenException(
                      "carrierId",
                      scope.describe()
                          + " may not submit events naming carrier \""
                          + carrier
                          + "\""));
              return;
            }
            prepare(event, out);
          });
    } catch (RejectedExecutionException e) {
      metrics.submission("overloaded");
      out.completeExceptionally(
          new UnavailableException("queue_full", "the log's verification queue is full", 1, null));
    }
    return out;
  }

  /** Runs on a verification thread: the duplicate short cut, then the signatures. */
  private void prepare(KeyEvent event, CompletableFuture<Sequenced> out) {
    try {
      Hash leafHash = event.leafHash();
      // Read before the store: everything the lookups below miss was appended at or after it.
      TreeHead h = integrator.head();
      long existing = store.leafIndex(leafHash);
      if (existing >= 0 && existing < h.treeSize()) {
        metrics.submission("duplicate");
        out.complete(new Sequenced(existing, leafHash, h, true, false, false));
        return;
      }
      // A standby answers duplicates from its store, and refuses the rest before verifying.
      NotWriterException standby = gate.refusal();
      if (standby != null) {
        metrics.submission("not_writer");
        out.completeExceptionally(
            // No cause: a standby's refusal is the cluster working, not a server error to log.
            new UnavailableException(
                standby.reason(), standby.getMessage(), standby.retryAfterSeconds(), null));
        return;
      }
      boolean anchor = event.type() == EventType.ANCHOR;
      SubjectState state = anchor ? null : StateCodec.load(store, event.subject());
      AnchorRegistry registry = integrator.anchors();
      VerifiedEvent verified = null;
      RuleViolationException failure = null;
      try {
        verified =
            EventSignatures.verify(
                event,
                KeyResolver.of(state, registry, rules.policyKey()),
                rules.deviceAttestation());
      } catch (RuleViolationException e) {
        failure = e;
      }
      Integrator.Pending p =
          new Integrator.Pending(event, verified, failure, h.treeSize(), state, registry);
      p.result.whenComplete(
          (s, t) -> {
            if (t != null) {
              out.completeExceptionally(t);
            } else {
              out.complete(s);
            }
          });
      integrator.enqueue(p);
    } catch (RuntimeException e) {
      metrics.submission("failed");
      out.completeExceptionally(e);
    }
  }

  /**
   * What {@code GET /v1/subjects} and {@code GET /v1/keys} answer about one subject, all as of one
   * signed checkpoint: the subject's state, its event rows from {@code fromSequence} (at most
   * {@code limit + 1}, so the caller can tell whether there are more), the map-root leaf of that
   * checkpoint and the map proof of the subject against it.
   *
   * @param head the checkpoint everything is as of
   * @param state the subject's state ({@link SubjectState#EMPTY} for a carrier or unknown subject)
   * @param rows the subject's event rows below the map's next sequence number
   * @param mapEntry the MAP_ROOT entry that is the checkpoint's last leaf, or null for size 0
   * @param mapProof the subject's map proof against that entry's root
   */
  public record SubjectView(
      TreeHead head,
      SubjectState state,
      List<AppendBatch.SubjectEvent> rows,
      MapRootEntry mapEntry,
      MapProof mapProof) {}

  /** See {@link SubjectView}. */
  public SubjectView subjectView(Hash subject, long fromSequence, int limit) {
    TreeHead head;
    SubjectState state;
    MapProof proof;
    try (StoredMap.Proved proved = map.prove(subject)) {
      LogStore.Snapshot snap = proved.snapshot();
      byte[] stored = snap.checkpoint();
      TreeHead published = integrator.head();
      if (java.util.Arrays.equals(stored, published.signedCheckpoint())) {
        // The usual case: the published head, already verified, so no signature check per read.
        head = published;
      } else {
        try {
          head = signer.open(stored);
        } catch (VerificationException e) {
          throw new StorageException("the stored checkpoint does not verify", e);
        }
      }
      state = StateCodec.decode(snap.subjectState(subject), subject);
      proof = proved.proof();
    }
    long next =
        proof
            .terminal()
            .filter(l -> l.index().equals(subject))
            .map(l -> l.nextSequence())
            .orElse(0L);
    List<AppendBatch.SubjectEvent> rows =
        next <= fromSequence
            ? List.of()
            : store.subjectEvents(subject, fromSequence, limit + 1).stream()
                .filter(r -> r.sequence() < next)
                .toList();
    // The store is written before the tree head is published, and the store's own tree size (which
    // bounds entry reads) moves when its write returns, a moment after the write is visible to a
    // snapshot: wait for the head first, so that the last leaf can be read and proofs against
    // this head computed. (Reading the leaf first lost that race under load: a snapshot already
    // held the new checkpoint while the store still refused its last index.)
    awaitHead(head.treeSize());
    MapRootEntry entry = null;
    if (head.treeSize() > 0) {
      // Entries are immutable: the snapshot's last leaf is still there.
      try {
        entry = MapRootEntry.decode(store.entry(head.treeSize() - 1));
      } catch (VerificationException e) {
        throw new StorageException(
            "the last leaf of tree size " + head.treeSize() + " is not a map root", e);
      }
    }
    return new SubjectView(head, state, rows, entry, proof);
  }

  /** The latest signed tree. */
  public TreeHead head() {
    return integrator.head();
  }

  /** The current carrier anchors. */
  public AnchorRegistry anchors() {
    return integrator.anchors();
  }

  /** The committed state of {@code subject} ({@link SubjectState#EMPTY} if it has no events). */
  public SubjectState subjectState(Hash subject) {
    return StateCodec.load(store, subject);
  }

  /** The subject's event index rows from {@code fromSequence}, at most {@code limit}. */
  public List<AppendBatch.SubjectEvent> subjectEvents(Hash subject, long fromSequence, int limit) {
    long size = head().treeSize();
    return store.subjectEvents(subject, fromSequence, limit).stream()
        .filter(e -> e.leafIndex() < size)
        .toList();
  }

  /**
   * The subject's event index rows as stored, possibly including events of a batch whose tree head
   * is about to be published; pair with {@link #awaitHead}.
   */
  public List<AppendBatch.SubjectEvent> subjectEventsUnfiltered(
      Hash subject, long fromSequence, int limit) {
    return store.subjectEvents(subject, fromSequence, limit);
  }

  /**
   * The latest tree head, once it covers at least {@code treeSize} leaves. Anything read from the
   * store is covered within moments (the integrator publishes right after its write returns).
   *
   * @throws StorageException if the head does not get there within a second
   */
  public TreeHead awaitHead(long treeSize) {
    long deadline = System.nanoTime() + 1_000_000_000L;
    TreeHead h = integrator.head();
    while (h.treeSize() < treeSize) {
      if (System.nanoTime() > deadline) {
        throw new StorageException(
            "stored data refers to tree size " + treeSize + " but the log is at " + h.treeSize());
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(0, 200_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted waiting for tree size " + treeSize, e);
      }
      h = integrator.head();
    }
    return h;
  }

  public LogReader reader() {
    return reader;
  }

  /** Whether the log is taking events (false after a store failure it could not recover from). */
  public boolean ready() {
    return integrator.running();
  }

  /** Events verified and waiting for the integrator. */
  public int queued() {
    return integrator.queued();
  }

  /** Bytes of tree levels held in memory. */
  public long memoryBytes() {
    return nodes.memoryBytes();
  }

  /**
   * Starts loading the subject map's leaf cache in the background, so that map updates read nothing
   * from the store once each subject's index and leaf hash are in memory
   * (docs/design/0010-map-storage.md, "The leaf cache"). Left off, with a warning, where it would
   * take more than 40% of the heap. The server calls it once it is serving, so the load does not
   * compete with startup; a log without it is correct, only its updates are slower.
   *
   * @return whether the cache was turned on
   */
  public boolean startLeafCache() {
    boolean on = map.startLeafCacheLoad(Runtime.getRuntime().maxMemory() / 5 * 2);
    if (!on) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the subject map's "
              + map.subjectCount()
              + " subjects need more than 40% of the heap in the leaf cache; map updates read"
              + " their buckets from the store instead (give the JVM a larger -Xmx to turn it on)");
    }
    return on;
  }

  /** Bytes the subject map holds in memory (levels above the buckets, leaf cache). */
  public long mapMemoryBytes() {
    return map.bytes();
  }

  public String origin() {
    return signer.origin();
  }

  /** Stops taking events and answers everything still queued; does not close the store. */
  @Override
  public void close() {
    verifiers.shutdown();
    try {
      verifiers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    integrator.stop();
    map.stopLeafCacheLoad();
  }
}
