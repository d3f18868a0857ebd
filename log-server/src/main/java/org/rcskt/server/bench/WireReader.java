package org.rcskt.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A buffered reader of a connection's bytes, for parsing answers by hand. Unlike {@link
 * java.io.BufferedInputStream} it reads lines and counts what it has read, and it takes no lock per
 * byte. Not thread-safe: one reader per connection.
 */
final class WireReader {
  /** A line longer than the caller allows, or a frame larger than it can hold. */
  static final class TooLongException extends IOException {
    TooLongException(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int lim;
  private long total;

  WireReader(InputStream in) {
    this.in = in;
  }

  /** The next byte, or -1 at the end of the stream. */
  int read() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    total++;
    return buf[pos++] & 0xff;
  }

  /** Bytes read so far. */
  long total() {
    return total;
  }

  /** Whether bytes were received that nobody has read yet. */
  boolean hasUnread() throws IOException {
    return pos < lim || in.available() > 0;
  }

  /**
   * A line up to LF, without its CR LF (or bare LF), as ISO-8859-1 so that every byte survives;
   * null at the end of the stream before any byte of the line.
   *
   * @throws TooLongException past {@code max} bytes without LF
   * @throws java.io.EOFException at the end of the stream within a line
   */
  String line(int max) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int b = read();
      if (b < 0) {
        if (sb.length() == 0) {
          return null;
        }
        throw new java.io.EOFException("the stream ended within a line");
      }
      if (b == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      if (sb.length() >= max) {
        throw new TooLongException("line longer than " + max + " bytes");
      }
      sb.append((char) b);
    }
  }

  /**
   * Reads {@code n} bytes, keeping the first ones in {@code keep} (which may be null) up to its
   * capacity; returns false when the stream ended first.
   */
  boolean skip(long n, Prefix keep) throws IOException {
    while (n > 0) {
      if (pos == lim && !fill()) {
        return false;
      }
      int k = (int) Math.min(n, lim - pos);
      if (keep != null) {
        keep.add(buf, pos, k);
      }
      pos += k;
      total += k;
      n -= k;
    }
    return true;
  }

  /** Reads to the end of the stream, keeping a prefix; returns the number of bytes read. */
  long drain(Prefix keep) throws IOException {
    long n = 0;
    while (pos < lim || fill()) {
      int k = lim - pos;
      if (keep != null) {
        keep.add(buf, pos, k);
      }
      pos += k;
      total += k;
      n += k;
    }
    return n;
  }

  /** Exactly {@code n} bytes, or null when the stream ended first. */
  byte[] exactly(int n) throws IOException {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      int b = read();
      if (b < 0) {
        return null;
      }
      out[i] = (byte) b;
    }
    return out;
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  /** The first bytes of something, up to a capacity. */
  static final class Prefix {
    private final byte[] bytes;
    private int length;

    Prefix(int capacity) {
      this.bytes = new byte[capacity];
    }

    void add(byte[] b, int off, int len) {
      int k = Math.min(len, bytes.length - length);
      System.arraycopy(b, off, bytes, length, k);
      length += k;
    }

    /** The prefix as text, control characters and invalid UTF-8 shown as '.'. */
    String text() {
      return printable(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
  }

  /** {@code s} with control characters and replacement characters shown as '.'. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f || c == '\ufffd' ? '.' : c);
    }
    return sb.toString();
  }
}
