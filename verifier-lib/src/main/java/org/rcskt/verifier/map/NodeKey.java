package org.rcskt.verifier.map;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The position of a node in the map: its depth (0 for the root, at most 256) and the first {@code
 * depth} bits of the path to it. Its byte form (protocol 16.4) is {@code uint16 depth || ceil(depth
 * / 8) bytes of prefix}, the unused low bits of the last byte zero, which sorts a level's nodes
 * together, suitable as a storage key. Immutable.
 */
public final class NodeKey {
  private final int depth;
  private final byte[] prefix;

  private NodeKey(int depth, byte[] prefix) {
    this.depth = depth;
    this.prefix = prefix;
  }

  /**
   * The node at {@code depth} on the path of {@code path} (a 32-byte index; its bits from {@code
   * depth} on are ignored).
   *
   * @throws IllegalArgumentException if {@code depth} is not in 0..256 or {@code path} is not 32
   *     bytes
   */
  public static NodeKey of(int depth, byte[] path) {
    checkDepth(depth);
    if (path == null || path.length != 32) {
      throw new IllegalArgumentException(
          "path must be 32 bytes, got " + (path == null ? 0 : path.length));
    }
    return new NodeKey(depth, prefix(depth, path, 0));
  }

  /**
   * The storage key of the node at {@code depth} on the path of {@code path}, as {@link #encoded}.
   */
  public static byte[] encode(int depth, byte[] path) {
    checkDepth(depth);
    int n = (depth + 7) >>> 3;
    byte[] out = new byte[2 + n];
    out[0] = (byte) (depth >>> 8);
    out[1] = (byte) depth;
    System.arraycopy(prefix(depth, path, 0), 0, out, 2, n);
    return out;
  }

  /**
   * Decodes a storage key strictly.
   *
   * @throws IllegalArgumentException if the depth exceeds 256, the length is not {@code 2 +
   *     ceil(depth / 8)} or an unused bit is set
   */
  public static NodeKey decode(byte[] encoded) {
    if (encoded == null || encoded.length < 2) {
      throw new IllegalArgumentException("node key must be at least 2 bytes");
    }
    int depth = ((encoded[0] & 0xff) << 8) | (encoded[1] & 0xff);
    checkDepth(depth);
    int n = (depth + 7) >>> 3;
    if (encoded.length != 2 + n) {
      throw new IllegalArgumentException(
          "node key of depth " + depth + " must be " + (2 + n) + " bytes, got " + encoded.length);
    }
    byte[] p = Arrays.copyOfRange(encoded, 2, 2 + n);
    if (!Arrays.equals(p, prefix(depth, encoded, 2))) {
      throw new IllegalArgumentException("node key of depth " + depth + " has unused bits set");
    }
    return new NodeKey(depth, p);
  }

  private static byte[] prefix(int depth, byte[] src, int off) {
    int n = (depth + 7) >>> 3;
    byte[] p = Arrays.copyOfRange(src, off, off + n);
    if ((depth & 7) != 0) {
      p[n - 1] &= (byte) (0xff << (8 - (depth & 7)));
    }
    return p;
  }

  private static void checkDepth(int depth) {
    if (depth < 0 || depth > MapHashes.MAX_DEPTH) {
      throw new IllegalArgumentException("depth " + depth + " is not in 0..256");
    }
  }

  /** The depth: 0 for the root. */
  public int depth() {
    return depth;
  }

  /**
   * Bit {@code i} of the path.
   *
   * @throws IllegalArgumentException if {@code i} is not below {@link #depth()}
   */
  public int bit(int i) {
    if (i < 0 || i >= depth) {
      throw new IllegalArgumentException("bit " + i + " is not below depth " + depth);
    }
    return MapHashes.bit(prefix, i);
  }

  /** A 32-byte path through this node: the prefix followed by zero bits. */
  public byte[] path() {
    return Arrays.copyOf(prefix, 32);
  }

  /** The storage key: {@code uint16 depth || prefix}. */
  public byte[] encoded() {
    byte[] out = new byte[2 + prefix.length];
    out[0] = (byte) (depth >>> 8);
    out[1] = (byte) depth;
    System.arraycopy(prefix, 0, out, 2, prefix.length);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeKey
        && ((NodeKey) o).depth == depth
        && Arrays.equals(((NodeKey) o).prefix, prefix);
  }

  @Override
  public int hashCode() {
    return 31 * depth + Arrays.hashCode(prefix);
  }

  /** {@code depth/hexprefix}, the prefix's unused bits zero. */
  @Override
  public String toString() {
    return depth + "/" + HexFormat.of().formatHex(prefix);
  }
}
