package org.rcskt.server.config;

/**
 * A per-client rate limit (docs/design/0008-lookup-rate-limit.md): a token bucket per client of
 * {@code burst} tokens, refilled at {@code perSecond}.
 *
 * @param perSecond tokens a client earns a second, 0.001 to 1,000,000; 0 switches the limit off
 * @param burst the most tokens a client holds, 1 to 1,000,000
 * @param maxSources the most clients remembered at once, 1 to 10,000,000 (about 110 bytes each);
 *     when all are active, new clients share one bucket
 * @param trustForwardedFor count a request against the leftmost {@code X-Forwarded-For} address
 *     instead of the connection's; only behind a proxy that replaces that header
 * @param ipv4PrefixLength the bits of an IPv4 address that name a client, 8 to 32
 * @param ipv6PrefixLength the bits of an IPv6 address that name a client, 16 to 128
 * @throws ConfigException naming the setting out of range
 */
public record RateLimitConfig(
    double perSecond,
    int burst,
    int maxSources,
    boolean trustForwardedFor,
    int ipv4PrefixLength,
    int ipv6PrefixLength) {
  /**
   * The lookup limit's defaults: 1 a second in bursts of 20, 100,000 clients, each IPv4 address and
   * each IPv6 /64 a client, {@code X-Forwarded-For} ignored.
   */
  public static final RateLimitConfig LOOKUP_DEFAULT =
      new RateLimitConfig(1, 20, 100_000, false, 32, 64);

  /** The name of the setting in the configuration file, for messages. */
  static final String NAME = "lookupRateLimit";

  public RateLimitConfig {
    if (!(perSecond == 0 || (perSecond >= 0.001 && perSecond <= 1_000_000))) {
      throw new ConfigException(
          NAME + ".perSecond must be 0 (off) or in 0.001..1000000, got " + perSecond);
    }
    check("burst", burst, 1, 1_000_000);
    check("maxSources", maxSources, 1, 10_000_000);
    check("ipv4PrefixLength", ipv4PrefixLength, 8, 32);
    check("ipv6PrefixLength", ipv6PrefixLength, 16, 128);
  }

  private static void check(String field, int v, int min, int max) {
    if (v < min || v > max) {
      throw new ConfigException(
          NAME + "." + field + " must be in " + min + ".." + max + ", got " + v);
    }
  }

  /** Whether the limit is on. */
  public boolean enabled() {
    return perSecond > 0;
  }
}
