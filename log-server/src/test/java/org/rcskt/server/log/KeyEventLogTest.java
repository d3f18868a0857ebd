package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.storage.FaultInjectingLogStore;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Events;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.Violation;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.tile.TileNodeSource;
import org.rcskt.verifier.tile.TilePath;

/**
 * The log without HTTP, on a real RocksDB, with a full consistency check ({@link Fsck}) after every
 * mutation.
 */
class KeyEventLogTest {
  static final String ORIGIN = "test.example/log";
  static final String CARRIER = "carrier.example";

  @TempDir Path dir;
  Random random = new Random(1234);
  Ed25519.KeyPair policy = Ed25519.KeyPair.generate(random);
  Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
  NoteLogSigner signer =
      new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
  RulesContext rules = RulesContext.ingest(PublicKeyInfo.ed25519(policy.publicKey()), 0);
  FaultInjectingLogStore store;
  KeyEventLog log;
  Events events = new Events(99, CARRIER, carrier);

  @BeforeEach
  void open() {
    openLog(KeyEventLog.Settings.defaults());
    KeyEvent anchor =
        EventBuilder.forCarrier(CARRIER)
            .timestampMs(System.currentTimeMillis())
            .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
            .sign(policy);
    assertThat(log.submit(anchor).join().leafIndex()).isZero();
  }

  void openLog(KeyEventLog.Settings settings) {
    store = new FaultInjectingLogStore(RocksDbLogStore.open(dir.resolve("db")));
    log = KeyEventLog.open(store, signer, rules, LogMetrics.NONE, settings);
  }

  @AfterEach
  void close() {
    log.close();
    store.close();
  }

  void checkInvariants() throws Exception {
    Fsck.Report r = new Fsck(store, signer, rules.withoutNow(), s -> {}).run();
    assertThat(r.problems()).isEmpty();
    TreeHead head = log.head();
    assertThat(r.treeSize()).isEqualTo(head.treeSize());
    assertThat(r.rootHash()).isEqualTo(head.rootHash());
    SignedCheckpoint.verify(head.signedCheckpoint(), ORIGIN, signer.verifier());
  }

  void assertIncluded(Sequenced s) throws Exception {
    TreeHead h = s.head();
    LogReader.Inclusion inc = log.reader().inclusion(s.leafIndex(), h.treeSize());
    InclusionProof.verify(s.leafIndex(), h.treeSize(), s.leafHash(), inc.proof(), h.rootHash());
  }

  @Test
  void randomHistoryKeepsEveryInvariant() throws Exception {
    Map<Hash, KeyEvent> last = new HashMap<>();
    Map<Hash, Ed25519.KeyPair> keys = new HashMap<>();
    List<TreeHead> heads = new ArrayList<>();
    for (int step = 0; step < 25; step++) {
      List<KeyEvent> wave = new ArrayList<>();
      // New subjects.
      for (int i = random.nextInt(4); i > 0; i--) {
        Hash subject = events.newSubject();
        Ed25519.KeyPair k = events.newKey();
        wave.add(events.register(subject, "phone-1", k));
        keys.put(subject, k);
      }
      // Rotations of existing subjects, sometimes two racing for the same sequence number.
      List<Hash> known = new ArrayList<>(last.keySet());
      for (int i = Math.min(known.size(), random.nextInt(4)); i > 0; i--) {
        Hash subject = known.get(random.nextInt(known.size()));
        wave.add(events.rotate(last.get(subject), "phone-1", keys.get(subject), events.newKey()));
        if (random.nextBoolean()) {
          wave.add(events.rotate(last.get(subject), "phone-1", keys.get(subject), events.newKey()));
        }
      }
      // Duplicates of this wave and of older events.
      if (!wave.isEmpty() && random.nextBoolean()) {
        wave.add(wave.get(random.nextInt(wave.size())));
      }
      if (!known.isEmpty() && random.nextBoolean()) {
        wave.add(last.get(known.get(random.nextInt(known.size()))));
      }
      List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
      for (KeyEvent e : wave) {
        fs.add(log.submit(e));
      }
      Map<Hash, Long> indexOf = new HashMap<>();
      Map<Hash, Integer> winners = new HashMap<>();
      for (int i = 0; i < wave.size(); i++) {
        KeyEvent e = wave.get(i);
        try {
          Sequenced s = fs.get(i).join();
          assertIncluded(s);
          Long before = indexOf.putIfAbsent(s.leafHash(), s.leafIndex());
          assertThat(before == null || before == s.leafIndex()).isTrue();
          if (!s.duplicate()) {
            winners.merge(e.subject(), 1, Integer::sum);
            last.put(e.subject(), e);
            if (e.body().payload() instanceof org.rcskt.verifier.event.EventPayload.Rotate) {
              // The winner's new key is the one that signs next.
              keys.put(e.subject(), keyOf(e));
            }
          }
        } catch (CompletionException x) {
          assertThat(x.getCause()).isInstanceOf(RejectedEventException.class);
          RejectedEventException r = (RejectedEventException) x.getCause();
          assertThat(r.violation())
              .isIn(
                  Violation.WRONG_SEQUENCE,
                  Violation.REVOKED_KEY,
                  Violation.UNKNOWN_SIGNER,
                  Violation.WRONG_PREVIOUS_HASH);
        }
      }
      winners.values().forEach(n -> assertThat(n).isEqualTo(1));
      for (Map.Entry<Hash, KeyEvent> e : last.entrySet()) {
        SubjectState st = log.subjectState(e.getKey());
        assertThat(st.lastEventHash()).isEqualTo(e.getValue().leafHash());
      }
      checkInvariants();
      heads.add(log.head());
    }
    // Every head seen is consistent with the final one.
    TreeHead end = log.head();
    for (TreeHead h : heads) {
      if (h.treeSize() > 0) {
        ConsistencyProof.verify(
            h.treeSize(),
            end.treeSize(),
            h.rootHash(),
            end.rootHash(),
            log.reader().consistency(h.treeSize(), end.treeSize()));
      }
    }
  }

