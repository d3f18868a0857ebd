package org.rcskt.server.http;

import org.rcskt.server.log.BadRequestException;
import org.rcskt.server.log.LogReader;

/**
 * Parses C2SP tlog-tiles resource paths: {@code <L>/<N>[.p/<W>]} and {@code entries/<N>[.p/<W>]},
 * where N is written in groups of three digits, all but the last prefixed with {@code x}. Only the
 * canonical spelling of each coordinate is accepted.
 */
final class TilePaths {
  private TilePaths() {}

  /** A parsed tile path; {@code level} is -1 for an entry bundle. */
  record Tile(int level, long index, int width) {
    boolean full() {
      return width == LogReader.TILE_WIDTH;
    }
  }

  /**
   * Parses the part of the path after {@code /tile/}.
   *
   * @throws BadRequestException naming the path when it is not a canonical tile path
   */
  static Tile parse(String rest) {
    int level;
    String coords;
    if (rest.startsWith("entries/")) {
      level = -1;
      coords = rest.substring("entries/".length());
    } else {
      int slash = rest.indexOf('/');
      if (slash < 0) {
        throw bad(rest, "no tile index");
      }
      level = (int) decimal(rest, rest.substring(0, slash), 63, "tile level");
      coords = rest.substring(slash + 1);
    }
    int width = LogReader.TILE_WIDTH;
    int p = coords.indexOf(".p/");
    if (p >= 0) {
      width = (int) decimal(rest, coords.substring(p + 3), 255, "partial tile width");
      if (width == 0) {
        throw bad(rest, "partial tile width must be 1 to 255");
      }
      coords = coords.substring(0, p);
    }
    String[] groups = coords.split("/", -1);
    long index = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      boolean last = i == groups.length - 1;
      if (!last) {
        if (g.length() != 4 || g.charAt(0) != 'x') {
          throw bad(rest, "index group \"" + g + "\" must be x followed by three digits");
        }
        g = g.substring(1);
      }
      if (g.length() != 3 || !allDigits(g)) {
        throw bad(rest, "index group \"" + g + "\" must be three digits");
      }
      if (i == 0 && !last && g.equals("000")) {
        throw bad(rest, "index has a leading zero group");
      }
      if (index > (Long.MAX_VALUE - 999) / 1000) {
        throw bad(rest, "index is too large");
      }
      index = index * 1000 + Integer.parseInt(g);
    }
    return new Tile(level, index, width);
  }

  /** The canonical path of index {@code n}: {@code x001/x234/067} for 1234067. */
  static String formatIndex(long n) {
    String s = String.format("%03d", n % 1000);
    for (n /= 1000; n > 0; n /= 1000) {
      s = String.format("x%03d/", n % 1000) + s;
    }
    return s;
  }

  private static long decimal(String path, String s, long max, String what) {
    if (s.isEmpty() || s.length() > 3 || !allDigits(s) || (s.length() > 1 && s.charAt(0) == '0')) {
      throw bad(path, what + " \"" + s + "\" must be a decimal number without leading zeros");
    }
    long v = Long.parseLong(s);
    if (v > max) {
      throw bad(path, what + " " + v + " is larger than " + max);
    }
    return v;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static BadRequestException bad(String path, String problem) {
    return new BadRequestException("path", "tile path \"" + path + "\": " + problem);
  }
}
