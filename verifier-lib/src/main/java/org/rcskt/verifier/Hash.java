package org.rcskt.verifier;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 32-byte SHA-256 digest as an immutable value with content equality.
 *
 * <p>Used for every hash the log deals in: leaf hashes, interior node hashes, root hashes, subject
 * indexes and event hashes. {@link #toString()} is lowercase hex.
 */
public final class Hash implements Comparable<Hash> {
  /** The length of every hash, in bytes. */
  public static final int SIZE = 32;

  /** 32 zero bytes: the "previous event hash" of a subject's first event. */
  public static final Hash ZERO = new Hash(new byte[SIZE]);

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps a copy of {@code bytes}.
   *
   * @throws IllegalArgumentException if {@code bytes} is not exactly 32 bytes long
   */
  public static Hash of(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("hash is null");
    }
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException(
          "hash must be " + SIZE + " bytes, got " + bytes.length + " bytes");
    }
    return new Hash(bytes.clone());
  }

  /**
   * Reads 32 bytes from {@code src} starting at {@code offset}.
   *
   * @throws IllegalArgumentException if fewer than 32 bytes are available at {@code offset}
   */
  public static Hash of(byte[] src, int offset) {
    if (offset < 0 || src.length - offset < SIZE) {
      throw new IllegalArgumentException(
          "need " + SIZE + " bytes at offset " + offset + ", have " + (src.length - offset));
    }
    return new Hash(Arrays.copyOfRange(src, offset, offset + SIZE));
  }

  /**
   * Parses 64 hex digits (either case).
   *
   * @throws IllegalArgumentException if {@code hex} is not 64 hex digits
   */
  public static Hash fromHex(String hex) {
    if (hex == null || hex.length() != SIZE * 2) {
      throw new IllegalArgumentException(
          "hash must be " + (SIZE * 2) + " hex digits, got " + (hex == null ? 0 : hex.length()));
    }
    try {
      return new Hash(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hash is not valid hex: " + e.getMessage(), e);
    }
  }

  /**
   * Parses standard, padded base64 of exactly 32 bytes.
   *
   * @throws IllegalArgumentException if {@code b64} is not valid base64 of 32 bytes
   */
  public static Hash fromBase64(String b64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hash is not valid base64: " + e.getMessage(), e);
    }
    return of(raw);
  }

  /** SHA-256 of the concatenation of {@code parts}. */
  public static Hash sha256(byte[]... parts) {
    MessageDigest md = newSha256();
    for (byte[] p : parts) {
      md.update(p);
    }
    return new Hash(md.digest());
  }

  /** A new SHA-256 {@link MessageDigest}; SHA-256 is required of every Java platform. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Wraps {@code bytes} without copying; the caller must never modify the array afterwards. */
  static Hash wrap(byte[] bytes) {
    return new Hash(bytes);
  }

  /** A copy of the 32 bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, SIZE);
  }

  /** Feeds the 32 bytes to {@code md}. */
  public void updateDigest(MessageDigest md) {
    md.update(bytes);
  }

  /** Lowercase hex, 64 characters. */
  public String toHex() {
    return HEX.formatHex(bytes);
  }

  /** Standard padded base64, 44 characters. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash && Arrays.equals(bytes, ((Hash) o).bytes);
  }

  @Override
  public int hashCode() {
    // SHA-256 output is uniformly distributed: its first four bytes are a good hash code.
    return (bytes[0] & 0xff) << 24
        | (bytes[1] & 0xff) << 16
        | (bytes[2] & 0xff) << 8
        | (bytes[3] & 0xff);
  }

  @Override
  public int compareTo(Hash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
