package org.rcskt.server.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.NodeSource;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.tile.EntryBundle;

/**
 * Everything the log serves that is read, not written: tiles, entry bundles, proofs, entries.
 * Thread-safe; every call reads from one published {@link TreeHead} so its answer is about one
 * tree. Calls may block on storage: keep them off event loops.
 */
public final class LogReader {
  /** Hashes in a full C2SP tlog-tiles tile, and entries in a full entry bundle. */
  public static final int TILE_WIDTH = 256;

  private final LogStore store;
  private final TreeNodes nodes;
  private final Supplier<TreeHead> head;
  private final ImmutableCache<byte[]> fullTiles;
  private final ImmutableCache<byte[]> fullBundles;

  LogReader(LogStore store, TreeNodes nodes, Supplier<TreeHead> head, int tileCacheSize) {
    this.store = store;
    this.nodes = nodes;
    this.head = head;
    this.fullTiles = new ImmutableCache<>(tileCacheSize);
    this.fullBundles = new ImmutableCache<>(Math.max(16, tileCacheSize / 16));
  }

  /** The latest signed tree. */
  public TreeHead head() {
    return head.get();
  }

  /**
   * The hash tile at tile level {@code level}, index {@code index}, holding the first {@code width}
   * hashes (256 for a full tile) as C2SP tlog-tiles defines it.
   *
   * @throws BadRequestException if the coordinates are out of range
   * @throws NotFoundException if the tile lies (even partly) beyond the current tree
   */
  public byte[] tile(int level, long index, int width) {
    checkTileCoordinates(level, index, width);
    TreeHead h = head.get();
    int nodeLevel = level * 8;
    long available = nodeLevel >= 63 ? 0 : h.treeSize() >>> nodeLevel;
    if (index > (available - width) / TILE_WIDTH || available < width) {
      throw beyond("tile " + level + "/" + index, width, h);
    }
    if (width == TILE_WIDTH) {
      return fullTiles.get(((long) level << 56) | index, k -> readTile(nodeLevel, index, width));
    }
    return readTile(nodeLevel, index, width);
  }

  private byte[] readTile(int nodeLevel, long index, int width) {
    if (nodeLevel == 0 && width == TILE_WIDTH) {
      byte[] packed = store.fullTile(index);
      if (packed != null) {
        return packed;
      }
    }
    byte[] out = new byte[width * Hash.SIZE];
    nodes.copy(nodeLevel, index * TILE_WIDTH, width, out);
    return out;
  }

  /**
   * The tile, when it can be served from memory alone (a cached full tile, or a tile of the
   * in-memory upper levels); null when it needs a storage read. Never blocks, so callers on an
   * event loop may use it.
   *
   * @throws BadRequestException if the coordinates are out of range
   * @throws NotFoundException if the tile lies (even partly) beyond the current tree
   */
  public byte[] tileFromMemory(int level, long index, int width) {
    checkTileCoordinates(level, index, width);
    TreeHead h = head.get();
    int nodeLevel = level * 8;
    long available = nodeLevel >= 63 ? 0 : h.treeSize() >>> nodeLevel;
    if (index > (available - width) / TILE_WIDTH || available < width) {
      throw beyond("tile " + level + "/" + index, width, h);
    }
    if (width == TILE_WIDTH) {
      long key = ((long) level << 56) | index;
      byte[] cached = fullTiles.getIfPresent(key);
      if (cached != null) {
        return cached;
      }
      if (level == 0) {
        byte[] packed = store.fullTileIfCached(index);
        if (packed != null) {
          fullTiles.put(key, packed);
          return packed;
        }
      }
    }
    if (!nodes.inMemory(nodeLevel, index * TILE_WIDTH + width)) {
      return null;
    }
    byte[] out = new byte[width * Hash.SIZE];
    nodes.copy(nodeLevel, index * TILE_WIDTH, width, out);
    return out;
  }

  private static NotFoundException beyond(String what, int width, TreeHead h) {
    return new NotFoundException(
        what
            + (width == TILE_WIDTH ? "" : ".p/" + width)
            + " is beyond the tree of size "
            + h.treeSize());
  }

