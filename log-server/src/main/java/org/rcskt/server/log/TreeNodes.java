package org.rcskt.server.log;

import java.util.List;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.merkle.NodeSource;

/**
 * Every complete node of the published tree: levels from {@code memoryLevel} up in memory (they are
 * few: 2/2^memoryLevel of the leaf count in all), lower levels from the store. Thread-safe for
 * reads; {@link #commit} is called by the integrator alone, after the nodes are durably stored.
 */
final class TreeNodes implements NodeSource {
  private final LogStore store;
  private final UpperLevels upper;

  TreeNodes(LogStore store, int memoryLevel) {
    if (memoryLevel < 1 || memoryLevel > 63) {
      throw new IllegalArgumentException("memoryLevel must be in 1..63, got " + memoryLevel);
    }
    this.store = store;
    this.upper = new UpperLevels(memoryLevel);
  }

  /** Loads the in-memory levels of the stored tree of {@code treeSize} leaves. */
  void load(long treeSize) {
    byte[] buf = new byte[4096 * Hash.SIZE];
    for (int level = upper.firstLevel(); level < 63 && (treeSize >>> level) > 0; level++) {
      long want = treeSize >>> level;
      long have = upper.count(level);
      while (have < want) {
        int n = (int) Math.min(4096, want - have);
        int got = store.nodes(level, have, n, buf);
        if (got != n) {
          throw new StorageException(
              "store is missing node ("
                  + level
                  + ", "
                  + (have + got)
                  + ") of a tree of "
                  + treeSize);
        }
        upper.appendPacked(level, buf, n);
        have += n;
      }
    }
  }

  /** Takes the in-memory levels' share of newly stored nodes (in append order). */
  void commit(List<AppendBatch.Node> nodes) {
    for (AppendBatch.Node n : nodes) {
      if (upper.holds(n.level())) {
        upper.append(n.level(), n.index(), n.hash());
      }
    }
  }

  /** Forgets in-memory nodes beyond the tree of {@code treeSize} leaves. */
  void truncate(long treeSize) {
    upper.truncate(treeSize);
  }

  /**
   * {@inheritDoc}
   *
   * @throws StorageException if the node is not stored (the store is corrupt: callers only ask for
   *     complete subtrees of the published tree)
   */
  @Override
  public Hash node(int level, long index) {
    if (upper.holds(level)) {
      Hash h = upper.get(level, index);
      if (h != null) {
        return h;
      }
    }
    Hash h = store.node(level, index);
    if (h == null) {
      throw new StorageException("node (" + level + ", " + index + ") is not stored");
    }
    return h;
  }

  /**
   * Copies {@code n} consecutive node hashes of {@code level} from {@code start} into {@code dst}.
   *
   * @throws StorageException if any of them is not stored
   */
  void copy(int level, long start, int n, byte[] dst) {
    if (upper.holds(level) && start + n <= upper.count(level)) {
      upper.copy(level, start, n, dst, 0);
      return;
    }
    int got = store.nodes(level, start, n, dst);
    if (got != n) {
      throw new StorageException("node (" + level + ", " + (start + got) + ") is not stored");
    }
  }

  /**
   * A node source for one computation that needs stored nodes {@code (levels[i], indexes[i])}:
   * those not held in memory are fetched from the store in one lookup up front (a proof needs a
   * handful; fetching them together saves most of the per-lookup cost). Nodes asked for beyond
   * those are read one by one.
   */
  NodeSource prefetched(int[] levels, long[] indexes, int count) {
    int[] ls = new int[count];
    long[] is = new long[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (!(upper.holds(levels[i]) && indexes[i] < upper.count(levels[i]))) {
        ls[n] = levels[i];
        is[n] = indexes[i];
        n++;
      }
    }
    int fetchedCount = n;
    Hash[] fetched = store.nodes(java.util.Arrays.copyOf(ls, n), java.util.Arrays.copyOf(is, n));
    return (level, index) -> {
      for (int i = 0; i < fetchedCount; i++) {
        if (ls[i] == level && is[i] == index && fetched[i] != null) {
          return fetched[i];
        }
      }
      return node(level, index);
    };
  }

  /** Thrown by a memory-only node source for a node that would need a storage read. */
  static final class NotInMemory extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final NotInMemory INSTANCE = new NotInMemory();

    private NotInMemory() {
      super("node not in memory", null, false, false);
    }
  }

  /**
   * Like {@link #prefetched} but without any disk I/O: null when the prefetched nodes are not all
   * in memory; the source throws {@link NotInMemory} for any other node that is not.
   */
  NodeSource prefetchedIfCached(int[] levels, long[] indexes, int count) {
    int[] ls = new int[count];
    long[] is = new long[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (!(upper.holds(levels[i]) && indexes[i] < upper.count(levels[i]))) {
        ls[n] = levels[i];
        is[n] = indexes[i];
        n++;
      }
    }
    int fetchedCount = n;
    Hash[] fetched =
        n == 0
            ? new Hash[0]
            : store.nodesIfCached(java.util.Arrays.copyOf(ls, n), java.util.Arrays.copyOf(is, n));
    if (fetched == null) {
      return null;
    }
    return (level, index) -> {
      if (upper.holds(level)) {
        Hash h = upper.get(level, index);
        if (h != null) {
          return h;
        }
      }
      for (int i = 0; i < fetchedCount; i++) {
        if (ls[i] == level && is[i] == index) {
          return fetched[i];
        }
      }
      throw NotInMemory.INSTANCE;
    };
  }

  /**
   * A node source for {@code compute}, run twice: the first pass records which nodes it needs,
   * those are fetched together (see {@link #prefetched}), the second pass computes the answer.
   */
  <T> T withPrefetch(java.util.function.Function<NodeSource, T> compute) {
    int[] levels = new int[128];
    long[] indexes = new long[128];
    int[] n = {0};
    compute.apply(
        (level, index) -> {
          if (n[0] < levels.length) {
            levels[n[0]] = level;
            indexes[n[0]] = index;
            n[0]++;
          }
          return Hash.ZERO;
        });
    return compute.apply(prefetched(levels, indexes, n[0]));
  }

  /** Whether nodes {@code [0, end)} of {@code level} are all held in memory. */
  boolean inMemory(int level, long end) {
    return upper.holds(level) && end <= upper.count(level);
  }

  long memoryBytes() {
    return upper.bytes();
  }
}
