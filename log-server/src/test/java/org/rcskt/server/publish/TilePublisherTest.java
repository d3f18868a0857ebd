package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rcskt.server.publish.PublishStatus.State;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.tile.TilePath;

/** The publisher against a log and a bucket in memory: order, resume, retries, conflicts, lag. */
class TilePublisherTest {
  static final TilePublisher.Settings FAST = new TilePublisher.Settings(5, 200, 0);

  final MemoryLog log = new MemoryLog(1).append(600);
  final MemoryObjectStore store = new MemoryObjectStore();
  final Counts metrics = new Counts();
  final List<TilePublisher> started = new ArrayList<>();

  /** Counts what the publisher reports. */
  static final class Counts implements PublishMetrics {
    final AtomicInteger written = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void published(String kind) {
      written.incrementAndGet();
    }

    @Override
    public void publishSkipped() {
      skipped.incrementAndGet();
    }

    @Override
    public void publishFailed() {
      failed.incrementAndGet();
    }
  }

  TilePublisher start(ObjectStore s, TilePublisher.Settings settings, LongSupplier clock) {
    TilePublisher p =
        new TilePublisher(
            log, s, MemoryLog.ORIGIN, log.signer().verifier(), settings, metrics, clock);
    started.add(p);
    p.start();
    return p;
  }

  TilePublisher start() {
    return start(store, FAST, System::nanoTime);
  }

  @AfterEach
  void stop() {
    started.forEach(TilePublisher::close);
  }

  static void awaitCaughtUp(TilePublisher p, long size) throws InterruptedException {
    ExpectedObjects.await(
        10,
        () -> "caught up at " + size + ", " + p.status(),
        () -> p.status().state() == State.CAUGHT_UP && p.status().publishedTreeSize() == size);
  }

  static void awaitState(TilePublisher p, State s) throws InterruptedException {
    ExpectedObjects.await(10, () -> s + ", " + p.status(), () -> p.status().state() == s);
  }

  /** Every key tree size {@code n} needs, checkpoint included. */
  static Set<String> keys(long n) {
    Set<String> k = new TreeSet<>(ExpectedObjects.tiles(n).keySet());
    k.add(TileObjects.CHECKPOINT);
    return k;
  }