  /**
   * The entry bundle with index {@code index} holding its first {@code width} entries (256 for a
   * full bundle), each a big-endian uint16 length followed by the encoded entry.
   *
   * @throws BadRequestException if the coordinates are out of range
   * @throws NotFoundException if the bundle lies (even partly) beyond the current tree
   */
  public byte[] entryBundle(long index, int width) {
    checkTileCoordinates(0, index, width);
    TreeHead h = head.get();
    if (index > (h.treeSize() - width) / TILE_WIDTH || h.treeSize() < width) {
      throw new NotFoundException(
          "entry bundle "
              + index
              + (width == TILE_WIDTH ? "" : ".p/" + width)
              + " is beyond the tree of size "
              + h.treeSize());
    }
    if (width == TILE_WIDTH) {
      return fullBundles.get(index, k -> readBundle(index, width));
    }
    return readBundle(index, width);
  }

  private byte[] readBundle(long index, int width) {
    long start = index * TILE_WIDTH;
    List<byte[]> es = store.entries(start, start + width);
    if (es.size() != width) {
      throw new StorageException("entry " + (start + es.size()) + " is not stored");
    }
    return EntryBundle.encode(es);
  }

  private static void checkTileCoordinates(int level, long index, int width) {
    if (level < 0 || level > 63) {
      throw new BadRequestException("level", "tile level " + level + " is not in 0..63");
    }
    if (index < 0) {
      throw new BadRequestException("index", "tile index " + index + " is negative");
    }
    if (width < 1 || width > TILE_WIDTH) {
      throw new BadRequestException("width", "tile width " + width + " is not in 1..256");
    }
  }

  /** An inclusion proof with the tree it is for. */
  public record Inclusion(long leafIndex, long treeSize, Hash leafHash, List<Hash> proof) {}

  /**
   * The inclusion proof of leaf {@code leafIndex} in the tree of {@code treeSize} leaves.
   *
   * @throws BadRequestException if {@code treeSize} is larger than the current tree or {@code
   *     leafIndex} is not below it
   */
  public Inclusion inclusion(long leafIndex, long treeSize) {
    checkInclusion(leafIndex, treeSize);
    int[] levels = new int[128];
    long[] indexes = new long[128];
    int n = proofNodes(leafIndex, treeSize, levels, indexes);
    NodeSource src = nodes.prefetched(levels, indexes, n);
    return new Inclusion(
        leafIndex, treeSize, src.node(0, leafIndex), Proofs.inclusion(leafIndex, treeSize, src));
  }

  /**
   * The inclusion proof, when it can be computed from memory alone (in-memory levels, storage
   * caches); null when it needs a storage read. Never blocks, so callers on an event loop may use
   * it.
   *
   * @throws BadRequestException as {@link #inclusion}
   */
  public Inclusion inclusionIfCached(long leafIndex, long treeSize) {
    checkInclusion(leafIndex, treeSize);
    int[] levels = new int[128];
    long[] indexes = new long[128];
    int n = proofNodes(leafIndex, treeSize, levels, indexes);
    NodeSource src = nodes.prefetchedIfCached(levels, indexes, n);
    if (src == null) {
      return null;
    }
    try {
      return new Inclusion(
          leafIndex, treeSize, src.node(0, leafIndex), Proofs.inclusion(leafIndex, treeSize, src));
    } catch (TreeNodes.NotInMemory e) {
      return null;
    }
  }

  private void checkInclusion(long leafIndex, long treeSize) {
    long current = head.get().treeSize();
    if (treeSize > current) {
      throw new BadRequestException(
          "size", "size " + treeSize + " is larger than tree size " + current);
    }
    if (treeSize < 1) {
      throw new BadRequestException("size", "size " + treeSize + " is not at least 1");
    }
    if (leafIndex < 0) {
      throw new BadRequestException("index", "index " + leafIndex + " is negative");
    }
    if (leafIndex >= treeSize) {
      throw new BadRequestException(
          "index", "index " + leafIndex + " is not below size " + treeSize);
    }
  }

