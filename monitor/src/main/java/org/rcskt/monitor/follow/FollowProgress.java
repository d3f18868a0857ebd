package org.rcskt.monitor.follow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.tile.TilePath;

/**
 * How far the entries of a log are verified: the first {@code treeSize} entries were downloaded,
 * hashed into the tree and replayed, and that tree was proved a prefix of a signed checkpoint.
 * Keeps the tree's right edge (to extend it) and the leaf hashes of the partial last bundle (to
 * check the log serves those entries unchanged when the bundle grows).
 *
 * @param range the right edge of the verified tree; {@code range.treeSize()} is the progress
 * @param edge the leaf hashes of entries {@code treeSize - treeSize % 256} to {@code treeSize - 1}
 */
public record FollowProgress(CompactRange range, List<Hash> edge) {
  private static final int VERSION = 1;

  public FollowProgress {
    edge = List.copyOf(edge);
    if (edge.size() != range.treeSize() % TilePath.FULL_WIDTH) {
      throw new IllegalArgumentException(
          "edge must hold "
              + range.treeSize() % TilePath.FULL_WIDTH
              + " leaf hashes for tree size "
              + range.treeSize()
              + ", got "
              + edge.size());
    }
  }

  /** Nothing verified yet. */
  public static FollowProgress empty() {
    return new FollowProgress(CompactRange.empty(), List.of());
  }

  /** The number of leading entries verified. */
  public long treeSize() {
    return range.treeSize();
  }

  /** The storage encoding. */
  public byte[] encode() {
    long size = range.treeSize();
    int peaks = Long.bitCount(size);
    ByteBuffer b =
        ByteBuffer.allocate(1 + 8 + peaks * Hash.SIZE + 2 + edge.size() * Hash.SIZE)
            .put((byte) VERSION)
            .putLong(size);
    byte[] tmp = new byte[Hash.SIZE];
    for (int level = 0; level < 63; level++) {
      if (((size >>> level) & 1) != 0) {
        range.peak(level).copyTo(tmp, 0);
        b.put(tmp);
      }
    }
    b.putShort((short) edge.size());
    for (Hash h : edge) {
      h.copyTo(tmp, 0);
      b.put(tmp);
    }
    return b.array();
  }

  /**
   * Decodes {@link #encode()} output.
   *
   * @throws IllegalArgumentException if the bytes are not such a record
   */
  public static FollowProgress decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 9 || b.get() != VERSION) {
      throw new IllegalArgumentException("follow progress record has an unknown version");
    }
    long size = b.getLong();
    if (size < 0) {
      throw new IllegalArgumentException("follow progress has negative tree size " + size);
    }
    Hash[] peaks = new Hash[63];
    for (int level = 0; level < 63; level++) {
      if (((size >>> level) & 1) != 0) {
        peaks[level] = read(b);
      }
    }
    CompactRange range = CompactRange.fromSource(size, (level, index) -> peaks[level]);
    int n = Short.toUnsignedInt(b.getShort());
    List<Hash> edge = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      edge.add(read(b));
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("follow progress record has trailing bytes");
    }
    return new FollowProgress(range, edge);
  }

  private static Hash read(ByteBuffer b) {
    byte[] h = new byte[Hash.SIZE];
    b.get(h);
    return Hash.of(h);
  }
}
