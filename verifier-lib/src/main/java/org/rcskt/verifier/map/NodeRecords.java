package org.rcskt.verifier.map;

import org.rcskt.verifier.Hash;

/**
 * The stored node records of protocol 16.4: a leaf is {@code 0x00 || index || uint64 next_sequence
 * || last_event_hash} (73 bytes), an internal node {@code 0x01 || left child hash || right child
 * hash} (65 bytes).
 */
final class NodeRecords {
  static final byte LEAF = 0;
  static final byte INTERNAL = 1;
  static final int LEAF_SIZE = 1 + 32 + 8 + 32;
  static final int INTERNAL_SIZE = 1 + 64;
  static final int LEFT = 1;
  static final int RIGHT = 33;
  static final int INDEX = 1;
  static final int SEQUENCE = 33;
  static final int EVENT_HASH = 41;

  private NodeRecords() {}

  static byte[] leaf(SubjectLeaf leaf) {
    byte[] r = new byte[LEAF_SIZE];
    leaf.index().copyTo(r, INDEX);
    setValue(r, leaf.nextSequence(), leaf.lastEventHash());
    return r;
  }

  static byte[] leaf(byte[] index, long nextSequence, Hash lastEventHash) {
    byte[] r = new byte[LEAF_SIZE];
    System.arraycopy(index, 0, r, INDEX, Hash.SIZE);
    setValue(r, nextSequence, lastEventHash);
    return r;
  }

  static void setValue(byte[] leafRecord, long nextSequence, Hash lastEventHash) {
    putLong(leafRecord, SEQUENCE, nextSequence);
    lastEventHash.copyTo(leafRecord, EVENT_HASH);
  }

  static boolean isLeaf(byte[] r) {
    return r[0] == LEAF;
  }

  /**
   * Checks the shape of a record read from storage.
   *
   * @throws IllegalStateException if it is neither a leaf nor an internal record
   */
  static byte[] check(byte[] r, int depth) {
    if (r != null
        && !(r.length == LEAF_SIZE && r[0] == LEAF)
        && !(r.length == INTERNAL_SIZE && r[0] == INTERNAL)) {
      throw new IllegalStateException(
          "map node record at depth "
              + depth
              + " is corrupt: "
              + r.length
              + " bytes with tag "
              + (r.length == 0 ? "none" : Integer.toString(r[0] & 0xff)));
    }
    return r;
  }

  static SubjectLeaf toLeaf(byte[] r) {
    return new SubjectLeaf(Hash.of(r, INDEX), getLong(r, SEQUENCE), Hash.of(r, EVENT_HASH));
  }

  static boolean sameIndex(byte[] leafRecord, byte[] index) {
    return java.util.Arrays.equals(leafRecord, INDEX, INDEX + Hash.SIZE, index, 0, Hash.SIZE);
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
}
