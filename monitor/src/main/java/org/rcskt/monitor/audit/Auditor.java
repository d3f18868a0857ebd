package org.rcskt.monitor.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.rcskt.monitor.map.FollowedMap;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;

/**
 * The replay engine of the audit: fed every entry of a log in leaf order, from any source, it
 * recomputes the Merkle tree and replays every key event from an empty state under the event rules,
 * without a clock, exactly as the log was required to; then {@link #finish} compares the tree with
 * the signed checkpoint and builds the report.
 *
 * <p>Events of different subjects are independent except through the carriers' anchors, so the
 * engine shards subjects over worker threads (signature checks dominate the cost) while the calling
 * thread hashes the tree, decodes entries and applies ANCHOR events in log order, handing each
 * subject event the anchor registry as it stood at that event's leaf. The outcome is the same as a
 * single-threaded replay; {@code threads = 0} runs everything on the calling thread.
 *
 * <p>Not thread-safe: one thread calls {@link #accept} in order, then {@link #finish}.
 */
public final class Auditor {
  /** How an audit is run. */
  public record Options(
      RulesContext rules,
      int threads,
      int listLimit,
      long rotationDeadlineDays,
      Instant asOf,
      Hash exportSubject) {
    /**
     * @param rules the log's rules (its policy key and unattested-registration setting); any clock
     *     is dropped, since a replay has none
     * @param threads worker threads for subject events; 0 to replay on the calling thread
     * @param listLimit how many findings of each kind the report lists (counts are exact)
     * @param rotationDeadlineDays the age after which a key still active at {@code asOf} is
     *     reported as past its rotation deadline
     * @param asOf the moment key ages are measured at
     * @param exportSubject a subject whose events to collect for an export, or null
     * @throws IllegalArgumentException if a number is out of range
     */
    public Options {
      Objects.requireNonNull(rules, "rules");
      Objects.requireNonNull(asOf, "asOf");
      rules = rules.withoutNow();
      if (threads < 0 || threads > 256) {
        throw new IllegalArgumentException("threads must be 0 to 256, got " + threads);
      }
      if (listLimit < 0) {
        throw new IllegalArgumentException("listLimit must not be negative, got " + listLimit);
      }
      if (rotationDeadlineDays < 1) {
        throw new IllegalArgumentException(
            "rotationDeadlineDays must be at least 1, got " + rotationDeadlineDays);
      }
    }

    /** Defaults: one worker per processor, 10,000 findings listed, 90 days, as of now. */
    public static Options defaults(RulesContext rules) {
      return new Options(
          rules, Runtime.getRuntime().availableProcessors(), 10_000, 90, Instant.now(), null);
    }
  }

  /**
   * One logged event of the export subject.
   *
   * @param leafIndex its leaf index
   * @param event the event
   */
  public record SubjectEvent(long leafIndex, KeyEvent event) {}

  /**
   * What {@link #finish} returns.
   *
   * @param report the report
   * @param computedRoot the root hash recomputed from the entries
   * @param exportEvents the events of {@link Options#exportSubject()} in log order, whether or not
   *     the rules accepted them (empty when no subject was asked for)
   * @param exportViolations for each of those the rules rejected, by leaf index: the violation
   * @param exportState the export subject's state after the replay ({@link SubjectState#EMPTY} if
   *     none)
   * @param anchorEvents every ANCHOR event of the log, accepted or not, in log order (ANCHOR events
   *     are rare: one per carrier key change)
   * @param lastMapRoot the last entry, when it is a {@code MAP_ROOT} entry; null otherwise
   * @param exportCompleteness the export subject's proof in the map recomputed at that last entry;
   *     null when no subject was asked for or the log does not end on a map root
   */
  public record Outcome(
      AuditReport report,
      Hash computedRoot,
      List<SubjectEvent> exportEvents,
      Map<Long, String> exportViolations,
      SubjectState exportState,
      List<SubjectEvent> anchorEvents,
      byte[] lastMapRoot,
      MapProof exportCompleteness) {}

  private static final int BATCH = 256;
  private static final HexFormat HEX = HexFormat.of();
  private static final Batch POISON = new Batch();

