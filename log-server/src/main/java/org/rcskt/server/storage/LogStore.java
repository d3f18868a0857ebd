package org.rcskt.server.storage;

import java.util.List;
import java.util.Map;
import org.rcskt.verifier.Hash;

/**
 * Durable storage of one log.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li><b>Durable once it returns.</b> When {@link #append} returns normally, everything in the
 *       batch survives a process crash or power loss. When it throws, nothing of the batch is
 *       visible to later reads of this or a reopened store, or all of it is (a sync that failed
 *       after the data reached the disk): callers must reload their in-memory view from the store
 *       after a failed append instead of assuming either.
 *   <li><b>Atomic.</b> A batch is visible entirely or not at all; the tree size, the entries, the
 *       nodes and the checkpoint never disagree.
 *   <li><b>One writer, many readers.</b> {@link #append} is called by one thread at a time. Every
 *       read method is safe to call from any number of threads concurrently with each other and
 *       with {@code append}.
 *   <li><b>Not found is a value, not an exception.</b> Reads return {@code null} (objects), {@code
 *       -1} (indexes) or an empty or short list when the thing asked for is not stored. {@link
 *       StorageException} means the store itself failed.
 *   <li><b>Immutable history.</b> Entries, leaf index rows, nodes and subject event rows are never
 *       overwritten once written; only subject states, the anchor registry, the checkpoint and the
 *       tree size change.
 * </ul>
 */
public interface LogStore extends AutoCloseable {

  /** The number of entries stored; 0 for a new store. */
  long treeSize();

  /** The latest signed checkpoint as appended, or null when nothing has been appended yet. */
  byte[] checkpoint();

  /** The encoded entry at {@code leafIndex}, or null when {@code leafIndex >= treeSize()}. */
  byte[] entry(long leafIndex);

  /**
   * The encoded entries {@code start, start+1, ...} up to but excluding {@code end}, stopping early
   * at the tree size.
   *
   * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
   */
  List<byte[]> entries(long start, long end);

  /** The leaf index of the entry whose RFC 9162 leaf hash is {@code leafHash}, or -1. */
  long leafIndex(Hash leafHash);

  /** The hash of the complete subtree at ({@code level}, {@code index}), or null if not stored. */
  Hash node(int level, long index);

  /**
   * The hashes of the nodes ({@code levels[i]}, {@code indexes[i]}), looked up together (one round
   * trip to the storage engine); null entries for nodes not stored.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  Hash[] nodes(int[] levels, long[] indexes);

  /**
   * Like {@link #nodes(int[], long[])} but without any disk I/O: the hashes if every one of them
   * can be served from memory (memtables, caches), else null. Never blocks on I/O, so an event loop
   * may call it. Implementations without such a mode return null.
   */
  default Hash[] nodesIfCached(int[] levels, long[] indexes) {
    return null;
  }

  /**
   * Like {@link #fullTile} but without any disk I/O: null when the tile is not stored or not in
   * memory.
   */
  default byte[] fullTileIfCached(long index) {
    return null;
  }

  /**
   * Copies the hashes of up to {@code count} consecutive nodes at {@code level}, starting at {@code
   * start}, into {@code dst} (32 bytes each, from offset 0). Stops at the first node not stored.
   *
   * @return how many hashes were copied
   * @throws IllegalArgumentException if {@code dst} is shorter than {@code count * 32}
   */
  int nodes(int level, long start, int count, byte[] dst);

  /**
   * The packed full level-0 hash tile {@code index} (256 leaf hashes, 8192 bytes), or null when it
   * is not stored as one piece (then {@link #nodes} has the same hashes).
   */
  byte[] fullTile(long index);

  /** The encoded state of {@code subject}, or null when the subject has no events. */
  byte[] subjectState(Hash subject);

  /**
   * The subject's event index rows with sequence {@code >= fromSequence}, in sequence order, at
   * most {@code limit} of them.
   */
  List<AppendBatch.SubjectEvent> subjectEvents(Hash subject, long fromSequence, int limit);

  /** The encoded carrier anchor registry, or null when no ANCHOR event was ever logged. */
  byte[] anchorRegistry();

  /**
   * The subject map's state after the last batch: its root hash (32 bytes) then its subject count
   * (uint64), or null for a store that has no map yet (the empty map).
   */
  byte[] mapState();

  /** The newest witnessed checkpoint (the log's note with cosignatures), or null if none. */
  byte[] witnessedCheckpoint();

  /**
   * Keeps {@code note} as the newest witnessed checkpoint. Not synced: a witnessed checkpoint lost
   * to a crash is asked for again, and the log-signed checkpoints are what durability covers.
   */
  void putWitnessedCheckpoint(byte[] note);

  /**
   * The algorithm policy the log last ran with (its JSON form, {@code AlgorithmPolicyJson}), or
   * null if none was ever stored.
   */
  byte[] algorithmPolicy();

  /** Keeps {@code json} as the algorithm policy the log runs with, synced before it returns. */
  void putAlgorithmPolicy(byte[] json);

  /**
   * The device attestation policy the log last ran with (its published JSON form, {@code
   * DeviceAttestationPolicyJson}, without the status list), or null if none was ever stored: what
   * fsck replays evidence under.
   */
  byte[] deviceAttestationPolicy();

