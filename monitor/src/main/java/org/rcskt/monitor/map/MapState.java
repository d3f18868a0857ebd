package org.rcskt.monitor.map;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * What the monitor keeps of a log's map besides its node records: the base (the last map root that
 * matched the recomputation, or the empty map before the first) and every leaf since.
 *
 * @param baseLeaf the leaf index of the base's {@code MAP_ROOT} entry; -1 for the empty map
 * @param baseCount the base's subject count
 * @param baseRoot the base's map root
 * @param baseLeafHash the leaf hash of the base's entry; null when {@code baseLeaf} is -1
 * @param committed whether the base is a root the log committed to (false after the monitor gave up
 *     keeping a long divergence provable and moved its base to its own recomputation)
 * @param baseRange the log's tree over the leaves before the base entry ({@code max(baseLeaf, 0)})
 * @param pending every leaf after the base, in order
 */
public record MapState(
    long baseLeaf,
    long baseCount,
    Hash baseRoot,
    Hash baseLeafHash,
    boolean committed,
    CompactRange baseRange,
    List<Leaf> pending) {
  private static final int VERSION = 1;

  /**
   * One leaf after the base.
   *
   * @param leafIndex its index
   * @param leafHash its RFC 9162 leaf hash
   * @param subject the event's subject, or null for a leaf that is not a key event (a map root, or
   *     bytes that do not decode)
   * @param nextSequence the event's sequence + 1; 0 when {@code subject} is null
   */
  public record Leaf(long leafIndex, Hash leafHash, Hash subject, long nextSequence) {}

  /** Before the first entry. */
  public static MapState empty() {
    return new MapState(-1, 0, MapHashes.EMPTY, null, true, CompactRange.empty(), List.of());
  }

  /** The number of leaves covered: the base entry's and the pending ones. */
  public long treeSize() {
    return baseRange.treeSize() + (baseLeaf >= 0 ? 1 : 0) + pending.size();
  }

  /** The storage encoding. */
  public byte[] encode() {
    long size = baseRange.treeSize();
    int peaks = Long.bitCount(size);
    int len = 1 + 8 + 8 + 32 + 32 + 1 + 8 + peaks * 32 + 4;
    for (Leaf l : pending) {
      len += 8 + 32 + 1 + (l.subject() == null ? 0 : 40);
    }
    ByteBuffer b = ByteBuffer.allocate(len).put((byte) VERSION).putLong(baseLeaf);
    b.putLong(baseCount).put(baseRoot.toByteArray());
    b.put(baseLeafHash == null ? new byte[32] : baseLeafHash.toByteArray());
    b.put((byte) (committed ? 1 : 0)).putLong(size);
    for (int level = 0; level < 63; level++) {
      if (((size >>> level) & 1) != 0) {
        b.put(baseRange.peak(level).toByteArray());
      }
    }
    b.putInt(pending.size());
    for (Leaf l : pending) {
      b.putLong(l.leafIndex()).put(l.leafHash().toByteArray());
      if (l.subject() == null) {
        b.put((byte) 0);
      } else {
        b.put((byte) 1).put(l.subject().toByteArray()).putLong(l.nextSequence());
      }
    }
    return b.array();
  }

  /**
   * Decodes {@link #encode()} output.
   *
   * @throws IllegalArgumentException if the bytes are not such a record
   */
  public static MapState decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != VERSION) {
        throw new IllegalArgumentException("map state record has an unknown version");
      }
      long baseLeaf = b.getLong();
      long count = b.getLong();
      Hash root = read(b);
      Hash leafHash = read(b);
      boolean committed = b.get() != 0;
      long size = b.getLong();
      Hash[] peaks = new Hash[63];
      for (int level = 0; level < 63; level++) {
        if (((size >>> level) & 1) != 0) {
          peaks[level] = read(b);
        }
      }
      CompactRange range = CompactRange.fromSource(size, (level, index) -> peaks[level]);
      int n = b.getInt();
      List<Leaf> pending = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long leaf = b.getLong();
        Hash h = read(b);
        if (b.get() == 0) {
          pending.add(new Leaf(leaf, h, null, 0));
        } else {
          pending.add(new Leaf(leaf, h, read(b), b.getLong()));
        }
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("map state record has trailing bytes");
      }
      return new MapState(
          baseLeaf, count, root, baseLeaf < 0 ? null : leafHash, committed, range, pending);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("map state record is truncated", e);
    }
  }

  private static Hash read(ByteBuffer b) {
    byte[] h = new byte[Hash.SIZE];
    b.get(h);
    return Hash.of(h);
  }
}
