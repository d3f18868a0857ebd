package org.rcskt.server.publish;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.rcskt.server.config.PublishConfig;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.publish.PublishStatus.State;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.tile.TilePath;

/**
 * Copies the log to an {@link ObjectStore} as a C2SP tlog-tiles endpoint: every hash tile and entry
 * bundle, full and partial, then the signed checkpoint
 * (docs/design/0021-object-storage-publishing.md).
 *
 * <p>One daemon thread, {@value #THREAD_NAME}, follows the log's head; nothing runs on the
 * submission path. For each new head it writes what the bucket lacks, then the checkpoint, so the
 * bucket never holds a checkpoint whose tiles are missing. It keeps constant memory ({@link
 * TileProgress}) however far behind the bucket is.
 *
 * <p>At start it reads the bucket's checkpoint and checks it is this log's and consistent with the
 * log ({@link BucketCheckpoint}); it then publishes only what lies beyond it. Until its first
 * checkpoint is written it reads every object before writing any, because a crash may have left
 * some beyond the checkpoint: identical ones are kept, a different one is a conflict found before
 * anything is written. After that it trusts its own record. A conflict stops the publisher for
 * good, with one SEVERE line, and it writes nothing more. A failed request is retried after an
 * exponential backoff with jitter, forever: nothing is lost, and the next try publishes the newest
 * head.
 */
public final class TilePublisher implements AutoCloseable {
  /** The publisher thread's name. */
  public static final String THREAD_NAME = "rcskt-publisher";

  private static final System.Logger LOG = System.getLogger(TilePublisher.class.getName());

