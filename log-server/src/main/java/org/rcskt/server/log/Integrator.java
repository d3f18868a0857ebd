package org.rcskt.server.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;
import org.rcskt.verifier.event.Violation;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;

/**
 * The single thread that sequences events. It takes whatever has been verified and queued (up to
 * {@code maxBatch} events, waiting up to {@code windowMicros} for more after the first, and under
 * load until {@code intervalMicros} have passed since the previous batch began), applies the rules
 * in arrival order against the current state including the batch's own earlier events, appends the
 * accepted ones as leaves, signs one checkpoint over the new tree, writes all of it in one synced
 * store write and only then answers every submitter of the batch.
 *
 * <p>In-memory state (the compact range, the published tree head, the upper tree levels, the anchor
 * registry, the state cache) changes only after the write returned. A failed write answers the
 * batch with {@link UnavailableException} and reloads that state from the store, which the store
 * contract makes the source of truth.
 */
final class Integrator {
  private static final System.Logger LOG = System.getLogger(Integrator.class.getName());
  private static final int STATE_CACHE_SIZE = 100_000;

  /**
   * Leaves remembered by {@link RecentWrites}: more than the queue holds, so that almost every
   * pending event was checked by its worker within the window and needs no second store lookup.
   */
  private static final int RECENT_WINDOW = 1 << 16;

  /** A verified (or verification-failed) event waiting for integration. */
  static final class Pending {
    final KeyEvent event;
    final Hash leafHash;
    final VerifiedEvent verified;
    final RuleViolationException verifyFailure;
    final Hash verifiedAgainstState;
    final AnchorRegistry verifiedAgainstAnchors;

    /**
     * The published tree size read before the worker looked the event up in the store: the event
     * was not logged below it, and {@link #checkedState} is the subject's state as of at least this
     * size. Negative when the worker did not look (the integrator then reads the store).
     */
    final long checkedAtSize;

    /** The subject's committed state as the worker read it (null for ANCHOR events). */
    final SubjectState checkedState;

    final CompletableFuture<Sequenced> result = new CompletableFuture<>();

    /** A batch committed elsewhere, to apply exactly (then every other field is null); or null. */
    final Replay replay;

    Pending(
        KeyEvent event,
        VerifiedEvent verified,
        RuleViolationException verifyFailure,
        long checkedAtSize,
        SubjectState checkedState,
        AnchorRegistry verifiedAgainstAnchors) {
      this.event = event;
      this.leafHash = event.leafHash();
      this.verified = verified;
      this.verifyFailure = verifyFailure;
      this.checkedAtSize = checkedAtSize;
      this.checkedState = checkedState;
      this.verifiedAgainstState = checkedState == null ? null : checkedState.lastEventHash();
      this.verifiedAgainstAnchors = verifiedAgainstAnchors;
      this.replay = null;
    }

    private Pending(Replay replay) {
      this.event = null;
      this.leafHash = null;
      this.verified = null;
      this.verifyFailure = null;
      this.checkedAtSize = -1;
      this.checkedState = null;
      this.verifiedAgainstState = null;
      this.verifiedAgainstAnchors = null;
      this.replay = replay;
    }
  }

  /**
   * A batch that another process committed (docs/design/0022-standby-writer.md): its leaves from
   * {@code start} on, which made the tree {@code (treeSize, root)}. Applied here by integrating the
   * same events under the rules (without the clock: they were checked against it when they were
   * submitted), which must give the same leaves, map root and tree.
   */
  record Replay(
      long start,
      List<byte[]> entries,
      long treeSize,
      Hash root,
      CompletableFuture<TreeHead> done) {}

  private final LogStore store;
  private final TreeNodes nodes;
  private final LogSigner signer;
  private final CommitGate gate;
  private final RulesContext rules;
  private final RuleEngine engine;
  private final LogMetrics metrics;
  private final int maxBatch;
  private final long windowNanos;
  private final long intervalNanos;
  // When the last batch began integrating (System.nanoTime()), for intervalNanos.
  private long lastBatchStart;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private final StateCache stateCache = StateCache.forHeap(STATE_CACHE_SIZE);

