package org.rcskt.server.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** A {@link LogStore} in a RocksDB database directory. See the package documentation for layout. */
public final class RocksDbLogStore implements LogStore {
  static {
    RocksDB.loadLibrary();
  }

  /** Tuning knobs; {@link #defaults()} suits a server with a few GiB of memory. */
  public record Settings(long blockCacheBytes, long writeBufferBytes, boolean statistics) {
    public static Settings defaults() {
      return new Settings(1L << 30, 64L << 20, true);
    }
  }

  // Larger than any subject map key or value (a group record is at most 1 + 8 * 33 bytes).
  private static final int MAX_MAP_RECORD = 1024;

  private static final byte[] KEY_TREE_SIZE = "tree_size".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_CHECKPOINT = "checkpoint".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_ANCHORS = "anchors".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_MAP = "map".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_WITNESSED = "witnessed".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] KEY_ALGORITHMS =
      "algorithm-policy".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_DEVICE_ATTESTATION =
      "device-attestation-policy".getBytes(StandardCharsets.US_ASCII);

  /**
   * The protocol version whose log this store holds (docs/protocol.md section 1). Version 1 stores
   * have no such key; version 2 replaced version 1 outright, so they are refused, not misread.
   */
  private static final byte[] KEY_FORMAT = "format".getBytes(StandardCharsets.US_ASCII);

  /** The protocol version of the logs this code writes. */
  public static final int FORMAT = 2;

  /**
   * How the subject map is laid out in the map column (docs/design/0010-map-storage.md): absent in
   * stores of earlier builds, which kept one record per tree node and are refused, not misread.
   */
  private static final byte[] KEY_MAP_LAYOUT = "map-layout".getBytes(StandardCharsets.US_ASCII);

  /**
   * The map layout this code writes: one record per non-EMPTY bucket in the map column, leaf
   * records under a bucket prefix in a column of their own with prefix bloom filters (layout 4;
   * layout 2 kept leaves and groups of eight buckets in the map column, layout 3 never reached a
   * release).
   */
  public static final int MAP_LAYOUT = 4;

  private static final TickerType[] TICKERS = {
    TickerType.BLOCK_CACHE_HIT,
    TickerType.BLOCK_CACHE_MISS,
    TickerType.BLOOM_FILTER_USEFUL,
    TickerType.BYTES_WRITTEN,
    TickerType.BYTES_READ,
    TickerType.WAL_FILE_SYNCED,
    TickerType.WAL_FILE_BYTES,
    TickerType.COMPACT_READ_BYTES,
    TickerType.COMPACT_WRITE_BYTES,
    TickerType.FLUSH_WRITE_BYTES,
    TickerType.STALL_MICROS,
  };
  private static final String[] PROPERTIES = {
    "rocksdb.estimate-live-data-size",
    "rocksdb.total-sst-files-size",
    "rocksdb.cur-size-all-mem-tables",
    "rocksdb.block-cache-usage",
    "rocksdb.num-running-compactions",
    "rocksdb.estimate-pending-compaction-bytes",
  };

  /** The store's column families, in the order of its handles; "default" holds the metadata. */
  public static final List<String> COLUMN_FAMILIES =
      List.of(
          "default",
          "entries",
          "leaf_index",
          "nodes",
          "subjects",
          "subject_events",
          "tiles",
          "map",
          "map_leaves");

  private final Path directory;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> cfOptions;
  private final List<ColumnFamilyHandle> handles;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle entries;
  private final ColumnFamilyHandle leafIndex;
  private final ColumnFamilyHandle nodes;
  private final ColumnFamilyHandle subjects;
  private final ColumnFamilyHandle subjectEvents;
  private final ColumnFamilyHandle tiles;
  private final ColumnFamilyHandle mapNodes;
  private final ColumnFamilyHandle mapLeaves;
  private final LRUCache blockCache;
  private final BloomFilter bloom;
  private final Statistics statistics;
  private final WriteOptions syncWrite;
  private final ReadOptions cacheOnly;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private volatile long treeSize;
  private volatile byte[] checkpoint;
  private volatile byte[] anchorRegistry;

  private RocksDbLogStore(
      Path directory,
      RocksDB db,
      DBOptions dbOptions,
      List<ColumnFamilyOptions> cfOptions,
      List<ColumnFamilyHandle> handles,
      LRUCache blockCache,
      BloomFilter bloom,
      Statistics statistics) {
    this.directory = directory;
    this.db = db;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.handles = handles;
    this.meta = handles.get(0);
    this.entries = handles.get(1);
    this.leafIndex = handles.get(2);
    this.nodes = handles.get(3);
    this.subjects = handles.get(4);
    this.subjectEvents = handles.get(5);
    this.tiles = handles.get(6);
    this.mapNodes = handles.get(7);
    this.mapLeaves = handles.get(8);
    this.blockCache = blockCache;
    this.bloom = bloom;
    this.statistics = statistics;
    this.syncWrite = new WriteOptions().setSync(true);
    this.cacheOnly = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);
  }

  /** Opens (creating if needed) the store in {@code directory} with default settings. */
  public static RocksDbLogStore open(Path directory) {
    return open(directory, Settings.defaults());
  }

  /**
   * Opens (creating if needed) the store in {@code directory}.
   *
   * @throws StorageException if the directory cannot be created or the database cannot be opened
   *     (for example because another process holds its lock)
   */
  public static RocksDbLogStore open(Path directory, Settings settings) {
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new StorageException("cannot create store directory " + directory, e);
    }
    // Half the cache is a high-priority pool that index and filter blocks are inserted into, so a
    // stream of random data-block reads (proofs, point lookups) cannot evict them: losing them
    // turns every lookup into several block reads.
    LRUCache cache = new LRUCache(settings.blockCacheBytes(), -1, false, 0.5);
    BloomFilter bloom = new BloomFilter(10, false);
    Statistics stats = null;
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setBytesPerSync(1L << 20)
            .setWalBytesPerSync(0)
            // Bounds how much write-ahead log a restart has to replay.
            .setMaxTotalWalSize(64L << 20)
            .setKeepLogFileNum(5);
    if (settings.statistics()) {
      stats = new Statistics();
      stats.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
      dbOptions.setStatistics(stats);
    }
    List<String> names = COLUMN_FAMILIES;
    // Hashes do not compress; entries and states carry some structure.
    boolean[] compress = {false, true, false, false, true, false, false, false, false};
    int leavesColumn = 8;
    List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      boolean leaves = i == leavesColumn;
      BlockBasedTableConfig table =
          new BlockBasedTableConfig()
              .setBlockCache(cache)
              .setFilterPolicy(bloom)
              .setCacheIndexAndFilterBlocks(true)
              .setCacheIndexAndFilterBlocksWithHighPriority(true)
              .setPinL0FilterAndIndexBlocksInCache(true)
              .setPinTopLevelIndexAndFilter(true)
              .setBlockSize(leaves ? 4 << 10 : 8 << 10);
      ColumnFamilyOptions cfo =
          new ColumnFamilyOptions()
              .setWriteBufferSize(settings.writeBufferBytes())
              .setMaxWriteBufferNumber(3)
              .setLevelCompactionDynamicLevelBytes(true)
              .setCompressionType(
                  compress[i] ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION);
      if (leaves) {
        // The map's bucket reads are range scans within one bucket prefix: filters over prefixes
        // (not whole keys, which nothing looks up) let a scan skip every memtable and file that
        // has no leaf of the bucket, and the last level, which has nearly every bucket, needs none.
        table.setWholeKeyFiltering(false);
        cfo.useFixedLengthPrefixExtractor(MAP_LEAF_PREFIX)
            .setMemtablePrefixBloomSizeRatio(0.1)
            .setOptimizeFiltersForHits(true)
            // Leaves land at random keys, so every compaction out of level 0 rewrites the whole
            // next level: let more files gather first. Scans skip level-0 files without the
            // bucket by their prefix filters, so more of them cost little.
            .setLevel0FileNumCompactionTrigger(16)
            .setLevel0SlowdownWritesTrigger(32)
            .setLevel0StopWritesTrigger(48);
      }
      cfo.setTableFormatConfig(table);
      cfOptions.add(cfo);
      descriptors.add(
          new ColumnFamilyDescriptor(names.get(i).getBytes(StandardCharsets.US_ASCII), cfo));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      for (ColumnFamilyOptions o : cfOptions) {
        o.close();
      }
      dbOptions.close();
      if (stats != null) {
        stats.close();
      }
      bloom.close();
      cache.close();
      throw new StorageException(openFailure(directory, e), e);
    }
    RocksDbLogStore store =
        new RocksDbLogStore(directory, db, dbOptions, cfOptions, handles, cache, bloom, stats);
    try {
      store.loadMeta();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void loadMeta() {
    try {
      byte[] size = db.get(meta, KEY_TREE_SIZE);
      treeSize = size == null ? 0 : getLong(size, 0);
      checkpoint = db.get(meta, KEY_CHECKPOINT);
      anchorRegistry = db.get(meta, KEY_ANCHORS);
    } catch (RocksDBException e) {
      throw new StorageException("cannot read store metadata in " + directory, e);
    }
    if (treeSize > 0 && checkpoint == null) {
      throw new StorageException(
          "store in " + directory + " has " + treeSize + " entries but no checkpoint");
    }
    checkFormat();
  }

  private void checkFormat() {
    byte[] format;
    try {
      format = db.get(meta, KEY_FORMAT);
      if (format == null && treeSize == 0 && checkpoint == null) {
        // A new store: mark it before anything else is written.
        try (WriteBatch wb = new WriteBatch()) {
          wb.put(meta, KEY_FORMAT, new byte[] {(byte) FORMAT});
          wb.put(meta, KEY_MAP_LAYOUT, new byte[] {(byte) MAP_LAYOUT});
          db.write(syncWrite, wb);
        }
        return;
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read store metadata in " + directory, e);
    }
    if (format == null) {
      throw new StorageException(
          "store in "
              + directory
              + " holds a log of protocol version 1 ("
              + treeSize
              + " entries); this server speaks only version "
              + FORMAT
              + ", which replaced version 1 outright and cannot read it. Keep that directory"
              + " for the version 1 server and start this one with an empty data directory"
              + " (docs/operations.md, \"Upgrading from version 1\")");
    }
    if (format.length != 1 || format[0] != FORMAT) {
      throw new StorageException(
          "store in "
              + directory
              + " holds a log of an unknown format "
              + HexFormat.of().formatHex(format)
              + "; this server reads only format "
              + FORMAT);
    }
    byte[] layout;
    try {
      layout = db.get(meta, KEY_MAP_LAYOUT);
      if (layout == null && treeSize == 0) {
        // No map yet: an empty log of an earlier build can take this layout.
        db.put(meta, syncWrite, KEY_MAP_LAYOUT, new byte[] {(byte) MAP_LAYOUT});
        return;
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read store metadata in " + directory, e);
    }
    if (layout == null) {
      throw new StorageException(
          "store in "
              + directory
              + " holds a version 2 log of "
              + treeSize
              + " entries whose subject map an earlier build stored as one record per tree node;"
              + " this build stores it in buckets (docs/design/0010-map-storage.md) and cannot"
              + " read the old layout. Start this build with an empty data directory, or keep the"
              + " earlier build for that directory");
    }
    if (layout.length == 1 && layout[0] == 2) {
      throw new StorageException(
          "store in "
              + directory
              + " holds a version 2 log of "
              + treeSize
              + " entries whose subject map an earlier build laid out as layout 2 (leaf records in"
              + " the map column); this build keeps them under bucket prefixes in a column of"
              + " their own (layout "
              + MAP_LAYOUT
              + ", docs/design/0010-map-storage.md) and cannot read the old layout. Start this"
              + " build with an empty data directory, or keep the earlier build for that"
              + " directory");
    }
    if (layout.length != 1 || layout[0] != MAP_LAYOUT) {
      throw new StorageException(
          "store in "
              + directory
              + " holds a subject map of an unknown layout "
              + HexFormat.of().formatHex(layout)
              + "; this server reads only layout "
              + MAP_LAYOUT);
    }
  }

  @Override
  public long treeSize() {
    return treeSize;
  }

  @Override
  public byte[] checkpoint() {
    byte[] c = checkpoint;
    return c == null ? null : c.clone();
  }

  @Override
  public byte[] entry(long index) {
    if (index < 0 || index >= treeSize) {
      return null;
    }
    return read(entries, longKey(index), "entry " + index);
  }

  @Override
  public List<byte[]> entries(long start, long end) {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad entry range [" + start + ", " + end + ")");
    }
    long stop = Math.min(end, treeSize);
    List<byte[]> out = new ArrayList<>((int) Math.max(0, Math.min(stop - start, 4096)));
    if (stop <= start) {
      return out;
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      try (Slice upper = new Slice(longKey(stop));
          ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
          RocksIterator it = db.newIterator(entries, ro)) {
        long expect = start;
        for (it.seek(longKey(start)); it.isValid(); it.next()) {
          if (getLong(it.key(), 0) != expect) {
            break;
          }
          out.add(it.value());
          expect++;
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read entries [" + start + ", " + stop + ")", e);
    } finally {
      lifecycle.readLock().unlock();
    }
    return out;
  }

  @Override
  public long leafIndex(Hash leafHash) {
    byte[] key = new byte[Hash.SIZE];
    leafHash.copyTo(key, 0);
    byte[] v = read(leafIndex, key, "leaf index of ", leafHash);
    return v == null ? -1 : getLong(v, 0);
  }

  @Override
  public Hash node(int level, long index) {
    byte[] out = new byte[Hash.SIZE];
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      int n = db.get(nodes, nodeKey(level, index), out);
      if (n == RocksDB.NOT_FOUND) {
        return null;
      }
      if (n != Hash.SIZE) {
        throw new StorageException(
            "node (" + level + ", " + index + ") has " + n + " bytes, expected " + Hash.SIZE);
      }
      return Hash.of(out);
    } catch (RocksDBException e) {
      throw new StorageException("cannot read node (" + level + ", " + index + ")", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public Hash[] nodes(int[] levels, long[] indexes) {
    return multiGetNodes(levels, indexes, null);
  }

  @Override
  public Hash[] nodesIfCached(int[] levels, long[] indexes) {
    if (levels.length != indexes.length) {
      throw new IllegalArgumentException(
          levels.length + " levels but " + indexes.length + " indexes");
    }
    Hash[] out = new Hash[levels.length];
    byte[] value = new byte[Hash.SIZE];
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      // One get each: multiGet does not honour the cache-only read tier (it reads the files).
      for (int i = 0; i < levels.length; i++) {
        if (db.get(nodes, cacheOnly, nodeKey(levels[i], indexes[i]), value) != Hash.SIZE) {
          return null;
        }
        out[i] = Hash.of(value);
      }
      return out;
    } catch (RocksDBException e) {
      // Incomplete: a block is not in memory.
      return null;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public byte[] fullTileIfCached(long index) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return db.get(tiles, cacheOnly, longKey(index));
    } catch (RocksDBException e) {
      // Incomplete: the block is not in memory.
      return null;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private Hash[] multiGetNodes(int[] levels, long[] indexes, ReadOptions options) {
    if (levels.length != indexes.length) {
      throw new IllegalArgumentException(
          levels.length + " levels but " + indexes.length + " indexes");
    }
    Hash[] out = new Hash[levels.length];
    if (levels.length == 0) {
      return out;
    }
    List<ColumnFamilyHandle> cfs = new ArrayList<>(levels.length);
    List<byte[]> keys = new ArrayList<>(levels.length);
    for (int i = 0; i < levels.length; i++) {
      cfs.add(nodes);
      keys.add(nodeKey(levels[i], indexes[i]));
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      List<byte[]> vs =
          options == null ? db.multiGetAsList(cfs, keys) : db.multiGetAsList(options, cfs, keys);
      for (int i = 0; i < out.length; i++) {
        byte[] v = vs.get(i);
        if (v != null) {
          if (v.length != Hash.SIZE) {
            throw new StorageException(
                "node (" + levels[i] + ", " + indexes[i] + ") has " + v.length + " bytes");
          }
          out[i] = Hash.of(v);
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw new StorageException("cannot read " + levels.length + " nodes", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public int nodes(int level, long start, int count, byte[] dst) {
    if (count < 0 || dst.length < (long) count * Hash.SIZE) {
      throw new IllegalArgumentException(
          "need " + count + " * 32 bytes of room, have " + dst.length);
    }
    if (count == 0) {
      return 0;
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      try (Slice upper = new Slice(nodeKey(level, start + count));
          ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
          RocksIterator it = db.newIterator(nodes, ro)) {
        int copied = 0;
        for (it.seek(nodeKey(level, start)); it.isValid() && copied < count; it.next()) {
          byte[] k = it.key();
          if (k[0] != level || getLong(k, 1) != start + copied) {
            break;
          }
          byte[] v = it.value();
          if (v.length != Hash.SIZE) {
            throw new StorageException(
                "node (" + level + ", " + (start + copied) + ") has " + v.length + " bytes");
          }
          System.arraycopy(v, 0, dst, copied * Hash.SIZE, Hash.SIZE);
          copied++;
        }
        it.status();
        return copied;
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read nodes at level " + level + " from " + start, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public byte[] fullTile(long index) {
    if (index < 0) {
      return null;
    }
    return read(tiles, longKey(index), "full tile " + index);
  }

  @Override
  public void forEachFullTile(FullTileVisitor visitor) {
    scan(tiles, (k, v) -> visitor.visit(getLong(k, 0), v), "full tiles");
  }

  @Override
  public byte[] mapState() {
    return read(meta, KEY_MAP, "map state");
  }

  @Override
  public byte[] witnessedCheckpoint() {
    return read(meta, KEY_WITNESSED, "witnessed checkpoint");
  }

  @Override
  public void putWitnessedCheckpoint(byte[] note) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      db.put(meta, KEY_WITNESSED, java.util.Objects.requireNonNull(note, "note"));
    } catch (RocksDBException e) {
      throw new StorageException("cannot store the witnessed checkpoint", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public byte[] deviceAttestationPolicy() {
    return read(meta, KEY_DEVICE_ATTESTATION, "device attestation policy");
  }

  @Override
  public void putDeviceAttestationPolicy(byte[] json) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      db.put(
          meta, syncWrite, KEY_DEVICE_ATTESTATION, java.util.Objects.requireNonNull(json, "json"));
    } catch (RocksDBException e) {
      throw new StorageException("cannot store the device attestation policy", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public byte[] algorithmPolicy() {
    return read(meta, KEY_ALGORITHMS, "algorithm policy");
  }

  @Override
  public void putAlgorithmPolicy(byte[] json) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      db.put(meta, syncWrite, KEY_ALGORITHMS, java.util.Objects.requireNonNull(json, "json"));
    } catch (RocksDBException e) {
      throw new StorageException("cannot store the algorithm policy", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public void scanMap(List<KeyRange> ranges, MapRecordVisitor visitor) {
    scanColumn(mapNodes, null, ranges, visitor);
  }

  @Override
  public void scanMapLeaves(List<KeyRange> ranges, MapRecordVisitor visitor) {
    scanColumn(mapLeaves, null, ranges, visitor);
  }

  /** A scan of a map column, as of {@code snapshot} or (null) the latest state. */
  private void scanColumn(
      ColumnFamilyHandle cf,
      org.rocksdb.Snapshot snapshot,
      List<KeyRange> ranges,
      MapRecordVisitor visitor) {
    lifecycle.readLock().lock();
    // Ranges within one bucket prefix read with prefix bloom filters (prefix_same_as_start),
    // others in total order: two iterators, each made when first needed.
    try (ReadOptions prefixed = new ReadOptions().setPrefixSameAsStart(true);
        ReadOptions total = new ReadOptions().setTotalOrderSeek(true)) {
      ensureOpen();
      if (snapshot != null) {
        prefixed.setSnapshot(snapshot);
        total.setSnapshot(snapshot);
      }
      scanRanges(cf, cf == mapLeaves ? prefixed : null, total, ranges, visitor);
    } catch (RocksDBException e) {
      throw new StorageException(
          "cannot read the subject map" + (snapshot != null ? " from a snapshot" : ""), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * A seek per range, then next until the range ends; ranges within a {@link #MAP_LEAF_PREFIX}
   * prefix on the {@code prefixed} iterator when one is given, the rest on the {@code total} one.
   */
  private void scanRanges(
      ColumnFamilyHandle cf,
      ReadOptions prefixed,
      ReadOptions total,
      List<KeyRange> ranges,
      MapRecordVisitor visitor)
      throws RocksDBException {
    // Keys and values are copied out through direct buffers: one JNI copy each instead of a new
    // Java array made on the native side. Map records are small (MAX_MAP_RECORD).
    ByteBuffer kb = ByteBuffer.allocateDirect(MAX_MAP_RECORD);
    ByteBuffer vb = ByteBuffer.allocateDirect(MAX_MAP_RECORD);
    RocksIterator byPrefix = null;
    RocksIterator inOrder = null;
    try {
      for (int r = 0; r < ranges.size(); r++) {
        KeyRange range = ranges.get(r);
        RocksIterator it;
        if (prefixed != null && range.withinPrefix(MAP_LEAF_PREFIX)) {
          it = byPrefix != null ? byPrefix : (byPrefix = db.newIterator(cf, prefixed));
        } else {
          it = inOrder != null ? inOrder : (inOrder = db.newIterator(cf, total));
        }
        for (it.seek(range.from()); it.isValid(); it.next()) {
          kb.clear();
          int kn = it.key(kb);
          if (kn > MAX_MAP_RECORD) {
            throw new StorageException("a subject map key of " + kn + " bytes is stored");
          }
          byte[] k = new byte[kn];
          kb.get(k);
          if (Arrays.compareUnsigned(k, range.to()) >= 0) {
            break;
          }
          vb.clear();
          int vn = it.value(vb);
          if (vn > MAX_MAP_RECORD) {
            throw new StorageException("a subject map record of " + vn + " bytes is stored");
          }
          byte[] v = new byte[vn];
          vb.get(v);
          if (!visitor.visit(r, k, v)) {
            break;
          }
        }
        it.status();
      }
    } finally {
      if (byPrefix != null) {
        byPrefix.close();
      }
      if (inOrder != null) {
        inOrder.close();
      }
    }
  }

  @Override
  public Snapshot snapshot() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return new RocksSnapshot(db.getSnapshot());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** A RocksDB snapshot; each read takes the store's read lock, so a closed store refuses it. */
  private final class RocksSnapshot implements Snapshot {
    private final org.rocksdb.Snapshot snapshot;
    private final ReadOptions options;
    private boolean released;

    RocksSnapshot(org.rocksdb.Snapshot snapshot) {
      this.snapshot = snapshot;
      this.options = new ReadOptions().setSnapshot(snapshot);
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key, String what) {
      lifecycle.readLock().lock();
      try {
        ensureOpen();
        return db.get(cf, options, key);
      } catch (RocksDBException e) {
        throw new StorageException("cannot read " + what + " from a snapshot", e);
      } finally {
        lifecycle.readLock().unlock();
      }
    }

    @Override
    public byte[] checkpoint() {
      return get(meta, KEY_CHECKPOINT, "checkpoint");
    }

    @Override
    public byte[] subjectState(Hash subject) {
      return get(subjects, subject.toByteArray(), "state of subject " + subject);
    }

    @Override
    public byte[] anchorRegistry() {
      return get(meta, KEY_ANCHORS, "anchor registry");
    }

    @Override
    public byte[] mapState() {
      return get(meta, KEY_MAP, "map state");
    }

    @Override
    public void scanMap(List<KeyRange> ranges, MapRecordVisitor visitor) {
      scanColumn(mapNodes, snapshot, ranges, visitor);
    }

    @Override
    public void scanMapLeaves(List<KeyRange> ranges, MapRecordVisitor visitor) {
      scanColumn(mapLeaves, snapshot, ranges, visitor);
    }

    @Override
    public synchronized void close() {
      if (released) {
        return;
      }
      released = true;
      lifecycle.readLock().lock();
      try {
        if (!closed) {
          db.releaseSnapshot(snapshot);
        }
        options.close();
      } finally {
        lifecycle.readLock().unlock();
      }
    }
  }

  @Override
  public byte[] subjectState(Hash subject) {
    byte[] key = new byte[Hash.SIZE];
    subject.copyTo(key, 0);
    return read(subjects, key, "state of subject ", subject);
  }

  @Override
  public List<AppendBatch.SubjectEvent> subjectEvents(Hash subject, long fromSequence, int limit) {
    List<AppendBatch.SubjectEvent> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    byte[] prefix = new byte[Hash.SIZE];
    subject.copyTo(prefix, 0);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      byte[] from = subjectEventKey(prefix, Math.max(0, fromSequence));
      byte[] upperKey = successor(prefix);
      try (Slice upper = upperKey == null ? null : new Slice(upperKey);
          ReadOptions ro = new ReadOptions();
          RocksIterator it = newBoundedIterator(subjectEvents, ro, upper)) {
        for (it.seek(from); it.isValid() && out.size() < limit; it.next()) {
          byte[] k = it.key();
          if (!Arrays.equals(k, 0, Hash.SIZE, prefix, 0, Hash.SIZE)) {
            break;
          }
          out.add(
              new AppendBatch.SubjectEvent(subject, getLong(k, Hash.SIZE), getLong(it.value(), 0)));
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read events of subject " + subject, e);
    } finally {
      lifecycle.readLock().unlock();
    }
    return out;
  }

  private RocksIterator newBoundedIterator(ColumnFamilyHandle cf, ReadOptions ro, Slice upper) {
    if (upper != null) {
      ro.setIterateUpperBound(upper);
    }
    return db.newIterator(cf, ro);
  }

  @Override
  public byte[] anchorRegistry() {
    byte[] a = anchorRegistry;
    return a == null ? null : a.clone();
  }

  @Override
  public void append(AppendBatch batch) {
    if (batch.checkpoint() == null) {
      throw new IllegalArgumentException("batch has no checkpoint");
    }
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (batch.startIndex() != treeSize) {
        throw new IllegalArgumentException(
            "batch starts at leaf index "
                + batch.startIndex()
                + " but the store's tree size is "
                + treeSize);
      }
      checkNoOverwrite(batch);
      try (WriteBatch wb = new WriteBatch()) {
        List<byte[]> es = batch.entries();
        List<Hash> hs = batch.leafHashes();
        byte[] value8 = new byte[8];
        for (int i = 0; i < es.size(); i++) {
          long index = batch.startIndex() + i;
          byte[] key8 = longKey(index);
          wb.put(entries, key8, es.get(i));
          byte[] hk = new byte[Hash.SIZE];
          hs.get(i).copyTo(hk, 0);
          wb.put(leafIndex, hk, key8);
        }
        byte[] nk = new byte[9];
        byte[] nv = new byte[Hash.SIZE];
        for (AppendBatch.Node n : batch.nodes()) {
          fillNodeKey(nk, n.level(), n.index());
          n.hash().copyTo(nv, 0);
          wb.put(nodes, nk, nv);
        }
        for (AppendBatch.FullTile t : batch.fullTiles()) {
          wb.put(tiles, longKey(t.index()), t.hashes());
        }
        byte[] sk = new byte[Hash.SIZE];
        for (Map.Entry<Hash, byte[]> s : batch.subjectStates().entrySet()) {
          s.getKey().copyTo(sk, 0);
          wb.put(subjects, sk, s.getValue());
        }
        byte[] prefix = new byte[Hash.SIZE];
        for (AppendBatch.SubjectEvent e : batch.subjectEvents()) {
          e.subject().copyTo(prefix, 0);
          putLong(value8, 0, e.leafIndex());
          wb.put(subjectEvents, subjectEventKey(prefix, e.sequence()), value8);
        }
        if (batch.anchorRegistry() != null) {
          wb.put(meta, KEY_ANCHORS, batch.anchorRegistry());
        }
        for (byte[][] m : batch.mapRecords()) {
          wb.put(mapNodes, m[0], m[1]);
        }
        for (byte[][] m : batch.mapLeaves()) {
          wb.put(mapLeaves, m[0], m[1]);
        }
        if (batch.mapState() != null) {
          wb.put(meta, KEY_MAP, batch.mapState());
        }
        wb.put(meta, KEY_CHECKPOINT, batch.checkpoint());
        wb.put(meta, KEY_TREE_SIZE, longKey(batch.endIndex()));
        db.write(syncWrite, wb);
      }
      if (batch.anchorRegistry() != null) {
        anchorRegistry = batch.anchorRegistry().clone();
      }
      checkpoint = batch.checkpoint().clone();
      treeSize = batch.endIndex();
    } catch (RocksDBException e) {
      throw new StorageException(
          "cannot write batch of "
              + batch.size()
              + " entries at leaf index "
              + batch.startIndex()
              + ": "
              + e.getMessage(),
          e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * The immutable-history half of the contract, enforced whatever the caller checked: every row of
   * the batch is new. Positional rows (nodes, full tiles) must cover the batch's new leaves, which
   * is arithmetic; rows keyed by content must not repeat within the batch, and subject event rows
   * must not be stored yet.
   */
  private void checkNoOverwrite(AppendBatch batch) throws RocksDBException {
    long start = batch.startIndex();
    long end = batch.endIndex();
    for (AppendBatch.Node n : batch.nodes()) {
      if (!coversNewLeaves(n.level(), n.index(), start, end)) {
        throw new IllegalArgumentException(
            "batch of leaves ["
                + start
                + ", "
                + end
                + ") would overwrite node ("
                + n.level()
                + ", "
                + n.index()
                + "), which does not end among its leaves");
      }
    }
    for (AppendBatch.FullTile t : batch.fullTiles()) {
      if (!coversNewLeaves(8, t.index(), start, end)) {
        throw new IllegalArgumentException(
            "batch of leaves [" + start + ", " + end + ") cannot complete full tile " + t.index());
      }
    }
    // Leaf hashes: none twice in the batch. Whether one is stored already is the integrator's
    // duplicate check (a store lookup or its recent-writes window, per event); probing again here
    // would add a RocksDB lookup per event to the single writer thread for no new guarantee.
    List<Hash> hs = batch.leafHashes();
    java.util.Set<Hash> seen = new java.util.HashSet<>(hs.size() * 2);
    for (int i = 0; i < hs.size(); i++) {
      if (!seen.add(hs.get(i))) {
        throw leafRowOverwrite(hs.get(i), start + i);
      }
    }
    // Subject event rows: none twice in the batch, none stored already. This is the index that
    // derived state (a subject's next sequence number) points into, so a stale or wrong state
    // would overwrite here: worth one existence probe per event (memtables and bloom filters,
    // a few microseconds; docs/benchmarks.md).
    java.util.Set<AppendBatch.SubjectEvent> seenRows = new java.util.HashSet<>(hs.size() * 2);
    byte[] prefix = new byte[Hash.SIZE];
    for (AppendBatch.SubjectEvent e : batch.subjectEvents()) {
      e.subject().copyTo(prefix, 0);
      byte[] key = subjectEventKey(prefix, e.sequence());
      if (!seenRows.add(new AppendBatch.SubjectEvent(e.subject(), e.sequence(), 0))
          || (db.keyMayExist(subjectEvents, key, null) && db.get(subjectEvents, key) != null)) {
        throw subjectRowOverwrite(e);
      }
    }
  }

  private static IllegalArgumentException leafRowOverwrite(Hash leafHash, long leafIndex) {
    return new IllegalArgumentException(
        "batch would overwrite the leaf index row of leaf hash "
            + leafHash
            + " with leaf "
            + leafIndex);
  }

  private static IllegalArgumentException subjectRowOverwrite(AppendBatch.SubjectEvent e) {
    return new IllegalArgumentException(
        "leaf "
            + e.leafIndex()
            + " would overwrite the subject event row ("
            + e.subject()
            + ", "
            + e.sequence()
            + ")");
  }

  /** Whether the complete subtree ({@code level}, {@code index}) ends within [start, end). */
  private static boolean coversNewLeaves(int level, long index, long start, long end) {
    if (index > (Long.MAX_VALUE >>> level) - 1) {
      return false;
    }
    long last = ((index + 1) << level) - 1;
    return last >= start && last < end;
  }

  @Override
  public void forEachNode(NodeVisitor visitor) {
    scan(nodes, (k, v) -> visitor.visit(k[0], getLong(k, 1), Hash.of(v)), "nodes");
  }

  @Override
  public void forEachLeafIndex(LeafIndexVisitor visitor) {
    scan(leafIndex, (k, v) -> visitor.visit(Hash.of(k), getLong(v, 0)), "leaf index");
  }

  @Override
  public void forEachSubjectEvent(SubjectEventVisitor visitor) {
    scan(
        subjectEvents,
        (k, v) ->
            visitor.visit(
                new AppendBatch.SubjectEvent(
                    Hash.of(Arrays.copyOf(k, Hash.SIZE)), getLong(k, Hash.SIZE), getLong(v, 0))),
        "subject events");
  }

  @Override
  public void forEachSubjectState(SubjectStateVisitor visitor) {
    scan(subjects, (k, v) -> visitor.visit(Hash.of(k), v), "subject states");
  }

  @Override
  public long countEntries() {
    long[] count = {0};
    scan(entries, (k, v) -> count[0]++, "entries");
    return count[0];
  }

  private interface RowVisitor {
    void visit(byte[] key, byte[] value);
  }

  private void scan(ColumnFamilyHandle cf, RowVisitor visitor, String what) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      try (ReadOptions ro = new ReadOptions().setFillCache(false);
          RocksIterator it = db.newIterator(cf, ro)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          visitor.visit(it.key(), it.value());
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot scan " + what, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public Map<String, Double> statistics() {
    Map<String, Double> out = new LinkedHashMap<>();
    lifecycle.readLock().lock();
    try {
      if (closed) {
        return out;
      }
      if (statistics != null) {
        for (TickerType t : TICKERS) {
          out.put(
              t.name().toLowerCase(java.util.Locale.ROOT), (double) statistics.getTickerCount(t));
        }
      }
      for (String p : PROPERTIES) {
        try {
          out.put(
              p.substring("rocksdb.".length()).replace('-', '_'),
              (double) db.getAggregatedLongProperty(p));
        } catch (RocksDBException e) {
          // A property this RocksDB build does not know: leave it out.
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    return out;
  }

  /**
   * Seconds of CPU that compactions of each column family have used since the store was opened
   * (RocksDB's {@code CompMergeCPU}), by column name; for the bench tools and operators working out
   * where background work goes.
   */
  public Map<String, Double> compactionCpuSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    lifecycle.readLock().lock();
    try {
      if (closed) {
        return out;
      }
      for (ColumnFamilyHandle h : handles) {
        try {
          Map<String, String> stats = db.getMapProperty(h, "rocksdb.cfstats");
          String v = stats.get("compaction.Sum.CompMergeCPU");
          out.put(
              new String(h.getName(), StandardCharsets.US_ASCII),
              v == null ? 0.0 : Double.parseDouble(v));
        } catch (RocksDBException | NumberFormatException e) {
          // A property this RocksDB build does not give: leave the column out.
        }
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    return out;
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
        db.flush(fo, handles);
      } catch (RocksDBException e) {
        // Everything appended is already in the synced write-ahead log; a failed flush only means
        // the next open replays it.
      }
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      db.close();
      syncWrite.close();
      cacheOnly.close();
      for (ColumnFamilyOptions o : cfOptions) {
        o.close();
      }
      dbOptions.close();
      if (statistics != null) {
        statistics.close();
      }
      bloom.close();
      blockCache.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "RocksDbLogStore[" + directory + ", treeSize=" + treeSize + "]";
  }

  private byte[] read(ColumnFamilyHandle cf, byte[] key, String what) {
    return read(cf, key, what, "");
  }

  /** As above, naming {@code what} followed by {@code id} (text made only on failure). */
  private byte[] read(ColumnFamilyHandle cf, byte[] key, String what, Object id) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException("cannot read " + what + id, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("store in " + directory + " is closed");
    }
  }

  private static byte[] longKey(long v) {
    byte[] b = new byte[8];
    putLong(b, 0, v);
    return b;
  }

  private static byte[] nodeKey(int level, long index) {
    byte[] b = new byte[9];
    fillNodeKey(b, level, index);
    return b;
  }

  private static void fillNodeKey(byte[] b, int level, long index) {
    b[0] = (byte) level;
    putLong(b, 1, index);
  }

  private static byte[] subjectEventKey(byte[] subject, long sequence) {
    byte[] b = Arrays.copyOf(subject, Hash.SIZE + 8);
    putLong(b, Hash.SIZE, sequence);
    return b;
  }

  /** The smallest key greater than every key starting with {@code prefix}, or null if none. */
  private static byte[] successor(byte[] prefix) {
    byte[] b = prefix.clone();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return Arrays.copyOf(b, i + 1);
      }
    }
    return null;
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  /**
   * What to tell the operator when the store does not open. RocksDB's own message for a held lock
   * ("While lock file: .../LOCK: Resource temporarily unavailable") does not say what to do.
   */
  static String openFailure(Path directory, RocksDBException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("lock file") || m.contains("LOCK")) {
      return "cannot open RocksDB store in "
          + directory
          + ": another process holds its lock (a log server running on this data directory?"
          + " stop it first, or work on a copy of the directory)";
    }
    return "cannot open RocksDB store in " + directory + ": " + m;
  }
}
