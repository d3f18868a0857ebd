package org.rcskt.server.http;

import java.util.Locale;
import org.rcskt.server.log.BadRequestException;

/**
 * Checks of a request's raw target and headers made before any routing or decoding, so that what
 * the HTTP libraries would fail on (and answer with a 500 or a plain-text 400) is a JSON 400 naming
 * the part at fault. Pure functions of strings.
 */
final class RequestChecks {
  /** The most characters of client text an error detail quotes. */
  static final int MAX_QUOTED = 40;

  private RequestChecks() {}

  /**
   * Checks that every {@code %} in the raw path and query starts a two-hex-digit escape.
   *
   * @param path the raw path, not decoded
   * @param query the raw query (after {@code ?}), or null
   * @throws BadRequestException with field {@code path}, the name of the query parameter whose
   *     value is malformed, or {@code query} when a parameter's name itself is
   */
  static void checkEscapes(String path, String query) {
    int bad = badEscape(path, 0, path.length());
    if (bad >= 0) {
      throw new BadRequestException(
          "path",
          "path has a malformed percent-escape \""
              + escapeAt(path, bad)
              + "\" at offset "
              + bad
              + " (a % must be followed by two hex digits)");
    }
    if (query == null) {
      return;
    }
    int start = 0;
    while (start <= query.length()) {
      int end = start;
      while (end < query.length() && query.charAt(end) != '&' && query.charAt(end) != ';') {
        end++;
      }
      int eq = query.indexOf('=', start);
      int nameEnd = eq >= 0 && eq < end ? eq : end;
      int badName = badEscape(query, start, nameEnd);
      if (badName >= 0) {
        throw new BadRequestException(
            "query",
            "a query parameter name has a malformed percent-escape \""
                + escapeAt(query, badName)
                + "\" (a % must be followed by two hex digits)");
      }
      int badValue = badEscape(query, nameEnd, end);
      if (badValue >= 0) {
        String name = decodeName(query.substring(start, nameEnd));
        throw new BadRequestException(
            name,
            "parameter "
                + name
                + " has a malformed percent-escape \""
                + escapeAt(query, badValue)
                + "\" (a % must be followed by two hex digits)");
      }
      start = end + 1;
    }
  }

  /** The offset of the first malformed escape in {@code s[from, to)}, or -1. */
  private static int badEscape(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '%') {
        if (i + 2 >= to) {
          return i;
        }
        if (!isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          return i;
        }
        i += 2;
      }
    }
    return -1;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String escapeAt(String s, int i) {
    return s.substring(i, Math.min(s.length(), i + 3));
  }

  /** A parameter name (whose escapes are well-formed) decoded for an error message, clipped. */
  private static String decodeName(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length() && b.length() < MAX_QUOTED; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        char d = (char) Integer.parseInt(raw.substring(i + 1, i + 3), 16);
        b.append(d >= 0x20 && d < 0x7f ? d : '?');
        i += 2;
      } else if (c == '+') {
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Whether a {@code POST /v1/events} body of this {@code Content-Type} is taken: {@code
   * application/json} (any case, optionally with {@code charset=utf-8}) or no {@code Content-Type}
   * at all.
   *
   * @param header the {@code Content-Type} header, or null when absent
   * @return null when acceptable, else the error detail
   */
  static String contentTypeRefusal(String header) {
    if (header == null) {
      return null;
    }
    int semi = header.indexOf(';');
    String type = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json")) {
      return "Content-Type must be application/json (or absent), got \"" + clip(header) + "\"";
    }
    if (semi >= 0) {
      for (String param : header.substring(semi + 1).split(";")) {
        int eq = param.indexOf('=');
        String name = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : unquote(param.substring(eq + 1).trim());
        if (name.equals("charset") && !value.equalsIgnoreCase("utf-8")) {
          return "an event is UTF-8 JSON; charset \"" + clip(value) + "\" is not accepted";
        }
      }
    }
    return null;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }

  /** Client text for an error detail: at most {@link #MAX_QUOTED} printable ASCII characters. */
  static String clip(String s) {
    return clip(s, MAX_QUOTED);
  }

  /** Client text for an error detail: at most {@code max} printable ASCII characters. */
  static String clip(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max + 3));
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (s.length() > max) {
      b.append("...");
    }
    return b.toString();
  }
}
