package org.rcskt.verifier.tile;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.NodeSource;

/**
 * A {@link NodeSource} over hash tiles fetched from a log, for one tree size. A node at a Merkle
 * level that is a multiple of 8 is read from its tile; one in between is computed by hashing the up
 * to 128 tile hashes below it.
 *
 * <p>To learn which tiles a computation needs before fetching them, run it once through {@link
 * #tilesNeeded}. Asking for a node whose tile was not added throws {@link IllegalStateException}.
 * The tiles' contents are not checked here: a proof computed from forged tiles fails verification
 * against a signed root. Not thread-safe while tiles are being added.
 */
public final class TileNodeSource implements NodeSource {
  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[(TilePath.FULL_WIDTH / 2) * Hash.SIZE]);

  private final long treeSize;
  private final Map<Long, byte[]>[] tiles;

  /**
   * An empty source for the tree of {@code treeSize} leaves.
   *
   * @throws IllegalArgumentException if {@code treeSize} is negative
   */
  @SuppressWarnings("unchecked")
  public TileNodeSource(long treeSize) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    this.treeSize = treeSize;
    this.tiles = new Map[Math.max(1, Tiles.levelCount(treeSize))];
    for (int i = 0; i < tiles.length; i++) {
      tiles[i] = new HashMap<>();
    }
  }

  /** The tree size this source answers for. */
  public long treeSize() {
    return treeSize;
  }

  /**
   * Adds a fetched hash tile. A tile wider than the one the tree size calls for (the full tile
   * fetched in place of a partial one, or a tile of a larger tree) is accepted.
   *
   * @throws IllegalArgumentException if {@code tile} is an entry bundle, does not exist in this
   *     tree, or is narrower than this tree's tile at that position
   * @throws MalformedTileException if {@code data} is not {@code tile.width()} hashes long
   */
  public void add(TilePath tile, byte[] data) throws MalformedTileException {
    if (tile.entryBundle()) {
      throw new IllegalArgumentException(tile + " is an entry bundle, not a hash tile");
    }
    int need =
        tile.level() < tiles.length ? Tiles.widthIn(tile.level(), tile.index(), treeSize) : 0;
    if (need == 0) {
      throw new IllegalArgumentException(tile + " is not part of tree size " + treeSize);
    }
    if (tile.width() < need) {
      throw new IllegalArgumentException(
          tile + " is narrower than the width " + need + " it has in tree size " + treeSize);
    }
    Tiles.checkHashTileLength(tile, data);
    tiles[tile.level()].put(tile.index(), data.clone());
  }

  /** Whether the tile that {@code tile} names (at any width) has been added. */
  public boolean has(TilePath tile) {
    return tile.level() < tiles.length && tiles[tile.level()].containsKey(tile.index());
  }

  /**
   * @throws IllegalArgumentException if the node is not a complete subtree of this tree
   * @throws IllegalStateException if the tile the node needs has not been added
   */
  @Override
  public Hash node(int level, long index) {
    Tiles.checkNode(level, index, treeSize);
    int tileLevel = level / TilePath.HEIGHT;
    int below = level % TilePath.HEIGHT;
    long first = index << below;
    long tileIndex = first >>> TilePath.HEIGHT;
    byte[] tile = tiles[tileLevel].get(tileIndex);
    if (tile == null) {
      throw new IllegalStateException(
          "node at level "
              + level
              + " index "
              + index
              + " needs tile "
              + Tiles.tileOf(level, index, treeSize)
              + ", which was not added");
    }
    int offset = (int) (first & (TilePath.FULL_WIDTH - 1)) * Hash.SIZE;
    if (below == 0) {
      return Hash.of(tile, offset);
    }
    // Hash the 2^below tile hashes pairwise, level by level, in a scratch buffer.
    byte[] buf = SCRATCH.get();
    int count = 1 << below;
    for (int i = 0; i < count; i += 2) {
      Merkle.nodeHash(
          tile, offset + i * Hash.SIZE, tile, offset + (i + 1) * Hash.SIZE, buf, i / 2 * Hash.SIZE);
    }
    for (count >>= 1; count > 1; count >>= 1) {
      for (int i = 0; i < count; i += 2) {
        Merkle.nodeHash(buf, i * Hash.SIZE, buf, (i + 1) * Hash.SIZE, buf, i / 2 * Hash.SIZE);
      }
    }
    return Hash.of(buf, 0);
  }

  /**
   * The hash tiles {@code computation} reads when run against the tree of {@code treeSize} leaves,
   * in the order first read, with their widths in that tree. The computation is run once against a
   * source that answers every node with {@link Hash#ZERO}, so only its requests matter; for example
   * {@code tilesNeeded(size, src -> Proofs.inclusion(i, size, src))}.
   */
  public static Set<TilePath> tilesNeeded(long treeSize, Consumer<NodeSource> computation) {
    Objects.requireNonNull(computation, "computation");
    Set<TilePath> out = new LinkedHashSet<>();
    computation.accept(
        (level, index) -> {
          out.add(Tiles.tileOf(level, index, treeSize));
          return Hash.ZERO;
        });
    return out;
  }
}