  private final Options options;
  private final RulesContext ctx;
  private final CompactRange range = CompactRange.empty();
  private final ReportBuilder main;
  private final Worker inline;
  private final Worker[] workers;
  private final Thread[] threads;
  private final Batch[] pending;
  private final List<SubjectEvent> export = new ArrayList<>();
  private final Map<Long, String> exportViolations = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<SubjectEvent> anchorEvents = new ArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final Instant started = Instant.now();
  private AnchorRegistry anchors = AnchorRegistry.EMPTY;
  private boolean finished;
  // The subject map recomputed from the events, checked at each MAP_ROOT entry (protocol 16).
  private SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
  private SubjectMap.Batch mapBatch = map.batch();
  private long mapRoots;
  private byte[] lastEntry;

  /** An auditor ready for leaf 0. Starts its worker threads. */
  public Auditor(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.ctx = options.rules();
    this.main = new ReportBuilder(options.listLimit());
    int n = options.threads();
    if (n == 0) {
      inline = new Worker();
      workers = new Worker[0];
      threads = new Thread[0];
      pending = new Batch[0];
    } else {
      inline = null;
      workers = new Worker[n];
      threads = new Thread[n];
      pending = new Batch[n];
      for (int i = 0; i < n; i++) {
        workers[i] = new Worker();
        pending[i] = new Batch();
        threads[i] = new Thread(workers[i], "audit-worker-" + i);
        threads[i].setDaemon(true);
        threads[i].start();
      }
    }
  }

  /** How many entries have been accepted so far (safe to read from any thread, for progress). */
  public long entriesAccepted() {
    return accepted.get();
  }

  /**
   * Replays the entry at {@code leafIndex}.
   *
   * @throws IllegalArgumentException if {@code leafIndex} is not the next leaf index
   * @throws IllegalStateException if the auditor has finished or a worker failed
   */
  public void accept(long leafIndex, byte[] entry) {
    if (finished) {
      throw new IllegalStateException("the audit has finished");
    }
    if (leafIndex != range.treeSize()) {
      throw new IllegalArgumentException(
          "expected leaf index " + range.treeSize() + ", got " + leafIndex);
    }
    Hash leafHash = Merkle.leafHash(entry);
    range.append(leafHash);
    accepted.lazySet(leafIndex + 1);
    lastEntry = entry;
    if (MapRootEntry.isMapRoot(entry)) {
      checkMapRoot(leafIndex, entry);
      return;
    }
    KeyEvent e;
    try {
      e = EventCodec.decode(entry);
    } catch (EventFormatException ex) {
      main.violation(
          new Finding(
              leafIndex,
              null,
              null,
              null,
              null,
              "MALFORMED_ENTRY",
              "entry of " + entry.length + " bytes does not decode: " + ex.getMessage()));
      return;
    }
    mapBatch.put(e.subject(), e.sequence() + 1, leafHash);
    if (options.exportSubject() != null && e.subject().equals(options.exportSubject())) {
      export.add(new SubjectEvent(leafIndex, e));
    }
    if (e.type() == EventType.ANCHOR) {
      anchor(leafIndex, e);
      return;
    }
    if (inline != null) {
      inline.process(leafIndex, e, anchors);
      return;
    }
    int w = Math.floorMod(e.subject().hashCode(), workers.length);
    Batch b = pending[w];
    b.add(leafIndex, e, anchors);
    if (b.n == BATCH) {
      send(w, b);
      pending[w] = new Batch();
    }
  }

  /**
   * Applies the events since the last map root to the recomputed map and compares it with the entry
   * at {@code leafIndex}. The audit goes on from its own map, so each wrong root is one finding.
   */
  private void checkMapRoot(long leafIndex, byte[] entry) {
    SubjectMap.Update u = mapBatch.finish();
    map = map.apply(u);
    mapBatch = map.batch();
    mapRoots++;
    String problem = FollowedMap.compare(leafIndex, entry, u);
    if (problem != null) {
      main.mapRootMismatch(
          new Finding(leafIndex, null, null, null, null, "MAP_ROOT_MISMATCH", problem));
    }
  }

