package org.rcskt.server.publish;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.tile.Tiles;

/** What a bucket must hold for a tree size, worked out from the tlog-tiles rules; and waiting. */
final class ExpectedObjects {
  private ExpectedObjects() {}

  /** The tiles and bundles of tree size {@code n}, by key, without the checkpoint. */
  static Map<String, TilePath> tiles(long n) {
    Map<String, TilePath> out = new TreeMap<>();
    if (n == 0) {
      return out;
    }
    for (long i = 0; i < Tiles.fullTileCount(0, n); i++) {
      put(out, TilePath.entryBundle(i, 256));
    }
    if (Tiles.partialWidth(0, n) != 0) {
      put(out, TilePath.entryBundle(Tiles.fullTileCount(0, n), Tiles.partialWidth(0, n)));
    }
    for (int level = 0; level < Tiles.levelCount(n); level++) {
      for (long i = 0; i < Tiles.fullTileCount(level, n); i++) {
        put(out, TilePath.hashTile(level, i, 256));
      }
    }
    for (TilePath p : Tiles.partialTiles(n)) {
      put(out, p);
    }
    return out;
  }

  private static void put(Map<String, TilePath> m, TilePath p) {
    m.put(p.toString(), p);
  }

  /** The log's bytes for {@code p}. */
  static byte[] bytes(LogSource log, TilePath p) {
    return p.entryBundle()
        ? log.entryBundle(p.index(), p.width())
        : log.tile(p.level(), p.index(), p.width());
  }

  /** Polls {@code condition} every 5 ms until it holds, failing after {@code seconds}. */
  static void await(int seconds, Supplier<String> what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what.get());
      }
      Thread.sleep(5);
    }
  }
}
