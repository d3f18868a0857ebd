package org.rcskt.verifier.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;

/** Decoding and verification of map proofs, and every way of tampering with one. */
class MapProofTest {
  private static SubjectMap map;
  private static NaiveMap naive;
  private static Hash present;
  private static Hash absentAtEmpty;
  private static Hash absentAtLeaf;

  @BeforeAll
  static void build() {
    Random rnd = new Random(162);
    naive = new NaiveMap();
    SubjectMap.Batch b = SubjectMap.empty(new MemoryMapNodeStore()).batch();
    for (int i = 0; i < 300; i++) {
      SubjectLeaf l = SubjectMapTest.randomLeaf(rnd, SubjectMapTest.randomHash(rnd));
      b.put(l);
      naive.put(l);
    }
    map = SubjectMap.empty(new MemoryMapNodeStore());
    map = map.apply(b.finish());
    present = naive.entries.keySet().stream().skip(123).findFirst().orElseThrow();
    while (absentAtEmpty == null || absentAtLeaf == null) {
      Hash x = SubjectMapTest.randomHash(rnd);
      if (map.prove(x).terminal().isEmpty()) {
        absentAtEmpty = absentAtEmpty == null ? x : absentAtEmpty;
      } else {
        absentAtLeaf = absentAtLeaf == null ? x : absentAtLeaf;
      }
    }
  }

  static MapProofException.Reason reasonOf(ThrowingCallable call) {
    Throwable[] t = new Throwable[1];
    assertThatThrownBy(
            () -> {
              try {
                call.call();
              } catch (Throwable e) {
                t[0] = e;
                throw e;
              }
            })
        .isInstanceOf(MapProofException.class)
        .isInstanceOf(VerificationException.class);
    return ((MapProofException) t[0]).reason();
  }

  static MapProofException.Reason verifyReason(byte[] proof, Hash root, Hash x) {
    return reasonOf(() -> MapProof.verify(proof, root, x));
  }

  @Test
  void theThreeKindsVerify() throws Exception {
    assertThat(MapProof.verify(map.prove(present).encoded(), map.root(), present))
        .contains(naive.entries.get(present));
    MapProof empty = map.prove(absentAtEmpty);
    assertThat(empty.terminal()).isEmpty();
    assertThat(empty.verify(map.root(), absentAtEmpty)).isEmpty();
    MapProof leaf = map.prove(absentAtLeaf);
    assertThat(leaf.terminal()).isPresent();
    assertThat(leaf.terminal().get().index()).isNotEqualTo(absentAtLeaf);
    assertThat(leaf.verify(map.root(), absentAtLeaf)).isEmpty();
  }

