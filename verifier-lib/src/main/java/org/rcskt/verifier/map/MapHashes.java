package org.rcskt.verifier.map;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.DigestException;
import java.security.MessageDigest;
import org.rcskt.verifier.Hash;

/**
 * The hashes of the subject map (protocol 16.1). {@link #EMPTY} is a constant, not a hash; leaves
 * and interior nodes are SHA-256 under two distinct labels, so a leaf can never pass for a node.
 */
public final class MapHashes {
  /** The hash of an empty subtree and of the empty map: 32 zero bytes. */
  public static final Hash EMPTY = Hash.ZERO;

  /** The deepest a node can be: a leaf below 256 branchings would need two equal indexes. */
  public static final int MAX_DEPTH = 256;

  private static final byte[] LEAF_LABEL = "rcskt/v2/map/leaf\0".getBytes(US_ASCII);
  private static final byte[] NODE_LABEL = "rcskt/v2/map/node\0".getBytes(US_ASCII);

  private MapHashes() {}

  /** The leaf label {@code "rcskt/v2/map/leaf" || 0x00}. */
  public static byte[] leafLabel() {
    return LEAF_LABEL.clone();
  }

  /** The node label {@code "rcskt/v2/map/node" || 0x00}. */
  public static byte[] nodeLabel() {
    return NODE_LABEL.clone();
  }

  /**
   * {@code SHA-256("rcskt/v2/map/leaf" || 0x00 || index || uint64(nextSequence) || lastEventHash)}.
   *
   * @throws IllegalArgumentException if {@code nextSequence} is not at least 1
   */
  public static Hash leafHash(Hash index, long nextSequence, Hash lastEventHash) {
    return leafHash(new SubjectLeaf(index, nextSequence, lastEventHash));
  }

  /** The leaf hash of {@code leaf}. */
  public static Hash leafHash(SubjectLeaf leaf) {
    byte[] rec = NodeRecords.leaf(leaf);
    byte[] out = new byte[Hash.SIZE];
    leafHash(Hash.newSha256(), rec, out, 0);
    return Hash.of(out);
  }

  /** {@code SHA-256("rcskt/v2/map/node" || 0x00 || left || right)}. */
  public static Hash nodeHash(Hash left, Hash right) {
    MessageDigest md = Hash.newSha256();
    md.update(NODE_LABEL);
    left.updateDigest(md);
    right.updateDigest(md);
    return Hash.of(md.digest());
  }

  /**
   * Bit {@code i} of {@code index}, most significant bit first: {@code (index[i / 8] >> (7 - i %
   * 8)) & 1}. Bit 0 = 0 is the left half at the root.
   *
   * @throws IllegalArgumentException if {@code i} is not in 0..255
   */
  public static int bit(Hash index, int i) {
    if (i < 0 || i >= MAX_DEPTH) {
      throw new IllegalArgumentException("bit " + i + " is not in 0..255");
    }
    return bit(index.toByteArray(), i);
  }

  static int bit(byte[] index, int i) {
    return (index[i >>> 3] >>> (7 - (i & 7))) & 1;
  }

  /** The first bit at which {@code a} and {@code b} (32 bytes each) differ, or 256 if equal. */
  static int firstDifferingBit(byte[] a, int aOff, byte[] b, int bOff) {
    for (int i = 0; i < Hash.SIZE; i++) {
      int x = (a[aOff + i] ^ b[bOff + i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return MAX_DEPTH;
  }

  /** The leaf hash of a 73-byte leaf record (whose bytes 1..73 are exactly the hash input). */
  static void leafHash(MessageDigest md, byte[] leafRecord, byte[] out, int outOff) {
    md.update(LEAF_LABEL);
    md.update(leafRecord, 1, NodeRecords.LEAF_SIZE - 1);
    digest(md, out, outOff);
  }

  /** The node hash of a 65-byte internal record (whose bytes 1..65 are left || right). */
  static void nodeHash(MessageDigest md, byte[] internalRecord, byte[] out, int outOff) {
    md.update(NODE_LABEL);
    md.update(internalRecord, 1, 2 * Hash.SIZE);
    digest(md, out, outOff);
  }

  /** The node hash of {@code left} and {@code right} (32 bytes each at the given offsets). */
  static void nodeHash(
      MessageDigest md, byte[] l, int lOff, byte[] r, int rOff, byte[] out, int outOff) {
    md.update(NODE_LABEL);
    md.update(l, lOff, Hash.SIZE);
    md.update(r, rOff, Hash.SIZE);
    digest(md, out, outOff);
  }

  private static void digest(MessageDigest md, byte[] out, int outOff) {
    try {
      md.digest(out, outOff, Hash.SIZE);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest into a 32-byte buffer failed", e);
    }
  }
}
