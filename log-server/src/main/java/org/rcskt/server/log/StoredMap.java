package org.rcskt.server.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.map.MapHashes;
import org.rcskt.verifier.map.MapProof;
import org.rcskt.verifier.map.SubjectLeaf;

/**
 * The log's subject map (protocol 16), stored for cheap updates (docs/design/0010-map-storage.md).
 *
 * <p>The store holds two kinds of records: one <em>leaf record</em> per subject, {@code uint24
 * bucket || index -> uint64 next_sequence || last_event_hash} (the store's map leaves, read by
 * bucket prefix), and in its map column one <em>bucket record</em> per non-EMPTY <em>bucket</em>,
 * the map's nodes at depth {@value #BUCKET_DEPTH}: {@code 0x03 || uint24 bucket -> kind || hash},
 * kind 1 for a bucket holding one subject (hash: its leaf hash), 2 for one holding more (hash: the
 * bucket's node hash). Nothing in between is stored: the nodes above the buckets live in memory, in
 * one dense array per depth, rebuilt from the bucket records at startup; a bucket's nodes below it
 * are recomputed from its leaf records, read with one range scan, whenever the bucket changes or a
 * proof goes through it. A new subject therefore costs one leaf record and one bucket record, and
 * one contiguous read.
 *
 * <p>Threads: one writer (the integrator) calls {@link #update}, {@link #stage}, {@link #commit}
 * and {@link #reload}; any thread may call {@link #prove} and the getters. A proof must match the
 * snapshot it is served with, while the in-memory levels are always the latest: {@link #prove}
 * takes its snapshot under a read lock, {@link #commit} changes the levels under the write lock,
 * and the update written to the store but not yet committed is {@link #stage staged} for the
 * snapshots that already see it.
 *
 * <p>Public for the bench tools and the monitor's tests, which build logs without a server the way
 * the integrator does.
 */
public final class StoredMap {
  /** The depth of the buckets: 2^20 of them, some 10 subjects each in a map of 10 million. */
  public static final int BUCKET_DEPTH = 20;

  static final byte BUCKET_TAG = 0x03;

  /** A leaf record's key: the uint24 bucket, then the index. */
  static final int LEAF_KEY_SIZE = LogStore.MAP_LEAF_PREFIX + Hash.SIZE;

  static final int SLOT = 1 + Hash.SIZE;
  static final int LEAF_VALUE_SIZE = 8 + Hash.SIZE;

  static final byte EMPTY = 0;
  static final byte SINGLE = 1;
  static final byte INTERNAL = 2;

  /** The map state of a store without one: the empty map. */
  static final byte[] EMPTY_STATE = new byte[Hash.SIZE + 8];

  private static final byte[] EMPTY_SLOT = new byte[SLOT];
  private static final byte[] LEAF_LABEL = MapHashes.leafLabel();
  private static final byte[] NODE_LABEL = MapHashes.nodeLabel();

  private final LogStore store;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // levels[d]: the nodes at depth d, 0..BUCKET_DEPTH. Written under the write lock only.
  private final Level[] levels = new Level[BUCKET_DEPTH + 1];
  private long subjectCount;
  // Written to the store, not yet in the levels; see the class comment.
  private volatile Update staged;
  // With the leaf cache on: per bucket, its subjects' (index || leaf hash) pairs in index order,
  // null for an EMPTY bucket; the writer's alone (update reads it, commit replaces entries).
  private byte[][] leafCache;
  private static final int CACHED = 2 * Hash.SIZE;
  // Buckets the background load has read, for the writer to install where it has nothing newer.
  private final java.util.concurrent.ConcurrentLinkedQueue<Loaded> loaded =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile boolean stopLoading;
  // Set by startLeafCacheLoad from any thread; the writer begins the load at its next update.
  private volatile boolean cacheRequested;
  // Bytes of the leaf cache's arrays; written by the writer only.
  private volatile long cacheBytes;
  private volatile Thread loader;

  /** Buckets {@code first ..} as the background load read them (null: no leaves). */
  private record Loaded(int first, byte[][] pairs) {}

  private StoredMap(LogStore store) {
    this.store = store;
  }

  /**
   * Loads the map kept in {@code store}: reads every bucket record, rebuilds the levels above the
   * buckets and checks the root against the store's map state.
   *
   * @throws IllegalStateException if a record is malformed or the records do not hash to the stored
   *     root
   */
  public static StoredMap open(LogStore store) {
    StoredMap m = new StoredMap(store);
    m.load();
    return m;
  }

