package org.rcskt.verifier.tile;

import java.util.ArrayList;
import java.util.List;

/**
 * The C2SP tlog-tiles entry bundle encoding: up to 256 entries, each a big-endian uint16 length
 * followed by that many bytes.
 */
public final class EntryBundle {
  /** The largest entry a bundle can carry. */
  public static final int MAX_ENTRY_SIZE = 0xffff;

  private EntryBundle() {}

  /**
   * Encodes {@code entries}.
   *
   * @throws IllegalArgumentException if there are no entries or more than 256, or an entry is
   *     longer than 65,535 bytes
   */
  public static byte[] encode(List<byte[]> entries) {
    if (entries.isEmpty() || entries.size() > TilePath.FULL_WIDTH) {
      throw new IllegalArgumentException(
          "an entry bundle holds 1 to 256 entries, got " + entries.size());
    }
    int total = 0;
    for (int i = 0; i < entries.size(); i++) {
      int len = entries.get(i).length;
      if (len > MAX_ENTRY_SIZE) {
        throw new IllegalArgumentException(
            "entry " + i + " is " + len + " bytes, longer than " + MAX_ENTRY_SIZE);
      }
      total += 2 + len;
    }
    byte[] out = new byte[total];
    int pos = 0;
    for (byte[] e : entries) {
      out[pos] = (byte) (e.length >>> 8);
      out[pos + 1] = (byte) e.length;
      System.arraycopy(e, 0, out, pos + 2, e.length);
      pos += 2 + e.length;
    }
    return out;
  }

  /**
   * Decodes a bundle that must hold exactly {@code bundle.width()} entries.
   *
   * @throws MalformedTileException if the bytes are truncated, hold another number of entries, or
   *     carry bytes after the last entry
   * @throws IllegalArgumentException if {@code bundle} is a hash tile
   */
  public static List<byte[]> parse(TilePath bundle, byte[] data) throws MalformedTileException {
    if (!bundle.entryBundle()) {
      throw new IllegalArgumentException(bundle + " is a hash tile, not an entry bundle");
    }
    int want = bundle.width();
    List<byte[]> out = new ArrayList<>(want);
    int pos = 0;
    while (pos < data.length) {
      int i = out.size();
      if (i == want) {
        throw new MalformedTileException(
            bundle + " has " + (data.length - pos) + " bytes after its " + want + " entries");
      }
      if (data.length - pos < 2) {
        throw new MalformedTileException(
            bundle + " is truncated in the length of entry " + i + " at offset " + pos);
      }
      int len = (data[pos] & 0xff) << 8 | (data[pos + 1] & 0xff);
      pos += 2;
      if (data.length - pos < len) {
        throw new MalformedTileException(
            bundle
                + " is truncated: entry "
                + i
                + " needs "
                + len
                + " bytes at offset "
                + pos
                + ", "
                + (data.length - pos)
                + " remain");
      }
      byte[] e = new byte[len];
      System.arraycopy(data, pos, e, 0, len);
      out.add(e);
      pos += len;
    }
    if (out.size() != want) {
      throw new MalformedTileException(
          bundle + " holds " + out.size() + " entries, expected " + want);
    }
    return out;
  }
}
