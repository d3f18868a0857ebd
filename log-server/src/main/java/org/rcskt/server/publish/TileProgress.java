package org.rcskt.server.publish;

import java.util.Arrays;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.tile.Tiles;

/**
 * Which tiles and entry bundles are in the bucket, and which one to write next for a tree size.
 *
 * <p>Per row (each hash tile level, and the entry bundles) it keeps how many full tiles are written
 * (always a prefix: they are written in index order) and the last partial tile written. That is all
 * a tree needs: at tree size {@code n} a row has its full tiles and at most one partial tile.
 * Memory is constant, whatever the tree size or how far behind the bucket is.
 *
 * <p>{@link #next} walks the entry bundles, then level 0, 1 and up, each row's full tiles before
 * its partial one. Not thread-safe: one publisher thread owns it.
 */
final class TileProgress {
  /** Rows 0 to 63 are the hash tile levels; row 64 the entry bundles. */
  private static final int BUNDLES = TilePath.MAX_LEVEL + 1;

  /** The number of rows. */
  static final int ROWS = BUNDLES + 1;

  private final long[] full = new long[ROWS];
  private final long[] partialIndex = new long[ROWS];
  private final int[] partialWidth = new int[ROWS];

  /**
   * The progress of a bucket holding every tile of tree size {@code treeSize}: the state after
   * publishing its checkpoint.
   */
  TileProgress(long treeSize) {
    Arrays.fill(partialIndex, -1);
    for (int row = 0; row < ROWS; row++) {
      int level = row == BUNDLES ? 0 : row;
      full[row] = Tiles.fullTileCount(level, treeSize);
      int w = Tiles.partialWidth(level, treeSize);
      if (w != 0) {
        partialIndex[row] = full[row];
        partialWidth[row] = w;
      }
    }
  }

  private TileProgress(TileProgress other) {
    System.arraycopy(other.full, 0, full, 0, ROWS);
    System.arraycopy(other.partialIndex, 0, partialIndex, 0, ROWS);
    System.arraycopy(other.partialWidth, 0, partialWidth, 0, ROWS);
  }

  /** An independent copy. */
  TileProgress copy() {
    return new TileProgress(this);
  }

  /** The row of {@code tile}: its level, or {@link #BUNDLES}. */
  static int row(TilePath tile) {
    return tile.entryBundle() ? BUNDLES : tile.level();
  }

  /**
   * Whether {@code tile} is the next of its row: every full tile before it is recorded, and it is
   * not recorded itself.
   */
  boolean isNext(TilePath tile) {
    int row = row(tile);
    if (full[row] != tile.index()) {
      return false;
    }
    return !tile.isPartial()
        || !(partialIndex[row] == tile.index() && partialWidth[row] == tile.width());
  }

  /**
   * The next tile or bundle that tree size {@code treeSize} has and this progress has not recorded,
   * or null when the bucket holds all of them.
   */
  TilePath next(long treeSize) {
    if (treeSize == 0) {
      return null;
    }
    int levels = Tiles.levelCount(treeSize);
    // Entry bundles first, then levels 0, 1, ...
    for (int step = 0; step <= levels; step++) {
      int row = step == 0 ? BUNDLES : step - 1;
      int level = row == BUNDLES ? 0 : row;
      long wantFull = Tiles.fullTileCount(level, treeSize);
      if (full[row] < wantFull) {
        return path(row, full[row], TilePath.FULL_WIDTH);
      }
      int w = Tiles.partialWidth(level, treeSize);
      if (w != 0 && !(partialIndex[row] == wantFull && partialWidth[row] == w)) {
        return path(row, wantFull, w);
      }
    }
    return null;
  }

  /** Records that {@code tile} is in the bucket. */
  void done(TilePath tile) {
    int row = row(tile);
    if (tile.isPartial()) {
      partialIndex[row] = tile.index();
      partialWidth[row] = tile.width();
    } else if (tile.index() == full[row]) {
      full[row]++;
    } else if (tile.index() > full[row]) {
      throw new IllegalStateException(
          tile + " written before full tile " + full[row] + " of its row");
    }
  }

  private static TilePath path(int row, long index, int width) {
    return row == BUNDLES
        ? TilePath.entryBundle(index, width)
        : TilePath.hashTile(row, index, width);
  }
}
