package org.rcskt.verifier.map;

import org.rcskt.verifier.Hash;

/**
 * The {@code MAP_ROOT} log entry (protocol 16.3), the last leaf of every batch: 50 bytes,
 *
 * <pre>
 * uint8  version;        2
 * uint8  type;           16
 * uint64 tree_size;      the log size this entry completes: its own leaf index + 1
 * uint64 subject_count;  the number of subjects in the map
 * opaque map_root[32];
 * </pre>
 *
 * @param treeSize the tree size this entry completes; 1..2^63-1
 * @param subjectCount the number of subjects in the map; 0..2^63-1
 * @param mapRoot the map's root hash after the batch
 */
public record MapRootEntry(long treeSize, long subjectCount, Hash mapRoot) {
  /** The format version of the entry. */
  public static final int VERSION = 2;

  /** The entry's type byte; key events of version 2 use 1..4. */
  public static final int TYPE = org.rcskt.verifier.event.EventFormat.MAP_ROOT_TYPE;

  /** The encoded length. */
  public static final int SIZE = 50;

  /**
   * @throws IllegalArgumentException if {@code treeSize} is below 1, {@code subjectCount} is
   *     negative or {@code mapRoot} is null
   */
  public MapRootEntry {
    if (treeSize < 1) {
      throw new IllegalArgumentException("treeSize must be in 1..2^63-1, got " + treeSize);
    }
    if (subjectCount < 0) {
      throw new IllegalArgumentException("subjectCount must be in 0..2^63-1, got " + subjectCount);
    }
    if (mapRoot == null) {
      throw new IllegalArgumentException("mapRoot must not be null");
    }
  }

  /**
   * Whether a log entry is a {@code MAP_ROOT} entry rather than a key event: exactly 50 bytes, the
   * first 2 (version) and the second 16 (type). This tells the kinds apart; it does not validate
   * the entry ({@link #decode} does).
   */
  public static boolean isMapRoot(byte[] entry) {
    return entry != null && entry.length == SIZE && entry[0] == VERSION && entry[1] == TYPE;
  }

  /**
   * Decodes an entry strictly.
   *
   * @throws MapRootFormatException if it is not 50 bytes, its version is not 2, its type is not 16,
   *     its tree size is 0 or either count is 2^63 or more
   */
  public static MapRootEntry decode(byte[] entry) throws MapRootFormatException {
    if (entry == null || entry.length != SIZE) {
      throw new MapRootFormatException(
          "MAP_ROOT entry must be " + SIZE + " bytes, got " + (entry == null ? 0 : entry.length));
    }
    if (entry[0] != VERSION) {
      throw new MapRootFormatException(
          "MAP_ROOT entry version must be " + VERSION + ", got " + (entry[0] & 0xff));
    }
    if (entry[1] != TYPE) {
      throw new MapRootFormatException(
          "MAP_ROOT entry type must be " + TYPE + ", got " + (entry[1] & 0xff));
    }
    long treeSize = NodeRecords.getLong(entry, 2);
    long subjectCount = NodeRecords.getLong(entry, 10);
    if (treeSize < 1) {
      throw new MapRootFormatException(
          "MAP_ROOT tree_size must be in 1..2^63-1, got " + Long.toUnsignedString(treeSize));
    }
    if (subjectCount < 0) {
      throw new MapRootFormatException(
          "MAP_ROOT subject_count must be below 2^63, got " + Long.toUnsignedString(subjectCount));
    }
    return new MapRootEntry(treeSize, subjectCount, Hash.of(entry, 18));
  }

  /** The 50-byte encoding. */
  public byte[] encoded() {
    byte[] out = new byte[SIZE];
    out[0] = VERSION;
    out[1] = TYPE;
    NodeRecords.putLong(out, 2, treeSize);
    NodeRecords.putLong(out, 10, subjectCount);
    mapRoot.copyTo(out, 18);
    return out;
  }
}
