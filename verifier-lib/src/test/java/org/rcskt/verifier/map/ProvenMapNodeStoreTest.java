package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class ProvenMapNodeStoreTest {
  @Test
  void updatesFromProofsGiveTheFullMapsRoot() throws Exception {
    Random rnd = new Random(16);
    for (int round = 0; round < 20; round++) {
      SubjectMap full = SubjectMap.empty(new MemoryMapNodeStore());
      List<Hash> present = new ArrayList<>();
      SubjectMap.Batch b = full.batch();
      int n = round == 0 ? 0 : rnd.nextInt(2000);
      for (int i = 0; i < n; i++) {
        Hash x = SubjectMapTest.randomHash(rnd);
        present.add(x);
        b.put(SubjectMapTest.randomLeaf(rnd, x));
      }
      full = full.apply(b.finish());
      // Touch some present subjects and some new ones, one of them twice.
      Map<Hash, MapProof> proofs = new LinkedHashMap<>();
      List<SubjectLeaf> puts = new ArrayList<>();
      for (int i = 0; i < 1 + rnd.nextInt(30); i++) {
        Hash x =
            present.isEmpty() || rnd.nextBoolean()
                ? SubjectMapTest.randomHash(rnd)
                : present.get(rnd.nextInt(present.size()));
        proofs.put(x, full.prove(x));
        puts.add(SubjectMapTest.randomLeaf(rnd, x));
        if (i == 3) {
          puts.add(SubjectMapTest.randomLeaf(rnd, x));
        }
      }
      SubjectMap proven = ProvenMapNodeStore.map(full.root(), full.subjectCount(), proofs);
      SubjectMap.Batch pb = proven.batch();
      SubjectMap.Batch fb = full.batch();
      for (SubjectLeaf l : puts) {
        pb.put(l);
        fb.put(l);
      }
      SubjectMap.Update pu = pb.finish();
      SubjectMap.Update fu = fb.finish();
      assertThat(pu.root()).isEqualTo(fu.root());
      assertThat(pu.subjectCount()).isEqualTo(fu.subjectCount());
    }
  }

  @Test
  void aSubjectWithoutAProofCannotBePut() throws Exception {
    Random rnd = new Random(17);
    SubjectMap full = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectMap.Batch b = full.batch();
    Hash first = null;
    for (int i = 0; i < 100; i++) {
      Hash x = SubjectMapTest.randomHash(rnd);
      first = first == null ? x : first;
      b.put(SubjectMapTest.randomLeaf(rnd, x));
    }
    full = full.apply(b.finish());
    SubjectMap proven =
        ProvenMapNodeStore.map(full.root(), full.subjectCount(), Map.of(first, full.prove(first)));
    Hash other = SubjectMapTest.randomHash(rnd);
    assertThatThrownBy(() -> proven.batch().put(SubjectMapTest.randomLeaf(rnd, other)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no proof covers map node ");
  }

  @Test
  void aProofAgainstAnotherRootIsRefused() throws Exception {
    Random rnd = new Random(18);
    Hash x = SubjectMapTest.randomHash(rnd);
    SubjectMap empty = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectMap one = empty.apply(empty.batch().put(SubjectMapTest.randomLeaf(rnd, x)).finish());
    MapProof p = one.prove(x);
    Hash wrong = SubjectMapTest.randomHash(rnd);
    assertThatThrownBy(() -> ProvenMapNodeStore.map(wrong, 1, Map.of(x, p)))
        .isInstanceOf(MapProofException.class)
        .hasMessageContaining("expected " + wrong);
    assertThatThrownBy(() -> ProvenMapNodeStore.map(one.root(), 1, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a non-empty map needs at least one proof, got none");
  }
}
