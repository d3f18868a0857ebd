package org.rcskt.server.publish;

import org.rcskt.verifier.tile.TilePath;

/**
 * The names and headers of the published objects: exactly the paths and headers of the log's own
 * {@code GET /checkpoint} and {@code GET /tile/...} (see {@code http.LogVerticle}), so a reader and
 * any CDN in front of the bucket treat them alike.
 */
public final class TileObjects {
  private TileObjects() {}

  /** The checkpoint's key. */
  public static final String CHECKPOINT = "checkpoint";

  /** The checkpoint's content type. */
  public static final String CHECKPOINT_TYPE = "text/plain; charset=utf-8";

  /** The checkpoint changes with every tree: caches must revalidate it. */
  public static final String CHECKPOINT_CACHE = "no-cache";

  /** The content type of tiles and entry bundles. */
  public static final String TILE_TYPE = "application/octet-stream";

  /** A full tile or bundle never changes. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** A partial tile or bundle is replaced by a wider one soon. */
  public static final String SHORT_LIVED = "public, max-age=5";

  /**
   * The most bytes of a published object: a full entry bundle of the largest entries (256 of 65,535
   * bytes, each with a 2-byte length).
   */
  public static final int MAX_OBJECT_BYTES = TilePath.FULL_WIDTH * (0xffff + 2);

  /** The most bytes of a checkpoint read back: its body and a few dozen signature lines. */
  public static final int MAX_CHECKPOINT_BYTES = 256 * 1024;

  /** The key of {@code tile}: its tlog-tiles path. */
  public static String key(TilePath tile) {
    return tile.toString();
  }

  /** The Cache-Control of {@code tile}. */
  public static String cacheControl(TilePath tile) {
    return tile.isPartial() ? SHORT_LIVED : IMMUTABLE;
  }
}
