package org.rcskt.verifier.map;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;

/**
 * A proof of a subject's latest state in the map, or of its absence (protocol 16.2): the path's
 * terminal (EMPTY or a leaf) and the siblings from the root down to it. Immutable.
 *
 * <pre>
 * uint8  terminal;                      0 = EMPTY, 1 = leaf
 * if terminal == 1: opaque index[32]; uint64 next_sequence; opaque last_event_hash[32];
 * uint16 depth;                         0..256
 * opaque siblings[depth][32];           siblings[0] is the root's child off the path
 * </pre>
 */
public final class MapProof {
  /** The longest encoding: a leaf terminal and 256 siblings. */
  public static final int MAX_ENCODED_SIZE = 1 + 72 + 2 + MapHashes.MAX_DEPTH * Hash.SIZE;

  private final SubjectLeaf leaf;
  private final byte[] siblings;

  private MapProof(SubjectLeaf leaf, byte[] siblings) {
    this.leaf = leaf;
    this.siblings = siblings;
  }

  /**
   * A proof whose path ends at EMPTY.
   *
   * @throws IllegalArgumentException if there are more than 256 siblings
   */
  public static MapProof empty(List<Hash> siblings) {
    return new MapProof(null, flatten(siblings));
  }

  /**
   * A proof whose path ends at {@code leaf}.
   *
   * @throws IllegalArgumentException if {@code leaf} is null or there are more than 256 siblings
   */
  public static MapProof leaf(SubjectLeaf leaf, List<Hash> siblings) {
    if (leaf == null) {
      throw new IllegalArgumentException("leaf must not be null");
    }
    return new MapProof(leaf, flatten(siblings));
  }

  /**
   * A proof whose terminal is {@code leaf} (null for EMPTY) with the siblings packed in {@code
   * siblings}, 32 bytes each, the root's first; for provers that hold them that way. The array
   * belongs to the proof.
   *
   * @throws IllegalArgumentException if {@code siblings} is not a whole number of hashes, at most
   *     256
   */
  public static MapProof of(SubjectLeaf leaf, byte[] siblings) {
    if (siblings == null
        || siblings.length % Hash.SIZE != 0
        || siblings.length > MapHashes.MAX_DEPTH * Hash.SIZE) {
      throw new IllegalArgumentException(
          "siblings must be at most 256 packed 32-byte hashes, got "
              + (siblings == null ? "null" : siblings.length + " bytes"));
    }
    return new MapProof(leaf, siblings);
  }