  // Integrator-thread state.
  private final RecentWrites recent;
  private final StoredMap map;
  private CompactRange range;
  // The leaf hashes of the rightmost, incomplete level-0 tile, packed.
  private byte[] edgeTile;
  // Published state, read by any thread.
  private volatile TreeHead head;
  private volatile AnchorRegistry anchors;
  private volatile boolean running = true;

  Integrator(
      LogStore store,
      TreeNodes nodes,
      LogSigner signer,
      RulesContext rules,
      RuleEngine engine,
      LogMetrics metrics,
      int maxBatch,
      long windowMicros,
      long intervalMicros,
      int queueSize,
      CompactRange range,
      TreeHead head,
      AnchorRegistry anchors,
      StoredMap map,
      CommitGate gate) {
    this.store = store;
    this.gate = gate;
    this.map = map;
    this.nodes = nodes;
    this.signer = signer;
    this.rules = rules;
    this.engine = engine;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.windowNanos = TimeUnit.MICROSECONDS.toNanos(windowMicros);
    this.intervalNanos = TimeUnit.MICROSECONDS.toNanos(intervalMicros);
    this.lastBatchStart = System.nanoTime() - intervalNanos;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.range = range;
    this.edgeTile = loadEdgeTile(nodes, head.treeSize());
    this.recent = new RecentWrites(RECENT_WINDOW, head.treeSize());
    this.head = head;
    this.anchors = anchors;
    this.thread = new Thread(this::run, "integrator");
    this.thread.setDaemon(true);
  }

  private static byte[] loadEdgeTile(TreeNodes nodes, long treeSize) {
    byte[] edge = new byte[LogReader.TILE_WIDTH * Hash.SIZE];
    int n = (int) (treeSize % LogReader.TILE_WIDTH);
    if (n > 0) {
      nodes.copy(0, treeSize - n, n, edge);
    }
    return edge;
  }

  void start() {
    thread.start();
  }

  TreeHead head() {
    return head;
  }

  AnchorRegistry anchors() {
    return anchors;
  }

  int queued() {
    return queue.size();
  }

  /**
   * Queues {@code p}; completes its result exceptionally at once when the queue is full or the
   * integrator stopped.
   */
  void enqueue(Pending p) {
    if (!running) {
      p.result.completeExceptionally(
          new UnavailableException("shutting_down", "the log is shutting down", 5, null));
      return;
    }
    if (!queue.offer(p)) {
      p.result.completeExceptionally(
          new UnavailableException(
              "queue_full",
              "the log's queue of "
                  + (queue.size() + queue.remainingCapacity())
                  + " events is full",
              1,
              null));
    }
  }

  /**
   * Applies a batch another process committed, after whatever is queued before it. The future
   * completes with the new head, or exceptionally with {@link LogStateException} if the batch does
   * not replay to the committed tree here (nothing of it is then stored).
   */
  CompletableFuture<TreeHead> replay(long start, List<byte[]> entries, long treeSize, Hash root) {
    CompletableFuture<TreeHead> done = new CompletableFuture<>();
    Pending p = new Pending(new Replay(start, List.copyOf(entries), treeSize, root, done));
    try {
      if (!queue.offer(p, 10, TimeUnit.SECONDS)) {
        done.completeExceptionally(
            new UnavailableException("queue_full", "the log's queue stayed full", 1, null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Stops taking batches, waits for the current one, and refuses what is still queued. */
  void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    refuseQueued("the log is shutting down");
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (running) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        // Wait for company until the window after the first event has passed and, under load,
        // until the interval since the last batch began has: a quiet log never waits for the
        // interval, a busy one signs and syncs at most once per interval.
        long now = System.nanoTime();
        long deadline = now + windowNanos;
        if (intervalNanos > 0 && now - lastBatchStart < intervalNanos) {
          deadline = Math.max(deadline, lastBatchStart + intervalNanos);
        }
        while (batch.size() < maxBatch) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          Pending p = queue.poll(left, TimeUnit.NANOSECONDS);
          if (p == null) {
            break;
          }
          batch.add(p);
        }
        queue.drainTo(batch, maxBatch - batch.size());
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
        continue;
      }
      lastBatchStart = System.nanoTime();
      // Submissions are integrated in runs between the committed batches to replay, in order.
      List<Pending> run = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        if (p.replay == null) {
          run.add(p);
          continue;
        }
        if (!run.isEmpty()) {
          integrateOrFail(run, null);
          run = new ArrayList<>();
        }
        integrateOrFail(List.of(), p.replay);
      }
      if (!run.isEmpty()) {
        integrateOrFail(run, null);
      }
      batch.clear();
    }
    refuseQueued("the log is not taking events");
  }

