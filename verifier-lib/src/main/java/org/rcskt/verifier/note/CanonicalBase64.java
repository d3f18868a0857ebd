package org.rcskt.verifier.note;

import java.util.Arrays;

/**
 * Strict decoding (and allocation-free encoding) of standard, padded base64 (RFC 4648 section 4) in
 * its one canonical form: length a multiple of four, padding present exactly when needed, and the
 * unused low bits of the last symbol zero. {@link java.util.Base64}'s decoder accepts missing
 * padding and non-zero unused bits, so two different strings could decode to the same signature or
 * hash; rejecting all but the canonical form keeps parse-then-format an identity.
 *
 * <p>The methods return {@code null} instead of throwing so that callers can report the failure in
 * their own terms (which line, which field).
 */
public final class CanonicalBase64 {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private CanonicalBase64() {}

  /** Decodes all of {@code s}; {@code null} if it is empty or not canonical padded base64. */
  public static byte[] decode(CharSequence s) {
    return decode(s, 0, s.length());
  }

  /** Decodes {@code s[start, end)}; {@code null} if empty or not canonical padded base64. */
  public static byte[] decode(CharSequence s, int start, int end) {
    int len = end - start;
    if (len <= 0 || (len & 3) != 0) {
      return null;
    }
    int pad = padding(s.charAt(end - 2), s.charAt(end - 1));
    if (pad < 0) {
      return null;
    }
    byte[] out = new byte[len / 4 * 3 - pad];
    int o = 0;
    int dataEnd = end - pad;
    int acc = 0;
    int bits = 0;
    for (int i = start; i < dataEnd; i++) {
      int v = value(s.charAt(i));
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (byte) (acc >>> bits);
        acc &= (1 << bits) - 1;
      }
    }
    return acc == 0 ? out : null;
  }

  /** Decodes the ASCII bytes {@code b[start, end)}; {@code null} if not canonical padded base64. */
  public static byte[] decode(byte[] b, int start, int end) {
    int len = end - start;
    if (len <= 0 || (len & 3) != 0) {
      return null;
    }
    int pad = padding((char) (b[end - 2] & 0xff), (char) (b[end - 1] & 0xff));
    if (pad < 0) {
      return null;
    }
    byte[] out = new byte[len / 4 * 3 - pad];
    int o = 0;
    int dataEnd = end - pad;
    int acc = 0;
    int bits = 0;
    for (int i = start; i < dataEnd; i++) {
      int v = value((char) (b[i] & 0xff));
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (byte) (acc >>> bits);
        acc &= (1 << bits) - 1;
      }
    }
    // Leftover bits (2 with one '=', 4 with two) must be zero in the canonical encoding.
    return acc == 0 ? out : null;
  }

  /** The length of the padded base64 encoding of {@code n} bytes. */
  public static int encodedLength(int n) {
    return (n + 2) / 3 * 4;
  }

  /**
   * Writes the padded base64 encoding of {@code src[off, off+len)} as ASCII bytes into {@code dst}
   * at {@code dstOff}, without intermediate allocation.
   *
   * @return the number of bytes written, {@link #encodedLength(int) encodedLength(len)}
   * @throws IndexOutOfBoundsException if {@code dst} is too small
   */
  public static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
    int d = dstOff;
    int end = off + len;
    int i = off;
    for (; i + 3 <= end; i += 3) {
      int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      dst[d++] = ALPHABET[v >>> 18];
      dst[d++] = ALPHABET[(v >>> 12) & 63];
      dst[d++] = ALPHABET[(v >>> 6) & 63];
      dst[d++] = ALPHABET[v & 63];
    }
    int rest = end - i;
    if (rest > 0) {
      int v = (src[i] & 0xff) << 16 | (rest == 2 ? (src[i + 1] & 0xff) << 8 : 0);
      dst[d++] = ALPHABET[v >>> 18];
      dst[d++] = ALPHABET[(v >>> 12) & 63];
      dst[d++] = rest == 2 ? ALPHABET[(v >>> 6) & 63] : (byte) '=';
      dst[d++] = '=';
    }
    return d - dstOff;
  }

  private static int padding(char secondLast, char last) {
    if (last != '=') {
      return 0;
    }
    return secondLast == '=' ? 2 : 1;
  }

  private static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }
}