  /** How often a failing bucket is reported after the first failure of a streak. */
  private static final long REPORT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How long {@link #close} waits for the thread to finish a request. */
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  /**
   * How the publisher paces itself.
   *
   * @param pollMillis the wait between two looks at the head when the bucket is caught up
   * @param maxBackoffMillis the longest wait after a failure
   * @param readyMaxLagSeconds the lag past which {@link PublishStatus#ready()} is false; 0 never
   */
  public record Settings(int pollMillis, int maxBackoffMillis, int readyMaxLagSeconds) {
    public Settings {
      if (pollMillis < 1) {
        throw new IllegalArgumentException("pollMillis " + pollMillis + " is not positive");
      }
      if (maxBackoffMillis < Backoff.FIRST_MILLIS) {
        throw new IllegalArgumentException(
            "maxBackoffMillis " + maxBackoffMillis + " is below " + Backoff.FIRST_MILLIS);
      }
      if (readyMaxLagSeconds < 0) {
        throw new IllegalArgumentException(
            "readyMaxLagSeconds " + readyMaxLagSeconds + " is negative");
      }
    }

    /** The settings of a {@code publish} block. */
    public static Settings of(PublishConfig c) {
      return new Settings(c.pollMillis(), c.maxBackoffMillis(), c.readyMaxLagSeconds());
    }
  }

  private final LogSource log;
  private final ObjectStore store;
  private final String origin;
  private final NoteVerifier logKey;
  private final Settings settings;
  private final PublishMetrics metrics;
  private final LongSupplier nanoClock;
  private final Thread thread;
  private final Backoff backoff;
  private volatile boolean stopping;

  // Guarded by this: what status() reports.
  private State state = State.STARTING;
  private long published = -1; // tree size of the bucket's checkpoint; -1 for none (yet)
  private boolean behind = true;
  private long behindSince;
  private long target = -1; // the tree size being published, -1 between cycles
  private boolean beyondTarget;
  private long beyondTargetSince;
  private long lastObserved;
  private String conflict;

  // Owned by the publisher thread.
  private TileProgress progress;
  private boolean verifyExisting = true;
  private long failingSince;
  private long lastReport;
  private volatile long objectsWritten;
  private final BooleanSupplier active;
  // Several processes share the bucket (one writer at a time): the checkpoint is never moved back.
  private final boolean shared;

  /**
   * A publisher, not yet started.
   *
   * @param store where to publish; closed by {@link #close}
   * @param origin the log's origin, the checkpoints' first line
   * @param logKey the log's checkpoint key, whose name is {@code origin}
   */
  public TilePublisher(
      LogSource log,
      ObjectStore store,
      String origin,
      NoteVerifier logKey,
      Settings settings,
      PublishMetrics metrics) {
    this(log, store, origin, logKey, settings, metrics, System::nanoTime, AlwaysActive.INSTANCE);
  }

  /** As the public constructor, with a clock: for tests. */
  TilePublisher(
      LogSource log,
      ObjectStore store,
      String origin,
      NoteVerifier logKey,
      Settings settings,
      PublishMetrics metrics,
      LongSupplier nanoClock) {
    this(log, store, origin, logKey, settings, metrics, nanoClock, AlwaysActive.INSTANCE);
  }

  /** The single-process log's publisher: always the writer, alone on its bucket. */
  private enum AlwaysActive implements BooleanSupplier {
    INSTANCE;

    @Override
    public boolean getAsBoolean() {
      return true;
    }
  }

  /**
   * A publisher that publishes only while {@code active} says so: in a log of several processes,
   * while this one is the writer (docs/design/0022-standby-writer.md). Each time it becomes active
   * it resumes from the bucket again, where the previous writer left it.
   */
  public TilePublisher(
      LogSource log,
      ObjectStore store,
      String origin,
      NoteVerifier logKey,
      Settings settings,
      PublishMetrics metrics,
      BooleanSupplier active) {
    this(log, store, origin, logKey, settings, metrics, System::nanoTime, active);
  }

  TilePublisher(
      LogSource log,
      ObjectStore store,
      String origin,
      NoteVerifier logKey,
      Settings settings,
      PublishMetrics metrics,
      LongSupplier nanoClock,
      BooleanSupplier active) {
    this.active = Objects.requireNonNull(active, "active");
    this.shared = !(active instanceof AlwaysActive);
    this.log = Objects.requireNonNull(log, "log");
    this.store = Objects.requireNonNull(store, "store");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.logKey = Objects.requireNonNull(logKey, "logKey");
    if (!logKey.name().equals(origin)) {
      throw new IllegalArgumentException(
          "the log key's name \"" + logKey.name() + "\" is not the origin \"" + origin + "\"");
    }
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nanoClock = nanoClock;
    this.behindSince = nanoClock.getAsLong();
    this.backoff =
        new Backoff(settings.maxBackoffMillis(), () -> ThreadLocalRandom.current().nextDouble());
    this.thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
  }

  /** Starts the publisher thread. */
  public void start() {
    LOG.log(System.Logger.Level.INFO, "publishing tiles and checkpoints to " + store.describe());
    thread.start();
  }

  /** What the publisher is doing and how far the bucket is behind the log. Cheap; thread-safe. */
  public synchronized PublishStatus status() {
    if (state == State.IDLE) {
      // A standby: the writer's publisher owns the lag.
      return new PublishStatus(state, Math.max(0, published), 0, 0, true);
    }
    long size = log.head().treeSize();
    observe(size);
    long lagEntries = Math.max(0, size - Math.max(0, published));
    double lagSeconds = behind ? (nanoClock.getAsLong() - behindSince) / 1e9 : 0;
    boolean ready =
        state != State.CONFLICT
            && (settings.readyMaxLagSeconds() == 0 || lagSeconds <= settings.readyMaxLagSeconds());
    return new PublishStatus(state, Math.max(0, published), lagEntries, lagSeconds, ready);
  }

  /** The conflict that stopped the publisher, or null. */
  public synchronized String conflict() {
    return conflict;
  }

  /** Objects (tiles, bundles, checkpoints) this publisher has written. */
  public long objectsWritten() {
    return objectsWritten;
  }

  /** Stops the thread, waiting for a request in flight up to 10 s, and closes the store. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the publisher thread did not stop within " + CLOSE_WAIT_MILLIS + " ms");
    }
    synchronized (this) {
      if (state != State.CONFLICT) {
        state = State.STOPPED;
      }
    }
    store.close();
  }

  // --- the publisher thread ---

  private void run() {
    try {
      boolean resumed = false;
      while (!stopping) {
        if (!active.getAsBoolean()) {
          // A standby: its writer publishes. On becoming the writer it starts over from what the
          // bucket holds, which the previous writer may have moved on.
          resumed = false;
          setState(State.IDLE);
          Thread.sleep(settings.pollMillis());
          continue;
        }
        if (!resumed) {
          long size = resume();
          progress = new TileProgress(Math.max(0, size));
          verifyExisting = true;
          synchronized (this) {
            published = size;
            behind = true; // re-evaluated below
            observeAfterPublish(size);
          }
          resumed = true;
        }
        TreeHead head = log.head();
        long current;
        synchronized (this) {
          observe(head.treeSize());
          current = published;
        }
        if (head.treeSize() <= current) {
          setState(State.CAUGHT_UP);
          Thread.sleep(settings.pollMillis());
          continue;
        }
        try {
          publish(head);
          recovered();
        } catch (ObjectStoreException | RuntimeException e) {
          retryAfter(e);
        }
      }
    } catch (PublishConflictException e) {
      stopForConflict(e);
    } catch (InterruptedException e) {
      // close(): the state becomes STOPPED there.
    } catch (Error e) {
      LOG.log(System.Logger.Level.ERROR, "the publisher stopped on an unexpected error", e);
      setState(State.STOPPED);
      throw e;
    }
  }

  /**
   * Reads and checks the bucket's checkpoint; its tree size, or -1 when the bucket has none. Tries
   * until the bucket answers.
   */
  private long resume() throws PublishConflictException, InterruptedException {
    while (true) {
      checkStopping();
      try {
        byte[] raw = store.get(TileObjects.CHECKPOINT, TileObjects.MAX_CHECKPOINT_BYTES);
        long size = raw == null ? -1 : BucketCheckpoint.verify(raw, origin, logKey, log);
        recovered();
        LOG.log(
            System.Logger.Level.INFO,
            size < 0
                ? "the bucket has no checkpoint: publishing the log from its first tile"
                : "the bucket's checkpoint is this log's at tree size "
                    + size
                    + ": publishing from there");
        return size;
      } catch (ObjectTooLargeException e) {
        throw new PublishConflictException(
            "the bucket's checkpoint is larger than any checkpoint of this log: " + e.getMessage());
      } catch (ObjectStoreException | RuntimeException e) {
        retryAfter(e);
      }
    }
  }

  /** Writes what {@code head} has and the bucket lacks, then its checkpoint. */
  private void publish(TreeHead head)
      throws ObjectStoreException, PublishConflictException, InterruptedException {
    long n = head.treeSize();
    synchronized (this) {
      // After a failure the state stays RETRYING through the next tries, until one succeeds: a
      // reader of /readyz during an outage sees the outage, not the attempt in progress.
      if (state != State.RETRYING && state != State.CONFLICT) {
        state = State.PUBLISHING;
      }
      target = n;
      beyondTarget = false;
      observe(n);
    }
    boolean[] readFirst = verifyExisting ? checkBucket(n) : null;
    for (TilePath t = progress.next(n); t != null; t = progress.next(n)) {
      checkStopping();
      byte[] bytes = read(t);
      String key = TileObjects.key(t);
      if (readFirst != null && readFirst[TileProgress.row(t)] && inBucketAlready(key, bytes)) {
        metrics.publishSkipped();
      } else {
        store.put(key, bytes, TileObjects.TILE_TYPE, TileObjects.cacheControl(t));
        objectsWritten++;
        metrics.published(t.entryBundle() ? "bundle" : "tile");
      }
      progress.done(t);
      synchronized (this) {
        observe(log.head().treeSize());
      }
    }
    checkStopping();
    if (shared) {
      if (!active.getAsBoolean()) {
        // Deposed while writing tiles (identical to the next writer's): the checkpoint is the new
        // writer's to write, and an older one must not replace a newer one in the bucket.
        throw new ObjectStoreException("no longer the writer: the checkpoint is the new one's");
      }
      byte[] there = store.get(TileObjects.CHECKPOINT, TileObjects.MAX_CHECKPOINT_BYTES);
      if (there != null && signedSize(there) > n) {
        throw new ObjectStoreException(
            "the bucket's checkpoint is past tree size " + n + ": another writer publishes");
      }
    }
    store.put(
        TileObjects.CHECKPOINT,
        head.signedCheckpoint(),
        TileObjects.CHECKPOINT_TYPE,
        TileObjects.CHECKPOINT_CACHE);
    objectsWritten++;
    metrics.published("checkpoint");
    verifyExisting = false;
    synchronized (this) {
      published = n;
      observeAfterPublish(n);
    }
  }

  /** The tree size of a checkpoint of this log read from the bucket. */
  private long signedSize(byte[] raw) throws PublishConflictException {
    try {
      return org.rcskt.verifier.checkpoint.SignedCheckpoint.verify(raw, origin, logKey)
          .checkpoint()
          .treeSize();
    } catch (org.rcskt.verifier.VerificationException e) {
      throw new PublishConflictException(
          "the bucket's checkpoint is not one of this log's (origin " + origin + ")", e);
    }
  }

  /**
   * The first cycle's first pass: reads every object tree size {@code n} needs from the bucket and
   * compares it with the log's, before anything is written. Identical objects at the head of their
   * row are recorded as published; the rows where an identical object follows a missing one are
   * returned, to be read again before each write.
   *
   * @throws PublishConflictException if an object differs from the log's
   */
  private boolean[] checkBucket(long n)
      throws ObjectStoreException, PublishConflictException, InterruptedException {
    boolean[] readFirst = new boolean[TileProgress.ROWS];
    TileProgress scratch = progress.copy();
    long found = 0;
    for (TilePath t = scratch.next(n); t != null; t = scratch.next(n)) {
      checkStopping();
      if (inBucketAlready(TileObjects.key(t), read(t))) {
        found++;
        if (progress.isNext(t)) {
          progress.done(t);
          metrics.publishSkipped();
        } else {
          readFirst[TileProgress.row(t)] = true;
        }
      }
      scratch.done(t);
    }
    if (found > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "the bucket already holds "
              + found
              + " of the log's tiles and bundles beyond its checkpoint, identical: kept");
    }
    return readFirst;
  }