  /** Refuses what is still queued, submissions and committed batches to replay alike. */
  private void refuseQueued(String why) {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    UnavailableException e = new UnavailableException("shutting_down", why, 5, null);
    for (Pending p : left) {
      p.result.completeExceptionally(e);
      if (p.replay != null) {
        p.replay.done().completeExceptionally(e);
      }
    }
  }

  private void integrateOrFail(List<Pending> batch, Replay replay) {
    try {
      if (replay == null) {
        integrate(batch, null);
      } else {
        replay(replay);
      }
    } catch (RuntimeException | Error e) {
      // A bug, not a client's fault: answer the batch rather than leave it hanging, and carry on
      // from what the store holds.
      LOG.log(System.Logger.Level.ERROR, "integration of a batch failed", e);
      for (Pending p : batch) {
        p.result.completeExceptionally(
            new UnavailableException("internal_error", "the batch could not be integrated", 5, e));
      }
      if (replay != null) {
        replay.done.completeExceptionally(e);
      }
      reload();
    }
  }

  /** Decodes a committed batch into its events and integrates them in replay mode. */
  private void replay(Replay r) {
    long size = head.treeSize();
    if (r.start() < size && r.treeSize() <= size && holds(r)) {
      // This log wrote the batch itself, as the writer, and stored it after the follower read the
      // commit log: nothing to apply.
      r.done().complete(head);
      return;
    }
    if (r.start() != size) {
      r.done()
          .completeExceptionally(
              new LogStateException(
                  "the committed batch starts at " + r.start() + " but this log is at " + size));
      return;
    }
    List<byte[]> es = r.entries();
    List<Pending> events = new ArrayList<>(es.size());
    for (int i = 0; i + 1 < es.size(); i++) {
      try {
        events.add(new Pending(EventCodec.decode(es.get(i)), null, null, -1, null, null));
      } catch (VerificationException e) {
        r.done()
            .completeExceptionally(
                new LogStateException(
                    "leaf "
                        + (r.start() + i)
                        + " of the committed batch is no event: "
                        + e.getMessage(),
                    e));
        return;
      }
    }
    if (events.isEmpty() || !MapRootEntry.isMapRoot(es.get(es.size() - 1))) {
      r.done()
          .completeExceptionally(
              new LogStateException(
                  "the committed batch at " + r.start() + " is not events followed by a map root"));
      return;
    }
    integrate(events, r);
  }

