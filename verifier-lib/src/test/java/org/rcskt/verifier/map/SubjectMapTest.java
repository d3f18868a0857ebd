package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

/**
 * {@link SubjectMap} against {@link NaiveMap}: roots, records and proofs for random sets, random
 * batch splits, updates, and crafted indexes with long shared prefixes. The store's invariants are
 * checked after every batch.
 */
class SubjectMapTest {
  private static final long[] SEEDS = {1, 2, 3, 0x6d6170L};

  static Hash randomHash(Random rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return Hash.of(b);
  }

  static SubjectLeaf randomLeaf(Random rnd, Hash index) {
    return new SubjectLeaf(index, 1 + rnd.nextInt(1000), randomHash(rnd));
  }

  /** Applies {@code leaves} in random batches to both maps, checking after each batch. */
  static SubjectMap applyInBatches(
      SubjectMap map, NaiveMap naive, List<SubjectLeaf> leaves, Random rnd, int maxBatch) {
    int i = 0;
    while (i < leaves.size()) {
      int n = 1 + rnd.nextInt(maxBatch);
      SubjectMap.Batch batch = map.batch();
      for (int j = 0; j < n && i < leaves.size(); j++, i++) {
        batch.put(leaves.get(i));
        naive.put(leaves.get(i));
      }
      SubjectMap.Update u = batch.finish();
      Set<NodeKey> keys = new HashSet<>();
      for (NodeChange c : u.changes()) {
        assertThat(keys.add(c.key())).as("%s written once", c.key()).isTrue();
      }
      map = map.apply(u);
      assertThat(map.subjectCount()).isEqualTo(naive.entries.size());
      if (naive.entries.size() <= 2000 || i == leaves.size()) {
        assertThat(map.root()).isEqualTo(naive.root());
        MapInvariants.check((MemoryMapNodeStore) map.store(), map.root(), map.subjectCount());
      }
    }
    return map;
  }

  /** Proofs for every (or many) present and absent indexes equal the reference's and verify. */
  static int[] checkProofs(SubjectMap map, NaiveMap naive, Random rnd, int samples)
      throws MapProofException {
    int[] kinds = new int[3]; // present, absent at EMPTY, absent at another leaf
    List<Hash> present = new ArrayList<>(naive.entries.keySet());
    for (int s = 0; s < samples; s++) {
      Hash x =
          s % 2 == 0 && !present.isEmpty()
              ? present.get(rnd.nextInt(present.size()))
              : randomHash(rnd);
      MapProof p = map.prove(x);
      assertThat(p.encoded()).isEqualTo(naive.proof(x));
      assertThat(MapProof.decode(p.encoded())).isEqualTo(p);
      Optional<SubjectLeaf> got = MapProof.verify(p.encoded(), map.root(), x);
      assertThat(got).isEqualTo(Optional.ofNullable(naive.entries.get(x)));
      assertThat(map.get(x)).isEqualTo(got);
      kinds[got.isPresent() ? 0 : p.terminal().isEmpty() ? 1 : 2]++;
    }
    return kinds;
  }

  @Test
  void emptyMap() throws Exception {
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    assertThat(map.root()).isEqualTo(MapHashes.EMPTY);
    Hash x = Hash.sha256(new byte[] {1});
    MapProof p = map.prove(x);
    assertThat(p.encoded()).containsExactly(0, 0, 0);
    assertThat(p.verify(MapHashes.EMPTY, x)).isEmpty();
    SubjectMap.Update u = map.batch().finish();
    assertThat(u.root()).isEqualTo(MapHashes.EMPTY);
    assertThat(u.changes()).isEmpty();
  }

  @Test
  void oneSubjectIsTheRootLeaf() throws Exception {
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectLeaf leaf = randomLeaf(new Random(5), Hash.sha256(new byte[] {5}));
    SubjectMap.Update u = map.batch().put(leaf).finish();
    assertThat(u.root()).isEqualTo(MapHashes.leafHash(leaf));
    assertThat(u.changes()).hasSize(1);
    assertThat(u.changes().get(0).key()).isEqualTo(NodeKey.of(0, new byte[32]));
    map = map.apply(u);
    assertThat(map.prove(leaf.index()).depth()).isZero();
    assertThat(map.prove(leaf.index()).verify(map.root(), leaf.index())).contains(leaf);
  }

