package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  private final String authorization;

  /**
   * @param host the {@code Host} header value, {@code 127.0.0.1:8080}
   * @param basePath the path of the log's URL, prefixed to every path; "" for none
   * @param setup at least one subject registered before the run
   * @param treeSize a tree size the log has signed
   * @param authorization the {@code Authorization} header line every write carries unless it brings
   *     its own ({@code "Authorization: Bearer <token>"}), or null when the log takes writes
   *     without one
   */
  HostileContext(
      String host,
      String basePath,
      long seed,
      HostileEvents events,
      List<SetupSubject> setup,
      long treeSize,
      String authorization) {
    if (setup.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one setup subject");
    }
    this.host = host;
    this.basePath = basePath;
    this.seed = seed;
    this.events = events;
    this.setup = List.copyOf(setup);
    this.treeSize = new AtomicLong(treeSize);
    this.authorization = authorization;
  }

  /** Whether the log takes writes only from a configured submitter, whose token the run has. */
  boolean authenticated() {
    return authorization != null;
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

  /**
   * An HTTP/1.1 request for {@code path} below the log's URL; see {@link #http1}. A write ({@code
   * POST} to a {@code /v1/events} route) carries the run's submitter token unless {@code headers}
   * have an {@code Authorization} line of their own.
   */
  byte[] request(String method, String path, byte[] body, String... headers) {
    if (isWrite(method, path) && !hasAuthorization(headers)) {
      headers = writeHeaders(headers);
    }
    return http1(host, method, path(path), body, headers);
  }

  /** The header lines a write sent outside {@link #request} needs: the token's, or none. */
  String[] writeHeaders(String... headers) {
    if (authorization == null) {
      return headers;
    }
    String[] with = Arrays.copyOf(headers, headers.length + 1);
    with[headers.length] = authorization;
    return with;
  }

  private static boolean isWrite(String method, String path) {
    return "POST".equals(method) && path.startsWith("/v1/events");
  }

  private static boolean hasAuthorization(String[] headers) {
    for (String h : headers) {
      if (h.regionMatches(true, 0, "Authorization:", 0, 14)) {
        return true;
      }
    }
    return false;
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
