package org.rcskt.monitor.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;

/**
 * The inclusion proof of a tree's last leaf that the missing-map-root evidence carries, built from
 * the step's start range and leaf hashes, is the RFC 9162 one, for every size and step start.
 */
class LastLeafPathTest {
  @Test
  void itIsTheReferenceProofForEverySizeAndStart() {
    MemoryNodeStore t = new MemoryNodeStore();
    List<Hash> leaves = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Hash h = Merkle.leafHash(("leaf" + i).getBytes(StandardCharsets.UTF_8));
      leaves.add(h);
      t.append(h);
    }
    for (int size = 1; size <= 300; size += size < 40 ? 1 : 7) {
      for (int s = 0; s < size; s += 1 + s / 3) {
        CompactRange start = CompactRange.empty();
        for (int i = 0; i < s; i++) {
          start.append(leaves.get(i));
        }
        assertThat(LogFollower.lastLeafPath(start, leaves.subList(s, size), s, size))
            .as("size %d, step from %d", size, s)
            .isEqualTo(Proofs.inclusion(size - 1, size, t));
      }
    }
  }
}