  @Test
  void randomSetsMatchTheReference() throws Exception {
    int[] totals = new int[3];
    for (long seed : SEEDS) {
      for (int size : new int[] {0, 1, 2, 3, 5, 17, 100, 1000}) {
        Random rnd = new Random(seed * 1000 + size);
        List<SubjectLeaf> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          leaves.add(randomLeaf(rnd, randomHash(rnd)));
        }
        NaiveMap naive = new NaiveMap();
        SubjectMap map =
            applyInBatches(
                SubjectMap.empty(new MemoryMapNodeStore()), naive, leaves, rnd, 1 + size / 3);
        int[] kinds = checkProofs(map, naive, rnd, Math.min(200, 2 * size + 4));
        for (int k = 0; k < 3; k++) {
          totals[k] += kinds[k];
        }
      }
    }
    assertThat(totals).doesNotContain(0);
  }

  @Test
  void tenThousandSubjectsInRandomBatches() throws Exception {
    Random rnd = new Random(10_000);
    List<SubjectLeaf> leaves = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      leaves.add(randomLeaf(rnd, randomHash(rnd)));
    }
    NaiveMap naive = new NaiveMap();
    SubjectMap map =
        applyInBatches(SubjectMap.empty(new MemoryMapNodeStore()), naive, leaves, rnd, 700);
    int[] kinds = checkProofs(map, naive, rnd, 60);
    assertThat(kinds).doesNotContain(0);
  }

  @Test
  void batchSplitsDoNotChangeTheRoot() {
    Random rnd = new Random(77);
    List<SubjectLeaf> leaves = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      leaves.add(randomLeaf(rnd, randomHash(rnd)));
    }
    Hash expected = null;
    for (int maxBatch : new int[] {1, 2, 7, 50, 300}) {
      SubjectMap map =
          applyInBatches(
              SubjectMap.empty(new MemoryMapNodeStore()), new NaiveMap(), leaves, rnd, maxBatch);
      if (expected == null) {
        expected = map.root();
      }
      assertThat(map.root()).isEqualTo(expected);
    }
  }

  @Test
  void updatesOfExistingSubjects() throws Exception {
    for (long seed : SEEDS) {
      Random rnd = new Random(seed);
      List<Hash> indexes = new ArrayList<>();
      List<SubjectLeaf> leaves = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        indexes.add(randomHash(rnd));
        leaves.add(randomLeaf(rnd, indexes.get(i)));
      }
      // New subjects mixed with new values for existing ones, repeats within one batch too.
      for (int i = 0; i < 600; i++) {
        leaves.add(randomLeaf(rnd, indexes.get(rnd.nextInt(indexes.size()))));
      }
      NaiveMap naive = new NaiveMap();
      SubjectMap map =
          applyInBatches(SubjectMap.empty(new MemoryMapNodeStore()), naive, leaves, rnd, 40);
      assertThat(map.subjectCount()).isEqualTo(200);
      checkProofs(map, naive, rnd, 100);
    }
  }

  @Test
  void puttingTheSameValueChangesNothing() {
    Random rnd = new Random(3);
    List<SubjectLeaf> leaves = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      leaves.add(randomLeaf(rnd, randomHash(rnd)));
    }
    SubjectMap map =
        applyInBatches(SubjectMap.empty(new MemoryMapNodeStore()), new NaiveMap(), leaves, rnd, 50);
    SubjectMap.Update u = map.batch().put(leaves.get(7)).put(leaves.get(8)).finish();
    assertThat(u.root()).isEqualTo(map.root());
    assertThat(u.subjectCount()).isEqualTo(50);
    assertThat(u.changes()).isEmpty();
  }

  /** Indexes that share {@code shared} leading bits with {@code base} and differ at that bit. */
  static Hash divergeAt(Hash base, int shared, Random rnd) {
    byte[] b = base.toByteArray();
    byte[] r = new byte[32];
    rnd.nextBytes(r);
    for (int i = shared + 1; i < 256; i++) {
      int mask = 0x80 >>> (i % 8);
      b[i / 8] = (byte) ((b[i / 8] & ~mask) | (r[i / 8] & mask));
    }
    b[shared / 8] ^= (byte) (0x80 >>> (shared % 8));
    return Hash.of(b);
  }

  @Test
  void longSharedPrefixes() throws Exception {
    Random rnd = new Random(256);
    Hash base = randomHash(rnd);
    List<SubjectLeaf> leaves = new ArrayList<>();
    leaves.add(randomLeaf(rnd, base));
    // Around the in-memory store's packing boundary (56) and the byte boundaries, and 255: the
    // deepest possible pair, two leaves at depth 256.
    for (int shared : new int[] {255, 254, 200, 129, 128, 64, 57, 56, 55, 8, 7, 1, 0}) {
      leaves.add(randomLeaf(rnd, divergeAt(base, shared, rnd)));
    }
    Hash other = divergeAt(base, 100, rnd);
    leaves.add(randomLeaf(rnd, other));
    leaves.add(randomLeaf(rnd, divergeAt(other, 180, rnd)));
    for (int order = 0; order < 5; order++) {
      List<SubjectLeaf> shuffled = new ArrayList<>(leaves);
      java.util.Collections.shuffle(shuffled, rnd);
      NaiveMap naive = new NaiveMap();
      SubjectMap map =
          applyInBatches(SubjectMap.empty(new MemoryMapNodeStore()), naive, shuffled, rnd, 4);
      assertThat(map.prove(base).depth()).isEqualTo(256);
      assertThat(map.prove(base).verify(map.root(), base)).contains(leaves.get(0));
      for (SubjectLeaf l : leaves) {
        assertThat(map.prove(l.index()).encoded()).isEqualTo(naive.proof(l.index()));
        assertThat(map.prove(l.index()).verify(map.root(), l.index()))
            .contains(naive.entries.get(l.index()));
      }
      // Absent indexes on the long shared paths.
      for (int shared : new int[] {253, 130, 60}) {
        Hash x = divergeAt(base, shared, rnd);
        assertThat(map.prove(x).encoded()).isEqualTo(naive.proof(x));
        assertThat(map.prove(x).verify(map.root(), x)).isEmpty();
      }
    }
  }

  @Test
  void theMapAtARootChecksItsStore() {
    Random rnd = new Random(4);
    MemoryMapNodeStore store = new MemoryMapNodeStore();
    SubjectMap empty = SubjectMap.empty(store);
    SubjectMap map =
        empty.apply(
            empty
                .batch()
                .put(randomLeaf(rnd, randomHash(rnd)))
                .put(randomLeaf(rnd, randomHash(rnd)))
                .finish());
    assertThat(SubjectMap.of(store, map.root(), 2).root()).isEqualTo(map.root());
    Hash wrong = randomHash(rnd);
    assertThatThrownBy(() -> SubjectMap.of(store, wrong, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(map.root().toHex())
        .hasMessageContaining(wrong.toHex());
    assertThatThrownBy(() -> SubjectMap.empty(store)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectMap.of(store, map.root(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBatchIsUsedOnce() {
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectMap.Batch b = map.batch();
    b.finish();
    Hash h = Hash.sha256(new byte[0]);
    assertThatThrownBy(() -> b.put(h, 1, h)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(b::finish).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> map.batch().put(h, 0, h))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nextSequence");
    assertThatThrownBy(() -> map.batch().put(h, Long.MIN_VALUE, h))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9223372036854775808");
  }

  @Test
  void aBatchLeavesTheOldMapUntouchedUntilApplied() {
    Random rnd = new Random(6);
    MemoryMapNodeStore store = new MemoryMapNodeStore();
    SubjectMap map = SubjectMap.empty(store);
    map = map.apply(map.batch().put(randomLeaf(rnd, randomHash(rnd))).finish());
    Hash before = map.root();
    long records = store.size();
    SubjectMap.Update u = map.batch().put(randomLeaf(rnd, randomHash(rnd))).finish();
    assertThat(store.size()).isEqualTo(records);
    MapInvariants.check(store, before, 1);
    assertThat(u.root()).isNotEqualTo(before);
  }
}
