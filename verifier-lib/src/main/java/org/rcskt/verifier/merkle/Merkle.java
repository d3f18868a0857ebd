package org.rcskt.verifier.merkle;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * RFC 9162 section 2.1.1 hashing with SHA-256: leaf hashes, interior node hashes and the hash of
 * the empty tree.
 *
 * <p>The digest is reused per thread, so these methods allocate only the result.
 */
public final class Merkle {
  /** Domain-separation prefix of a leaf hash. */
  public static final byte LEAF_PREFIX = 0x00;

  /** Domain-separation prefix of an interior node hash. */
  public static final byte NODE_PREFIX = 0x01;

  private static final Hash EMPTY_ROOT = Hash.sha256();

  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  private Merkle() {}

  /** A per-thread digest and output buffer; each use completes one digest before returning. */
  static final class Hasher {
    final MessageDigest md = Hash.newSha256();
    final byte[] out = new byte[Hash.SIZE];

    void finish(byte[] dst, int dstOff) {
      try {
        md.digest(dst, dstOff, Hash.SIZE);
      } catch (DigestException e) {
        // Only possible with a buffer too small for 32 bytes, which callers never pass.
        throw new IllegalStateException(e);
      }
    }

    Hash finish() {
      finish(out, 0);
      return Hash.of(out, 0);
    }
  }

  static Hasher hasher() {
    return HASHER.get();
  }

  /** The root hash of the empty tree: SHA-256 of the empty string. */
  public static Hash emptyRoot() {
    return EMPTY_ROOT;
  }

  /** The leaf hash of {@code entry}: SHA-256(0x00 || entry). */
  public static Hash leafHash(byte[] entry) {
    return leafHash(entry, 0, entry.length);
  }

  /**
   * The leaf hash of {@code len} bytes of {@code buf} starting at {@code off}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code buf}
   */
  public static Hash leafHash(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    Hasher h = HASHER.get();
    h.md.update(LEAF_PREFIX);
    h.md.update(buf, off, len);
    return h.finish();
  }

  /** The interior node hash SHA-256(0x01 || left || right). */
  public static Hash nodeHash(Hash left, Hash right) {
    Hasher h = HASHER.get();
    h.md.update(NODE_PREFIX);
    left.updateDigest(h.md);
    right.updateDigest(h.md);
    return h.finish();
  }

  /**
   * Writes the node hash of the 32 bytes at {@code left[leftOff]} and the 32 bytes at {@code
   * right[rightOff]} to {@code dst[dstOff]}, allocating nothing. {@code dst} may be one of the
   * inputs.
   *
   * @throws IndexOutOfBoundsException if any of the three 32-byte ranges is out of bounds
   */
  public static void nodeHash(
      byte[] left, int leftOff, byte[] right, int rightOff, byte[] dst, int dstOff) {
    Objects.checkFromIndexSize(leftOff, Hash.SIZE, left.length);
    Objects.checkFromIndexSize(rightOff, Hash.SIZE, right.length);
    Objects.checkFromIndexSize(dstOff, Hash.SIZE, dst.length);
    Hasher h = HASHER.get();
    h.md.update(NODE_PREFIX);
    h.md.update(left, leftOff, Hash.SIZE);
    h.md.update(right, rightOff, Hash.SIZE);
    h.finish(dst, dstOff);
  }
}
