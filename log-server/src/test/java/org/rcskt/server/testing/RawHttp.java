package org.rcskt.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Raw bytes over a TCP socket to 127.0.0.1, for requests no HTTP client library would send
 * (malformed request lines, headers, chunk sizes, trickled bodies).
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean eof;

  /** Connects with a read timeout of {@code readTimeoutMillis} for each wait. */
  public RawHttp(int port, int readTimeoutMillis) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(readTimeoutMillis);
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RawHttp(int port) {
    this(port, 5000);
  }

  /** Sends {@code bytes}; false if the server has closed (or reset) the connection. */
  public boolean send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public boolean send(String ascii) {
    return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads until the server closes the connection or a read times out; everything received so far on
   * this connection.
   */
  public byte[] readToEnd() {
    byte[] buf = new byte[8192];
    try {
      while (!eof) {
        int n = in.read(buf);
        if (n < 0) {
          eof = true;
        } else {
          received.write(buf, 0, n);
        }
      }
    } catch (SocketTimeoutException e) {
      // not closed (yet)
    } catch (IOException e) {
      eof = true; // reset by the server: closed too
    }
    return received.toByteArray();
  }

  /**
   * Reads one whole response (status line, headers, a {@code Content-Length} body), or what arrived
   * before the connection closed or a read timed out; null if nothing arrived.
   */
  public Response readResponse() {
    byte[] buf = new byte[8192];
    try {
      while (true) {
        Response r = Response.parse(received.toByteArray());
        if (r != null) {
          byte[] all = received.toByteArray();
          received.reset();
          received.write(all, r.length(), all.length - r.length());
          return r;
        }
        if (eof) {
          return null;
        }
        int n = in.read(buf);
        if (n < 0) {
          eof = true;
        } else {
          received.write(buf, 0, n);
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      eof = true;
      return null;
    }
  }

  /** True once a read saw the server close the connection. */
  public boolean closedByServer() {
    return eof;
  }

  /** Waits up to {@code millis} for the server to close the connection; true if it did. */
  public boolean awaitClose(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    byte[] buf = new byte[8192];
    while (!eof && System.nanoTime() < deadline) {
      try {
        int n = in.read(buf);
        if (n < 0) {
          eof = true;
        } else {
          received.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // keep waiting
      } catch (IOException e) {
        eof = true;
      }
    }
    return eof;
  }

  /** Bytes received and not yet returned by {@link #readResponse}. */
  public byte[] pending() {
    return received.toByteArray();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** A parsed HTTP/1.x response. */
  public record Response(
      String statusLine, int status, Map<String, String> headers, byte[] body, int length) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return Http.parse(text());
    }

    /** A response at the start of {@code b} if it is complete, else null. */
    public static Response parse(byte[] b) {
      int end = indexOf(b, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      if (end < 0) {
        return null;
      }
      String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] status = lines[0].split(" ", 3);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(
              lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(c + 1).trim());
        }
      }
      int bodyStart = end + 4;
      String cl = headers.get("content-length");
      int len = cl == null ? 0 : Integer.parseInt(cl);
      if (b.length < bodyStart + len) {
        return null;
      }
      return new Response(
          lines[0],
          Integer.parseInt(status[1]),
          headers,
          Arrays.copyOfRange(b, bodyStart, bodyStart + len),
          bodyStart + len);
    }

    private static int indexOf(byte[] b, byte[] pattern) {
      outer:
      for (int i = 0; i + pattern.length <= b.length; i++) {
        for (int j = 0; j < pattern.length; j++) {
          if (b[i + j] != pattern[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
