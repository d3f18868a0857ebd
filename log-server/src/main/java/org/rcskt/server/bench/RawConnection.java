package org.rcskt.server.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One TCP connection that carries whatever bytes it is given and reads HTTP/1.x answers by hand, so
 * that requests no HTTP client would send (broken escapes, invented methods, malformed framing)
 * reach the server exactly as written. Blocking, with a read timeout; not thread-safe.
 */
final class RawConnection implements Closeable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final Socket socket;
  private final WireReader in;
  private final OutputStream out;
  private boolean usable = true;
  private int answers;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new WireReader(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * @throws IOException if the connection cannot be made within 5 s
   */
  static RawConnection open(InetSocketAddress address, int timeoutMillis) throws IOException {
    return open(Transport.PLAIN, address, timeoutMillis, Transport.HTTP_1_1);
  }

  /**
   * A connection over {@code transport}, offering {@code alpn} over TLS.
   *
   * @throws IOException if the connection (and over TLS its handshake) cannot be made within 5 s
   */
  static RawConnection open(
      Transport transport, InetSocketAddress address, int timeoutMillis, String alpn)
      throws IOException {
    Socket s = transport.connect(address, CONNECT_TIMEOUT_MILLIS, alpn);
    try {
      s.setSoTimeout(timeoutMillis);
      return new RawConnection(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  WireReader reader() {
    return in;
  }

  OutputStream output() {
    return out;
  }

  /** Answers read on this connection so far. */
  int answers() {
    return answers;
  }

  /** Whether another request may be sent: the last answer allowed it and nothing is left over. */
  boolean usable() {
    return usable && !socket.isClosed();
  }

  /**
   * Whether bytes arrived that no request asked for (an extra answer, say); the connection is no
   * longer usable then.
   */
  boolean hasStrayBytes() {
    try {
      if (in.hasUnread()) {
        usable = false;
        return true;
      }
      return false;
    } catch (IOException e) {
      usable = false;
      return false;
    }
  }

  /**
   * Writes {@code request}; returns false if that failed, which happens when the server answered
   * early and closed. The answer may still be readable then.
   */
  boolean write(byte[] request) {
    try {
      out.write(request);
      out.flush();
      return true;
    } catch (IOException e) {
      usable = false;
      return false;
    }
  }

  /** Writes {@code request} and reads its answer. */
  Answer exchange(byte[] request, boolean head) {
    write(request);
    return read(head);
  }

  /** Reads one answer. */
  Answer read(boolean head) {
    Answer a = Answer.read(in, head);
    if (a.answered()) {
      answers++;
    }
    if (!a.keepAlive()) {
      usable = false;
    }
    return a;
  }

  /** Tells the server no more bytes will come (a half-close). */
  void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      usable = false;
    }
  }

  @Override
  public void close() {
    usable = false;
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do: the connection is gone either way
    }
  }
}
