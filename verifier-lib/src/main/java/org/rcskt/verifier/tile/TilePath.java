package org.rcskt.verifier.tile;

/**
 * A C2SP tlog-tiles resource: a hash tile {@code tile/<L>/<N>[.p/<W>]} or an entry bundle {@code
 * tile/entries/<N>[.p/<W>]}, where {@code <N>} is the index written as 3-digit groups, all but the
 * last prefixed with {@code x} ({@code x001/x234/067}), and the {@code .p/<W>} suffix marks a
 * partial tile of {@code W} (1 to 255) hashes or entries. {@link #toString()} is the path.
 *
 * @param entryBundle whether this is an entry bundle rather than a hash tile
 * @param level the tile level, 0 to 63; always 0 for entry bundles
 * @param index the tile index within its level, non-negative
 * @param width the number of hashes or entries, 1 to 256; 256 is a full tile
 */
public record TilePath(boolean entryBundle, int level, long index, int width) {
  /** Hashes or entries in a full tile. */
  public static final int FULL_WIDTH = 256;

  /** Merkle tree levels spanned by one tile level. */
  public static final int HEIGHT = 8;

  /** The largest tile level a path may name. */
  public static final int MAX_LEVEL = 63;

  /** Longer paths are rejected before parsing; the longest valid path is about 50 characters. */
  public static final int MAX_PATH_LENGTH = 128;

  private static final String PREFIX = "tile/";
  private static final String ENTRIES = "entries";
  private static final String PARTIAL = ".p";

  /**
   * @throws IllegalArgumentException if a component is out of range
   */
  public TilePath {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException("tile level " + level + " is not in 0..63");
    }
    if (entryBundle && level != 0) {
      throw new IllegalArgumentException("entry bundles have no level, got " + level);
    }
    if (index < 0) {
      throw new IllegalArgumentException("tile index " + index + " is negative");
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException("tile width " + width + " is not in 1..256");
    }
  }

  /** The hash tile at {@code level}, {@code index} with {@code width} hashes (256 when full). */
  public static TilePath hashTile(int level, long index, int width) {
    return new TilePath(false, level, index, width);
  }

  /** The entry bundle {@code index} with {@code width} entries (256 when full). */
  public static TilePath entryBundle(long index, int width) {
    return new TilePath(true, 0, index, width);
  }

  /** Whether this tile has fewer than 256 hashes or entries. */
  public boolean isPartial() {
    return width < FULL_WIDTH;
  }

  /** The number of bytes of a hash tile of this width; meaningless for entry bundles. */
  public int hashTileBytes() {
    return width * org.rcskt.verifier.Hash.SIZE;
  }

  /** The path, without a leading slash: {@code tile/0/x001/x234/067.p/8}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(48).append(PREFIX);
    if (entryBundle) {
      sb.append(ENTRIES);
    } else {
      sb.append(level);
    }
    sb.append('/');
    appendIndex(sb, index);
    if (isPartial()) {
      sb.append(PARTIAL).append('/').append(width);
    }
    return sb.toString();
  }

  /**
   * The {@code <N>} encoding of a tile index: {@code 5 -> "005"}, {@code 1234067 ->
   * "x001/x234/067"}.
   */
  public static String formatIndex(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("tile index " + index + " is negative");
    }
    StringBuilder sb = new StringBuilder(27);
    appendIndex(sb, index);
    return sb.toString();
  }

  private static void appendIndex(StringBuilder sb, long index) {
    long div = 1;
    while (index / div >= 1000) {
      div *= 1000;
    }
    for (; div >= 1000; div /= 1000) {
      sb.append('x');
      appendGroup(sb, (int) (index / div % 1000));
      sb.append('/');
    }
    appendGroup(sb, (int) (index % 1000));
  }

  private static void appendGroup(StringBuilder sb, int group) {
    sb.append((char) ('0' + group / 100))
        .append((char) ('0' + group / 10 % 10))
        .append((char) ('0' + group % 10));
  }

  /**
   * Parses a tile or entry bundle path, strictly: exactly the encoding {@link #toString()} produces
   * is accepted.
   *
   * @param path the path without a leading slash, starting with {@code tile/}
   * @throws IllegalArgumentException naming the first rule the path breaks
   */
  public static TilePath parse(String path) {
    if (path.length() > MAX_PATH_LENGTH) {
      throw new IllegalArgumentException(
          "tile path is " + path.length() + " characters, longer than " + MAX_PATH_LENGTH);
    }
    if (!path.startsWith(PREFIX)) {
      throw new IllegalArgumentException("tile path must start with \"tile/\": \"" + path + "\"");
    }
    String[] parts = path.substring(PREFIX.length()).split("/", -1);
    boolean entries = parts[0].equals(ENTRIES);
    int level = entries ? 0 : parseLevel(parts[0]);
    int i = 1;
    if (i == parts.length) {
      throw new IllegalArgumentException("tile path has no index: \"" + path + "\"");
    }
    long index = 0;
    int groups = 0;
    for (; i < parts.length && parts[i].startsWith("x"); i++) {
      String p = parts[i];
      if (p.length() != 4 || !digits(p, 1, 4)) {
        throw new IllegalArgumentException(
            "tile index element \"" + p + "\" must be \"x\" and 3 digits");
      }
      if (groups == 0 && p.equals("x000")) {
        throw new IllegalArgumentException("tile index must not begin with \"x000\"");
      }
      if (++groups > 6) {
        throw new IllegalArgumentException("tile index has more than 7 elements");
      }
      index = index * 1000 + Integer.parseInt(p, 1, 4, 10);
    }
    if (i == parts.length) {
      throw new IllegalArgumentException(
          "tile index must end with an element of 3 digits: \"" + path + "\"");
    }
    String last = parts[i++];
    boolean partial = last.endsWith(PARTIAL);
    if (partial) {
      last = last.substring(0, last.length() - PARTIAL.length());
    }
    if (last.length() != 3 || !digits(last, 0, 3)) {
      throw new IllegalArgumentException("tile index element \"" + last + "\" must be 3 digits");
    }
    int group = Integer.parseInt(last);
    if (index > (Long.MAX_VALUE - group) / 1000) {
      throw new IllegalArgumentException("tile index does not fit in 63 bits: \"" + path + "\"");
    }
    index = index * 1000 + group;
    int width = FULL_WIDTH;
    if (partial) {
      if (i == parts.length) {
        throw new IllegalArgumentException("partial tile path has no width after \".p/\"");
      }
      width = parseWidth(parts[i++]);
    }
    if (i != parts.length) {
      throw new IllegalArgumentException(
          "tile path has extra elements after "
              + (partial ? "the width" : "the index")
              + ": \""
              + path
              + "\"");
    }
    return new TilePath(entries, level, index, width);
  }

  private static int parseLevel(String s) {
    if (s.isEmpty()
        || s.length() > 2
        || !digits(s, 0, s.length())
        || (s.length() > 1 && s.charAt(0) == '0')
        || Integer.parseInt(s) > MAX_LEVEL) {
      throw new IllegalArgumentException(
          "tile level \"" + s + "\" must be a decimal integer from 0 to 63 without leading zeros");
    }
    return Integer.parseInt(s);
  }

  private static int parseWidth(String s) {
    if (s.isEmpty()
        || s.length() > 3
        || !digits(s, 0, s.length())
        || s.charAt(0) == '0'
        || Integer.parseInt(s) >= FULL_WIDTH) {
      throw new IllegalArgumentException(
          "tile width \"" + s + "\" must be a decimal integer from 1 to 255 without leading zeros");
    }
    return Integer.parseInt(s);
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
