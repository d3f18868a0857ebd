package org.rcskt.server.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * Everything one integration step adds to the log, written by {@link LogStore#append} as a single
 * atomic, durable unit: the new leaves, every Merkle node they complete, the subject states and
 * per-subject event index they change, the anchor registry if it changed, and the signed checkpoint
 * over the resulting tree.
 *
 * <p>Not thread-safe: one integrator fills it, then hands it to the store.
 */
public final class AppendBatch {
  /** A complete Merkle subtree root: level 0 is a leaf hash. */
  public record Node(int level, long index, Hash hash) {
    public Node {
      if (level < 0 || level > 63) {
        throw new IllegalArgumentException("node level must be in 0..63, got " + level);
      }
      if (index < 0) {
        throw new IllegalArgumentException("node index must be >= 0, got " + index);
      }
      Objects.requireNonNull(hash, "hash");
    }
  }

  /** One row of the per-subject event index: the subject's event with this sequence number. */
  public record SubjectEvent(Hash subject, long sequence, long leafIndex) {}

  private final long startIndex;
  private final List<byte[]> entries = new ArrayList<>();
  private final List<Hash> leafHashes = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Hash, byte[]> subjectStates = new LinkedHashMap<>();
  private final List<SubjectEvent> subjectEvents = new ArrayList<>();
  private final List<FullTile> fullTiles = new ArrayList<>();
  private byte[] anchorRegistry;
  private byte[] checkpoint;
  private final List<byte[][]> mapRecords = new ArrayList<>();
  private final List<byte[][]> mapLeaves = new ArrayList<>();
  private byte[] mapState;

  /** A full level-0 hash tile: the 256 leaf hashes of leaves {@code index*256 ..}, packed. */
  public record FullTile(long index, byte[] hashes) {
    public FullTile {
      if (index < 0) {
        throw new IllegalArgumentException("tile index must be >= 0, got " + index);
      }
      if (hashes.length != 256 * Hash.SIZE) {
        throw new IllegalArgumentException(
            "a full tile is " + (256 * Hash.SIZE) + " bytes, got " + hashes.length);
      }
    }
  }

  /**
   * @param startIndex the leaf index of the first entry of this batch, which must be the store's
   *     current tree size when the batch is appended
   */
  public AppendBatch(long startIndex) {
    if (startIndex < 0) {
      throw new IllegalArgumentException("startIndex must be >= 0, got " + startIndex);
    }
    this.startIndex = startIndex;
  }

  /** Adds the next leaf; returns its leaf index. */
  public long addEntry(byte[] encodedEntry, Hash leafHash) {
    entries.add(Objects.requireNonNull(encodedEntry, "encodedEntry"));
    leafHashes.add(Objects.requireNonNull(leafHash, "leafHash"));
    return startIndex + entries.size() - 1;
  }

  public void addNode(int level, long index, Hash hash) {
    nodes.add(new Node(level, index, hash));
  }

  /**
   * Adds the packed copy of a level-0 hash tile that this batch completes (its hashes are also
   * added as level-0 nodes); the store keeps it so a tile read is one lookup.
   */
  public void addFullTile(long index, byte[] hashes) {
    fullTiles.add(new FullTile(index, hashes));
  }

  /** Records a subject's new state; a later call for the same subject replaces the earlier one. */
  public void putSubjectState(Hash subject, byte[] encodedState) {
    subjectStates.put(
        Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(encodedState, "state"));
  }

  public void addSubjectEvent(Hash subject, long sequence, long leafIndex) {
    subjectEvents.add(new SubjectEvent(subject, sequence, leafIndex));
  }

  /** Replaces the stored anchor registry when this batch is appended. */
  public void setAnchorRegistry(byte[] encodedRegistry) {
    this.anchorRegistry = Objects.requireNonNull(encodedRegistry, "encodedRegistry");
  }

  /**
   * Sets the subject map's record under {@code key} (it may replace a stored one). The map puts
   * each key at most once per batch.
   */
  public void putMapRecord(byte[] key, byte[] record) {
    mapRecords.add(
        new byte[][] {
          Objects.requireNonNull(key, "key"), Objects.requireNonNull(record, "record")
        });
  }

  /**
   * Sets the subject map's leaf record under {@code key} (see {@link LogStore#scanMapLeaves}; it
   * may replace a stored one). The map puts each key at most once per batch.
   */
  public void putMapLeaf(byte[] key, byte[] record) {
    if (key.length < LogStore.MAP_LEAF_PREFIX) {
      throw new IllegalArgumentException("a map leaf key has " + key.length + " bytes");
    }
    mapLeaves.add(new byte[][] {key, Objects.requireNonNull(record, "record")});
  }

  /** The subject map's state after this batch (root hash, then uint64 subject count). */
  public void setMapState(byte[] state) {
    this.mapState = Objects.requireNonNull(state, "state");
  }

  /** The map records (other than leaves) this batch writes, each a key and a value. */
  public List<byte[][]> mapRecords() {
    return Collections.unmodifiableList(mapRecords);
  }

  /** The map leaf records this batch writes, each a key and a value. */
  public List<byte[][]> mapLeaves() {
    return Collections.unmodifiableList(mapLeaves);
  }

  /** The map state after this batch, or null when it leaves the map unchanged. */
  public byte[] mapState() {
    return mapState;
  }

  /** The signed checkpoint (note text as bytes) over the tree of size {@link #endIndex()}. */
  public void setCheckpoint(byte[] signedCheckpoint) {
    this.checkpoint = Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
  }

  public long startIndex() {
    return startIndex;
  }

  /** The tree size after this batch. */
  public long endIndex() {
    return startIndex + entries.size();
  }

  public int size() {
    return entries.size();
  }

  public List<byte[]> entries() {
    return Collections.unmodifiableList(entries);
  }

  public List<Hash> leafHashes() {
    return Collections.unmodifiableList(leafHashes);
  }

  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public List<FullTile> fullTiles() {
    return Collections.unmodifiableList(fullTiles);
  }

  public Map<Hash, byte[]> subjectStates() {
    return Collections.unmodifiableMap(subjectStates);
  }

  public List<SubjectEvent> subjectEvents() {
    return Collections.unmodifiableList(subjectEvents);
  }

  /** The new anchor registry, or null when this batch leaves it unchanged. */
  public byte[] anchorRegistry() {
    return anchorRegistry;
  }

  /** The signed checkpoint, or null if none was set yet. */
  public byte[] checkpoint() {
    return checkpoint;
  }
}
