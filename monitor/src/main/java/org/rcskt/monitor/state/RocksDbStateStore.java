package org.rcskt.monitor.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertOutbox;
import org.rcskt.verifier.Hash;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The monitor's state in one RocksDB database. Reads are thread-safe; {@link Commit}s are applied
 * one at a time, each atomically and synced before {@link Commit#commit()} returns.
 *
 * <p>Keys start with one byte naming the record type; per-log records continue with the origin
 * (which never contains a NUL byte) and a NUL.
 */
public final class RocksDbStateStore implements AlertOutbox, AutoCloseable {
  private static final byte CHECKPOINT = 'C';
  private static final byte PROGRESS = 'P';
  private static final byte SUBJECT = 'S';
  private static final byte LOG_META = 'L';
  private static final byte BUNDLE = 'B';
  private static final byte JOURNAL = 'J';
  private static final byte OUTBOX = 'O';
  private static final byte META = 'M';
  private static final byte PHONE_INDEX = 'I';
  private static final byte MAP_NODE = 'N';

  private static final byte[] ALERT_SEQ = meta("alert-seq");

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;
  private final WriteOptions sync;
  private final ReentrantLock commitLock = new ReentrantLock();
  private volatile List<String> sinks = List.of();
  private long alertSeq;

  private RocksDbStateStore(Options options, RocksDB db) throws RocksDBException {
    this.options = options;
    this.db = db;
    this.sync = new WriteOptions().setSync(true);
    byte[] s = db.get(ALERT_SEQ);
    this.alertSeq = s == null ? 0 : ByteBuffer.wrap(s).getLong();
  }

  /**
   * Opens (creating if needed) the database in {@code dir}.
   *
   * @throws IOException if RocksDB cannot open it (for example another monitor holds its lock)
   */
  public static RocksDbStateStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Options options =
        new Options()
            .setCreateIfMissing(true)
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setKeepLogFileNum(4);
    try {
      return new RocksDbStateStore(options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException e) {
      options.close();
      throw new IOException("opening monitor state in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Names the sinks every newly raised alert is queued for, and drops the queues of sinks no longer
   * configured.
   */
  public void useSinks(Collection<String> names) throws IOException {
    List<String> list = List.copyOf(names);
    Set<String> keep = new HashSet<>(list);
    commitLock.lock();
    try (WriteBatch wb = new WriteBatch();
        RocksIterator it = db.newIterator()) {
      byte[] prefix = {OUTBOX};
      for (it.seek(prefix); it.isValid() && it.key()[0] == OUTBOX; it.next()) {
        byte[] k = it.key();
        String sink = new String(k, 1, k.length - 1 - 1 - Long.BYTES, StandardCharsets.UTF_8);
        if (!keep.contains(sink)) {
          wb.delete(k);
        }
      }
      db.write(sync, wb);
      this.sinks = list;
    } catch (RocksDBException e) {
      throw io("dropping queues of removed sinks", e);
    } finally {
      commitLock.unlock();
    }
  }

  // ---- per-log records

  /** The raw signed note of the last verified checkpoint of {@code origin}, or null. */
  public byte[] checkpoint(String origin) throws IOException {
    return get(logKey(CHECKPOINT, origin));
  }

  /** The encoded follow progress of {@code origin}, or null. */
  public byte[] progress(String origin) throws IOException {
    return get(logKey(PROGRESS, origin));
  }

  /** A per-log named value, or null (the pinned policy key, the anchor registry, ...). */
  public byte[] logMeta(String origin, String name) throws IOException {
    return get(logKey(LOG_META, origin, name.getBytes(StandardCharsets.UTF_8)));
  }

  /** The encoded state of {@code subject} in {@code origin}'s log, or null if never seen. */
  public byte[] subject(String origin, Hash subject) throws IOException {
    return get(subjectKey(origin, subject));
  }

  /**
   * The phone index recorded under {@code lookupKey} for {@code origin}'s log, or null. The key is
   * a digest the caller derives from the number and the log's VRF key (never the number itself);
   * the value is what the caller stored, the index with the proof that verified it.
   */
  public byte[] phoneIndex(String origin, Hash lookupKey) throws IOException {
    return get(phoneIndexKey(origin, lookupKey));
  }

  /**
   * The record of the monitor's map of {@code origin} at node key {@code encodedKey} (protocol
   * 16.4), or null for an EMPTY position.
   */
  public byte[] mapNode(String origin, byte[] encodedKey) throws IOException {
    return get(logKey(MAP_NODE, origin, encodedKey));
  }

  /** The digest recorded for entry bundle {@code bundle} of {@code origin}, or null. */
  public byte[] bundleDigest(String origin, long bundle) throws IOException {
    return get(bundleKey(origin, bundle));
  }

  /** Whether an alert with {@code id} was ever committed. */
  public boolean alertRaised(String id) throws IOException {
    return get(journalKey(id)) != null;
  }

  /** The number of alerts ever committed. */
  public long alertCount() {
    commitLock.lock();
    try {
      return alertSeq;
    } finally {
      commitLock.unlock();
    }
  }

  /** Starts an atomic change. */
  public Commit begin() {
    return new Commit();
  }

  /**
   * One atomic change: per-log records, subject states, bundle digests and alerts, written together
   * with sync. Not thread-safe; use it from one thread and close it.
   */
  public final class Commit implements AutoCloseable {
    private final WriteBatch wb = new WriteBatch();
    private final Map<String, Alert> alerts = new LinkedHashMap<>();

    private Commit() {}

    public Commit checkpoint(String origin, byte[] rawNote) throws IOException {
      return put(logKey(CHECKPOINT, origin), rawNote);
    }

    public Commit progress(String origin, byte[] encoded) throws IOException {
      return put(logKey(PROGRESS, origin), encoded);
    }

    public Commit logMeta(String origin, String name, byte[] value) throws IOException {
      return put(logKey(LOG_META, origin, name.getBytes(StandardCharsets.UTF_8)), value);
    }

    public Commit subject(String origin, Hash subject, byte[] encoded) throws IOException {
      return put(subjectKey(origin, subject), encoded);
    }

    /** Records a verified phone index; see {@link RocksDbStateStore#phoneIndex}. */
    public Commit phoneIndex(String origin, Hash lookupKey, byte[] value) throws IOException {
      return put(phoneIndexKey(origin, lookupKey), value);
    }

    /** Writes a node record of the monitor's map of {@code origin}; see {@link #mapNode}. */
    public Commit mapNode(String origin, byte[] encodedKey, byte[] record) throws IOException {
      return put(logKey(MAP_NODE, origin, encodedKey), record);
    }

    public Commit bundleDigest(String origin, long bundle, byte[] digest) throws IOException {
      return put(bundleKey(origin, bundle), digest);
    }

    /**
     * Queues {@code alert} for every sink, unless an alert with the same id was committed before or
     * is already part of this commit.
     */
    public Commit raise(Alert alert) throws IOException {
      if (!alerts.containsKey(alert.id()) && !alertRaised(alert.id())) {
        alerts.put(alert.id(), alert);
      }
      return this;
    }

    private Commit put(byte[] key, byte[] value) throws IOException {
      try {
        wb.put(key, value);
      } catch (RocksDBException e) {
        throw io("staging a write", e);
      }
      return this;
    }

    /**
     * Writes everything atomically and durably.
     *
     * @return the alerts this commit raised, with their sequence numbers
     */
    public List<Alert> commit() throws IOException {
      commitLock.lock();
      try {
        List<Alert> raised = new ArrayList<>(alerts.size());
        long seq = alertSeq;
        for (Alert a : alerts.values()) {
          // Another commit may have raised the same id since raise() looked.
          if (alertRaised(a.id())) {
            continue;
          }
          Alert withSeq = a.withSeq(++seq);
          byte[] json = withSeq.toJsonBytes();
          wb.put(journalKey(a.id()), longBytes(seq));
          for (String sink : sinks) {
            wb.put(outboxKey(sink, seq), json);
          }
          raised.add(withSeq);
        }
        wb.put(ALERT_SEQ, longBytes(seq));
        db.write(sync, wb);
        alertSeq = seq;
        return raised;
      } catch (RocksDBException e) {
        throw io("committing monitor state", e);
      } finally {
        commitLock.unlock();
      }
    }

    @Override
    public void close() {
      wb.close();
    }
  }

  // ---- AlertOutbox

  @Override
  public List<Alert> pending(String sink, int max) throws IOException {
    byte[] prefix = outboxPrefix(sink);
    List<Alert> out = new ArrayList<>();
    try (ReadOptions ro = new ReadOptions();
        RocksIterator it = db.newIterator(ro)) {
      for (it.seek(prefix); it.isValid() && out.size() < max; it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, prefix)) {
          break;
        }
        out.add(Alert.fromJson(it.value()));
      }
    }
    return out;
  }

  @Override
  public void remove(String sink, long seq) throws IOException {
    try {
      db.delete(sync, outboxKey(sink, seq));
    } catch (RocksDBException e) {
      throw io("dequeuing alert " + seq + " for " + sink, e);
    }
  }

  @Override
  public long pendingCount(String sink) throws IOException {
    byte[] prefix = outboxPrefix(sink);
    long n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    sync.close();
    db.close();
    options.close();
  }

  // ---- keys

  private byte[] get(byte[] key) throws IOException {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw io("reading monitor state", e);
    }
  }

  private static byte[] logKey(byte type, String origin, byte[]... rest) {
    byte[] o = origin.getBytes(StandardCharsets.UTF_8);
    int len = 1 + o.length + 1;
    for (byte[] r : rest) {
      len += r.length;
    }
    ByteBuffer b = ByteBuffer.allocate(len).put(type).put(o).put((byte) 0);
    for (byte[] r : rest) {
      b.put(r);
    }
    return b.array();
  }

  private static byte[] subjectKey(String origin, Hash subject) {
    return logKey(SUBJECT, origin, subject.toByteArray());
  }

  private static byte[] phoneIndexKey(String origin, Hash lookupKey) {
    return logKey(PHONE_INDEX, origin, lookupKey.toByteArray());
  }

  private static byte[] bundleKey(String origin, long bundle) {
    return logKey(BUNDLE, origin, longBytes(bundle));
  }

  private static byte[] journalKey(String id) {
    byte[] i = id.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + i.length).put(JOURNAL).put(i).array();
  }

  private static byte[] outboxPrefix(String sink) {
    byte[] s = sink.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + s.length + 1).put(OUTBOX).put(s).put((byte) 0).array();
  }

  private static byte[] outboxKey(String sink, long seq) {
    byte[] p = outboxPrefix(sink);
    return ByteBuffer.allocate(p.length + Long.BYTES).put(p).putLong(seq).array();
  }

  private static byte[] meta(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + n.length).put(META).put(n).array();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static IOException io(String what, RocksDBException e) {
    return new IOException(what + " failed: " + e.getMessage(), e);
  }
}