  private void anchor(long leafIndex, KeyEvent e) {
    anchorEvents.add(new SubjectEvent(leafIndex, e));
    main.countEvent(e.type().name(), e.body().carrierId(), e.body().timestampMs());
    EventPayload.Anchor p = (EventPayload.Anchor) e.body().payload();
    try {
      Applied a = EventRules.verifyAndApply(phoneState(e.subject()), e, anchors, ctx);
      anchors = a.anchors();
      main.anchorChange(
          new Finding(
              leafIndex,
              ReportBuilder.isoTime(e.body().timestampMs()),
              e.subject().toHex(),
              e.body().carrierId(),
              HEX.formatHex(p.publicKey().key()),
              p.action().name(),
              p.action() == org.rcskt.verifier.event.AnchorAction.ADD
                  ? "anchor key "
                      + p.publicKey().keyId()
                      + " added"
                      + (p.publicKey().notAfterMs() == 0
                          ? ""
                          : ", valid until " + ReportBuilder.isoTime(p.publicKey().notAfterMs()))
                  : "anchor key " + p.publicKey().keyId() + " retired"));
    } catch (RuleViolationException ex) {
      main.violation(violation(leafIndex, e, ex));
      if (e.subject().equals(options.exportSubject())) {
        exportViolations.put(leafIndex, ex.violation().name() + ": " + ex.getMessage());
      }
    }
  }

