package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-memory store against a plain {@link HashMap} of {@link NodeKey}s. */
class MemoryMapNodeStoreTest {
  private static byte[] internal(Random rnd) {
    byte[] r = new byte[65];
    rnd.nextBytes(r);
    r[0] = 1;
    return r;
  }

  @Test
  void behavesLikeAHashMapAtEveryDepth() {
    Random rnd = new Random(56);
    MemoryMapNodeStore store = new MemoryMapNodeStore();
    Map<NodeKey, byte[]> reference = new HashMap<>();
    List<byte[]> paths = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      List<NodeChange> changes = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        byte[] path = new byte[32];
        if (!paths.isEmpty() && rnd.nextInt(3) == 0) {
          path = paths.get(rnd.nextInt(paths.size())).clone(); // overwrite an existing position
        } else {
          rnd.nextBytes(path);
          paths.add(path);
        }
        int depth = rnd.nextInt(4) == 0 ? rnd.nextInt(257) : rnd.nextInt(60);
        NodeKey k = NodeKey.of(depth, path);
        byte[] rec = internal(rnd);
        changes.add(new NodeChange(k, rec));
        reference.put(k, rec);
      }
      store.apply(changes);
      assertThat(store.size()).isEqualTo(reference.size());
    }
    for (Map.Entry<NodeKey, byte[]> e : reference.entrySet()) {
      assertThat(store.get(e.getKey().depth(), e.getKey().path())).isSameAs(e.getValue());
    }
    // Positions never written, next to written ones.
    for (byte[] p : paths.subList(0, 200)) {
      for (int d : new int[] {0, 1, 55, 56, 57, 200, 256}) {
        byte[] got = store.get(d, p);
        byte[] want = reference.get(NodeKey.of(d, p));
        assertThat(got).isSameAs(want);
      }
    }
  }

  @Test
  void aBadRecordRefusesTheWholeChange() {
    MemoryMapNodeStore store = new MemoryMapNodeStore();
    byte[] path = new byte[32];
    NodeChange good = new NodeChange(NodeKey.of(0, path), internal(new Random(1)));
    NodeChange bad = new NodeChange(NodeKey.of(1, path), new byte[64]);
    assertThatThrownBy(() -> store.apply(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 bytes");
    assertThat(store.size()).isZero();
    assertThat(store.get(0, path)).isNull();
    assertThatThrownBy(() -> store.apply(List.of(new NodeChange(NodeKey.of(0, path), null))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
