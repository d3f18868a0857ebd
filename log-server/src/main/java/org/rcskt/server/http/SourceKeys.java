package org.rcskt.server.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Which client a request counts against: its connection's remote address or, behind a proxy that
 * sets it, the leftmost {@code X-Forwarded-For} address; an IPv4 address by its first {@code
 * ipv4PrefixLength} bits, an IPv6 address by its first {@code ipv6PrefixLength} (one site or host
 * usually holds a whole /64).
 *
 * <p>Addresses are parsed as IP literals only, never looked up by name. An {@code X-Forwarded-For}
 * whose leftmost element is not an IP literal (a name, {@code unknown}, an address with a port,
 * anything longer than an IPv6 address) is ignored, and the connection's address used.
 *
 * @param trustForwardedFor whether to believe {@code X-Forwarded-For}: only behind a proxy that
 *     replaces whatever the client sent in it, since a client can put anything there
 * @param ipv4PrefixLength 8 to 32
 * @param ipv6PrefixLength 16 to 128
 */
public record SourceKeys(boolean trustForwardedFor, int ipv4PrefixLength, int ipv6PrefixLength) {
  /** The longest text form of an IPv6 address, brackets and all; an IPv4-mapped one is 47. */
  private static final int MAX_LITERAL = 47;

  public SourceKeys {
    if (ipv4PrefixLength < 8 || ipv4PrefixLength > 32) {
      throw new IllegalArgumentException(
          "ipv4PrefixLength must be in 8..32, got " + ipv4PrefixLength);
    }
    if (ipv6PrefixLength < 16 || ipv6PrefixLength > 128) {
      throw new IllegalArgumentException(
          "ipv6PrefixLength must be in 16..128, got " + ipv6PrefixLength);
    }
  }

  /** The key of {@code req}'s client. */
  public SourceKey of(HttpServerRequest req) {
    if (trustForwardedFor) {
      SourceKey forwarded = forwardedFor(req.getHeader("X-Forwarded-For"));
      if (forwarded != null) {
        return forwarded;
      }
    }
    SocketAddress peer = req.remoteAddress();
    SourceKey k = peer == null ? null : ofLiteral(peer.hostAddress());
    return k != null ? k : SourceKey.UNKNOWN;
  }

  /** The key of the leftmost address in an {@code X-Forwarded-For} value, or null if none. */
  SourceKey forwardedFor(String header) {
    if (header == null) {
      return null;
    }
    int end = header.indexOf(',');
    end = end < 0 ? header.length() : end;
    // Only HTTP's optional whitespace (space, tab) is taken off, not every control character.
    int start = 0;
    while (start < end && isOws(header.charAt(start))) {
      start++;
    }
    while (end > start && isOws(header.charAt(end - 1))) {
      end--;
    }
    return ofLiteral(header.substring(start, end));
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** The key of an IP literal, or null when {@code s} is not one. */
  SourceKey ofLiteral(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LITERAL) {
      return null;
    }
    byte[] a = NetUtil.createByteArrayFromIpAddressString(s);
    return a == null ? null : SourceKey.of(a, ipv4PrefixLength, ipv6PrefixLength);
  }
}