  private static byte[] flatten(List<Hash> siblings) {
    if (siblings.size() > MapHashes.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "a map proof has at most 256 siblings, got " + siblings.size());
    }
    byte[] flat = new byte[siblings.size() * Hash.SIZE];
    for (int i = 0; i < siblings.size(); i++) {
      siblings.get(i).copyTo(flat, i * Hash.SIZE);
    }
    return flat;
  }

  /**
   * Decodes a proof strictly.
   *
   * @throws MapProofException with {@link MapProofException.Reason#MALFORMED} if the terminal is
   *     not 0 or 1, the leaf's {@code next_sequence} is not in 1..2^63-1, the depth exceeds 256, or
   *     the length is not exactly what terminal and depth require
   */
  public static MapProof decode(byte[] encoded) throws MapProofException {
    if (encoded == null || encoded.length < 3) {
      throw malformed(
          "map proof must be at least 3 bytes, got " + (encoded == null ? 0 : encoded.length));
    }
    int terminal = encoded[0] & 0xff;
    if (terminal > 1) {
      throw malformed("map proof terminal must be 0 (EMPTY) or 1 (leaf), got " + terminal);
    }
    int off = 1;
    SubjectLeaf leaf = null;
    if (terminal == 1) {
      if (encoded.length < 1 + 72 + 2) {
        throw malformed(
            "map proof with a leaf terminal must be at least 75 bytes, got " + encoded.length);
      }
      long seq = NodeRecords.getLong(encoded, 33);
      if (seq < 1) {
        throw malformed(
            "map proof leaf next_sequence must be in 1..2^63-1, got " + Long.toUnsignedString(seq));
      }
      leaf = new SubjectLeaf(Hash.of(encoded, 1), seq, Hash.of(encoded, 41));
      off = 73;
    }
    int depth = ((encoded[off] & 0xff) << 8) | (encoded[off + 1] & 0xff);
    off += 2;
    if (depth > MapHashes.MAX_DEPTH) {
      throw malformed("map proof depth must be at most 256, got " + depth);
    }
    int expected = off + depth * Hash.SIZE;
    if (encoded.length != expected) {
      throw malformed(
          "map proof of depth " + depth + " must be " + expected + " bytes, got " + encoded.length);
    }
    return new MapProof(leaf, Arrays.copyOfRange(encoded, off, expected));
  }

  private static MapProofException malformed(String message) {
    return new MapProofException(MapProofException.Reason.MALFORMED, message);
  }

  /** The binary encoding. */
  public byte[] encoded() {
    int off = leaf == null ? 1 : 73;
    byte[] out = new byte[off + 2 + siblings.length];
    if (leaf != null) {
      out[0] = 1;
      leaf.index().copyTo(out, 1);
      NodeRecords.putLong(out, 33, leaf.nextSequence());
      leaf.lastEventHash().copyTo(out, 41);
    }
    int depth = depth();
    out[off] = (byte) (depth >>> 8);
    out[off + 1] = (byte) depth;
    System.arraycopy(siblings, 0, out, off + 2, siblings.length);
    return out;
  }

  /** The terminal leaf, or empty when the path ends at EMPTY. */
  public Optional<SubjectLeaf> terminal() {
    return Optional.ofNullable(leaf);
  }

  /** The number of siblings, which is the depth of the terminal. */
  public int depth() {
    return siblings.length / Hash.SIZE;
  }

  /** The siblings, {@code siblings().get(0)} being the root's child off the path. */
  public List<Hash> siblings() {
    List<Hash> out = new ArrayList<>(depth());
    for (int off = 0; off < siblings.length; off += Hash.SIZE) {
      out.add(Hash.of(siblings, off));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Decodes {@code encoded} and verifies it, as {@link #decode} then {@link #verify(Hash, Hash)}.
   *
   * @throws MapProofException if the proof is malformed or does not verify
   */
  public static Optional<SubjectLeaf> verify(byte[] encoded, Hash root, Hash index)
      throws MapProofException {
    return decode(encoded).verify(root, index);
  }

  /**
   * Verifies this proof for {@code index} against the map root {@code root} (protocol 16.2).
   *
   * @return the subject's leaf if the proof shows it present, empty if it shows it absent
   * @throws MapProofException if the terminal leaf is off the path ({@link
   *     MapProofException.Reason#LEAF_OFF_PATH}), the deepest sibling is EMPTY ({@link
   *     MapProofException.Reason#NON_CANONICAL}) or the proof leads to another root ({@link
   *     MapProofException.Reason#ROOT_MISMATCH})
   * @throws IllegalArgumentException if {@code root} or {@code index} is null
   */
  public Optional<SubjectLeaf> verify(Hash root, Hash index) throws MapProofException {
    if (root == null || index == null) {
      throw new IllegalArgumentException("root and index must not be null");
    }
    byte[] x = index.toByteArray();
    int depth = depth();
    byte[] h = new byte[Hash.SIZE];
    MessageDigest md = Hash.newSha256();
    if (leaf != null) {
      byte[] rec = NodeRecords.leaf(leaf);
      int d = MapHashes.firstDifferingBit(rec, NodeRecords.INDEX, x, 0);
      if (d < depth) {
        throw new MapProofException(
            MapProofException.Reason.LEAF_OFF_PATH,
            "map proof leaf "
                + leaf.index()
                + " leaves the path of "
                + index
                + " at bit "
                + d
                + ", above its depth "
                + depth);
      }
      MapHashes.leafHash(md, rec, h, 0);
    }
    if (depth > 0 && isZero(siblings, (depth - 1) * Hash.SIZE)) {
      throw new MapProofException(
          MapProofException.Reason.NON_CANONICAL,
          "map proof's deepest sibling (depth " + (depth - 1) + ") is EMPTY");
    }
    for (int i = depth - 1; i >= 0; i--) {
      int off = i * Hash.SIZE;
      if (MapHashes.bit(x, i) == 0) {
        MapHashes.nodeHash(md, h, 0, siblings, off, h, 0);
      } else {
        MapHashes.nodeHash(md, siblings, off, h, 0, h, 0);
      }
    }
    Hash computed = Hash.of(h);
    if (!computed.equals(root)) {
      throw new MapProofException(
          MapProofException.Reason.ROOT_MISMATCH,
          "map proof for " + index + " leads to root " + computed + ", expected " + root,
          computed);
    }
    return leaf != null && leaf.index().equals(index) ? Optional.of(leaf) : Optional.empty();
  }

  private static boolean isZero(byte[] b, int off) {
    int acc = 0;
    for (int i = 0; i < Hash.SIZE; i++) {
      acc |= b[off + i];
    }
    return acc == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MapProof && Arrays.equals(encoded(), ((MapProof) o).encoded());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(siblings) * 31 + (leaf == null ? 0 : leaf.hashCode());
  }

  @Override
  public String toString() {
    return "MapProof[" + (leaf == null ? "EMPTY" : leaf.toString()) + ", depth " + depth() + "]";
  }
}
