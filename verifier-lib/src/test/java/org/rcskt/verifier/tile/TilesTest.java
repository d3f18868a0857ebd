package org.rcskt.verifier.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;

class TilesTest {
  private static final int N = 70_000;
  private static MemoryNodeStore store;

  @BeforeAll
  static void build() {
    store = new MemoryNodeStore();
    for (int i = 0; i < N; i++) {
      store.append(Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void specExampleSizes() {
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    // tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    // partial level 2 tile of width 1."
    assertThat(Tiles.fullTileCount(0, 70_000)).isEqualTo(273);
    assertThat(Tiles.partialWidth(0, 70_000)).isEqualTo(112);
    assertThat(Tiles.fullTileCount(1, 70_000)).isEqualTo(1);
    assertThat(Tiles.partialWidth(1, 70_000)).isEqualTo(17);
    assertThat(Tiles.fullTileCount(2, 70_000)).isZero();
    assertThat(Tiles.partialWidth(2, 70_000)).isEqualTo(1);
    assertThat(Tiles.levelCount(70_000)).isEqualTo(3);
    assertThat(Tiles.partialTiles(70_000))
        .containsExactly(
            TilePath.hashTile(0, 273, 112),
            TilePath.hashTile(1, 1, 17),
            TilePath.hashTile(2, 0, 1));
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of
    // width 1."
    assertThat(Tiles.fullTileCount(0, 256)).isEqualTo(1);
    assertThat(Tiles.partialWidth(0, 256)).isZero();
    assertThat(Tiles.partialTiles(256)).containsExactly(TilePath.hashTile(1, 0, 1));
    assertThat(Tiles.levelCount(0)).isZero();
    assertThat(Tiles.partialTiles(0)).isEmpty();
    assertThat(Tiles.levelCount(255)).isEqualTo(1);
    assertThat(Tiles.levelCount(65_535)).isEqualTo(2);
    assertThat(Tiles.levelCount(Long.MAX_VALUE)).isEqualTo(8);
    assertThat(Tiles.fullTileCount(7, Long.MAX_VALUE)).isZero();
    assertThat(Tiles.partialWidth(7, Long.MAX_VALUE)).isEqualTo(127);
    assertThat(Tiles.partialWidth(63, Long.MAX_VALUE)).isZero();
    assertThat(Tiles.widthIn(0, 273, 70_000)).isEqualTo(112);
    assertThat(Tiles.widthIn(0, 272, 70_000)).isEqualTo(256);
    assertThat(Tiles.widthIn(0, 274, 70_000)).isZero();
    assertThatThrownBy(() -> Tiles.fullTileCount(64, 1))
        .hasMessage("tile level 64 is not in 0..63");
    assertThatThrownBy(() -> Tiles.partialWidth(0, -1)).hasMessage("tree size -1 is negative");
  }

  @Test
  void tileOfMapsNodesToTheirTiles() {
    assertThat(Tiles.tileOf(0, 69_999, N)).isEqualTo(TilePath.hashTile(0, 273, 112));
    assertThat(Tiles.tileOf(3, 8, N)).isEqualTo(TilePath.hashTile(0, 0, 256));
    assertThat(Tiles.tileOf(8, 256, N)).isEqualTo(TilePath.hashTile(1, 1, 17));
    assertThat(Tiles.tileOf(15, 1, N)).isEqualTo(TilePath.hashTile(1, 0, 256));
    assertThatThrownBy(() -> Tiles.tileOf(4, 4375, N))
        .hasMessage("node at level 4 index 4375 is not a complete subtree of tree size 70000");
  }

  @Test
  void hashTileBytesAreTheStoredNodes() throws Exception {
    for (long size : new long[] {1, 255, 256, 257, 65_536, 69_999, N}) {
      for (int level = 0; level < Tiles.levelCount(size); level++) {
        long full = Tiles.fullTileCount(level, size);
        List<TilePath> tiles = new ArrayList<>();
        if (full > 0) {
          tiles.add(TilePath.hashTile(level, 0, 256));
          tiles.add(TilePath.hashTile(level, full - 1, 256));
        }
        if (Tiles.partialWidth(level, size) > 0) {
          tiles.add(TilePath.hashTile(level, full, Tiles.partialWidth(level, size)));
        }
        for (TilePath t : tiles) {
          byte[] bytes = Tiles.hashTile(t, size, store);
          List<Hash> hashes = Tiles.parseHashTile(t, bytes);
          assertThat(hashes).hasSize(t.width());
          for (int i = 0; i < t.width(); i++) {
            assertThat(hashes.get(i)).isEqualTo(store.node(8 * level, t.index() * 256 + i));
          }
        }
      }
    }
    assertThatThrownBy(() -> Tiles.hashTile(TilePath.hashTile(0, 273, 100), N, store))
        .hasMessage(
            "tile/0/273.p/100 does not exist in tree size 70000: the tile there has width 112");
    assertThatThrownBy(() -> Tiles.hashTile(TilePath.hashTile(0, 274, 256), N, store))
        .hasMessage("tile/0/274 does not exist in tree size 70000");
    assertThatThrownBy(() -> Tiles.hashTile(TilePath.entryBundle(0, 256), N, store))
        .hasMessage("tile/entries/000 is an entry bundle, not a hash tile");
    assertThatThrownBy(() -> Tiles.parseHashTile(TilePath.hashTile(0, 3, 2), new byte[65]))
        .isInstanceOf(MalformedTileException.class)
        .hasMessage("tile/0/003.p/2 must be 64 bytes (2 hashes), got 65");
  }

  @Test
  void tileSourceProofsEqualStoreProofs() throws Exception {
    Random rnd = new Random(7);
    long[] sizes = {1, 2, 255, 256, 257, 511, 4096, 65_535, 65_536, 65_537, 69_999, N};
    for (int round = 0; round < 40; round++) {
      long size = round < sizes.length ? sizes[round] : 1 + rnd.nextInt(N);
      TileNodeSource tiles = fetchAll(size);
      assertThat(Proofs.rootHash(size, tiles)).isEqualTo(Proofs.rootHash(size, store));
      for (int k = 0; k < 5; k++) {
        long leaf = k == 0 ? size - 1 : rnd.nextLong(size);
        assertThat(Proofs.inclusion(leaf, size, tiles))
            .isEqualTo(Proofs.inclusion(leaf, size, store));
        long size1 = k == 0 ? size : 1 + rnd.nextLong(size);
        assertThat(Proofs.consistency(size1, size, tiles))
            .isEqualTo(Proofs.consistency(size1, size, store));
      }
    }
  }

  @Test
  void aClientFetchesOnlyTheTilesAProofNeeds() throws Exception {
    long size = 69_999;
    long leaf = 12_345;
    long size1 = 40_000;
    Set<TilePath> needed =
        TileNodeSource.tilesNeeded(
            size,
            src -> {
              Proofs.inclusion(leaf, size, src);
              Proofs.consistency(size1, size, src);
              Proofs.rootHash(size, src);
            });
    assertThat(needed.size()).isLessThanOrEqualTo(8);
    TileNodeSource tiles = new TileNodeSource(size);
    for (TilePath t : needed) {
      tiles.add(t, Tiles.hashTile(t, size, store));
    }
    Hash root = Proofs.rootHash(size, tiles);
    assertThat(root).isEqualTo(Proofs.rootHash(size, store));
    InclusionProof.verify(
        leaf, size, store.node(0, leaf), Proofs.inclusion(leaf, size, tiles), root);
    ConsistencyProof.verify(
        size1, size, Proofs.rootHash(size1, store), root, Proofs.consistency(size1, size, tiles));
  }

  @Test
  void tileSourceAcceptsWiderTilesAndRejectsOthers() throws Exception {
    long size = 600;
    TileNodeSource tiles = new TileNodeSource(size);
    // A full tile of a larger tree stands in for the partial one.
    tiles.add(TilePath.hashTile(0, 2, 256), Tiles.hashTile(TilePath.hashTile(0, 2, 256), N, store));
    assertThat(tiles.has(TilePath.hashTile(0, 2, 88))).isTrue();
    assertThat(tiles.node(3, 74)).isEqualTo(store.node(3, 74));
    assertThatThrownBy(() -> tiles.add(TilePath.hashTile(0, 2, 87), new byte[87 * 32]))
        .hasMessage("tile/0/002.p/87 is narrower than the width 88 it has in tree size 600");
    assertThatThrownBy(() -> tiles.add(TilePath.hashTile(0, 3, 256), new byte[8192]))
        .hasMessage("tile/0/003 is not part of tree size 600");
    assertThatThrownBy(() -> tiles.add(TilePath.hashTile(2, 0, 1), new byte[32]))
        .hasMessage("tile/2/000.p/1 is not part of tree size 600");
    assertThatThrownBy(() -> tiles.add(TilePath.hashTile(0, 0, 256), new byte[100]))
        .isInstanceOf(MalformedTileException.class)
        .hasMessage("tile/0/000 must be 8192 bytes (256 hashes), got 100");
    assertThatThrownBy(() -> tiles.node(0, 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("node at level 0 index 5 needs tile tile/0/000, which was not added");
    assertThatThrownBy(() -> tiles.node(3, 75))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node at level 3 index 75 is not a complete subtree of tree size 600");
    assertThatThrownBy(() -> new TileNodeSource(-1)).hasMessage("tree size -1 is negative");
  }

  private static TileNodeSource fetchAll(long size) throws MalformedTileException {
    TileNodeSource tiles = new TileNodeSource(size);
    for (int level = 0; level < Tiles.levelCount(size); level++) {
      long full = Tiles.fullTileCount(level, size);
      for (long n = 0; n <= full; n++) {
        int width = n < full ? 256 : Tiles.partialWidth(level, size);
        if (width > 0) {
          TilePath t = TilePath.hashTile(level, n, width);
          tiles.add(t, Tiles.hashTile(t, size, store));
        }
      }
    }
    return tiles;
  }
}