  /**
   * The phone state of {@code subject} after every entry accepted so far: asked of the worker that
   * owns the subject, behind everything already handed to it. ANCHOR events are rare, so waiting
   * for one worker to catch up costs little.
   */
  private SubjectState phoneState(Hash subject) {
    if (inline != null) {
      Track t = inline.subjects.get(subject);
      return t == null ? SubjectState.EMPTY : t.state;
    }
    int w = Math.floorMod(subject.hashCode(), workers.length);
    Batch b = pending[w];
    b.query = subject;
    send(w, b);
    pending[w] = new Batch();
    try {
      while (true) {
        SubjectState s = b.answer.poll(1, java.util.concurrent.TimeUnit.SECONDS);
        if (s != null) {
          return s;
        }
        workers[w].rethrow();
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking a worker for a state", ex);
    }
  }

  private void send(int w, Batch b) {
    Worker worker = workers[w];
    try {
      while (!worker.queue.offer(b, 1, java.util.concurrent.TimeUnit.SECONDS)) {
        worker.rethrow();
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing events to a worker", ex);
    }
  }

  /**
   * Waits for the workers, compares the recomputed tree with the checkpoint and builds the report.
   *
   * @param origin the log's origin
   * @param treeSize the checkpoint's tree size, which must be the number of entries accepted
   * @param checkpointRoot the checkpoint's root hash
   * @param checkpointText the signed checkpoint, for the report
   * @throws IllegalStateException if the number of entries accepted is not {@code treeSize}, or a
   *     worker failed
   */
  public Outcome finish(String origin, long treeSize, Hash checkpointRoot, String checkpointText) {
    return finish(origin, treeSize, checkpointRoot, checkpointText, List.of());
  }

  /**
   * Like {@link #finish(String, long, Hash, String)}, with notes for the report.
   *
   * @param notes how the audit was set up, where it matters for trusting it
   */
  public Outcome finish(
      String origin,
      long treeSize,
      Hash checkpointRoot,
      String checkpointText,
      List<String> notes) {
    if (finished) {
      throw new IllegalStateException("the audit has already finished");
    }
    finished = true;
    for (int i = 0; i < workers.length; i++) {
      if (pending[i].n > 0) {
        send(i, pending[i]);
      }
      send(i, POISON);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the workers", ex);
      }
    }
    for (Worker w : workers) {
      w.rethrow();
    }
    if (range.treeSize() != treeSize) {
      throw new IllegalStateException(
          "replayed " + range.treeSize() + " entries but the checkpoint has tree size " + treeSize);
    }
    long asOfMs = options.asOf().toEpochMilli();
    long deadlineMs = options.rotationDeadlineDays() * 86_400_000L;
    long subjects = 0;
    List<Worker> all = new ArrayList<>(List.of(workers));
    if (inline != null) {
      all.add(inline);
    }
    for (Worker w : all) {
      w.staleKeys(asOfMs, deadlineMs);
      subjects += w.subjects.size();
      main.merge(w.report);
    }
    Hash computed = range.rootHash();
    Instant now = Instant.now();
    AuditReport report =
        main.build(
            origin,
            treeSize,
            checkpointRoot.toHex(),
            computed.toHex(),
            checkpointText,
            now,
            options.asOf(),
            options.rotationDeadlineDays(),
            Duration.between(started, now).toMillis(),
            subjects,
            mapRoots,
            notes);
    SubjectState exportState = SubjectState.EMPTY;
    boolean endsOnMapRoot = lastEntry != null && MapRootEntry.isMapRoot(lastEntry);
    Hash x = options.exportSubject();
    if (x != null) {
      Worker owner = inline != null ? inline : workers[Math.floorMod(x.hashCode(), workers.length)];
      Track t = owner.subjects.get(x);
      if (t != null) {
        exportState = t.state;
      }
    }
    return new Outcome(
        report,
        computed,
        List.copyOf(export),
        new java.util.TreeMap<>(exportViolations),
        exportState,
        List.copyOf(anchorEvents),
        endsOnMapRoot ? lastEntry.clone() : null,
        endsOnMapRoot && x != null ? map.prove(x) : null);
  }

  private static Finding violation(long leafIndex, KeyEvent e, RuleViolationException ex) {
    return new Finding(
        leafIndex,
        ReportBuilder.isoTime(e.body().timestampMs()),
        e.subject().toHex(),
        e.body().carrierId(),
        ex.keyId().map(Hash::toHex).orElse(null),
        ex.violation().name(),
        ex.getMessage());
  }

  /** A batch of subject events for one worker, each with the anchors as of its leaf. */
  private static final class Batch {
    final long[] leaves = new long[BATCH];
    final KeyEvent[] events = new KeyEvent[BATCH];
    final AnchorRegistry[] anchors = new AnchorRegistry[BATCH];
    int n;
    // A subject whose state the feeding thread waits for, answered after this batch's events.
    Hash query;
    final BlockingQueue<SubjectState> answer = new ArrayBlockingQueue<>(1);

    void add(long leafIndex, KeyEvent e, AnchorRegistry a) {
      leaves[n] = leafIndex;
      events[n] = e;
      anchors[n] = a;
      n++;
    }
  }

  /** What the audit tracks per subject: its state and when each device's key was installed. */
  private static final class Track {
    SubjectState state = SubjectState.EMPTY;
    String[] devices = new String[0];
    long[] sinceLeaf = new long[0];
    long[] sinceMs = new long[0];

    void install(String deviceId, long leaf, long ms) {
      for (int i = 0; i < devices.length; i++) {
        if (devices[i].equals(deviceId)) {
          sinceLeaf[i] = leaf;
          sinceMs[i] = ms;
          return;
        }
      }
      int n = devices.length;
      devices = java.util.Arrays.copyOf(devices, n + 1);
      sinceLeaf = java.util.Arrays.copyOf(sinceLeaf, n + 1);
      sinceMs = java.util.Arrays.copyOf(sinceMs, n + 1);
      devices[n] = deviceId;
      sinceLeaf[n] = leaf;
      sinceMs[n] = ms;
    }

    int indexOf(String deviceId) {
      for (int i = 0; i < devices.length; i++) {
        if (devices[i].equals(deviceId)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Replays the subjects of one shard, in log order. */
  private final class Worker implements Runnable {
    final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(16);
    final Map<Hash, Track> subjects = new HashMap<>();
    final ReportBuilder report = new ReportBuilder(options.listLimit());
    volatile Throwable failure;

    @Override
    public void run() {
      while (true) {
        Batch b;
        try {
          b = queue.take();
        } catch (InterruptedException e) {
          failure = e;
          return;
        }
        if (b == POISON) {
          return;
        }
        if (failure != null) {
          continue; // keep draining so the feeding thread never blocks on a dead worker
        }
        try {
          for (int i = 0; i < b.n; i++) {
            process(b.leaves[i], b.events[i], b.anchors[i]);
          }
          if (b.query != null) {
            Track t = subjects.get(b.query);
            b.answer.add(t == null ? SubjectState.EMPTY : t.state);
          }
        } catch (RuntimeException | Error e) {
          failure = e;
        }
      }
    }

    void rethrow() {
      Throwable f = failure;
      if (f != null) {
        throw new IllegalStateException("an audit worker failed: " + f, f);
      }
    }

    void process(long leafIndex, KeyEvent e, AnchorRegistry registry) {
      String carrier = e.body().carrierId();
      long ts = e.body().timestampMs();
      report.countEvent(e.type().name(), carrier, ts);
      Hash subject = e.subject();
      Track t = subjects.get(subject);
      SubjectState before = t == null ? SubjectState.EMPTY : t.state;
      Applied a;
      try {
        a = EventRules.verifyAndApply(before, e, registry, ctx);
      } catch (RuleViolationException ex) {
        report.violation(violation(leafIndex, e, ex));
        if (subject.equals(options.exportSubject())) {
          exportViolations.put(leafIndex, ex.violation().name() + ": " + ex.getMessage());
        }
        return;
      }
      if (t == null) {
        t = new Track();
        subjects.put(subject, t);
      }
      EventPayload p = e.body().payload();
      if (p instanceof EventPayload.Register) {
        EventPayload.Register r = (EventPayload.Register) p;
        t.install(r.deviceId(), leafIndex, ts);
        if (a.unattestedRegistration()) {
          report.unattestedRegistration(
              new Finding(
                  leafIndex,
                  ReportBuilder.isoTime(ts),
                  subject.toHex(),
                  carrier,
                  HEX.formatHex(r.publicKey().key()),
                  "REGISTER",
                  "device " + r.deviceId() + " registered without a carrier attestation"));
        }
      } else if (p instanceof EventPayload.Rotate) {
        EventPayload.Rotate r = (EventPayload.Rotate) p;
        t.install(r.deviceId(), leafIndex, ts);
        if (a.recovery()) {
          Device old = before.device(r.deviceId());
          report.recovery(
              new Finding(
                  leafIndex,
                  ReportBuilder.isoTime(ts),
                  subject.toHex(),
                  carrier,
                  HEX.formatHex(r.publicKey().key()),
                  "ROTATE",
                  "device "
                      + r.deviceId()
                      + ": key "
                      + old.publicKey().keyId()
                      + " replaced by "
                      + r.publicKey().keyId()
                      + " on the carrier's attestation, without the old key's signature"));
        }
      } else if (p instanceof EventPayload.Revoke) {
        EventPayload.Revoke r = (EventPayload.Revoke) p;
        Device old = before.device(r.deviceId());
        report.revocation(
            r.reason().name(),
            new Finding(
                leafIndex,
                ReportBuilder.isoTime(ts),
                subject.toHex(),
                carrier,
                HEX.formatHex(old.publicKey().key()),
                r.reason().name(),
                "device "
                    + r.deviceId()
                    + (a.carrierAttested()
                        ? " revoked with the carrier's signature"
                        : " revoked")));
      }
      t.state = a.state();
    }

    void staleKeys(long asOfMs, long deadlineMs) {
      // Keep only the listLimit earliest candidates (a max-heap on leaf index): a large log can
      // have a stale key per subject, and only the count and the first ones are reported.
      int limit = options.listLimit();
      java.util.PriorityQueue<Stale> first =
          new java.util.PriorityQueue<>(
              Math.max(1, Math.min(limit, 1024)), (x, y) -> Long.compare(y.leaf, x.leaf));
      long total = 0;
      for (Map.Entry<Hash, Track> en : subjects.entrySet()) {
        Track t = en.getValue();
        List<Device> devices = t.state.devices();
        for (int k = 0; k < devices.size(); k++) {
          int i = t.indexOf(devices.get(k).deviceId());
          if (asOfMs - t.sinceMs[i] <= deadlineMs) {
            continue;
          }
          total++;
          if (limit == 0) {
            continue;
          }
          if (first.size() < limit) {
            first.add(new Stale(t.sinceLeaf[i], en.getKey(), t, devices.get(k), i));
          } else if (first.peek().leaf > t.sinceLeaf[i]) {
            first.poll();
            first.add(new Stale(t.sinceLeaf[i], en.getKey(), t, devices.get(k), i));
          }
        }
      }
      List<Finding> found = new ArrayList<>(first.size());
      for (Stale x : first) {
        long since = x.track.sinceMs[x.index];
        long days = (asOfMs - since) / 86_400_000L;
        found.add(
            new Finding(
                x.leaf,
                ReportBuilder.isoTime(since),
                x.subject.toHex(),
                x.track.state.carrierId(),
                HEX.formatHex(x.device.publicKey().key()),
                days + " days",
                "device "
                    + x.device.deviceId()
                    + ": key in use since "
                    + ReportBuilder.isoTime(since)
                    + ", "
                    + days
                    + " days before "
                    + options.asOf()));
      }
      found.sort(java.util.Comparator.comparingLong(Finding::leafIndex));
      report.pastRotationDeadline(found, total);
    }
  }

  private record Stale(long leaf, Hash subject, Track track, Device device, int index) {}
}