  private byte[] read(TilePath t) {
    return t.entryBundle()
        ? log.entryBundle(t.index(), t.width())
        : log.tile(t.level(), t.index(), t.width());
  }

  /**
   * Whether the bucket already holds {@code key} with exactly {@code bytes}.
   *
   * @throws PublishConflictException if it holds other bytes
   */
  private boolean inBucketAlready(String key, byte[] bytes)
      throws ObjectStoreException, PublishConflictException {
    byte[] there;
    try {
      there = store.get(key, bytes.length);
    } catch (ObjectTooLargeException e) {
      throw new PublishConflictException(
          "the bucket's " + key + " is larger than the log's (" + bytes.length + " bytes)");
    }
    if (there == null) {
      return false;
    }
    if (!Arrays.equals(there, bytes)) {
      throw new PublishConflictException(
          "the bucket's "
              + key
              + " differs from the log's ("
              + there.length
              + " bytes, the log's "
              + bytes.length
              + "); a full tile or bundle is never overwritten");
    }
    return true;
  }

  private void checkStopping() throws InterruptedException {
    if (stopping || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("the publisher is stopping");
    }
  }

  private void retryAfter(Exception e) throws InterruptedException {
    checkStopping();
    metrics.publishFailed();
    long wait = backoff.failed();
    long now = nanoClock.getAsLong();
    if (backoff.failures() == 1) {
      failingSince = now;
      lastReport = now;
      LOG.log(
          System.Logger.Level.WARNING,
          "publishing to "
              + store.describe()
              + " failed; trying again in "
              + wait
              + " ms: "
              + describe(e));
    } else if (now - lastReport >= REPORT_EVERY_NANOS) {
      lastReport = now;
      LOG.log(
          System.Logger.Level.WARNING,
          "publishing to "
              + store.describe()
              + " has failed "
              + backoff.failures()
              + " times in "
              + TimeUnit.NANOSECONDS.toSeconds(now - failingSince)
              + " s; trying again in "
              + wait
              + " ms: "
              + describe(e));
    }
    setState(State.RETRYING);
    Thread.sleep(wait);
  }

