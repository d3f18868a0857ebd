package org.rcskt.server.log;

import java.util.Arrays;
import org.rcskt.verifier.Hash;

/**
 * The node hashes of one tree level kept in memory: an append-only array of 32-byte hashes in
 * fixed-size chunks, so growing never copies what is there.
 *
 * <p>One writer appends; any number of readers read indices below a count they learned through a
 * happens-before edge (the published tree size, a volatile write after the append).
 */
final class UpperLevels {
  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int CHUNK_BYTES = CHUNK * Hash.SIZE;

  private final int firstLevel;
  private final Level[] levels = new Level[64];

  UpperLevels(int firstLevel) {
    this.firstLevel = firstLevel;
    for (int l = firstLevel; l < 64; l++) {
      levels[l] = new Level();
    }
  }

  /** The lowest level kept in memory. */
  int firstLevel() {
    return firstLevel;
  }

  boolean holds(int level) {
    return level >= firstLevel && level < 64;
  }

  /** How many nodes of {@code level} are held. */
  long count(int level) {
    return levels[level].count;
  }

  /**
   * Appends the hash of node ({@code level}, {@code index}), which must be the next index of that
   * level.
   *
   * @throws IllegalStateException if nodes would be skipped or repeated
   */
  void append(int level, long index, Hash hash) {
    Level lv = levels[level];
    if (index != lv.count) {
      throw new IllegalStateException(
          "level " + level + " holds " + lv.count + " nodes, cannot append node " + index);
    }
    lv.write(index, hash);
  }

  /** Appends {@code n} consecutive hashes packed in {@code src} at the end of {@code level}. */
  void appendPacked(int level, byte[] src, int n) {
    Level lv = levels[level];
    for (int i = 0; i < n; i++) {
      lv.writeRaw(lv.count, src, i * Hash.SIZE);
    }
  }

  /** The hash of a held node, or null if {@code index} is not below {@link #count}. */
  Hash get(int level, long index) {
    Level lv = levels[level];
    if (index < 0 || index >= lv.count) {
      return null;
    }
    byte[] chunk = lv.chunks[(int) (index >>> CHUNK_SHIFT)];
    return Hash.of(chunk, (int) (index & (CHUNK - 1)) * Hash.SIZE);
  }

  /** Copies {@code n} held hashes of {@code level} from {@code start} into {@code dst}. */
  void copy(int level, long start, int n, byte[] dst, int dstOff) {
    Level lv = levels[level];
    if (start < 0 || start + n > lv.count) {
      throw new IllegalArgumentException(
          "level "
              + level
              + " holds "
              + lv.count
              + " nodes, asked for ["
              + start
              + ", "
              + (start + n)
              + ")");
    }
    int done = 0;
    while (done < n) {
      long i = start + done;
      byte[] chunk = lv.chunks[(int) (i >>> CHUNK_SHIFT)];
      int off = (int) (i & (CHUNK - 1));
      int take = Math.min(n - done, CHUNK - off);
      System.arraycopy(chunk, off * Hash.SIZE, dst, dstOff + done * Hash.SIZE, take * Hash.SIZE);
      done += take;
    }
  }

  /** Drops every node at index {@code >= count(level)} for the tree of {@code treeSize} leaves. */
  void truncate(long treeSize) {
    for (int l = firstLevel; l < 64; l++) {
      long keep = treeSize >>> l;
      if (levels[l].count > keep) {
        levels[l].count = keep;
      }
    }
  }

  /** Bytes held, for monitoring. */
  long bytes() {
    long b = 0;
    for (int l = firstLevel; l < 64; l++) {
      for (byte[] c : levels[l].chunks) {
        b += c == null ? 0 : c.length;
      }
    }
    return b;
  }

  private static final class Level {
    private volatile byte[][] chunks = new byte[0][];
    private volatile long count;

    void write(long index, Hash hash) {
      ensure(index);
      hash.copyTo(chunks[(int) (index >>> CHUNK_SHIFT)], (int) (index & (CHUNK - 1)) * Hash.SIZE);
      count = index + 1;
    }

    void writeRaw(long index, byte[] src, int off) {
      ensure(index);
      System.arraycopy(
          src,
          off,
          chunks[(int) (index >>> CHUNK_SHIFT)],
          (int) (index & (CHUNK - 1)) * Hash.SIZE,
          Hash.SIZE);
      count = index + 1;
    }

    private void ensure(long index) {
      int c = (int) (index >>> CHUNK_SHIFT);
      byte[][] cs = chunks;
      if (c >= cs.length) {
        cs = Arrays.copyOf(cs, Math.max(c + 1, cs.length * 2));
      }
      if (cs[c] == null) {
        // Readers only touch chunks below the published count, so filling a slot of an array they
        // may already see is safe.
        cs[c] = new byte[CHUNK_BYTES];
      }
      chunks = cs;
    }
  }
}
