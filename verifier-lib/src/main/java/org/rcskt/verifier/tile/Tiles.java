package org.rcskt.verifier.tile;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.NodeSource;

/**
 * Which tiles a tree of a given size has (C2SP tlog-tiles), and building and reading hash tiles.
 *
 * <p>At tile level {@code L} a tree of {@code treeSize} leaves has {@code treeSize / 256^(L+1)}
 * full tiles, followed by one partial tile of width {@code (treeSize / 256^L) mod 256} when that is
 * not zero.
 */
public final class Tiles {
  private Tiles() {}

  /** The number of Merkle nodes of tile level {@code level} in a tree: treeSize / 256^level. */
  private static long nodesAtTileLevel(int level, long treeSize) {
    checkTree(level, treeSize);
    int shift = TilePath.HEIGHT * level;
    return shift >= 64 ? 0 : treeSize >>> shift;
  }

  /**
   * The number of full tiles at {@code level}.
   *
   * @throws IllegalArgumentException if {@code level} is not in 0..63 or {@code treeSize} is
   *     negative
   */
  public static long fullTileCount(int level, long treeSize) {
    return nodesAtTileLevel(level, treeSize) >>> TilePath.HEIGHT;
  }

  /**
   * The width of the partial tile at {@code level}, or 0 when there is none.
   *
   * @throws IllegalArgumentException if {@code level} is not in 0..63 or {@code treeSize} is
   *     negative
   */
  public static int partialWidth(int level, long treeSize) {
    return (int) (nodesAtTileLevel(level, treeSize) & (TilePath.FULL_WIDTH - 1));
  }

  /**
   * The number of tile levels with at least one tile: 0 for the empty tree, 1 up to 255 leaves, 2
   * up to 65,535, and so on.
   */
  public static int levelCount(long treeSize) {
    checkTree(0, treeSize);
    int levels = 0;
    while (nodesAtTileLevel(levels, treeSize) != 0) {
      levels++;
    }
    return levels;
  }

  /**
   * The partial tiles of a tree, lowest level first: what a client holding the full tiles needs to
   * fetch for a new tree size. Empty when {@code treeSize} is 0.
   */
  public static List<TilePath> partialTiles(long treeSize) {
    int levels = levelCount(treeSize);
    List<TilePath> out = new ArrayList<>(levels);
    for (int level = 0; level < levels; level++) {
      int width = partialWidth(level, treeSize);
      if (width != 0) {
        out.add(TilePath.hashTile(level, fullTileCount(level, treeSize), width));
      }
    }
    return out;
  }

  /**
   * The hash tile that holds Merkle node {@code (nodeLevel, nodeIndex)} or, for a level that is not
   * a multiple of 8, the nodes it is hashed from, as it exists in a tree of {@code treeSize}
   * leaves: full, or the partial tile at the right edge.
   *
   * @throws IllegalArgumentException if the node is not a complete subtree of the tree
   */
  public static TilePath tileOf(int nodeLevel, long nodeIndex, long treeSize) {
    checkNode(nodeLevel, nodeIndex, treeSize);
    int level = nodeLevel / TilePath.HEIGHT;
    long first = nodeIndex << (nodeLevel % TilePath.HEIGHT);
    long tileIndex = first >>> TilePath.HEIGHT;
    int width =
        tileIndex < fullTileCount(level, treeSize)
            ? TilePath.FULL_WIDTH
            : partialWidth(level, treeSize);
    return TilePath.hashTile(level, tileIndex, width);
  }

  /**
   * The bytes of the hash tile {@code tile} read from {@code src}: {@code tile.width()} node hashes
   * at Merkle level {@code 8 * tile.level()}, concatenated.
   *
   * @throws IllegalArgumentException if {@code tile} is an entry bundle or does not exist in a tree
   *     of {@code treeSize} leaves with its width
   */
  public static byte[] hashTile(TilePath tile, long treeSize, NodeSource src) {
    if (tile.entryBundle()) {
      throw new IllegalArgumentException(tile + " is an entry bundle, not a hash tile");
    }
    int expected = widthIn(tile.level(), tile.index(), treeSize);
    if (expected != tile.width()) {
      throw new IllegalArgumentException(
          tile
              + " does not exist in tree size "
              + treeSize
              + (expected == 0 ? "" : ": the tile there has width " + expected));
    }
    byte[] out = new byte[tile.hashTileBytes()];
    int nodeLevel = TilePath.HEIGHT * tile.level();
    long first = tile.index() << TilePath.HEIGHT;
    for (int i = 0; i < tile.width(); i++) {
      src.node(nodeLevel, first + i).copyTo(out, i * Hash.SIZE);
    }
    return out;
  }

  /**
   * The width tile {@code (level, index)} has in a tree of {@code treeSize} leaves: 256, the
   * partial width, or 0 when the tile does not exist.
   */
  public static int widthIn(int level, long index, long treeSize) {
    long full = fullTileCount(level, treeSize);
    if (index < full) {
      return TilePath.FULL_WIDTH;
    }
    return index == full ? partialWidth(level, treeSize) : 0;
  }

  /**
   * Splits fetched hash tile bytes into hashes.
   *
   * @throws MalformedTileException if the length is not exactly {@code tile.width()} hashes
   */
  public static List<Hash> parseHashTile(TilePath tile, byte[] data) throws MalformedTileException {
    checkHashTileLength(tile, data);
    List<Hash> out = new ArrayList<>(tile.width());
    for (int i = 0; i < tile.width(); i++) {
      out.add(Hash.of(data, i * Hash.SIZE));
    }
    return out;
  }

  static void checkHashTileLength(TilePath tile, byte[] data) throws MalformedTileException {
    if (data.length != tile.hashTileBytes()) {
      throw new MalformedTileException(
          tile
              + " must be "
              + tile.hashTileBytes()
              + " bytes ("
              + tile.width()
              + " hashes), got "
              + data.length);
    }
  }

  private static void checkTree(int level, long treeSize) {
    if (level < 0 || level > TilePath.MAX_LEVEL) {
      throw new IllegalArgumentException("tile level " + level + " is not in 0..63");
    }
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
  }

  static void checkNode(int nodeLevel, long nodeIndex, long treeSize) {
    if (nodeLevel < 0 || nodeLevel > 62 || nodeIndex < 0) {
      throw new IllegalArgumentException("no node at level " + nodeLevel + " index " + nodeIndex);
    }
    if (nodeIndex >= (treeSize >>> nodeLevel)) {
      throw new IllegalArgumentException(
          "node at level "
              + nodeLevel
              + " index "
              + nodeIndex
              + " is not a complete subtree of tree size "
              + treeSize);
    }
  }
}
