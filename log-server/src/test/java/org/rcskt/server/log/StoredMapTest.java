package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.map.SubjectMap;

/**
 * The log's bucketed map over a real RocksDB store against verifier-lib's reference map: same roots
 * after every batch, byte-identical proofs for members and non-members, the same map after a
 * reopen, and proofs that match their snapshot while batches commit concurrently.
 */
class StoredMapTest {
  @TempDir Path dir;

  /** Writes a map update the way the integrator does: in a store batch of its own. */
  static void write(LogStore store, StoredMap map, StoredMap.Update u) {
    map.stage(u);
    store.append(batchOf(store, u));
    map.commit(u);
  }

  /** A store batch of one entry carrying {@code u}. */
  static AppendBatch batchOf(LogStore store, StoredMap.Update u) {
    AppendBatch batch = new AppendBatch(store.treeSize());
    byte[] entry = ("entry " + store.treeSize()).getBytes(StandardCharsets.US_ASCII);
    batch.addEntry(entry, Hash.sha256(entry));
    u.writeTo(batch);
    batch.setCheckpoint(("checkpoint " + store.treeSize()).getBytes(StandardCharsets.US_ASCII));
    return batch;
  }

  static Hash randomIndex(Random r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return Hash.of(b);
  }

  /** An index that shares its first {@code bits} bits with {@code base} and differs at the next. */
  static Hash sharing(Hash base, int bits, Random r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    byte[] x = base.toByteArray();
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i & 7);
      b[i >>> 3] = (byte) ((b[i >>> 3] & ~mask) | (x[i >>> 3] & mask));
    }
    if (bits < 256) {
      int mask = 0x80 >>> (bits & 7);
      b[bits >>> 3] = (byte) ((b[bits >>> 3] & ~mask) | (~x[bits >>> 3] & mask));
    }
    return Hash.of(b);
  }

  static SubjectLeaf leaf(Hash index, Random r) {
    return new SubjectLeaf(index, 1 + r.nextInt(1000), randomIndex(r));
  }

  static void assertSameProofs(StoredMap map, SubjectMap ref, Hash index) throws Exception {
    MapProof want = ref.prove(index);
    try (StoredMap.Proved p = map.prove(index)) {
      assertThat(p.proof().encoded()).as("proof of %s", index).isEqualTo(want.encoded());
      assertThat(p.proof().verify(ref.root(), index)).isEqualTo(ref.get(index));
    }
  }

  @Test
  void randomizedBatchesMatchTheReferenceMap() throws Exception {
    for (long seed : new long[] {1, 2, 3}) {
      Random r = new Random(seed);
      Path db = dir.resolve("db-" + seed);
      SubjectMap ref = SubjectMap.empty(new MemoryMapNodeStore());
      List<Hash> known = new ArrayList<>();
      try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
        StoredMap map = StoredMap.open(store);
        assertThat(map.root()).isEqualTo(MapHashes.EMPTY);
        assertSameProofs(map, ref, randomIndex(r));
        for (int batch = 0; batch < 40; batch++) {
          List<SubjectLeaf> puts = new ArrayList<>();
          java.util.Set<Hash> inBatch = new java.util.HashSet<>();
          int n = 1 + r.nextInt(batch < 5 ? 3 : 300);
          for (int i = 0; i < n; i++) {
            Hash x;
            int kind = r.nextInt(10);
            if (known.isEmpty() || kind < 4) {
              x = randomIndex(r);
            } else if (kind < 7) {
              // An update of a subject already in the map.
              x = known.get(r.nextInt(known.size()));
            } else {
              // A new subject near a known one: shared prefixes below, at and beyond the
              // bucket depth, down to 255 bits.
              int[] depths = {3, 12, 19, 20, 21, 30, 64, 200, 255};
              x = sharing(known.get(r.nextInt(known.size())), depths[r.nextInt(depths.length)], r);
            }
            if (inBatch.add(x)) {
              puts.add(leaf(x, r));
            }
          }
          StoredMap.Update u = map.update(puts);
          SubjectMap.Batch b = ref.batch();
          puts.forEach(b::put);
          ref = ref.apply(b.finish());
          assertThat(u.root()).as("seed %d batch %d", seed, batch).isEqualTo(ref.root());
          assertThat(u.subjectCount()).isEqualTo(ref.subjectCount());
          write(store, map, u);
          for (SubjectLeaf l : puts) {
            if (!known.contains(l.index())) {
              known.add(l.index());
            }
          }
          assertThat(map.root()).isEqualTo(ref.root());
          for (int i = 0; i < 20; i++) {
            assertSameProofs(map, ref, known.get(r.nextInt(known.size())));
            assertSameProofs(map, ref, randomIndex(r));
            assertSameProofs(
                map, ref, sharing(known.get(r.nextInt(known.size())), 1 + r.nextInt(60), r));
          }
        }
      }
      try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
        StoredMap reopened = StoredMap.open(store);
        assertThat(reopened.root()).isEqualTo(ref.root());
        assertThat(reopened.subjectCount()).isEqualTo(ref.subjectCount());
        for (Hash x : known) {
          assertSameProofs(reopened, ref, x);
        }
        List<SubjectLeaf> all = new ArrayList<>();
        StoredMap.forEachLeaf(store, all::add);
        assertThat(all).hasSize(known.size());
        for (SubjectLeaf l : all) {
          assertThat(ref.get(l.index())).contains(l);
        }
      }
    }
  }

  /**
   * Indexes at both ends of the key space, sharing up to 255 bits: the leaf key ranges of the last
   * bucket end at the end of the bucket prefixes, and the first bucket's at its start.
   */
  @Test
  void subjectsAtTheEndsOfTheIndexSpaceAreProved() throws Exception {
    Random r = new Random(11);
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    byte[] onesButLast = ones.clone();
    onesButLast[31] = (byte) 0xfe;
    byte[] zeros = new byte[32];
    byte[] zerosButLast = new byte[32];
    zerosButLast[31] = 1;
    List<Hash> xs =
        List.of(Hash.of(ones), Hash.of(onesButLast), Hash.of(zeros), Hash.of(zerosButLast));
    SubjectMap ref = SubjectMap.empty(new MemoryMapNodeStore());
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db-ends"))) {
      StoredMap map = StoredMap.open(store);
      for (Hash x : xs) {
        SubjectLeaf l = leaf(x, r);
        StoredMap.Update u = map.update(List.of(l));
        SubjectMap.Batch b = ref.batch();
        b.put(l);
        ref = ref.apply(b.finish());
        assertThat(u.root()).isEqualTo(ref.root());
        write(store, map, u);
        for (Hash y : xs) {
          assertSameProofs(map, ref, y);
        }
        assertSameProofs(map, ref, sharing(Hash.of(ones), 254, r));
        assertSameProofs(map, ref, sharing(Hash.of(zeros), 254, r));
      }
      List<SubjectLeaf> all = new ArrayList<>();
      StoredMap.forEachLeaf(store, all::add);
      assertThat(all)
          .extracting(SubjectLeaf::index)
          .containsExactly(xs.get(2), xs.get(3), xs.get(1), xs.get(0));
    }
  }

  /**
   * With the leaf cache on, updates read nothing from the store and must give the same map: roots
   * after every batch against the reference, proofs from the records the updates wrote, the cache
   * rebuilt by a reload, and a cache that does not match the stored buckets refused.
   */
  @Test
  void theLeafCacheGivesTheSameMapAsTheStore() throws Exception {
    for (long seed : new long[] {21, 22}) {
      Random r = new Random(seed);
      SubjectMap ref = SubjectMap.empty(new MemoryMapNodeStore());
      List<Hash> known = new ArrayList<>();
      try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("cache-" + seed))) {
        StoredMap map = StoredMap.open(store);
        for (int batch = 0; batch < 30; batch++) {
          if (batch == 3) {
            // Turned on with subjects in the map already: they are loaded from the leaf records.
            assertThat(map.enableLeafCache()).isEqualTo(ref.subjectCount());
          }
          if (batch == 20) {
            // A reload loads the cache again, in the background, from the next update on.
            map.reload();
            assertThat(map.leafCacheLoaded()).isFalse();
          }
          if (batch == 25) {
            while (!map.leafCacheLoaded()) {
              Thread.sleep(5);
            }
          }
          boolean loadedBefore = map.leafCacheLoaded();
          List<SubjectLeaf> puts = new ArrayList<>();
          java.util.Set<Hash> inBatch = new java.util.HashSet<>();
          int n = 1 + r.nextInt(200);
          for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            Hash x =
                known.isEmpty() || kind < 4
                    ? randomIndex(r)
                    : kind < 7
                        ? known.get(r.nextInt(known.size()))
                        : sharing(
                            known.get(r.nextInt(known.size())),
                            new int[] {12, 20, 21, 40, 255}[r.nextInt(5)],
                            r);
            if (inBatch.add(x)) {
              puts.add(leaf(x, r));
            }
          }
          StoredMap.Update u = map.update(puts);
          SubjectMap.Batch b = ref.batch();
          puts.forEach(b::put);
          ref = ref.apply(b.finish());
          assertThat(u.root()).as("seed %d batch %d", seed, batch).isEqualTo(ref.root());
          assertThat(u.subjectCount()).isEqualTo(ref.subjectCount());
          if (batch >= 3 && loadedBefore) {
            assertThat(u.readNanos()).as("no store reads with the cache").isZero();
          }
          write(store, map, u);
          puts.forEach(l -> known.add(l.index()));
          for (int i = 0; i < 10; i++) {
            assertSameProofs(map, ref, known.get(r.nextInt(known.size())));
          }
        }
      }
    }
    // Loaded in the background while batches are written: the same map throughout, and no store
    // reads once the load is in.
    {
      Random r = new Random(23);
      Path db = dir.resolve("cache-22");
      try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
        SubjectMap ref = SubjectMap.empty(new MemoryMapNodeStore());
        List<SubjectLeaf> all = new ArrayList<>();
        StoredMap.forEachLeaf(store, all::add);
        SubjectMap.Batch seedBatch = ref.batch();
        all.forEach(seedBatch::put);
        ref = ref.apply(seedBatch.finish());
        StoredMap map = StoredMap.open(store);
        assertThat(map.root()).isEqualTo(ref.root());
        assertThat(map.startLeafCacheLoad(Long.MAX_VALUE)).isTrue();
        for (int batch = 0; batch < 40; batch++) {
          boolean loadedBefore = map.leafCacheLoaded();
          List<SubjectLeaf> puts = new ArrayList<>();
          java.util.Set<Hash> inBatch = new java.util.HashSet<>();
          for (int i = 0; i < 50; i++) {
            Hash x = r.nextBoolean() ? randomIndex(r) : all.get(r.nextInt(all.size())).index();
            if (inBatch.add(x)) {
              puts.add(leaf(x, r));
            }
          }
          StoredMap.Update u = map.update(puts);
          SubjectMap.Batch b = ref.batch();
          puts.forEach(b::put);
          ref = ref.apply(b.finish());
          assertThat(u.root()).as("batch %d", batch).isEqualTo(ref.root());
          if (loadedBefore) {
            assertThat(u.readNanos()).as("batch %d after the load", batch).isZero();
          }
          write(store, map, u);
          if (batch == 20) {
            // Let the load finish, so the batches after it read nothing.
            while (!map.leafCacheLoaded()) {
              Thread.sleep(5);
            }
          }
        }
        map.stopLeafCacheLoad();
      }
    }
    // Too little memory for the subjects: the cache stays off.
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("cache-22"))) {
      StoredMap map = StoredMap.open(store);
      assertThat(map.startLeafCacheLoad(1 << 20)).isFalse();
    }
    // A leaf record lost behind the map's back: the cache's check against the buckets refuses it.
    Path db = dir.resolve("cache-21");
    Hash victim;
    try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
      List<SubjectLeaf> all = new ArrayList<>();
      StoredMap.forEachLeaf(store, all::add);
      victim = all.get(all.size() / 2).index();
    }
    try (org.rcskt.server.storage.rocksdb.RawRocks raw =
        org.rcskt.server.storage.rocksdb.RawRocks.open(db)) {
      raw.delete("map_leaves", StoredMap.leafKey(victim.toByteArray()));
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
      StoredMap map = StoredMap.open(store);
      assertThatThrownBy(map::enableLeafCache)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageMatching(
              "(the leaf records of bucket \\d+ do not hash to its stored hash"
                  + "|bucket \\d+ has a stored hash but no leaf records)");
    }
  }

  /** The window between a batch's write and its commit: a snapshot there sees the staged update. */
  @Test
  void aSnapshotBetweenWriteAndCommitIsProvedAgainstTheStagedUpdate() throws Exception {
    Random r = new Random(6);
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      StoredMap map = StoredMap.open(store);
      Hash a = randomIndex(r);
      write(store, map, map.update(List.of(leaf(a, r))));
      Hash before = map.root();
      Hash b = sharing(a, 25, r);
      SubjectLeaf lb = leaf(b, r);
      StoredMap.Update u = map.update(List.of(lb));
      map.stage(u);
      store.append(batchOf(store, u));
      // Written and staged, not committed: the levels still hold the old root.
      assertThat(map.root()).isEqualTo(before);
      try (StoredMap.Proved p = map.prove(b)) {
        assertThat(p.proof().verify(u.root(), b)).contains(lb);
        assertThat(p.proof().depth()).isEqualTo(26);
      }
      map.commit(u);
      assertThat(map.root()).isEqualTo(u.root());
      try (StoredMap.Proved p = map.prove(b)) {
        assertThat(p.proof().verify(u.root(), b)).contains(lb);
      }
    }
  }

  /** A store write the map was not told of is a bug in the caller: refused, never misproved. */
  @Test
  void aSnapshotNeitherCommittedNorStagedIsRefused() throws Exception {
    Random r = new Random(7);
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      StoredMap map = StoredMap.open(store);
      StoredMap.Update u = map.update(List.of(leaf(randomIndex(r), r)));
      store.append(batchOf(store, u));
      assertThatThrownBy(() -> map.prove(randomIndex(r)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "the store's map state (root " + u.root() + ") is neither committed nor staged");
    }
  }

  @Test
  void aBatchPuttingOneSubjectTwiceIsRefused() throws Exception {
    Random r = new Random(5);
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      StoredMap map = StoredMap.open(store);
      Hash x = randomIndex(r);
      assertThatThrownBy(() -> map.update(List.of(leaf(x, r), leaf(x, r))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("subject " + x + " is put twice");
    }
  }

  /**
   * Readers proving while the writer commits: every proof verifies against the map root in its own
   * snapshot, whether the snapshot came before a batch's write, between its write and its commit,
   * or after.
   */
  @Test
  void proofsMatchTheirSnapshotWhileBatchesCommit() throws Exception {
    Random r = new Random(9);
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      StoredMap map = StoredMap.open(store);
      List<Hash> known = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService readers = Executors.newFixedThreadPool(2);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        long seed = 100 + t;
        results.add(
            readers.submit(
                () -> {
                  Random rr = new Random(seed);
                  int proofs = 0;
                  while (!done.get() || proofs == 0) {
                    Hash x =
                        known.isEmpty() || rr.nextBoolean()
                            ? randomIndex(rr)
                            : known.get(rr.nextInt(known.size()));
                    try (StoredMap.Proved p = map.prove(x)) {
                      byte[] s = p.snapshot().mapState();
                      Hash root = s == null ? MapHashes.EMPTY : Hash.of(s, 0);
                      // Throws if the proof is not the snapshot's (a mixed-up version).
                      Optional<SubjectLeaf> got = p.proof().verify(root, x);
                      if (got.isPresent()) {
                        assertThat(got.get().index()).isEqualTo(x);
                      }
                    }
                    proofs++;
                  }
                  return proofs;
                }));
      }
      for (int batch = 0; batch < 60; batch++) {
        List<SubjectLeaf> puts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          puts.add(leaf(randomIndex(r), r));
        }
        write(store, map, map.update(puts));
        puts.forEach(l -> known.add(l.index()));
      }
      done.set(true);
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get();
      }
      readers.shutdown();
      assertThat(total).isPositive();
    }
  }
}
