package org.rcskt.server.http;

/**
 * The client a rate limit is counted against: an IPv4 address or an IPv6 prefix, masked to the
 * configured prefix length (see {@link SourceKeys}). IPv4 addresses are kept as IPv4-mapped IPv6
 * addresses ({@code ::ffff:a.b.c.d}), which no IPv6 prefix of 64 bits or less can equal.
 *
 * @param high the first 64 bits of the (masked) IPv6 form
 * @param low the last 64 bits of the (masked) IPv6 form
 */
public record SourceKey(long high, long low) {
  /** The key of requests whose address is unknown: they share one bucket. */
  static final SourceKey UNKNOWN = new SourceKey(-1, -1);

  private static final long V4_MAPPED = 0x0000_ffff_0000_0000L;

  /**
   * The key of an address.
   *
   * @param address 4 bytes (IPv4) or 16 (IPv6; an IPv4-mapped address counts as IPv4)
   * @param ipv4PrefixLength bits of an IPv4 address kept, 0 to 32
   * @param ipv6PrefixLength bits of an IPv6 address kept, 0 to 128
   */
  static SourceKey of(byte[] address, int ipv4PrefixLength, int ipv6PrefixLength) {
    if (address.length == 4) {
      return v4(bits(address, 0, 4), ipv4PrefixLength);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, got " + address.length);
    }
    long high = bits(address, 0, 8);
    long low = bits(address, 8, 8);
    if (high == 0 && (low & 0xffff_ffff_0000_0000L) == V4_MAPPED) {
      return v4(low & 0xffff_ffffL, ipv4PrefixLength);
    }
    return new SourceKey(
        high & mask(ipv6PrefixLength), low & mask(Math.max(0, ipv6PrefixLength - 64)));
  }

  private static SourceKey v4(long address, int prefixLength) {
    long kept = address & (mask(prefixLength + 32) & 0xffff_ffffL);
    return new SourceKey(0, V4_MAPPED | kept);
  }

  /** The top {@code n} bits set (all of them from 64 on). */
  private static long mask(int n) {
    return n <= 0 ? 0 : n >= 64 ? -1L : -1L << (64 - n);
  }

  private static long bits(byte[] b, int from, int count) {
    long v = 0;
    for (int i = from; i < from + count; i++) {
      v = v << 8 | (b[i] & 0xff);
    }
    return v;
  }
}