  private void recovered() {
    if (backoff.failures() > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "publishing to "
              + store.describe()
              + " works again after "
              + backoff.failures()
              + " failed tries in "
              + TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - failingSince)
              + " s");
      backoff.reset();
    }
    synchronized (this) {
      if (state == State.RETRYING) {
        state = State.PUBLISHING;
      }
    }
  }

  private static String describe(Exception e) {
    if (e instanceof ObjectStoreException) {
      return e.getMessage();
    }
    // A log read failed, or a bug: name the exception, as its message may be empty.
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private void stopForConflict(PublishConflictException e) {
    synchronized (this) {
      state = State.CONFLICT;
      conflict = e.getMessage();
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "publishing to "
            + store.describe()
            + " stopped for good: "
            + e.getMessage()
            + ". Nothing more is written to the bucket; compare it with the log, fix it, and"
            + " restart the server.");
  }

  private synchronized void setState(State s) {
    if (state != State.CONFLICT) {
      state = s;
    }
  }

  // --- lag bookkeeping, guarded by this ---

  /** Notes that the log's head has {@code size} entries. */
  private void observe(long size) {
    long now = nanoClock.getAsLong();
    if (!behind && (published < 0 || size > published)) {
      behind = true;
      behindSince = now;
    }
    if (target >= 0 && size > target && !beyondTarget) {
      beyondTarget = true;
      beyondTargetSince = now;
    }
    lastObserved = now;
  }

  /**
   * After the checkpoint of {@code size} is in the bucket (or found there at start, {@code -1} for
   * none): caught up, or behind since a larger head was first seen. When none was seen while
   * publishing, the larger head appeared after the last look, which bounds the lag from above.
   */
  private void observeAfterPublish(long size) {
    long current = log.head().treeSize();
    if (size >= 0 && current <= size) {
      behind = false;
    } else if (target >= 0) {
      behind = true;
      behindSince = beyondTarget ? beyondTargetSince : lastObserved;
    } else if (!behind) {
      behind = true;
      behindSince = nanoClock.getAsLong();
    }
    // At start, behind since the publisher started: it cannot know since when before that.
    target = -1;
    beyondTarget = false;
  }
}