  private void load() {
    for (int d = 0; d <= BUCKET_DEPTH; d++) {
      levels[d] = new Level(d);
    }
    byte[] s = store.mapState();
    Hash wantRoot;
    long wantCount;
    if (s == null) {
      wantRoot = MapHashes.EMPTY;
      wantCount = 0;
    } else {
      if (s.length != Hash.SIZE + 8) {
        throw new IllegalStateException("stored map state has " + s.length + " bytes, not 40");
      }
      wantRoot = Hash.of(s, 0);
      wantCount = ByteBuffer.wrap(s, Hash.SIZE, 8).getLong();
    }
    Level buckets = levels[BUCKET_DEPTH];
    store.scanMap(
        List.of(new LogStore.KeyRange(new byte[] {BUCKET_TAG}, new byte[] {BUCKET_TAG + 1})),
        (range, key, value) -> {
          int b = bucketOfRecord(key);
          checkBucket(b, value);
          buckets.set(b, value, 0);
          return true;
        });
    MessageDigest md = Hash.newSha256();
    byte[] l = new byte[SLOT];
    byte[] r = new byte[SLOT];
    byte[] slot = new byte[SLOT];
    for (int d = BUCKET_DEPTH - 1; d >= 0; d--) {
      Level below = levels[d + 1];
      Level here = levels[d];
      // Only chunks of the level below that hold a node can have parents that are not EMPTY.
      for (int c = 0; c < below.chunks.length; c++) {
        if (below.chunks[c] == null) {
          continue;
        }
        int first = c << Level.CHUNK_SHIFT;
        for (int q = first; q < first + below.chunkSize; q += 2) {
          below.get(q, l, 0);
          below.get(q + 1, r, 0);
          if (l[0] == EMPTY && r[0] == EMPTY) {
            continue;
          }
          combine(md, l, r, slot);
          here.set(q >>> 1, slot, 0);
        }
      }
    }
    Hash root = rootOf(levels[0]);
    if (!root.equals(wantRoot)) {
      throw new IllegalStateException(
          "the map's bucket records hash to " + root + ", not to the stored root " + wantRoot);
    }
    if ((root.equals(MapHashes.EMPTY)) != (wantCount == 0)) {
      throw new IllegalStateException(
          "a map with root " + root + " cannot have " + wantCount + " subjects");
    }
    subjectCount = wantCount;
  }

  private static Hash rootOf(Level top) {
    byte[] slot = new byte[SLOT];
    top.get(0, slot, 0);
    return Hash.of(slot, 1);
  }

  private static int bucketOfRecord(byte[] key) {
    if (key.length != 4 || key[0] != BUCKET_TAG) {
      throw new IllegalStateException("map bucket record key has " + key.length + " bytes");
    }
    int b = ((key[1] & 0xff) << 16) | ((key[2] & 0xff) << 8) | (key[3] & 0xff);
    if (b >= 1 << BUCKET_DEPTH) {
      throw new IllegalStateException("map bucket record " + b + " is beyond the last bucket");
    }
    return b;
  }

  /** Checks a bucket record's value: kind (SINGLE or INTERNAL) and hash. */
  private static void checkBucket(int b, byte[] value) {
    if (value.length != SLOT) {
      throw new IllegalStateException(
          "map bucket record " + b + " has " + value.length + " bytes, not " + SLOT);
    }
    if (value[0] != SINGLE && value[0] != INTERNAL) {
      throw new IllegalStateException("map bucket record " + b + " has kind " + value[0]);
    }
  }