  @Test
  void publishesEveryTileAndBundleWithTheServersHeadersThenTheCheckpoint() throws Exception {
    TilePublisher p = start();
    awaitCaughtUp(p, 600);

    Map<String, MemoryObjectStore.Stored> objects = store.objects();
    assertThat(objects.keySet()).isEqualTo(keys(600));
    ExpectedObjects.tiles(600)
        .forEach(
            (key, path) -> {
              MemoryObjectStore.Stored o = objects.get(key);
              assertThat(o.data()).as(key).isEqualTo(ExpectedObjects.bytes(log, path));
              assertThat(o.contentType()).isEqualTo("application/octet-stream");
              assertThat(o.cacheControl())
                  .as(key)
                  .isEqualTo(
                      path.isPartial()
                          ? "public, max-age=5"
                          : "public, max-age=31536000, immutable");
            });
    MemoryObjectStore.Stored cp = objects.get("checkpoint");
    assertThat(cp.data()).isEqualTo(log.head().signedCheckpoint());
    assertThat(cp.contentType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(cp.cacheControl()).isEqualTo("no-cache");
    // Each object once, the checkpoint last.
    assertThat(store.puts())
        .doesNotHaveDuplicates()
        .hasSize(keys(600).size())
        .endsWith("checkpoint");
    assertThat(p.objectsWritten()).isEqualTo(keys(600).size());
    assertThat(metrics.written.get()).isEqualTo(keys(600).size());
    assertThat(p.status()).isEqualTo(new PublishStatus(State.CAUGHT_UP, 600, 0, 0, true));
    assertThat(Thread.getAllStackTraces().keySet())
        .anyMatch(t -> t.getName().equals("rcskt-publisher") && t.isDaemon());

    p.close();
    assertThat(p.status().state()).isEqualTo(State.STOPPED);
    assertThat(store.closed()).isTrue();
  }

  @Test
  void followsTheHeadAndNeverWritesACheckpointBeforeItsTiles() throws Exception {
    CheckpointOrder checked = new CheckpointOrder(store);
    TilePublisher p = start(checked, FAST, System::nanoTime);
    for (int i = 0; i < 30; i++) {
      log.append(1 + i * 7);
      if (i % 10 == 0) {
        long size = log.head().treeSize();
        ExpectedObjects.await(
            10, () -> "published " + size, () -> p.status().publishedTreeSize() >= size);
      }
    }
    long size = log.head().treeSize();
    awaitCaughtUp(p, size);
    assertThat(checked.violations).isEmpty();
    assertThat(checked.checkpoints.get()).isGreaterThanOrEqualTo(3);
    // Every object is one of the log's; partial tiles of earlier sizes stay, each still valid.
    Map<String, MemoryObjectStore.Stored> objects = store.objects();
    assertThat(objects.keySet()).containsAll(keys(size));
    for (Map.Entry<String, MemoryObjectStore.Stored> e : objects.entrySet()) {
      if (e.getKey().equals("checkpoint")) {
        assertThat(e.getValue().data()).isEqualTo(log.head().signedCheckpoint());
      } else {
        TilePath t = TilePath.parse(e.getKey());
        assertThat(e.getValue().data()).as(e.getKey()).isEqualTo(ExpectedObjects.bytes(log, t));
      }
    }
    // Full tiles are written once; only the checkpoint and partial tiles of new widths repeat.
    List<String> puts = store.puts();
    assertThat(puts.stream().filter(k -> !k.equals("checkpoint"))).doesNotHaveDuplicates();
  }

  /** Checks, at each checkpoint written, that the store holds every tile of its tree size. */
  static final class CheckpointOrder implements ObjectStore {
    final MemoryObjectStore delegate;
    final List<String> violations = new ArrayList<>();
    final AtomicInteger checkpoints = new AtomicInteger();

    CheckpointOrder(MemoryObjectStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] get(String key, int maxBytes) throws ObjectStoreException {
      return delegate.get(key, maxBytes);
    }

    @Override
    public void put(String key, byte[] data, String contentType, String cacheControl)
        throws ObjectStoreException {
      if (key.equals("checkpoint")) {
        checkpoints.incrementAndGet();
        long size;
        try {
          size = Checkpoint.parse(Note.parse(data).body()).treeSize();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        for (String k : ExpectedObjects.tiles(size).keySet()) {
          if (delegate.object(k) == null) {
            violations.add("checkpoint " + size + " before " + k);
          }
        }
      }
      delegate.put(key, data, contentType, cacheControl);
    }

    @Override
    public List<String> list(int max) throws ObjectStoreException {
      return delegate.list(max);
    }

    @Override
    public String describe() {
      return "checked memory";
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void retriesWhileTheBucketFailsWithTheLagGrowingThenCatchesUp() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    TilePublisher p = start(store, new TilePublisher.Settings(5, 200, 6), clock::get);
    awaitCaughtUp(p, 600);
    store.down(true);
    log.append(10);
    assertThat(p.status().lagEntries()).isEqualTo(10);
    assertThat(p.status().lagSeconds()).isZero(); // seen just now, by this status()
    awaitState(p, State.RETRYING);
    clock.addAndGet(5_000_000_000L);
    assertThat(p.status().lagSeconds()).isEqualTo(5.0);
    assertThat(p.status().ready()).isTrue();
    log.append(5);
    clock.addAndGet(2_000_000_000L);
    PublishStatus s = p.status();
    assertThat(s.lagSeconds()).isEqualTo(7.0); // since the first checkpoint the bucket lacks
    assertThat(s.lagEntries()).isEqualTo(15);
    assertThat(s.ready()).isFalse(); // beyond readyMaxLagSeconds 6
    int failures = metrics.failed.get();
    assertThat(failures).isPositive();
    ExpectedObjects.await(10, () -> "more failures", () -> metrics.failed.get() > failures);

    store.down(false);
    awaitCaughtUp(p, 615);
    assertThat(p.status()).isEqualTo(new PublishStatus(State.CAUGHT_UP, 615, 0, 0, true));
    assertThat(store.objects().keySet()).containsAll(keys(615));
  }

  @Test
  void resumesFromTheBucketsCheckpointReadingAndWritingOnlyWhatIsNew() throws Exception {
    TilePublisher first = start();
    awaitCaughtUp(first, 600);
    first.close();
    log.append(400);
    int putsBefore = store.puts().size();
    int getsBefore = store.gets();

    TilePublisher second = start();
    awaitCaughtUp(second, 1000);
    Set<String> fresh = new TreeSet<>(keys(1000));
    fresh.removeAll(ExpectedObjects.tiles(600).keySet());
    List<String> puts = store.puts().subList(putsBefore, store.puts().size());
    assertThat(new TreeSet<>(puts)).isEqualTo(fresh);
    assertThat(puts).hasSize(fresh.size()).endsWith("checkpoint");
    assertThat(second.objectsWritten()).isEqualTo(fresh.size());
    // One read of the checkpoint, and one of each new object before anything was written.
    assertThat(store.gets() - getsBefore).isEqualTo(1 + fresh.size() - 1);
    assertThat(metrics.skipped.get()).isZero();
  }

  @Test
  void keepsIdenticalObjectsACrashLeftBeyondTheCheckpoint() throws Exception {
    TilePublisher first = start();
    awaitCaughtUp(first, 600);
    first.close();
    log.append(400);
    // As if a publisher had crashed after writing these for tree size 1000.
    for (String k : List.of("tile/entries/002", "tile/entries/003.p/232", "tile/0/002")) {
      store.plant(k, ExpectedObjects.bytes(log, TilePath.parse(k)));
    }
    int putsBefore = store.puts().size();
    TilePublisher second = start();
    awaitCaughtUp(second, 1000);
    List<String> puts = store.puts().subList(putsBefore, store.puts().size());
    assertThat(puts)
        .containsExactly("tile/0/003.p/232", "tile/1/000.p/3", "checkpoint")
        .doesNotContain("tile/entries/002", "tile/0/002");
    assertThat(metrics.skipped.get()).isEqualTo(3);
  }

  @Test
  void anIdenticalObjectAfterAMissingOneIsReadAgainNotRewritten() throws Exception {
    // Bundle 001 is there but 000 is not: 000 is written, 001 kept.
    store.plant("tile/entries/001", ExpectedObjects.bytes(log, TilePath.entryBundle(1, 256)));
    TilePublisher p = start();
    awaitCaughtUp(p, 600);
    assertThat(store.puts()).contains("tile/entries/000").doesNotContain("tile/entries/001");
    assertThat(store.objects().keySet()).isEqualTo(keys(600));
    assertThat(metrics.skipped.get()).isEqualTo(1);
  }

  @Test
  void aDifferentFullTileInTheBucketIsAConflictFoundBeforeAnythingIsWritten() throws Exception {
    byte[] planted = new byte[8192];
    planted[0] = 1;
    store.plant("tile/0/001", planted);
    TilePublisher p = start();
    awaitState(p, State.CONFLICT);
    assertThat(p.conflict())
        .contains("the bucket's tile/0/001 differs from the log's (8192 bytes, the log's 8192)");
    assertThat(store.puts()).isEmpty();
    assertThat(store.object("tile/0/001").data()).isEqualTo(planted);
    assertThat(p.status().ready()).isFalse();
    // Stopped for good: more entries change nothing.
    log.append(300);
    assertThat(p.status().state()).isEqualTo(State.CONFLICT);
    assertThat(store.puts()).isEmpty();
  }

  @Test
  void aLongerObjectInTheBucketIsAConflict() throws Exception {
    store.plant("tile/entries/002.p/88", new byte[TileObjects.MAX_OBJECT_BYTES]);
    TilePublisher p = start();
    awaitState(p, State.CONFLICT);
    assertThat(p.conflict()).contains("tile/entries/002.p/88 is larger than the log's");
    assertThat(store.puts()).isEmpty();
  }

  @Test
  void aCheckpointOfAnotherKeyIsAConflict() throws Exception {
    MemoryLog other = new MemoryLog(2).append(10);
    store.plant("checkpoint", other.head().signedCheckpoint());
    TilePublisher p = start();
    awaitState(p, State.CONFLICT);
    assertThat(p.conflict()).startsWith("the bucket's checkpoint is not one of this log's");
    assertThat(store.puts()).isEmpty();
  }

  @Test
  void aCheckpointLargerThanTheLogIsAConflict() throws Exception {
    // Same key, a longer tree: the bucket is ahead of this copy of the log.
    Ed25519.KeyPair key = Ed25519.KeyPair.generate(new java.util.Random(7));
    MemoryLog ahead = new MemoryLog(3, key).append(700);
    MemoryLog behind = new MemoryLog(3, key).append(600);
    store.plant("checkpoint", ahead.head().signedCheckpoint());
    TilePublisher p =
        new TilePublisher(
            behind, store, MemoryLog.ORIGIN, behind.signer().verifier(), FAST, metrics);
    started.add(p);
    p.start();
    awaitState(p, State.CONFLICT);
    assertThat(p.conflict())
        .startsWith("the bucket's checkpoint is for tree size 700, larger than the log's 600");
    assertThat(store.puts()).isEmpty();
  }

  @Test
  void aCheckpointOfAnotherTreeUnderTheSameKeyIsAConflict() throws Exception {
    Ed25519.KeyPair key = Ed25519.KeyPair.generate(new java.util.Random(7));
    MemoryLog fork = new MemoryLog(4, key).append(500);
    MemoryLog mine = new MemoryLog(5, key).append(600);
    store.plant("checkpoint", fork.head().signedCheckpoint());
    TilePublisher p =
        new TilePublisher(mine, store, MemoryLog.ORIGIN, mine.signer().verifier(), FAST, metrics);
    started.add(p);
    p.start();
    awaitState(p, State.CONFLICT);
    assertThat(p.conflict())
        .startsWith("the bucket's checkpoint (tree size 500, root ")
        .contains("is not consistent with the log's tree of size 600");
    assertThat(store.puts()).isEmpty();
  }

  @Test
  void aBucketUnreachableAtStartIsRetriedThenResumed() throws Exception {
    store.down(true);
    TilePublisher p = start();
    awaitState(p, State.RETRYING);
    assertThat(p.status().publishedTreeSize()).isZero();
    assertThat(p.status().lagEntries()).isEqualTo(600);
    store.down(false);
    awaitCaughtUp(p, 600);
    assertThat(store.objects().keySet()).isEqualTo(keys(600));
  }

  @Test
  void refusesAKeyNamedOtherThanTheOrigin() {
    assertThatThrownBy(
            () ->
                new TilePublisher(
                    log, store, "other.test/log", log.signer().verifier(), FAST, metrics))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the origin \"other.test/log\"");
  }
}