  @Test
  void anyFlippedSiblingBitIsRefused() {
    for (Hash x : List.of(present, absentAtEmpty, absentAtLeaf)) {
      byte[] good = map.prove(x).encoded();
      int start = good.length - 32 * map.prove(x).depth();
      for (int i = start; i < good.length; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
          byte[] bad = good.clone();
          bad[i] ^= (byte) (1 << bit);
          assertThat(verifyReason(bad, map.root(), x))
              .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
        }
      }
    }
  }

  @Test
  void aChangedValueIsRefused() {
    byte[] good = map.prove(present).encoded();
    for (int i = 1; i < 73; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      MapProofException.Reason r = verifyReason(bad, map.root(), present);
      // The index bytes: the leaf may leave the path (above its depth) or change the hash.
      assertThat(r)
          .isIn(MapProofException.Reason.ROOT_MISMATCH, MapProofException.Reason.LEAF_OFF_PATH);
      if (i >= 33) {
        assertThat(r).isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
      }
    }
    // next_sequence 0 and 2^63 are not values at all.
    byte[] zero = good.clone();
    Arrays.fill(zero, 33, 41, (byte) 0);
    assertThat(verifyReason(zero, map.root(), present))
        .isEqualTo(MapProofException.Reason.MALFORMED);
    byte[] high = good.clone();
    high[33] = (byte) 0x80;
    assertThat(verifyReason(high, map.root(), present))
        .isEqualTo(MapProofException.Reason.MALFORMED);
  }

  @Test
  void aWrongRootIsRefusedWithBothRoots() {
    Hash wrong = Hash.sha256(new byte[] {9});
    byte[] good = map.prove(present).encoded();
    assertThatThrownBy(() -> MapProof.verify(good, wrong, present))
        .isInstanceOf(MapProofException.class)
        .hasMessageContaining(wrong.toHex())
        .hasMessageContaining(map.root().toHex())
        .satisfies(
            e -> {
              MapProofException m = (MapProofException) e;
              assertThat(m.reason()).isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
              assertThat(m.computedRoot()).contains(map.root());
            });
    assertThat(verifyReason(good, MapHashes.EMPTY, present))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
  }

  @Test
  void truncatedOrExtendedBytesAreMalformed() {
    for (Hash x : List.of(present, absentAtEmpty, absentAtLeaf)) {
      byte[] good = map.prove(x).encoded();
      for (int len = 0; len < good.length; len++) {
        assertThat(verifyReason(Arrays.copyOf(good, len), map.root(), x))
            .as("truncated to %d", len)
            .isEqualTo(MapProofException.Reason.MALFORMED);
      }
      for (int extra : new int[] {1, 31, 32, 33}) {
        assertThat(verifyReason(Arrays.copyOf(good, good.length + extra), map.root(), x))
            .isEqualTo(MapProofException.Reason.MALFORMED);
      }
    }
    assertThat(reasonOf(() -> MapProof.decode(null))).isEqualTo(MapProofException.Reason.MALFORMED);
  }

  @Test
  void aWrongDepthIsRefused() {
    byte[] good = map.prove(absentAtEmpty).encoded();
    int depth = map.prove(absentAtEmpty).depth();
    for (int d : new int[] {depth - 1, depth + 1, 0, 256, 257, 0xffff}) {
      byte[] bad = good.clone();
      bad[1] = (byte) (d >>> 8);
      bad[2] = (byte) d;
      assertThat(verifyReason(bad, map.root(), absentAtEmpty))
          .isEqualTo(MapProofException.Reason.MALFORMED);
    }
    assertThatThrownBy(() -> MapProof.decode(header(0, 257)))
        .isInstanceOf(MapProofException.class)
        .hasMessageContaining("at most 256, got 257");
    // Consistent encodings with a sibling more or fewer prove nothing either.
    List<Hash> s = map.prove(absentAtEmpty).siblings();
    List<Hash> fewer = s.subList(0, s.size() - 1);
    // (Dropping the deepest may leave an EMPTY one from a chain deepest: refused before hashing.)
    assertThat(reasonOf(() -> MapProof.empty(fewer).verify(map.root(), absentAtEmpty)))
        .isIn(MapProofException.Reason.ROOT_MISMATCH, MapProofException.Reason.NON_CANONICAL);
    List<Hash> fewerTop = s.subList(1, s.size());
    assertThat(reasonOf(() -> MapProof.empty(fewerTop).verify(map.root(), absentAtEmpty)))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
    List<Hash> more = new ArrayList<>(s);
    more.add(Hash.sha256(new byte[] {1}));
    assertThat(reasonOf(() -> MapProof.empty(more).verify(map.root(), absentAtEmpty)))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
  }

  private static byte[] header(int terminal, int depth) {
    byte[] b = new byte[3 + 32 * Math.min(depth, 300)];
    b[0] = (byte) terminal;
    b[1] = (byte) (depth >>> 8);
    b[2] = (byte) depth;
    return b;
  }

  @Test
  void anUnknownTerminalIsMalformed() {
    byte[] good = map.prove(absentAtEmpty).encoded();
    for (int t : new int[] {2, 3, 0x80, 0xff}) {
      byte[] bad = good.clone();
      bad[0] = (byte) t;
      assertThatThrownBy(() -> MapProof.verify(bad, map.root(), absentAtEmpty))
          .isInstanceOf(MapProofException.class)
          .hasMessageContaining("got " + t);
    }
  }

  @Test
  void swappingTheTerminalKindIsRefused() {
    MapProof member = map.prove(present);
    // A leaf taken out: "absent at EMPTY" with the member's siblings.
    assertThat(reasonOf(() -> MapProof.empty(member.siblings()).verify(map.root(), present)))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
    // A leaf put in where the path ends at EMPTY: the absent index's own leaf, or the member's.
    MapProof absent = map.prove(absentAtEmpty);
    SubjectLeaf own = new SubjectLeaf(absentAtEmpty, 1, Hash.sha256(new byte[] {2}));
    assertThat(
            reasonOf(() -> MapProof.leaf(own, absent.siblings()).verify(map.root(), absentAtEmpty)))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
    assertThat(
            reasonOf(
                () ->
                    MapProof.leaf(member.terminal().orElseThrow(), absent.siblings())
                        .verify(map.root(), absentAtEmpty)))
        .isIn(MapProofException.Reason.LEAF_OFF_PATH, MapProofException.Reason.ROOT_MISMATCH);
    // Byte-level: terminal 1 -> 0 leaves 72 stray bytes, 0 -> 1 is too short.
    byte[] m = member.encoded();
    m[0] = 0;
    assertThat(verifyReason(m, map.root(), present)).isEqualTo(MapProofException.Reason.MALFORMED);
    byte[] a = absent.encoded();
    a[0] = 1;
    assertThat(verifyReason(a, map.root(), absentAtEmpty))
        .isEqualTo(MapProofException.Reason.MALFORMED);
  }

  @Test
  void aLeafOffThePathIsRefused() {
    MapProof member = map.prove(present);
    int depth = member.depth();
    // An index that leaves the member's path at bit 0 .. depth-1.
    for (int i = 0; i < depth; i++) {
      Hash x = SubjectMapTest.divergeAt(present, i, new Random(i));
      assertThatThrownBy(() -> member.verify(map.root(), x))
          .isInstanceOf(MapProofException.class)
          .hasMessageContaining("at bit " + i)
          .satisfies(
              e ->
                  assertThat(((MapProofException) e).reason())
                      .isEqualTo(MapProofException.Reason.LEAF_OFF_PATH));
    }
    // One that agrees on the path but is another index: the proof shows it absent.
    Hash sharing = SubjectMapTest.divergeAt(present, depth + 3, new Random(1));
    try {
      assertThat(member.verify(map.root(), sharing)).isEmpty();
    } catch (MapProofException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anEmptyDeepestSiblingIsNonCanonical() {
    // A leaf pushed one level down beside EMPTY, hashed honestly: a different tree, but refused
    // before hashing as one no canonical map has.
    MapProof member = map.prove(present);
    List<Hash> s = new ArrayList<>(member.siblings());
    s.add(MapHashes.EMPTY);
    assertThat(
            reasonOf(
                () ->
                    MapProof.leaf(member.terminal().orElseThrow(), s).verify(map.root(), present)))
        .isEqualTo(MapProofException.Reason.NON_CANONICAL);
    // A single leaf beside EMPTY, against the root that tree really has.
    SubjectLeaf l = naive.entries.get(present);
    Hash lh = MapHashes.leafHash(l);
    Hash root =
        MapHashes.bit(present, 0) == 0
            ? MapHashes.nodeHash(lh, MapHashes.EMPTY)
            : MapHashes.nodeHash(MapHashes.EMPTY, lh);
    assertThat(reasonOf(() -> MapProof.leaf(l, List.of(MapHashes.EMPTY)).verify(root, present)))
        .isEqualTo(MapProofException.Reason.NON_CANONICAL);
    // EMPTY beside EMPTY.
    assertThat(
            reasonOf(
                () ->
                    MapProof.empty(List.of(MapHashes.EMPTY))
                        .verify(MapHashes.nodeHash(MapHashes.EMPTY, MapHashes.EMPTY), present)))
        .isEqualTo(MapProofException.Reason.NON_CANONICAL);
    // An EMPTY sibling higher up is fine (a chain of internal nodes); only the deepest is checked.
    List<Hash> deeper = new ArrayList<>(List.of(MapHashes.EMPTY));
    deeper.add(Hash.sha256(new byte[] {3}));
    MapProof chain = MapProof.empty(deeper);
    assertThat(reasonOf(() -> chain.verify(map.root(), present)))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
  }

  @Test
  void theEmptyMapProvesAbsenceWithNothing() throws Exception {
    Hash x = Hash.sha256(new byte[] {4});
    assertThat(MapProof.verify(new byte[] {0, 0, 0}, MapHashes.EMPTY, x)).isEmpty();
    assertThat(verifyReason(new byte[] {0, 0, 0}, map.root(), x))
        .isEqualTo(MapProofException.Reason.ROOT_MISMATCH);
  }

  @Test
  void encodingRoundTripsAndFactoriesCheck() throws Exception {
    for (Hash x : List.of(present, absentAtEmpty, absentAtLeaf)) {
      MapProof p = map.prove(x);
      MapProof copy =
          p.terminal().isPresent()
              ? MapProof.leaf(p.terminal().get(), p.siblings())
              : MapProof.empty(p.siblings());
      assertThat(copy).isEqualTo(p).hasSameHashCodeAs(p);
      assertThat(MapProof.decode(p.encoded()).encoded()).isEqualTo(p.encoded());
      assertThat(p.encoded()).hasSize((p.terminal().isPresent() ? 75 : 3) + 32 * p.depth());
    }
    List<Hash> tooMany = new ArrayList<>();
    for (int i = 0; i < 257; i++) {
      tooMany.add(MapHashes.EMPTY);
    }
    assertThatThrownBy(() -> MapProof.empty(tooMany)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MapProof.leaf(null, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Optional.of(MapProof.MAX_ENCODED_SIZE)).contains(75 + 256 * 32);
  }
}