  /** Keeps {@code json} as the device attestation policy, synced before it returns. */
  void putDeviceAttestationPolicy(byte[] json);

  /**
   * Visits the subject map's records (other than its leaf records) whose keys fall in each of
   * {@code ranges}, in key order, with one pass over the store. The ranges must be ascending and
   * disjoint.
   */
  void scanMap(List<KeyRange> ranges, MapRecordVisitor visitor);

  /**
   * The length of the prefix every map leaf key begins with: it names the leaf's bucket, so the
   * leaves of one bucket sort together under it.
   */
  int MAP_LEAF_PREFIX = 3;

  /**
   * As {@link #scanMap}, over the map's leaf records. A range whose {@code from} has at least
   * {@link #MAP_LEAF_PREFIX} bytes and whose {@code to} shares that prefix, or is the prefix's
   * successor of the same length, lies within one prefix; a store may use that to skip data that
   * holds no key with it (bloom filters over prefixes). Other ranges are read in plain key order.
   */
  void scanMapLeaves(List<KeyRange> ranges, MapRecordVisitor visitor);

  /**
   * A consistent view of the latest checkpoint, the subject states and the subject map, as of one
   * moment; batches appended later do not show through it. Close it when done.
   */
  Snapshot snapshot();

  /** A point-in-time read view; see {@link #snapshot()}. */
  interface Snapshot extends AutoCloseable {
    byte[] checkpoint();

    byte[] subjectState(Hash subject);

    byte[] anchorRegistry();

    byte[] mapState();

    /** As {@link LogStore#scanMap}, as of the snapshot. */
    void scanMap(List<KeyRange> ranges, MapRecordVisitor visitor);

    /** As {@link LogStore#scanMapLeaves}, as of the snapshot. */
    void scanMapLeaves(List<KeyRange> ranges, MapRecordVisitor visitor);

    @Override
    void close();
  }

  /**
   * Writes {@code batch} atomically and durably (see the class contract).
   *
   * @throws IllegalArgumentException if {@code batch.startIndex() != treeSize()}, the batch has no
   *     checkpoint, or it would overwrite a row (see "Immutable history"); nothing is written then
   * @throws StorageException if the write failed
   */
  void append(AppendBatch batch);

  /** Visits every stored node in (level, index) order; for consistency checks. */
  void forEachNode(NodeVisitor visitor);

  /** Visits every leaf index row (in leaf hash order); for consistency checks. */
  void forEachLeafIndex(LeafIndexVisitor visitor);

  /** Visits every subject event row in (subject, sequence) order; for consistency checks. */
  void forEachSubjectEvent(SubjectEventVisitor visitor);

  /** Visits every stored subject state; for consistency checks. */
  void forEachSubjectState(SubjectStateVisitor visitor);

  /** Visits every stored full tile in index order; for consistency checks. */
  void forEachFullTile(FullTileVisitor visitor);

  /** The number of stored entry rows, counted; for consistency checks. */
  long countEntries();

  /** Implementation figures for monitoring (cache hits, bytes written, ...), by metric name. */
  Map<String, Double> statistics();

  /** Flushes and releases the store. Further calls throw {@link StorageException}. */
  @Override
  void close();

  /**
   * The keys from {@code from} (inclusive) to {@code to} (exclusive), compared as unsigned bytes.
   */
  record KeyRange(byte[] from, byte[] to) {
    /**
     * True when every key of the range begins with {@code from}'s first {@code n} bytes (see {@link
     * #scanMapLeaves}).
     */
    public boolean withinPrefix(int n) {
      if (from.length < n || to.length < n) {
        return false;
      }
      if (java.util.Arrays.equals(from, 0, n, to, 0, n)) {
        return true;
      }
      if (to.length != n) {
        return false;
      }
      // to == the successor of from's prefix, as a number of n bytes.
      byte[] next = java.util.Arrays.copyOf(from, n);
      for (int i = n - 1; i >= 0; i--) {
        if (++next[i] != 0) {
          return java.util.Arrays.equals(next, to);
        }
      }
      return false;
    }
  }

  /** See {@link #scanMap}. */
  @FunctionalInterface
  interface MapRecordVisitor {
    /** One record of range number {@code range}; return false to skip the rest of that range. */
    boolean visit(int range, byte[] key, byte[] value);
  }

  /** See {@link #forEachNode}. */
  @FunctionalInterface
  interface NodeVisitor {
    void visit(int level, long index, Hash hash);
  }

  /** See {@link #forEachLeafIndex}. */
  @FunctionalInterface
  interface LeafIndexVisitor {
    void visit(Hash leafHash, long leafIndex);
  }

  /** See {@link #forEachSubjectEvent}. */
  @FunctionalInterface
  interface SubjectEventVisitor {
    void visit(AppendBatch.SubjectEvent row);
  }

  /** See {@link #forEachFullTile}. */
  @FunctionalInterface
  interface FullTileVisitor {
    void visit(long index, byte[] hashes);
  }

  /** See {@link #forEachSubjectState}. */
  @FunctionalInterface
  interface SubjectStateVisitor {
    void visit(Hash subject, byte[] encodedState);
  }
}