  /** The key pair whose public key a ROTATE installs (remembered by {@link Events}). */
  Ed25519.KeyPair keyOf(KeyEvent rotate) {
    return events.keyFor(
        ((org.rcskt.verifier.event.EventPayload.Rotate) rotate.body().payload()).publicKey());
  }

  @Test
  void concurrentSubmissionsShareBatchesAndCheckpoints() throws Exception {
    log.close();
    store.close();
    List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    LogMetrics recording =
        new LogMetrics() {
          @Override
          public void batch(int size, int appended, long integrateNanos, long writeNanos) {
            batches.add(appended);
          }
        };
    store = new FaultInjectingLogStore(RocksDbLogStore.open(dir.resolve("db")));
    log =
        KeyEventLog.open(
            store, signer, rules, recording, new KeyEventLog.Settings(64, 20_000, 1000, 2, 4, 64));
    List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fs.add(log.submit(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    java.util.Set<Long> sizes = new java.util.HashSet<>();
    for (CompletableFuture<Sequenced> f : fs) {
      Sequenced s = f.join();
      assertIncluded(s);
      sizes.add(s.head().treeSize());
    }
    // One checkpoint per batch, every batch at most maxBatch, far fewer batches than events.
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
    assertThat(batches).allMatch(n -> n <= 64);
    assertThat(batches.size()).isLessThan(50);
    assertThat(sizes).hasSize(batches.size());
    checkInvariants();
  }

  /**
   * The batch interval holds back only steps that follow another within it: a lone event on a quiet
   * log starts a step at once, events right behind a step wait for the interval and share the next
   * one.
   */
  @Test
  void batchIntervalDelaysOnlyStepsThatFollowCloselyAndGroupsThem() throws Exception {
    log.close();
    store.close();
    // One second: long enough that the lower bound below holds on any machine.
    openLog(new KeyEventLog.Settings(4096, 0, 1000, 2, 4, 64, 1_000_000));
    // The previous step (the anchor, in a log opened before) is long past: no wait.
    Thread.sleep(1_100);
    long t0 = System.nanoTime();
    Sequenced first =
        log.submit(events.register(events.newSubject(), "phone-1", events.newKey())).join();
    long quietMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(quietMillis).isLessThan(900);
    // Right behind that step: these wait for the rest of its interval, then share one step.
    long t1 = System.nanoTime();
    List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      fs.add(log.submit(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    java.util.Set<Long> sizes = new java.util.HashSet<>();
    for (CompletableFuture<Sequenced> f : fs) {
      Sequenced s = f.join();
      assertIncluded(s);
      sizes.add(s.head().treeSize());
    }
    long heldMillis = (System.nanoTime() - t1) / 1_000_000;
    assertThat(heldMillis).isGreaterThanOrEqualTo(1_000 - quietMillis - 50);
    assertThat(sizes).hasSize(1);
    assertThat(sizes.iterator().next()).isGreaterThan(first.head().treeSize());
    // After a quiet spell again, no wait.
    Thread.sleep(1_100);
    long t2 = System.nanoTime();
    log.submit(events.register(events.newSubject(), "phone-1", events.newKey())).join();
    assertThat((System.nanoTime() - t2) / 1_000_000).isLessThan(900);
    checkInvariants();
    assertThatThrownBy(() -> new KeyEventLog.Settings(4096, 0, 1000, 2, 4, 64, 1_000_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchIntervalMicros");
  }

  /**
   * Events checked by a worker while an earlier batch was still being written: the integrator must
   * see that batch (a duplicate gets the existing index, a second registration of the same subject
   * loses its sequence number) although the worker's store lookups could not.
   */
  @Test
  void eventsCheckedDuringAWriteSeeThatWrite() throws Exception {
    for (int round = 0; round < 5; round++) {
      Hash subject = events.newSubject();
      KeyEvent first = events.register(subject, "phone-1", events.newKey());
      KeyEvent rival = events.register(subject, "phone-2", events.newKey());
      store.delayAppends(100);
      CompletableFuture<Sequenced> a = log.submit(first);
      Thread.sleep(30);
      // The first batch is now inside its slow write; these are verified against the old store.
      CompletableFuture<Sequenced> again = log.submit(first);
      CompletableFuture<Sequenced> b = log.submit(rival);
      Sequenced s = a.join();
      store.delayAppends(0);
      Sequenced d = again.join();
      assertThat(d.duplicate()).isTrue();
      assertThat(d.leafIndex()).isEqualTo(s.leafIndex());
      assertThatThrownBy(b::join)
          .cause()
          .isInstanceOfSatisfying(
              RejectedEventException.class,
              r -> assertThat(r.violation()).isEqualTo(Violation.WRONG_SEQUENCE));
      // The event's batch ends with its map root leaf (docs/protocol.md section 16).
      assertThat(log.head().treeSize()).isEqualTo(s.leafIndex() + 2);
      assertThat(MapRootEntry.isMapRoot(log.reader().entry(s.leafIndex() + 1))).isTrue();
    }
    checkInvariants();
  }

  @Test
  void failedWriteChangesNothing() throws Exception {
    TreeHead before = log.head();
    KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
    store.failNextAppends(1);
    assertThatThrownBy(() -> log.submit(e).join())
        .hasCauseInstanceOf(UnavailableException.class)
        .cause()
        .hasMessage("the log could not store this batch; nothing of it was logged");
    assertThat(log.head()).isEqualTo(before);
    checkInvariants();
    Sequenced s = log.submit(e).join();
    assertThat(s.leafIndex()).isEqualTo(before.treeSize());
    assertThat(s.duplicate()).isFalse();
    checkInvariants();
  }

  @Test
  void writeThatLandedDespiteAnErrorIsPickedUpOnReload() throws Exception {
    TreeHead before = log.head();
    KeyEvent e = events.register(events.newSubject(), "phone-1", events.newKey());
    store.failAfterNextAppends(1);
    assertThatThrownBy(() -> log.submit(e).join()).hasCauseInstanceOf(UnavailableException.class);
    // The integrator reloaded from the store, where the batch did land: the event and the batch's
    // map root leaf.
    assertThat(log.head().treeSize()).isEqualTo(before.treeSize() + 2);
    checkInvariants();
    Sequenced again = log.submit(e).join();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.leafIndex()).isEqualTo(before.treeSize());
    assertIncluded(again);
    KeyEvent next = events.register(events.newSubject(), "phone-1", events.newKey());
    assertThat(log.submit(next).join().leafIndex()).isEqualTo(before.treeSize() + 2);
    checkInvariants();
  }

  @Test
  void tilesReproduceTheTreeWithVerifierLibTiles() throws Exception {
    log.close();
    store.close();
    java.util.concurrent.atomic.AtomicInteger batches =
        new java.util.concurrent.atomic.AtomicInteger();
    LogMetrics counting =
        new LogMetrics() {
          @Override
          public void batch(int size, int appended, long integrateNanos, long writeNanos) {
            if (appended > 0) {
              batches.incrementAndGet();
            }
          }
        };
    store = new FaultInjectingLogStore(RocksDbLogStore.open(dir.resolve("db")));
    // A batch window of 20 ms: a few batches, so that the tree ends inside the third level-0 tile.
    log =
        KeyEventLog.open(
            store,
            signer,
            rules,
            counting,
            new KeyEventLog.Settings(4096, 20_000, 20_000, 2, 4, 64));
    List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      fs.add(log.submit(events.register(events.newSubject(), "phone-1", events.newKey())));
    }
    fs.forEach(CompletableFuture::join);
    TreeHead head = log.head();
    // The anchor and its map root, the 600 events and one map root leaf per batch that took them.
    assertThat(head.treeSize()).isEqualTo(2 + 600 + batches.get());
    long mapRoots = 0;
    for (long i = 0; i < head.treeSize(); i++) {
      if (MapRootEntry.isMapRoot(log.reader().entry(i))) {
        mapRoots++;
      }
    }
    assertThat(mapRoots).isEqualTo(1 + batches.get());
    // Fewer than 166 batches (there are a handful): two full level-0 tiles and part of a third.
    assertThat(head.treeSize()).isBetween(512L + 1, 768L - 1);
    int edge = (int) (head.treeSize() - 512);
    TileNodeSource tiles = new TileNodeSource(head.treeSize());
    for (TilePath t :
        TileNodeSource.tilesNeeded(head.treeSize(), src -> Proofs.rootHash(head.treeSize(), src))) {
      tiles.add(t, log.reader().tile(t.level(), t.index(), t.width()));
    }
    assertThat(Proofs.rootHash(head.treeSize(), tiles)).isEqualTo(head.rootHash());
    // Level 1 holds two complete level-8 nodes: a partial tile of width 2.
    assertThat(log.reader().tile(1, 0, 2)).hasSize(64);
    assertThatThrownBy(() -> log.reader().tile(1, 0, 3)).isInstanceOf(NotFoundException.class);
    // The memory-only paths give the same answers as the storage paths, or none.
    int fromMemory = 0;
    for (long i = 0; i < head.treeSize(); i += 7) {
      LogReader.Inclusion hot = log.reader().inclusionIfCached(i, head.treeSize());
      LogReader.Inclusion cold = log.reader().inclusion(i, head.treeSize());
      if (hot != null) {
        fromMemory++;
        assertThat(hot).isEqualTo(cold);
      }
    }
    assertThat(fromMemory).isPositive();
    for (long t = 0; t < 2; t++) {
      byte[] hot = log.reader().tileFromMemory(0, t, 256);
      byte[] cold = log.reader().tile(0, t, 256);
      assertThat(hot == null || java.util.Arrays.equals(hot, cold)).isTrue();
    }
    assertThat(log.reader().tileFromMemory(1, 0, 2)).isEqualTo(log.reader().tile(1, 0, 2));
    assertThatThrownBy(() -> log.reader().tileFromMemory(0, 3, 1))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("tile 0/3.p/1 is beyond the tree of size " + head.treeSize());
    byte[] bundle = log.reader().entryBundle(2, edge);
    assertThat(bundle.length).isGreaterThan(edge * 2);
    assertThatThrownBy(() -> log.reader().entryBundle(2, edge + 1))
        .isInstanceOf(NotFoundException.class)
        .hasMessage(
            "entry bundle 2.p/" + (edge + 1) + " is beyond the tree of size " + head.treeSize());
    checkInvariants();
  }

  @Test
  void reopenVerifiesTheStoredTreeAndContinues() throws Exception {
    for (int i = 0; i < 30; i++) {
      log.submit(events.register(events.newSubject(), "phone-1", events.newKey())).join();
    }
    TreeHead before = log.head();
    log.close();
    store.close();
    openLog(KeyEventLog.Settings.defaults());
    assertThat(log.head().treeSize()).isEqualTo(before.treeSize());
    assertThat(log.head().rootHash()).isEqualTo(before.rootHash());
    assertThat(log.head().signedCheckpoint()).isEqualTo(before.signedCheckpoint());
    assertThat(log.anchors().carrier(CARRIER)).isNotNull();
    log.submit(events.register(events.newSubject(), "phone-1", events.newKey())).join();
    checkInvariants();
  }

  @Test
  void refusesAStoreSignedByAnotherKey() {
    log.close();
    store.close();
    NoteLogSigner other =
        new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
    store = new FaultInjectingLogStore(RocksDbLogStore.open(dir.resolve("db")));
    assertThatThrownBy(
            () ->
                KeyEventLog.open(
                    store, other, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults()))
        .isInstanceOf(LogStateException.class)
        .hasMessageStartingWith(
            "the stored checkpoint does not verify with the configured log key and origin "
                + ORIGIN);
    log = KeyEventLog.open(store, signer, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults());
  }
}
