package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Just enough cleartext HTTP/2 (RFC 9113) to send one GET with prior knowledge or after an {@code
 * Upgrade: h2c}, and to read the status of its answer. Requests are HPACK-encoded with literals
 * only (no table state); the answer's {@code :status} is read from its first header field, which a
 * server sends first: an indexed static-table entry (200, 204, 206, 304, 400, 404, 500) or a
 * literal, plain or Huffman-coded (RFC 7541 section 5.2; only the codes of the digits are needed).
 */
final class H2c {
  private H2c() {}

  /** The client connection preface (RFC 9113 section 3.4). */
  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int FLAG_END_STREAM = 0x1;
  private static final int FLAG_ACK = 0x1;
  private static final int FLAG_END_HEADERS = 0x4;
  private static final int FLAG_PADDED = 0x8;
  private static final int FLAG_PRIORITY = 0x20;
  private static final int MAX_FRAME = 1 << 20;

  /** {@code :status} values of HPACK static table entries 8 to 14. */
  private static final int[] STATIC_STATUS = {200, 204, 206, 304, 400, 404, 500};

  /** A frame header and payload. */
  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) ((stream >>> 24) & 0x7f);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /** An empty SETTINGS frame: the defaults. */
  static byte[] settings() {
    return frame(SETTINGS, 0, 0, new byte[0]);
  }

  /** A GOAWAY with no error, last stream 0. */
  static byte[] goaway() {
    return frame(GOAWAY, 0, 0, new byte[8]);
  }

  /** The preface, SETTINGS and a GET of {@code path} on stream 1. */
  static byte[] priorKnowledge(String authority, String path) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(PREFACE);
    b.writeBytes(settings());
    b.writeBytes(get(1, authority, path));
    return b.toByteArray();
  }

  /** A HEADERS frame that ends its stream: GET {@code path}. */
  static byte[] get(int stream, String authority, String path) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x82); // :method GET, static index 2
    block.write(0x86); // :scheme http, static index 6
    literal(block, 4, path); // :path, name index 4, without indexing
    literal(block, 1, authority); // :authority, name index 1
    return frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, stream, block.toByteArray());
  }

  private static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
    out.write(nameIndex); // 0000xxxx: literal without indexing, 4-bit name index
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    integer(out, 0, 7, v.length);
    out.writeBytes(v);
  }

  private static void integer(ByteArrayOutputStream out, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(flags | value);
      return;
    }
    out.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /**
   * Reads frames until the answer on stream 1 starts (or, without a request, until the server's
   * SETTINGS), acknowledging the server's SETTINGS and PINGs. The label is {@code h2:<status>} for
   * an answer, {@code h2:settings} for the SETTINGS that answer a preface alone, or {@code
   * h2:goaway}, {@code h2:rst}, {@code h2:other} (a status this reader cannot decode), {@code
   * h2:closed} (the server closed after whole frames), {@link Answer#CLOSED} (before any byte),
   * {@link Answer#GARBLED} or {@link Answer#TIMEOUT}.
   *
   * @param request whether a request was sent on stream 1
   */
  static Answer readAnswer(WireReader in, OutputStream out, boolean request) {
    long start = in.total();
    try {
      for (int frames = 0; frames < 64; frames++) {
        long frameStart = in.total();
        byte[] h = in.exactly(9);
        if (h == null) {
          return Answer.failure(
              in.total() == start
                  ? Answer.CLOSED
                  : in.total() == frameStart ? "h2:closed" : Answer.GARBLED);
        }
        int length = ((h[0] & 0xff) << 16) | ((h[1] & 0xff) << 8) | (h[2] & 0xff);
        int type = h[3] & 0xff;
        int flags = h[4] & 0xff;
        int stream =
            ((h[5] & 0x7f) << 24) | ((h[6] & 0xff) << 16) | ((h[7] & 0xff) << 8) | (h[8] & 0xff);
        if (length > MAX_FRAME) {
          return Answer.failure(Answer.GARBLED);
        }
        byte[] payload = in.exactly(length);
        if (payload == null) {
          return Answer.failure(Answer.GARBLED);
        }
        switch (type) {
          case SETTINGS -> {
            if ((flags & FLAG_ACK) == 0) {
              if (!request) {
                return Answer.failure("h2:settings");
              }
              send(out, frame(SETTINGS, FLAG_ACK, 0, new byte[0]));
            }
          }
          case PING -> {
            if ((flags & FLAG_ACK) == 0) {
              send(out, frame(PING, FLAG_ACK, 0, payload));
            }
          }
          case GOAWAY -> {
            return Answer.failure("h2:goaway");
          }
          case RST_STREAM -> {
            if (stream == 1) {
              return Answer.failure("h2:rst");
            }
          }
          case HEADERS -> {
            if (stream == 1) {
              int status = status(payload, flags);
              return status > 0
                  ? new Answer("h2:" + status, status, "", false)
                  : Answer.failure("h2:other");
            }
          }
          case DATA -> {
            // not for us before the headers; ignore
          }
          default -> {
            // WINDOW_UPDATE, PRIORITY and unknown frame types need no answer
          }
        }
      }
      return Answer.failure(Answer.GARBLED);
    } catch (SocketTimeoutException e) {
      return Answer.failure(Answer.TIMEOUT);
    } catch (IOException e) {
      return Answer.failure(in.total() == start ? Answer.RESET : Answer.GARBLED);
    }
  }

  /**
   * Writes a frame; a server that closed its side may still be sending, so failures are ignored.
   */
  private static void send(OutputStream out, byte[] frame) {
    try {
      out.write(frame);
      out.flush();
    } catch (IOException e) {
      // read on: what the server sent before it closed is still to be read
    }
  }

  /** The {@code :status} in the first field of a HEADERS payload, or 0 if it is not readable. */
  static int status(byte[] payload, int flags) {
    int p = 0;
    int end = payload.length;
    if ((flags & FLAG_PADDED) != 0) {
      if (end < 1) {
        return 0;
      }
      end -= payload[0] & 0xff;
      p = 1;
    }
    if ((flags & FLAG_PRIORITY) != 0) {
      p += 5;
    }
    if (p >= end || end > payload.length) {
      return 0;
    }
    int b = payload[p] & 0xff;
    if ((b & 0x80) != 0) {
      int index = b & 0x7f;
      return index >= 8 && index <= 14 ? STATIC_STATUS[index - 8] : 0;
    }
    int nameIndex;
    if ((b & 0xc0) == 0x40) {
      nameIndex = b & 0x3f; // literal with incremental indexing
    } else if ((b & 0xe0) == 0x20) {
      return 0; // dynamic table size update; a server would not start with one here
    } else {
      nameIndex = b & 0x0f; // literal without indexing or never indexed
    }
    if (nameIndex < 8 || nameIndex > 14) {
      return 0;
    }
    p++;
    if (p >= end) {
      return 0;
    }
    boolean huffman = (payload[p] & 0x80) != 0;
    int length = payload[p] & 0x7f;
    p++;
    if (length == 0x7f || p + length > end) {
      return 0;
    }
    String digits = huffman ? huffmanDigits(payload, p, length) : ascii(payload, p, length);
    if (digits == null || digits.length() != 3) {
      return 0;
    }
    for (int i = 0; i < 3; i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return 0;
      }
    }
    return Integer.parseInt(digits);
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  /**
   * Decodes a Huffman-coded string of digits: '0' to '2' are the 5-bit codes 00000 to 00010, '3' to
   * '9' the 6-bit codes 011001 to 011111 (RFC 7541 appendix B); the padding is up to 7 one bits.
   * Null if anything else is coded.
   */
  static String huffmanDigits(byte[] b, int off, int len) {
    long bits = 0;
    int nbits = 0;
    int i = off;
    StringBuilder sb = new StringBuilder(3);
    while (true) {
      while (nbits < 6 && i < off + len) {
        bits = (bits << 8) | (b[i++] & 0xff);
        nbits += 8;
      }
      if (nbits == 0) {
        return sb.toString();
      }
      if (nbits < 8 && i == off + len && (bits & ((1L << nbits) - 1)) == (1L << nbits) - 1) {
        return sb.toString(); // EOS padding
      }
      if (nbits >= 5 && ((bits >>> (nbits - 2)) & 0x3) == 0) {
        int v = (int) ((bits >>> (nbits - 5)) & 0x1f);
        if (v > 2) {
          return null;
        }
        sb.append((char) ('0' + v));
        nbits -= 5;
      } else if (nbits >= 6 && ((bits >>> (nbits - 3)) & 0x7) == 0x3) {
        int v = (int) ((bits >>> (nbits - 6)) & 0x7);
        if (v == 0) {
          return null;
        }
        sb.append((char) ('0' + v + 2));
        nbits -= 6;
      } else {
        return null;
      }
      bits &= (1L << nbits) - 1;
    }
  }
}