  /** Whether the store holds exactly the committed batch's leaves at its positions. */
  private boolean holds(Replay r) {
    List<byte[]> mine = store.entries(r.start(), r.treeSize());
    if (mine.size() != r.entries().size()) {
      return false;
    }
    for (int i = 0; i < mine.size(); i++) {
      if (!Arrays.equals(mine.get(i), r.entries().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Refuses a replay that does not give the committed tree here; nothing of it is stored. */
  private void diverged(Replay r, String why) {
    LOG.log(
        System.Logger.Level.ERROR,
        "the committed batch at " + r.start() + " does not replay here: " + why);
    r.done()
        .completeExceptionally(
            new LogStateException(
                "the committed batch at " + r.start() + " does not replay here: " + why));
  }

  /** False once the integrator stopped, by request or because the store became unusable. */
  boolean running() {
    return running;
  }

  /** Outcome of one pending event within a batch. */
  private static final class Outcome {
    long leafIndex = -1;
    boolean duplicate;
    boolean inBatch;
    Applied applied;
    RuntimeException failure;
  }

  /**
   * Integrates {@code batch}; with {@code replay}, the events of a batch committed elsewhere, which
   * must all be applied and give exactly its tree (and are not committed again).
   */
  private void integrate(List<Pending> batch, Replay replay) {
    long started = System.nanoTime();
    TreeHead before = head;
    long start = before.treeSize();
    AppendBatch append = new AppendBatch(start);
    CompactRange work = range.copy();
    byte[] edge = edgeTile.clone();
    Map<Hash, SubjectState> states = new HashMap<>();
    Map<Hash, Long> batchLeaves = new HashMap<>();
    AnchorRegistry registry = anchors;
    boolean registryChanged = false;
    Set<String> carriersChanged = new LinkedHashSet<>();
    RulesContext ctx =
        replay == null ? rules.withNow(System.currentTimeMillis()) : rules.withoutNow();
    Outcome[] outcomes = new Outcome[batch.size()];

    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Outcome o = new Outcome();
      outcomes[i] = o;
      Long inBatch = batchLeaves.get(p.leafHash);
      if (inBatch != null) {
        o.leafIndex = inBatch;
        o.duplicate = true;
        o.inBatch = true;
        continue;
      }
      // The worker found the event unlogged at checkedAtSize; only what was appended since can
      // make it a duplicate, and the window remembers all of that when it reaches back so far.
      boolean windowCovers = recent.covers(p.checkedAtSize);
      long existing = windowCovers ? recent.leafIndex(p.leafHash) : store.leafIndex(p.leafHash);
      if (existing >= 0) {
        o.leafIndex = existing;
        o.duplicate = true;
        continue;
      }
      KeyEvent event = p.event;
      boolean anchor = event.type() == EventType.ANCHOR;
      Hash subject = event.subject();
      // For an ANCHOR event this is the phone state of its carrier subject, which must be empty.
      SubjectState state = states.get(subject);
      if (state == null) {
        state =
            !anchor
                    && windowCovers
                    && p.checkedState != null
                    && !recent.touchedSince(subject, p.checkedAtSize)
                ? p.checkedState
                : loadState(subject);
      }
      Applied a;
      try {
        VerifiedEvent verified = p.verified;
        if (verified == null) {
          // The chain comes before the signatures (docs/protocol.md, section 9.4): an event that
          // lost a race for its sequence number is a conflict, whatever its signatures say.
          EventRules.checkChain(state, event, registry);
          verified =
              replay != null
                  ? EventSignatures.verify(
                      event,
                      KeyResolver.of(anchor ? null : state, registry, rules.policyKey()),
                      rules.deviceAttestation())
                  : reverify(p, anchor ? null : state, registry);
        }
        a = engine.apply(state, verified, registry, ctx);
      } catch (RuleViolationException e) {
        o.failure =
            new RejectedEventException(e, nextSequence(event, state, registry), e.field(event));
        continue;
      } catch (RuntimeException e) {
        // A bug in the rules for this one event: refuse it alone, not its whole batch.
        LOG.log(System.Logger.Level.ERROR, "applying the rules to an event failed", e);
        o.failure = e;
        continue;
      }
      String broken = brokenInvariant(event, state, registry, a);
      if (broken != null) {
        // The rules accepted an event that would corrupt the indexes: a bug in the rules. Refuse
        // the event alone, loudly, and write nothing of it.
        LOG.log(
            System.Logger.Level.ERROR,
            "the rules accepted an event that breaks a store invariant; refused: " + broken);
        metrics.invariantViolation();
        o.failure = new IllegalStateException("store invariant: " + broken);
        continue;
      }
      long index = appendLeaf(append, work, edge, event.encoded(), p.leafHash);
      if (anchor) {
        registry = a.anchors();
        registryChanged = true;
        carriersChanged.add(event.body().carrierId());
      } else {
        states.put(subject, a.state());
      }
      append.addSubjectEvent(subject, event.sequence(), index);
      batchLeaves.put(p.leafHash, index);
      o.leafIndex = index;
      o.applied = a;
    }

    if (replay != null) {
      for (int i = 0; i < outcomes.length; i++) {
        Outcome o = outcomes[i];
        if (o.failure != null || o.applied == null) {
          diverged(
              replay,
              "leaf "
                  + (start + i)
                  + (o.failure != null
                      ? " is refused here: " + o.failure.getMessage()
                      : " is already logged here"));
          return;
        }
      }
    }
    TreeHead after = before;
    long writeNanos = 0;
    StoredMap.Update mapUpdate = null;
    Hash mapLeafHash = null;
    // Counted before the map root leaf: the metrics report events, not leaves.
    int appendedEvents = append.size();
    if (append.size() > 0) {
      for (Map.Entry<Hash, SubjectState> s : states.entrySet()) {
        append.putSubjectState(s.getKey(), s.getValue().toBytes());
      }
      if (registryChanged) {
        append.setAnchorRegistry(registry.toBytes());
      }
      // The batch ends with the map root after it (docs/protocol.md section 16), so the last leaf
      // of every checkpoint commits to every subject's latest event.
      long m0 = System.nanoTime();
      mapUpdate = updateMap(states, carriersChanged, registry);
      mapUpdate.writeTo(append);
      byte[] mapEntry =
          new MapRootEntry(append.endIndex() + 1, mapUpdate.subjectCount(), mapUpdate.root())
              .encoded();
      mapLeafHash = Merkle.leafHash(mapEntry);
      appendLeaf(append, work, edge, mapEntry, mapLeafHash);
      metrics.mapUpdate(mapUpdate.records(), System.nanoTime() - m0, mapUpdate.readNanos());
      long newSize = append.endIndex();
      Hash root = work.rootHash();
      if (replay != null) {
        List<byte[]> want = replay.entries();
        String why = null;
        if (newSize != replay.treeSize()) {
          why = "it makes size " + newSize + ", not " + replay.treeSize();
        } else if (!Arrays.equals(mapEntry, want.get(want.size() - 1))) {
          why = "its map root leaf differs from the committed one";
        } else if (!root.equals(replay.root())) {
          why = "its root " + root + " is not the committed " + replay.root();
        }
        if (why != null) {
          // Nothing was staged or stored yet; the in-memory state is read back all the same.
          diverged(replay, why);
          reload();
          return;
        }
      }
      // Committed before it is signed: a writer whose term has ended signs nothing
      // (docs/design/0022-standby-writer.md); the single-process log's gate does nothing. A
      // replayed batch is committed already.
      try {
        if (replay == null) {
          gate.commit(start, append.entries(), newSize, root);
        }
      } catch (NotWriterException e) {
        // Being fenced off is the cluster working (the node logs it once); an unreachable commit
        // log is trouble worth a log line, so only then the cause goes with the answer.
        UnavailableException failure =
            new UnavailableException(
                e.reason(),
                e.getMessage(),
                e.retryAfterSeconds(),
                "commit_unavailable".equals(e.reason()) ? e : null);
        for (Outcome o : outcomes) {
          if (o.failure == null && (o.applied != null || o.inBatch)) {
            o.failure = failure;
          }
        }
        reload();
        finish(batch, outcomes, head, started, 0);
        return;
      }
      byte[] note = signer.sign(newSize, root);
      append.setCheckpoint(note);
      long w0 = System.nanoTime();
      // Lookups that take their snapshot after this write, before the commit below, need it.
      map.stage(mapUpdate);
      try {
        store.append(append);
      } catch (RuntimeException e) {
        metrics.writeFailed();
        LOG.log(
            System.Logger.Level.ERROR,
            "writing a batch of " + append.size() + " entries at " + start + " failed",
            e);
        UnavailableException failure =
            new UnavailableException(
                "write_failed",
                "the log could not store this batch; nothing of it was logged",
                5,
                e);
        for (int i = 0; i < outcomes.length; i++) {
          Outcome o = outcomes[i];
          if (o.failure == null && (o.applied != null || o.inBatch)) {
            o.failure = failure;
          }
        }
        reload();
        finish(batch, outcomes, head, started, 0);
        return;
      }
      writeNanos = System.nanoTime() - w0;
      for (int i = 0; i < outcomes.length; i++) {
        Outcome o = outcomes[i];
        if (o.applied != null) {
          KeyEvent e = batch.get(i).event;
          recent.add(
              batch.get(i).leafHash,
              e.type() == EventType.ANCHOR ? null : e.subject(),
              o.leafIndex);
        }
      }
      recent.add(mapLeafHash, null, append.endIndex() - 1);
      map.commit(mapUpdate);
      range = work;
      edgeTile = edge;
      nodes.commit(append.nodes());
      for (Map.Entry<Hash, SubjectState> s : states.entrySet()) {
        stateCache.put(s.getKey(), s.getValue());
      }
      if (registryChanged) {
        anchors = registry;
      }
      after = new TreeHead(newSize, root, note);
      head = after;
    }
    // Metrics first, so that a submitter who got its answer sees its batch counted.
    metrics.batch(batch.size(), appendedEvents, System.nanoTime() - started, writeNanos);
    if (replay != null) {
      replay.done().complete(after);
      return;
    }
    finish(batch, outcomes, after, started, writeNanos);
  }

  /** Appends one leaf, with its tree nodes and, when it completes one, its full tile. */
  private static long appendLeaf(
      AppendBatch append, CompactRange work, byte[] edge, byte[] entry, Hash leafHash) {
    long index = append.addEntry(entry, leafHash);
    work.append(leafHash, append::addNode);
    int slot = (int) (index % LogReader.TILE_WIDTH);
    leafHash.copyTo(edge, slot * Hash.SIZE);
    if (slot == LogReader.TILE_WIDTH - 1) {
      append.addFullTile(index / LogReader.TILE_WIDTH, edge.clone());
    }
    return index;
  }

  /**
   * The map after this batch: every phone subject whose state changed and every carrier whose
   * ANCHOR chain grew, each with its new next sequence number and last event hash.
   */
  private StoredMap.Update updateMap(
      Map<Hash, SubjectState> states, Set<String> carriers, AnchorRegistry registry) {
    List<SubjectLeaf> leaves = new ArrayList<>(states.size() + carriers.size());
    for (Map.Entry<Hash, SubjectState> e : states.entrySet()) {
      SubjectState st = e.getValue();
      leaves.add(new SubjectLeaf(e.getKey(), st.nextSequence(), st.lastEventHash()));
    }
    for (String id : carriers) {
      AnchorRegistry.Carrier c = registry.carrier(id);
      leaves.add(
          new SubjectLeaf(PhoneNumbers.carrierSubject(id), c.nextSequence(), c.lastEventHash()));
    }
    return map.update(leaves);
  }

  private void finish(
      List<Pending> batch, Outcome[] outcomes, TreeHead after, long started, long writeNanos) {
    for (int i = 0; i < outcomes.length; i++) {
      Outcome o = outcomes[i];
      Pending p = batch.get(i);
      if (o.failure != null) {
        metrics.submission(outcomeName(o.failure));
        p.result.completeExceptionally(o.failure);
      } else {
        metrics.submission(o.duplicate ? "duplicate" : "accepted");
        p.result.complete(
            new Sequenced(
                o.leafIndex,
                p.leafHash,
                after,
                o.duplicate,
                o.applied != null && o.applied.unattestedRegistration(),
                o.applied != null && o.applied.recovery()));
      }
    }
  }

  static String outcomeName(Throwable t) {
    if (t instanceof RejectedEventException r) {
      return r.isConflict() ? "conflict" : "rejected";
    }
    if (t instanceof UnavailableException u) {
      return u.reason().equals("queue_full") ? "overloaded" : "failed";
    }
    return "failed";
  }

  /**
   * Verification failed on a worker because a signer key was unknown or retired. If the subject's
   * chain or the anchors changed since, the key may exist now (an earlier event of this very batch
   * may have registered it): check again against the current state. Otherwise the failure stands.
   */
  private VerifiedEvent reverify(Pending p, SubjectState state, AnchorRegistry registry)
      throws RuleViolationException {
    Violation v = p.verifyFailure.violation();
    boolean keyLookup = v == Violation.UNKNOWN_SIGNER || v == Violation.REVOKED_KEY;
    Hash now = state == null ? null : state.lastEventHash();
    boolean changed =
        registry != p.verifiedAgainstAnchors
            || (now == null ? p.verifiedAgainstState != null : !now.equals(p.verifiedAgainstState));
    if (!keyLookup || !changed) {
      throw p.verifyFailure;
    }
    return EventSignatures.verify(
        p.event, KeyResolver.of(state, registry, rules.policyKey()), rules.deviceAttestation());
  }

  /**
   * What the store's indexes need of an accepted event, checked whatever the rules said: a phone
   * event's subject is no carrier's subject and an ANCHOR event's carrier subject has no phone
   * state (so one subject's event rows are all of one kind), and the event takes the next sequence
   * number of its chain (so its index row is a new one, never an overwrite). Null when all hold.
   */
  static String brokenInvariant(
      KeyEvent event, SubjectState state, AnchorRegistry registry, Applied applied) {
    Hash subject = event.subject();
    if (event.type() == EventType.ANCHOR) {
      String carrierId = event.body().carrierId();
      if (!subject.equals(PhoneNumbers.carrierSubject(carrierId))) {
        return "ANCHOR event "
            + event.leafHash()
            + " of "
            + carrierId
            + " names subject "
            + subject;
      }
      if (!state.isEmpty()) {
        return "ANCHOR event "
            + event.leafHash()
            + " would add a carrier row to subject "
            + subject
            + ", which has "
            + state.nextSequence()
            + " phone events";
      }
      AnchorRegistry.Carrier c = registry.carrier(carrierId);
      long next = c == null ? 0 : c.nextSequence();
      AnchorRegistry.Carrier after = applied.anchors().carrier(carrierId);
      if (event.sequence() != next || after == null || after.nextSequence() != next + 1) {
        return "ANCHOR event "
            + event.leafHash()
            + " has sequence "
            + event.sequence()
            + " but carrier "
            + carrierId
            + " is at "
            + next;
      }
      return null;
    }
    String carrier = registry.carrierOfSubject(subject);
    if (carrier != null) {
      return event.type()
          + " event "
          + event.leafHash()
          + " would add a phone row and state to subject "
          + subject
          + ", the carrier subject of "
          + carrier;
    }
    if (event.sequence() != state.nextSequence()
        || applied.state().nextSequence() != state.nextSequence() + 1) {
      return event.type()
          + " event "
          + event.leafHash()
          + " has sequence "
          + event.sequence()
          + " but subject "
          + subject
          + " is at "
          + state.nextSequence();
    }
    return null;
  }

  private static long nextSequence(KeyEvent event, SubjectState state, AnchorRegistry registry) {
    if (event.type() == EventType.ANCHOR) {
      AnchorRegistry.Carrier c = registry.carrier(event.body().carrierId());
      return c == null ? 0 : c.nextSequence();
    }
    return state.nextSequence();
  }

  /** The committed state of {@code subject}: cache, then store. */
  private SubjectState loadState(Hash subject) {
    SubjectState s = stateCache.get(subject);
    if (s != null) {
      return s;
    }
    return StateCodec.load(store, subject);
  }

  /** Rebuilds every piece of in-memory state from the store after a failed or doubtful write. */
  private void reload() {
    stateCache.clear();
    // Nothing below a tree size read now is remembered; events checked earlier go to the store.
    recent.clear(Long.MAX_VALUE);
    try {
      long size = store.treeSize();
      TreeHead stored = signer.open(store.checkpoint());
      if (stored.treeSize() != size) {
        throw new IllegalStateException(
            "stored checkpoint has size " + stored.treeSize() + " but the store holds " + size);
      }
      nodes.load(size);
      range = CompactRange.fromSource(size, nodes);
      edgeTile = loadEdgeTile(nodes, size);
      anchors = StateCodec.anchors(store);
      map.reload();
      recent.clear(size);
      head = stored;
    } catch (Exception e) {
      // The store cannot even be read: refuse everything until an operator looks at it.
      LOG.log(System.Logger.Level.ERROR, "cannot reload the log state from the store; stopping", e);
      running = false;
    }
  }
}
