package org.rcskt.verifier.event;

import java.nio.charset.StandardCharsets;
import org.rcskt.verifier.Hash;

/** Big-endian writes into an array sized exactly beforehand. */
final class ByteWriter {
  private final byte[] buf;
  private int pos;

  ByteWriter(int size) {
    this.buf = new byte[size];
  }

  void u8(int v) {
    buf[pos++] = (byte) v;
  }

  void u16(int v) {
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void u32(long v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (v >>> shift);
    }
  }

  void u64(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (v >>> shift);
    }
  }

  void hash(Hash h) {
    h.copyTo(buf, pos);
    pos += Hash.SIZE;
  }

  void bytes(byte[] b) {
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void ascii8(String s) {
    u8(s.length());
    bytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  void vector16(byte[] b) {
    u16(b.length);
    bytes(b);
  }

  byte[] finish() {
    if (pos != buf.length) {
      throw new IllegalStateException("wrote " + pos + " bytes into " + buf.length);
    }
    return buf;
  }
}
