package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyEvent;

/**
 * What the families of one run share: where the log is, its events, the subjects registered before
 * the run, and the largest tree size the log has signed as far as the run has seen.
 */
final class HostileContext {
  /**
   * A subject registered before the run, whose chain stays at its first event.
   *
   * @param treeSize the size of the tree the log signed with the first event in it
   */
  record SetupSubject(Hash subject, KeyEvent first, Ed25519.KeyPair device, long treeSize) {}

  private final String host;
  private final String basePath;
  private final long seed;
  private final HostileEvents events;
  private final List<SetupSubject> setup;
  private final AtomicLong treeSize;

  /**
   * @param host the {@code Host} header value, {@code 127.0.0.1:8080}
   * @param basePath the path of the log's URL, prefixed to every path; "" for none
   * @param setup at least one subject registered before the run
   * @param treeSize a tree size the log has signed
   */
  HostileContext(
      String host,
      String basePath,
      long seed,
      HostileEvents events,
      List<SetupSubject> setup,
      long treeSize) {
    if (setup.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one setup subject");
    }
    this.host = host;
    this.basePath = basePath;
    this.seed = seed;
    this.events = events;
    this.setup = List.copyOf(setup);
    this.treeSize = new AtomicLong(treeSize);
  }

  String host() {
    return host;
  }

  long seed() {
    return seed;
  }

  HostileEvents events() {
    return events;
  }

  List<SetupSubject> setup() {
    return setup;
  }

  /** The largest tree size seen in a signed answer; at least 1. */
  long treeSize() {
    return treeSize.get();
  }

  /** Notes a tree size the log has signed. */
  void sawTreeSize(long size) {
    treeSize.accumulateAndGet(size, Math::max);
  }

  /** {@code path} below the log's URL. */
  String path(String path) {
    return basePath + path;
  }

  /** An HTTP/1.1 request for {@code path} below the log's URL; see {@link #http1}. */
  byte[] request(String method, String path, byte[] body, String... headers) {
    return http1(host, method, path(path), body, headers);
  }

  /**
   * An HTTP/1.1 request with a {@code Host} header, the given header lines ({@code "Name: value"})
   * and, when {@code body} is not null, the body with its {@code Content-Length}. The target is
   * sent exactly as given.
   */
  static byte[] http1(String host, String method, String target, byte[] body, String... headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
    StringBuilder head = new StringBuilder(128 + target.length());
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host);
    head.append("\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** A GET of {@code path} below the log's URL. */
  byte[] get(String path) {
    return request("GET", path, null);
  }
}