  /**
   * The nodes an inclusion proof reads, fetched together: the leaf, its complete siblings, and the
   * tree's peaks (the complete subtrees along its right edge, from which an incomplete sibling's
   * hash is computed).
   */
  private static int proofNodes(long leafIndex, long treeSize, int[] levels, long[] indexes) {
    int n = 0;
    levels[n] = 0;
    indexes[n++] = leafIndex;
    for (int level = 0; level < 63 && (treeSize - 1) >>> level > 0; level++) {
      long sibling = (leafIndex >>> level) ^ 1;
      if ((sibling + 1) << level <= treeSize) {
        levels[n] = level;
        indexes[n++] = sibling;
      }
      if (((treeSize >>> level) & 1) != 0) {
        levels[n] = level;
        indexes[n++] = (treeSize >>> level) - 1;
      }
    }
    return n;
  }

  /**
   * The inclusion proof of the entry with leaf hash {@code leafHash} in the tree of {@code
   * treeSize} leaves.
   *
   * @throws NotFoundException if no entry has that leaf hash
   * @throws BadRequestException if the entry is not in the tree of {@code treeSize} leaves
   */
  public Inclusion inclusionByHash(Hash leafHash, long treeSize) {
    long current = head.get().treeSize();
    if (treeSize > current) {
      throw new BadRequestException(
          "size", "size " + treeSize + " is larger than tree size " + current);
    }
    long index = store.leafIndex(leafHash);
    if (index < 0 || index >= current) {
      throw new NotFoundException("no entry has leaf hash " + leafHash.toBase64());
    }
    if (index >= treeSize) {
      throw new BadRequestException(
          "size",
          "the entry with this leaf hash has index "
              + index
              + ", which is not below size "
              + treeSize);
    }
    return inclusion(index, treeSize);
  }

  /**
   * The leaf index stored for {@code leafHash}, or -1; may be at or beyond the current tree size
   * for a batch being published.
   */
  public long storedLeafIndex(Hash leafHash) {
    return store.leafIndex(leafHash);
  }

  /** The leaf index of the entry with {@code leafHash} in the current tree, or -1. */
  public long leafIndex(Hash leafHash) {
    long index = store.leafIndex(leafHash);
    return index < head.get().treeSize() ? index : -1;
  }

  /**
   * The consistency proof from the tree of {@code from} leaves to the tree of {@code to} leaves
   * (empty when they are equal).
   *
   * @throws BadRequestException if {@code from < 1}, {@code from > to} or {@code to} is larger than
   *     the current tree
   */
  public List<Hash> consistency(long from, long to) {
    long current = head.get().treeSize();
    if (to > current) {
      throw new BadRequestException("to", "to " + to + " is larger than tree size " + current);
    }
    if (from < 1) {
      throw new BadRequestException("from", "from " + from + " is not at least 1");
    }
    if (from > to) {
      throw new BadRequestException("from", "from " + from + " is larger than to " + to);
    }
    return nodes.withPrefetch(src -> Proofs.consistency(from, to, src));
  }

  /**
   * The encoded entries from {@code start} up to but excluding {@code end}, stopping at the current
   * tree size and after {@code maxCount} entries.
   *
   * @throws BadRequestException if {@code start} is negative or beyond the tree, or {@code end <=
   *     start}
   */
  public List<byte[]> entries(long start, long end, int maxCount) {
    long current = head.get().treeSize();
    if (start < 0) {
      throw new BadRequestException("start", "start " + start + " is negative");
    }
    if (start > current) {
      throw new BadRequestException(
          "start", "start " + start + " is larger than tree size " + current);
    }
    if (end <= start) {
      throw new BadRequestException("end", "end " + end + " is not larger than start " + start);
    }
    long stop = Math.min(Math.min(end, current), start + maxCount);
    if (stop <= start) {
      return new ArrayList<>();
    }
    List<byte[]> es = store.entries(start, stop);
    if (es.size() != stop - start) {
      throw new StorageException("entry " + (start + es.size()) + " is not stored");
    }
    return es;
  }

  /** The encoded entry at {@code leafIndex}, which must be in the current tree. */
  public byte[] entry(long leafIndex) {
    byte[] e = leafIndex < head.get().treeSize() ? store.entry(leafIndex) : null;
    if (e == null) {
      throw new NotFoundException("no entry at index " + leafIndex);
    }
    return e;
  }

  LogStore store() {
    return store;
  }

  TreeNodes nodes() {
    return nodes;
  }
}
