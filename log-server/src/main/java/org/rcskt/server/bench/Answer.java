package org.rcskt.server.bench;

import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;

/**
 * What came back for one request: a status, or what happened instead.
 *
 * @param label the outcome as counted in reports: the status ({@code "400"}), the status of an
 *     HTTP/2 answer ({@code "h2:200"}), or one of {@link #CLOSED}, {@link #RESET}, {@link
 *     #TIMEOUT}, {@link #GARBLED}, {@link #CONNECT_FAILED}, {@code "h2:..."} for HTTP/2 frames
 *     other than an answer
 * @param status the HTTP status, or 0 when there was no answer
 * @param body the first bytes of the body as text (control characters as '.'), or "" without one
 * @param keepAlive whether the connection can carry another request
 */
record Answer(String label, int status, String body, boolean keepAlive) {
  /** The server closed the connection without sending a byte of an answer. */
  static final String CLOSED = "closed";

  /** The connection was reset before any byte of an answer. */
  static final String RESET = "reset";

  /** No complete answer within the timeout. */
  static final String TIMEOUT = "timeout";

  /** Bytes came back, but not an HTTP answer (or one cut short before its status line ended). */
  static final String GARBLED = "garbled";

  /** The tool could not connect. */
  static final String CONNECT_FAILED = "connect-failed";

  /** The most bytes of a body kept for reports and checks. */
  static final int BODY_PREFIX = 256;

  static Answer of(int status, String body, boolean keepAlive) {
    return new Answer(Integer.toString(status), status, body, keepAlive);
  }

  static Answer failure(String label) {
    return new Answer(label, 0, "", false);
  }

  /** Whether the server answered with a status. */
  boolean answered() {
    return status > 0;
  }

  boolean is5xx() {
    return status >= 500;
  }

  /** Whether the server went away without answering: closed or reset before any answer byte. */
  boolean closedWithoutAnswer() {
    return CLOSED.equals(label) || RESET.equals(label);
  }

  /**
   * Reads one HTTP/1.x answer: the status line, headers and body (by Content-Length, chunked, or to
   * the end of the stream). Interim 1xx answers are skipped, except 101 (Switching Protocols),
   * which is returned with {@code keepAlive} false. A status line is taken whatever its protocol
   * token (servers echo a client's {@code HTTP/9.9}); only an HTTP/1.1 answer, or an HTTP/1.0 one
   * that says keep-alive, leaves the connection usable. An answer whose body does not end is
   * labelled with its status and {@code :truncated} (the connection closed) or {@code :stalled}
   * (the timeout passed).
   *
   * @param head whether the request was a HEAD, whose answer has no body
   */
  static Answer read(WireReader in, boolean head) {
    long start = in.total();
    int status = 0;
    WireReader.Prefix body = new WireReader.Prefix(BODY_PREFIX);
    try {
      while (true) {
        String statusLine = in.line(16 * 1024);
        if (statusLine == null) {
          return failure(in.total() == start ? CLOSED : GARBLED);
        }
        int sp = statusLine.indexOf(' ');
        if (sp <= 0
            || statusLine.length() < sp + 4
            || !isDigits(statusLine, sp + 1, sp + 4)
            || (statusLine.length() > sp + 4 && statusLine.charAt(sp + 4) != ' ')) {
          return failure(GARBLED);
        }
        int code = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
        long length = -1;
        boolean chunked = false;
        Boolean connectionClose = null;
        String h;
        while (!(h = in.line(64 * 1024)).isEmpty()) {
          int colon = h.indexOf(':');
          if (colon <= 0) {
            return failure(GARBLED);
          }
          String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
          switch (name) {
            case "content-length" -> {
              if (!isDigits(value, 0, value.length()) || value.length() > 18) {
                return failure(GARBLED);
              }
              length = Long.parseLong(value);
            }
            case "transfer-encoding" -> chunked = value.contains("chunked");
            case "connection" -> {
              if (value.contains("close")) {
                connectionClose = true;
              } else if (value.contains("keep-alive")) {
                connectionClose = false;
              }
            }
            default -> {}
          }
        }
        if (code == 101) {
          return of(code, "", false);
        }
        if (code >= 100 && code < 200) {
          continue;
        }
        status = code;
        boolean keepAlive =
            statusLine.startsWith("HTTP/1.0 ")
                ? Boolean.FALSE.equals(connectionClose)
                : statusLine.startsWith("HTTP/1.1 ") && !Boolean.TRUE.equals(connectionClose);
        boolean complete = true;
        if (head || status == 204 || status == 304) {
          // no body
        } else if (chunked) {
          complete = readChunked(in, body);
        } else if (length >= 0) {
          complete = in.skip(length, body);
        } else {
          in.drain(body);
          keepAlive = false;
        }
        return complete
            ? of(status, body.text(), keepAlive)
            : new Answer(status + ":truncated", status, body.text(), false);
      }
    } catch (java.net.SocketTimeoutException e) {
      return status > 0
          ? new Answer(status + ":stalled", status, body.text(), false)
          : failure(TIMEOUT);
    } catch (IOException e) {
      if (status > 0) {
        return new Answer(status + ":truncated", status, body.text(), false);
      }
      return failure(
          e instanceof EOFException
                  || e instanceof WireReader.TooLongException
                  || in.total() > start
              ? GARBLED
              : RESET);
    }
  }

  private static boolean readChunked(WireReader in, WireReader.Prefix body) throws IOException {
    while (true) {
      String sizeLine = in.line(1024);
      if (sizeLine == null) {
        return false;
      }
      int semi = sizeLine.indexOf(';');
      String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new EOFException("bad chunk size " + hex);
      }
      if (size == 0) {
        String trailer;
        while ((trailer = in.line(64 * 1024)) != null && !trailer.isEmpty()) {
          // trailers are not needed
        }
        return trailer != null;
      }
      if (!in.skip(size, body) || in.line(2) == null) {
        return false;
      }
    }
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
