package org.rcskt.verifier.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.rcskt.verifier.Hash;

/** Big-endian reads that report truncation with the field being read. */
final class ByteReader {
  private final byte[] buf;
  private int pos;

  ByteReader(byte[] buf) {
    this.buf = buf;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return buf.length - pos;
  }

  private void need(int n, String field) throws EventFormatException {
    if (buf.length - pos < n) {
      throw new EventFormatException(
          field,
          "truncated: need "
              + n
              + " bytes at offset "
              + pos
              + ", only "
              + (buf.length - pos)
              + " remain");
    }
  }

  int u8(String field) throws EventFormatException {
    need(1, field);
    return buf[pos++] & 0xff;
  }

  int u16(String field) throws EventFormatException {
    need(2, field);
    int v = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  long u32(String field) throws EventFormatException {
    need(4, field);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = v << 8 | (buf[pos + i] & 0xff);
    }
    pos += 4;
    return v;
  }

  /** A u64 that must fit in a Java long (below 2^63). */
  long u63(String field) throws EventFormatException {
    need(8, field);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (buf[pos + i] & 0xff);
    }
    String p = EventFormat.nonNegativeProblem(v);
    if (p != null) {
      throw new EventFormatException(field, p);
    }
    pos += 8;
    return v;
  }

  Hash hash(String field) throws EventFormatException {
    need(Hash.SIZE, field);
    Hash h = Hash.of(buf, pos);
    pos += Hash.SIZE;
    return h;
  }

  byte[] bytes(int n, String field) throws EventFormatException {
    need(n, field);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** A u8 or u16 length prefix, checked against its limits before the bytes are read. */
  byte[] vector(int prefixBytes, int min, int max, String field) throws EventFormatException {
    int len = prefixBytes == 1 ? u8(field) : u16(field);
    String p = EventFormat.lengthProblem(len, min, max);
    if (p != null) {
      throw new EventFormatException(field, p);
    }
    return bytes(len, field);
  }

  /** A u8-length ASCII string; each byte becomes one char so the text checks see every byte. */
  String ascii(int max, String field) throws EventFormatException {
    byte[] raw = vector(1, 1, max, field);
    return new String(raw, StandardCharsets.ISO_8859_1);
  }
}