  /** The root after the last commit. */
  public Hash root() {
    lock.readLock().lock();
    try {
      return rootOf(levels[0]);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The number of subjects after the last commit. */
  public long subjectCount() {
    lock.readLock().lock();
    try {
      return subjectCount;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Bytes held by the in-memory levels, for the memory gauge. */
  public long bytes() {
    lock.readLock().lock();
    try {
      long b = 0;
      for (Level l : levels) {
        b += l.bytes();
      }
      if (leafCache != null) {
        b += 8L * leafCache.length + cacheBytes;
      }
      return b;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- updates (the writer's thread)

  /**
   * The map after putting {@code leaves} (distinct indexes, any order): reads the changed buckets'
   * leaf records from the store, changes nothing. Write it with {@link Update#writeTo} in the
   * batch's store write, {@link #stage} it before that write and {@link #commit} it after.
   *
   * @throws IllegalArgumentException if two leaves have one index
   */
  public Update update(List<SubjectLeaf> leaves) {
    if (leaves.isEmpty()) {
      Hash root = rootOf(levels[0]);
      return new Update(
          root,
          subjectCount,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Delta.NONE,
          null,
          state(root, subjectCount),
          0);
    }
    if (cacheRequested && leafCache == null) {
      beginLoad();
    }
    installLoaded();
    // Each index copied out once, not once per comparison.
    List<Put> puts = new ArrayList<>(leaves.size());
    for (SubjectLeaf l : leaves) {
      puts.add(new Put(l.index().toByteArray(), l));
    }
    puts.sort((a, b) -> Arrays.compareUnsigned(a.x, b.x));
    for (int i = 1; i < puts.size(); i++) {
      if (Arrays.equals(puts.get(i).x, puts.get(i - 1).x)) {
        throw new IllegalArgumentException("subject " + puts.get(i).leaf.index() + " is put twice");
      }
    }
    // The buckets the puts fall in, ascending, and where each one's puts start.
    int[] buckets = new int[puts.size()];
    int[] starts = new int[puts.size() + 1];
    int nb = 0;
    for (int i = 0; i < puts.size(); i++) {
      int b = bucketOf(puts.get(i).x);
      if (nb == 0 || buckets[nb - 1] != b) {
        buckets[nb] = b;
        starts[nb++] = i;
      }
    }
    buckets = Arrays.copyOf(buckets, nb);
    starts[nb] = puts.size();
    // Only buckets that hold subjects have leaf records to read; in a map much smaller than the
    // 2^20 buckets most new subjects land in an EMPTY one.
    List<LogStore.KeyRange> ranges = new ArrayList<>(nb);
    // Each bucket's stored leaves as leaf bytes (index || value), checked as they are read.
    List<List<byte[]>> stored = new ArrayList<>(nb);
    List<List<byte[]>> scanned = new ArrayList<>(nb);
    Level bucketLevel = levels[BUCKET_DEPTH];
    for (int b : buckets) {
      if (bucketLevel.kind(b) == EMPTY || (leafCache != null && leafCache[b] != null)) {
        stored.add(List.of());
      } else {
        List<byte[]> l = new ArrayList<>();
        stored.add(l);
        scanned.add(l);
        ranges.add(bucketRange(b));
      }
    }
    long read0 = System.nanoTime();
    if (!ranges.isEmpty()) {
      store.scanMapLeaves(
          ranges,
          (r, key, value) -> {
            scanned.get(r).add(storedLeaf(key, value));
            return true;
          });
    }

    long readNanos = ranges.isEmpty() ? 0 : System.nanoTime() - read0;
    Delta delta = new Delta();
    List<byte[]> leafKeys = new ArrayList<>(puts.size());
    List<byte[]> leafValues = new ArrayList<>(puts.size());
    long count = subjectCount;
    MessageDigest md = Hash.newSha256();
    byte[] slots = new byte[nb * SLOT];
    // Every bucket as (index || leaf hash) pairs: from the cache, or from the leaves just read
    // (none if the bucket is EMPTY); the new pairs go to the cache at commit when it is on.
    byte[][] pairs = new byte[nb][];
    for (int i = 0; i < nb; i++) {
      byte[] old = leafCache == null ? null : leafCache[buckets[i]];
      if (old == null) {
        old = pairsOf(md, stored.get(i));
      }
      count += mergePairs(md, i, old, starts, puts, pairs, leafKeys, leafValues);
      subtreePairs(md, pairs[i], 0, pairs[i].length / CACHED, BUCKET_DEPTH, slots, i * SLOT);
    }
    delta.put(BUCKET_DEPTH, buckets, slots);
    // Every ancestor of a changed bucket, level by level, each once.
    int[] touched = buckets;
    byte[] l = new byte[SLOT];
    byte[] r = new byte[SLOT];
    for (int d = BUCKET_DEPTH - 1; d >= 0; d--) {
      int[] parents = new int[touched.length];
      int n = 0;
      for (int t : touched) {
        int p = t >>> 1;
        if (n == 0 || parents[n - 1] != p) {
          parents[n++] = p;
        }
      }
      parents = Arrays.copyOf(parents, n);
      byte[] here = new byte[n * SLOT];
      for (int i = 0; i < n; i++) {
        int p = parents[i];
        slotIn(delta, d + 1, 2 * p, l);
        slotIn(delta, d + 1, 2 * p + 1, r);
        combine(md, l, r, here, i * SLOT);
      }
      delta.put(d, parents, here);
      touched = parents;
    }
    // The bucket records of the changed buckets (a bucket never becomes EMPTY again).
    List<byte[]> bucketKeys = new ArrayList<>(nb);
    List<byte[]> bucketValues = new ArrayList<>(nb);
    for (int i = 0; i < nb; i++) {
      bucketKeys.add(bucketKey(buckets[i]));
      bucketValues.add(Arrays.copyOfRange(slots, i * SLOT, (i + 1) * SLOT));
    }
    slotIn(delta, 0, 0, l);
    Hash root = Hash.of(l, 1);
    return new Update(
        root,
        count,
        leafKeys,
        leafValues,
        bucketKeys,
        bucketValues,
        delta,
        pairs,
        state(root, count),
        readNanos);
  }

  /**
   * Bucket i's pairs {@code old} with puts {@code starts[i]} to {@code starts[i + 1]} merged in,
   * into {@code cached[i]}; adds the leaf records to write. Returns how many of the puts are new
   * subjects.
   */
  private int mergePairs(
      MessageDigest md,
      int i,
      byte[] old,
      int[] starts,
      List<Put> puts,
      byte[][] cached,
      List<byte[]> leafKeys,
      List<byte[]> leafValues) {
    int oldN = old.length / CACHED;
    byte[] out = new byte[(oldN + starts[i + 1] - starts[i]) * CACHED];
    int n = 0;
    int o = 0;
    int added = 0;
    byte[] hash = new byte[Hash.SIZE];
    for (int j = starts[i]; j < starts[i + 1]; j++) {
      SubjectLeaf put = puts.get(j).leaf;
      byte[] x = puts.get(j).x;
      while (o < oldN
          && Arrays.compareUnsigned(old, o * CACHED, o * CACHED + Hash.SIZE, x, 0, Hash.SIZE) < 0) {
        System.arraycopy(old, o * CACHED, out, n * CACHED, CACHED);
        n++;
        o++;
      }
      if (o < oldN
          && Arrays.compareUnsigned(old, o * CACHED, o * CACHED + Hash.SIZE, x, 0, Hash.SIZE)
              == 0) {
        o++;
      } else {
        added++;
      }
      byte[] value = leafValue(put.nextSequence(), put.lastEventHash());
      leafKeys.add(leafKey(x));
      leafValues.add(value);
      leafHash(md, leafBytes(x, value), hash, 0);
      System.arraycopy(x, 0, out, n * CACHED, Hash.SIZE);
      System.arraycopy(hash, 0, out, n * CACHED + Hash.SIZE, Hash.SIZE);
      n++;
    }
    System.arraycopy(old, o * CACHED, out, n * CACHED, (oldN - o) * CACHED);
    n += oldN - o;
    cached[i] = n * CACHED == out.length ? out : Arrays.copyOf(out, n * CACHED);
    return added;
  }

  /** The (index || leaf hash) pairs of stored leaves (index || value each), in their order. */
  private static byte[] pairsOf(MessageDigest md, List<byte[]> leaves) {
    byte[] out = new byte[leaves.size() * CACHED];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, out, i * CACHED, Hash.SIZE);
      leafHash(md, leaves.get(i), out, i * CACHED + Hash.SIZE);
    }
    return out;
  }

  /** Installs what the background load has read where the writer has nothing (newer) yet. */
  private void installLoaded() {
    if (leafCache == null) {
      return;
    }
    for (Loaded l; (l = loaded.poll()) != null; ) {
      for (int i = 0; i < l.pairs().length; i++) {
        int b = l.first() + i;
        if (leafCache[b] == null && l.pairs()[i] != null) {
          leafCache[b] = l.pairs()[i];
          cacheBytes += 16 + l.pairs()[i].length;
        }
      }
    }
  }

  /**
   * Turns the leaf cache on: the writer's next {@link #update} takes a store snapshot and starts
   * filling the cache from it on a background thread, so neither startup nor the writer waits for
   * it. Until a bucket is loaded, updates read it from the store as before, and every bucket an
   * update changes is cached from then on. The loaded buckets are installed by the writer only
   * where it has cached nothing itself: a bucket it changed after the snapshot holds its newer
   * leaves already, and one it did not is the same in the snapshot. The snapshot is taken on the
   * writer's thread between two batches, so it holds every batch committed before it and none
   * after. Any thread may call this.
   *
   * @param maxBytes the memory the cache may take; if the map's subjects would need more (about 72
   *     bytes each), the cache stays off
   * @return whether the cache was turned on
   */
  public boolean startLeafCacheLoad(long maxBytes) {
    long need = subjectCount() * (CACHED + 8) + (16L << BUCKET_DEPTH);
    if (need > maxBytes) {
      return false;
    }
    cacheRequested = true;
    return true;
  }

  /** On the writer's thread, between batches: the cache's array, the snapshot, the load thread. */
  private void beginLoad() {
    LogStore.Snapshot snap;
    lock.writeLock().lock();
    try {
      leafCache = new byte[1 << BUCKET_DEPTH][];
      cacheBytes = 0;
      snap = store.snapshot();
    } finally {
      lock.writeLock().unlock();
    }
    stopLoading = false;
    Thread t = new Thread(() -> loadFrom(snap), "map-leaf-cache");
    t.setDaemon(true);
    loader = t;
    t.start();
  }

  /** Stops a background load (before the store closes) and waits for it. */
  public void stopLeafCacheLoad() {
    stopLoading = true;
    Thread t = loader;
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * True once the background load has read every bucket, or when the cache was not asked for; false
   * while it is asked for but not yet started (the writer starts it at its next update).
   */
  public boolean leafCacheLoaded() {
    if (!cacheRequested) {
      return true;
    }
    Thread t = loader;
    return t != null && !t.isAlive();
  }

  /**
   * The (index || leaf hash) pairs of buckets {@code first} to {@code first + count - 1}, read with
   * {@code scan} (a store's or a snapshot's leaf scan); null for a bucket without leaves. Adds the
   * number of leaves read to {@code subjects[0]}.
   */
  private static byte[][] readPairs(
      java.util.function.BiConsumer<List<LogStore.KeyRange>, LogStore.MapRecordVisitor> scan,
      int first,
      int count,
      MessageDigest md,
      long[] subjects) {
    List<List<byte[]>> leaves = new ArrayList<>(java.util.Collections.nCopies(count, null));
    scan.accept(
        List.of(new LogStore.KeyRange(uint24(first), uint24(first + count))),
        (r, key, value) -> {
          byte[] leaf = storedLeaf(key, value);
          int i = bucketOf(leaf) - first;
          if (leaves.get(i) == null) {
            leaves.set(i, new ArrayList<>());
          }
          leaves.get(i).add(leaf);
          subjects[0]++;
          return true;
        });
    byte[][] pairs = new byte[count][];
    for (int i = 0; i < count; i++) {
      pairs[i] = leaves.get(i) == null ? null : pairsOf(md, leaves.get(i));
    }
    return pairs;
  }

  /** The background load: the leaf records of {@code snap}, 4,096 buckets per store read. */
  private void loadFrom(LogStore.Snapshot snap) {
    int chunk = 1 << 12;
    MessageDigest md = Hash.newSha256();
    long started = System.nanoTime();
    long[] subjects = {0};
    try (snap) {
      for (int first = 0; first < 1 << BUCKET_DEPTH && !stopLoading; first += chunk) {
        loaded.add(new Loaded(first, readPairs(snap::scanMapLeaves, first, chunk, md, subjects)));
      }
      if (!stopLoading) {
        System.getLogger(StoredMap.class.getName())
            .log(
                System.Logger.Level.INFO,
                String.format(
                    "the map's leaf cache holds its %,d subjects, loaded in %.1f s",
                    subjects[0], (System.nanoTime() - started) / 1e9));
      }
    } catch (RuntimeException e) {
      // The store closed under the load, or a damaged record: updates keep reading the store for
      // the buckets not loaded, which is correct, only slower.
      System.getLogger(StoredMap.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "the map's leaf cache stopped loading: " + e.getMessage());
    }
  }

  /**
   * The node over (index || leaf hash) pairs {@code [lo, hi)} (ascending, all sharing their first
   * {@code depth} bits), into {@code out} at {@code off}: EMPTY, SINGLE with the leaf hash, or
   * INTERNAL with the node hash.
   */
  private static void subtreePairs(
      MessageDigest md, byte[] pairs, int lo, int hi, int depth, byte[] out, int off) {
    int n = hi - lo;
    if (n == 0) {
      System.arraycopy(EMPTY_SLOT, 0, out, off, SLOT);
      return;
    }
    if (n == 1) {
      out[off] = SINGLE;
      System.arraycopy(pairs, lo * CACHED + Hash.SIZE, out, off + 1, Hash.SIZE);
      return;
    }
    if (depth >= MapHashes.MAX_DEPTH) {
      throw new IllegalStateException("two subjects have one index");
    }
    int mid = split(pairs, lo, hi, depth);
    byte[] l = new byte[SLOT];
    byte[] r = new byte[SLOT];
    subtreePairs(md, pairs, lo, mid, depth + 1, l, 0);
    subtreePairs(md, pairs, mid, hi, depth + 1, r, 0);
    combine(md, l, r, out, off);
  }

  /**
   * Keeps every subject's index and leaf hash in memory (about 64 bytes a subject, plus a small
   * array header per bucket), so that updates read nothing from the store. Loads them now with one
   * scan of the leaf records and checks each bucket against its stored hash.
   *
   * @return the number of subjects loaded
   * @throws IllegalStateException if a leaf record is malformed or a bucket's leaves do not hash to
   *     its stored hash
   */
  public long enableLeafCache() {
    lock.writeLock().lock();
    try {
      leafCache = null;
      byte[][] cache = new byte[1 << BUCKET_DEPTH][];
      long[] n = {0};
      MessageDigest md = Hash.newSha256();
      int chunk = 1 << 12;
      for (int first = 0; first < cache.length; first += chunk) {
        byte[][] pairs = readPairs(store::scanMapLeaves, first, chunk, md, n);
        System.arraycopy(pairs, 0, cache, first, chunk);
      }
      byte[] slot = new byte[SLOT];
      byte[] want = new byte[SLOT];
      Level bucketLevel = levels[BUCKET_DEPTH];
      for (int b = 0; b < cache.length; b++) {
        bucketLevel.get(b, want, 0);
        if (cache[b] == null) {
          if (want[0] != EMPTY) {
            throw new IllegalStateException(
                "bucket " + b + " has a stored hash but no leaf records");
          }
          continue;
        }
        subtreePairs(md, cache[b], 0, cache[b].length / CACHED, BUCKET_DEPTH, slot, 0);
        if (!Arrays.equals(slot, want)) {
          throw new IllegalStateException(
              "the leaf records of bucket " + b + " do not hash to its stored hash");
        }
      }
      long total = 0;
      for (byte[] c : cache) {
        total += c == null ? 0 : 16 + c.length;
      }
      cacheBytes = total;
      leafCache = cache;
      return n[0];
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** A leaf to put, with its index's bytes. */
  private record Put(byte[] x, SubjectLeaf leaf) {}

  /**
   * Makes {@code u} visible to {@link #prove} for snapshots that show its write, before the write:
   * a snapshot taken after the write but before {@link #commit} would otherwise find levels older
   * than itself.
   */
  public void stage(Update u) {
    staged = u;
  }

  /** Applies {@code u}, which the store now holds, to the in-memory levels. */
  public void commit(Update u) {
    lock.writeLock().lock();
    try {
      for (int d = 0; d <= BUCKET_DEPTH; d++) {
        int[] ps = u.delta.positions[d];
        byte[] ss = u.delta.slots[d];
        for (int i = 0; i < ps.length; i++) {
          levels[d].set(ps[i], ss, i * SLOT);
        }
      }
      subjectCount = u.subjectCount;
      if (leafCache != null) {
        int[] bs = u.delta.positions[BUCKET_DEPTH];
        long delta = 0;
        for (int i = 0; i < bs.length; i++) {
          byte[] old = leafCache[bs[i]];
          delta += u.cached[i].length - (old == null ? -16 : old.length);
          leafCache[bs[i]] = u.cached[i];
        }
        cacheBytes += delta;
      }
      staged = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Forgets everything and loads the map from the store again, after a doubtful write. */
  public void reload() {
    lock.writeLock().lock();
    try {
      staged = null;
      boolean cached = leafCache != null || cacheRequested;
      stopLeafCacheLoad();
      loader = null;
      loaded.clear();
      leafCache = null;
      load();
      if (cached) {
        // Loaded again in the background from the store as it now is.
        startLeafCacheLoad(Long.MAX_VALUE);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * The result of {@link #update}: the new root and count, the records to write and the in-memory
   * changes to commit.
   */
  public static final class Update {
    private final Hash root;
    private final long subjectCount;
    private final List<byte[]> leafKeys;
    private final List<byte[]> leafValues;
    private final List<byte[]> bucketKeys;
    private final List<byte[]> bucketValues;
    private final Delta delta;
    // The changed buckets' new pairs, in the delta's bucket order, for the leaf cache.
    private final byte[][] cached;
    private final byte[] state;
    private final long readNanos;

    private Update(
        Hash root,
        long subjectCount,
        List<byte[]> leafKeys,
        List<byte[]> leafValues,
        List<byte[]> bucketKeys,
        List<byte[]> bucketValues,
        Delta delta,
        byte[][] cached,
        byte[] state,
        long readNanos) {
      this.root = root;
      this.subjectCount = subjectCount;
      this.leafKeys = leafKeys;
      this.leafValues = leafValues;
      this.bucketKeys = bucketKeys;
      this.bucketValues = bucketValues;
      this.delta = delta;
      this.cached = cached;
      this.state = state;
      this.readNanos = readNanos;
    }

    /**
     * Nanoseconds the update spent reading the changed buckets' leaf records from the store: the
     * part of its cost that depends on the block cache.
     */
    public long readNanos() {
      return readNanos;
    }

    public Hash root() {
      return root;
    }

    public long subjectCount() {
      return subjectCount;
    }

    /** The number of records the update writes. */
    public int records() {
      return leafKeys.size() + bucketKeys.size();
    }

    /** Puts the update's records and the new map state into {@code batch}. */
    public void writeTo(AppendBatch batch) {
      for (int i = 0; i < leafKeys.size(); i++) {
        batch.putMapLeaf(leafKeys.get(i), leafValues.get(i));
      }
      for (int i = 0; i < bucketKeys.size(); i++) {
        batch.putMapRecord(bucketKeys.get(i), bucketValues.get(i));
      }
      batch.setMapState(state);
    }
  }

  // --------------------------------------------------------------------------- proofs (any thread)

  /**
   * A store snapshot and the proof, as of that snapshot, of {@code index}'s leaf or absence. Close
   * it to release the snapshot.
   */
  public record Proved(LogStore.Snapshot snapshot, MapProof proof) implements AutoCloseable {
    @Override
    public void close() {
      snapshot.close();
    }
  }

  /**
   * Takes a store snapshot and proves {@code index} against the map the snapshot holds.
   *
   * @throws IllegalStateException if the stored records are damaged
   */
  public Proved prove(Hash index) {
    byte[] x = index.toByteArray();
    byte[] siblings = new byte[64 * Hash.SIZE];
    byte[] slot = new byte[SLOT];
    int d;
    LogStore.Snapshot snap;
    lock.readLock().lock();
    try {
      snap = store.snapshot();
      try {
        Delta delta = deltaFor(snap);
        for (d = 0; ; d++) {
          int p = prefix(x, d);
          slotIn(delta, d, p, slot);
          if (slot[0] != INTERNAL || d == BUCKET_DEPTH) {
            break;
          }
          slotIn(delta, d + 1, (2 * p) | (1 - MapHashes.bit(index, d)), slot);
          System.arraycopy(slot, 1, siblings, d * Hash.SIZE, Hash.SIZE);
        }
      } catch (RuntimeException e) {
        snap.close();
        throw e;
      }
    } finally {
      lock.readLock().unlock();
    }
    try {
      return new Proved(snap, finishProof(snap, x, d, slot[0], siblings));
    } catch (RuntimeException e) {
      snap.close();
      throw e;
    }
  }

  /** The in-memory changes that the snapshot shows on top of the committed levels. */
  private Delta deltaFor(LogStore.Snapshot snap) {
    byte[] s = snap.mapState();
    Hash snapRoot = s == null ? MapHashes.EMPTY : Hash.of(s, 0);
    if (snapRoot.equals(rootOf(levels[0]))) {
      return Delta.NONE;
    }
    Update u = staged;
    if (u != null && snapRoot.equals(u.root)) {
      return u.delta;
    }
    throw new IllegalStateException(
        "the store's map state (root " + snapRoot + ") is neither committed nor staged");
  }

  /** The slot at {@code (depth, p)}: the delta's if it changes it, else the committed one. */
  private void slotIn(Delta delta, int depth, int p, byte[] dst) {
    if (!delta.get(depth, p, dst)) {
      levels[depth].get(p, dst, 0);
    }
  }

  /**
   * The slots an update changes at depths 0 to {@value #BUCKET_DEPTH}: per depth, the positions in
   * ascending order and their slots (kind || hash) one after another.
   */
  private static final class Delta {
    static final Delta NONE = new Delta();

    final int[][] positions = new int[BUCKET_DEPTH + 1][];
    final byte[][] slots = new byte[BUCKET_DEPTH + 1][];

    Delta() {
      Arrays.fill(positions, new int[0]);
      Arrays.fill(slots, new byte[0]);
    }

    void put(int depth, int[] ascending, byte[] slotBytes) {
      positions[depth] = ascending;
      slots[depth] = slotBytes;
    }

    /** Copies the changed slot at {@code (depth, p)} into {@code dst}; false if unchanged. */
    boolean get(int depth, int p, byte[] dst) {
      int i = Arrays.binarySearch(positions[depth], p);
      if (i < 0) {
        return false;
      }
      System.arraycopy(slots[depth], i * SLOT, dst, 0, SLOT);
      return true;
    }
  }

  /**
   * The proof's end, below the levels in memory: the path stopped at depth {@code d} at a node of
   * {@code kind}.
   */
  private static MapProof finishProof(
      LogStore.Snapshot snap, byte[] x, int d, byte kind, byte[] siblings) {
    if (kind == EMPTY) {
      return MapProof.of(null, Arrays.copyOf(siblings, d * Hash.SIZE));
    }
    List<byte[]> leaves = new ArrayList<>();
    LogStore.KeyRange range = leafRange(x, d);
    snap.scanMapLeaves(
        List.of(range),
        (r, key, value) -> {
          leaves.add(storedLeaf(key, value));
          return kind == INTERNAL;
        });
    if (kind == SINGLE) {
      if (leaves.size() != 1) {
        throw new IllegalStateException(
            "the map holds one subject under " + describe(x, d) + " but no leaf record there");
      }
      return MapProof.of(toLeaf(leaves.get(0)), Arrays.copyOf(siblings, d * Hash.SIZE));
    }
    if (leaves.size() < 2) {
      throw new IllegalStateException(
          "the map holds subjects under "
              + describe(x, d)
              + " but "
              + leaves.size()
              + " leaf records there");
    }
    MessageDigest md = Hash.newSha256();
    byte[] slot = new byte[SLOT];
    byte[] pairs = pairsOf(md, leaves);
    int lo = 0;
    int hi = leaves.size();
    while (hi - lo >= 2) {
      if (d >= MapHashes.MAX_DEPTH) {
        throw new IllegalStateException("two leaf records have one index");
      }
      if ((d + 1) * Hash.SIZE > siblings.length) {
        siblings = Arrays.copyOf(siblings, Math.min(2 * siblings.length, 256 * Hash.SIZE));
      }
      int mid = split(pairs, lo, hi, d);
      if (bit(x, d) == 0) {
        subtreePairs(md, pairs, mid, hi, d + 1, slot, 0);
        hi = mid;
      } else {
        subtreePairs(md, pairs, lo, mid, d + 1, slot, 0);
        lo = mid;
      }
      System.arraycopy(slot, 1, siblings, d * Hash.SIZE, Hash.SIZE);
      d++;
    }
    SubjectLeaf terminal = hi == lo ? null : toLeaf(leaves.get(lo));
    return MapProof.of(terminal, Arrays.copyOf(siblings, d * Hash.SIZE));
  }

  private static String describe(byte[] x, int d) {
    return "the " + d + "-bit prefix of " + Hash.of(x);
  }

  // ----------------------------------------------------------------------------- hashing helpers

  /** The first pair of {@code [lo, hi)} whose index has bit {@code depth} set, or hi. */
  private static int split(byte[] pairs, int lo, int hi, int depth) {
    int mid = lo;
    while (mid < hi && ((pairs[mid * CACHED + (depth >>> 3)] >>> (7 - (depth & 7))) & 1) == 0) {
      mid++;
    }
    return mid;
  }

  private static int bit(byte[] index, int i) {
    return (index[i >>> 3] >>> (7 - (i & 7))) & 1;
  }

  /** The parent of two nodes given as slots (kind || hash). */
  private static void combine(MessageDigest md, byte[] l, byte[] r, byte[] out) {
    combine(md, l, r, out, 0);
  }

  /** As above, into {@code out} at {@code off}. */
  private static void combine(MessageDigest md, byte[] l, byte[] r, byte[] out, int off) {
    if (l[0] == EMPTY && r[0] != INTERNAL) {
      System.arraycopy(r, 0, out, off, SLOT);
    } else if (r[0] == EMPTY && l[0] != INTERNAL) {
      System.arraycopy(l, 0, out, off, SLOT);
    } else {
      out[off] = INTERNAL;
      md.update(NODE_LABEL);
      md.update(l, 1, Hash.SIZE);
      md.update(r, 1, Hash.SIZE);
      digest(md, out, off + 1);
    }
  }

  private static void leafHash(MessageDigest md, byte[] leaf, byte[] out, int off) {
    md.update(LEAF_LABEL);
    md.update(leaf, 0, Hash.SIZE + LEAF_VALUE_SIZE);
    digest(md, out, off);
  }

  private static void digest(MessageDigest md, byte[] out, int off) {
    try {
      md.digest(out, off, Hash.SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 into a 32-byte buffer failed", e);
    }
  }

  // ------------------------------------------------------------------------------- record layout

  /** The first {@code depth} bits of {@code x} as an int (depth at most {@link #BUCKET_DEPTH}). */
  private static int prefix(byte[] x, int depth) {
    if (depth == 0) {
      return 0;
    }
    int v = ((x[0] & 0xff) << 16) | ((x[1] & 0xff) << 8) | (x[2] & 0xff);
    return v >>> (24 - depth);
  }

  private static int bucketOf(byte[] x) {
    return prefix(x, BUCKET_DEPTH);
  }

  /** The leaf record key of {@code index}: its bucket as a uint24, then the index. */
  static byte[] leafKey(byte[] index) {
    byte[] k = new byte[LEAF_KEY_SIZE];
    int b = bucketOf(index);
    k[0] = (byte) (b >>> 16);
    k[1] = (byte) (b >>> 8);
    k[2] = (byte) b;
    System.arraycopy(index, 0, k, LogStore.MAP_LEAF_PREFIX, Hash.SIZE);
    return k;
  }

  private static byte[] uint24(int v) {
    return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] bucketKey(int b) {
    return new byte[] {BUCKET_TAG, (byte) (b >>> 16), (byte) (b >>> 8), (byte) b};
  }

  private static byte[] leafValue(long nextSequence, Hash lastEventHash) {
    byte[] v = new byte[LEAF_VALUE_SIZE];
    ByteBuffer.wrap(v).putLong(nextSequence);
    lastEventHash.copyTo(v, 8);
    return v;
  }

  /** {@code index || uint64 next_sequence || last_event_hash}: the leaf hash's input. */
  private static byte[] leafBytes(byte[] index, byte[] value) {
    byte[] b = new byte[Hash.SIZE + LEAF_VALUE_SIZE];
    System.arraycopy(index, 0, b, 0, Hash.SIZE);
    System.arraycopy(value, 0, b, Hash.SIZE, LEAF_VALUE_SIZE);
    return b;
  }

  /** The leaf bytes of a stored leaf record, which is checked first. */
  private static byte[] storedLeaf(byte[] key, byte[] value) {
    checkLeaf(key, value);
    byte[] b = new byte[Hash.SIZE + LEAF_VALUE_SIZE];
    System.arraycopy(key, LogStore.MAP_LEAF_PREFIX, b, 0, Hash.SIZE);
    System.arraycopy(value, 0, b, Hash.SIZE, LEAF_VALUE_SIZE);
    return b;
  }

  private static void checkLeaf(byte[] key, byte[] value) {
    if (key.length != LEAF_KEY_SIZE) {
      throw new IllegalStateException("map leaf record key has " + key.length + " bytes");
    }
    int b = ((key[0] & 0xff) << 16) | ((key[1] & 0xff) << 8) | (key[2] & 0xff);
    int pre = LogStore.MAP_LEAF_PREFIX;
    int own = ((key[pre] & 0xff) << 16) | ((key[pre + 1] & 0xff) << 8) | (key[pre + 2] & 0xff);
    if (b != own >>> (24 - BUCKET_DEPTH)) {
      throw new IllegalStateException(
          "map leaf record of "
              + Hash.of(key, LogStore.MAP_LEAF_PREFIX)
              + " is stored under bucket "
              + b
              + ", not its own");
    }
    if (value.length != LEAF_VALUE_SIZE) {
      throw new IllegalStateException(
          "map leaf record of "
              + Hash.of(key, LogStore.MAP_LEAF_PREFIX)
              + " has "
              + value.length
              + " bytes, not "
              + LEAF_VALUE_SIZE);
    }
    if (ByteBuffer.wrap(value).getLong() < 1) {
      throw new IllegalStateException(
          "map leaf record of "
              + Hash.of(key, LogStore.MAP_LEAF_PREFIX)
              + " has a next sequence below 1");
    }
  }

  private static SubjectLeaf toLeaf(byte[] leaf) {
    return new SubjectLeaf(
        Hash.of(leaf, 0), ByteBuffer.wrap(leaf, Hash.SIZE, 8).getLong(), Hash.of(leaf, 40));
  }

  /** The store key range of the leaf records of {@code bucket}: one bucket prefix. */
  private static LogStore.KeyRange bucketRange(int bucket) {
    return leafRange(uint24(bucket << (24 - BUCKET_DEPTH)), BUCKET_DEPTH);
  }

  /**
   * The store key range of the leaf records whose indexes share {@code x}'s first {@code d} bits,
   * {@code d} at most {@value #BUCKET_DEPTH}: whole buckets, from the prefix's first to one past
   * its last (for {@code d} = {@value #BUCKET_DEPTH}, one bucket prefix).
   */
  private static LogStore.KeyRange leafRange(byte[] x, int d) {
    if (d > BUCKET_DEPTH) {
      throw new IllegalArgumentException("a leaf range below the bucket depth: " + d);
    }
    int p = prefix(x, d);
    return new LogStore.KeyRange(
        uint24(p << (BUCKET_DEPTH - d)), uint24((p + 1) << (BUCKET_DEPTH - d)));
  }

  /**
   * Visits every leaf record of the map in {@code store}, in index order; for consistency checks.
   *
   * @throws IllegalStateException if a leaf record is malformed
   */
  public static void forEachLeaf(LogStore store, java.util.function.Consumer<SubjectLeaf> visitor) {
    store.scanMapLeaves(
        List.of(new LogStore.KeyRange(new byte[0], uint24(1 << BUCKET_DEPTH))),
        (r, key, value) -> {
          checkLeaf(key, value);
          visitor.accept(toLeaf(storedLeaf(key, value)));
          return true;
        });
  }

  /** The encoded map state (root then count). */
  public static byte[] state(Hash root, long subjectCount) {
    ByteBuffer b = ByteBuffer.allocate(Hash.SIZE + 8);
    b.put(root.toByteArray()).putLong(subjectCount);
    return b.array();
  }

  /**
   * The nodes of one depth: kind and hash per position, in chunks allocated when a position in them
   * first becomes non-EMPTY, so a small map stays small.
   */
  private static final class Level {
    static final int CHUNK_SHIFT = 12;
    static final int CHUNK = 1 << CHUNK_SHIFT;

    private final int chunkSize;
    private final byte[][] chunks;

    Level(int depth) {
      int size = 1 << depth;
      this.chunkSize = Math.min(CHUNK, size);
      this.chunks = new byte[Math.max(1, size >>> CHUNK_SHIFT)][];
    }

    byte kind(int p) {
      byte[] c = chunks[p >>> CHUNK_SHIFT];
      return c == null ? EMPTY : c[(p & (CHUNK - 1)) * SLOT];
    }

    void get(int p, byte[] dst, int off) {
      byte[] c = chunks[p >>> CHUNK_SHIFT];
      if (c == null) {
        System.arraycopy(EMPTY_SLOT, 0, dst, off, SLOT);
      } else {
        System.arraycopy(c, (p & (CHUNK - 1)) * SLOT, dst, off, SLOT);
      }
    }

    void set(int p, byte[] src, int off) {
      int ci = p >>> CHUNK_SHIFT;
      byte[] c = chunks[ci];
      if (c == null) {
        if (src[off] == EMPTY) {
          return;
        }
        c = chunks[ci] = new byte[chunkSize * SLOT];
      }
      System.arraycopy(src, off, c, (p & (CHUNK - 1)) * SLOT, SLOT);
    }

    long bytes() {
      long b = 0;
      for (byte[] c : chunks) {
        b += c == null ? 0 : c.length;
      }
      return b;
    }
  }
}
