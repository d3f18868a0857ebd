package org.rcskt.server.config;

/**
 * The per-address limit on event submissions that no submitter authenticated
 * (docs/design/0016-submitters-and-write-limits.md): a token bucket per client address, one token
 * an event, taken before the body is parsed or any signature checked. Which address a request
 * counts against (prefix lengths, {@code X-Forwarded-For}) follows {@code lookupRateLimit}.
 *
 * @param perSecond events a second per address, 0.001 to 1,000,000; 0 switches the limit off
 * @param burst the most events at once, 1,000 (a whole batch) to 1,000,000
 * @param maxSources the most addresses remembered at once, 1 to 10,000,000
 * @param exemptLoopback whether requests from a loopback address are not limited (the load
 *     generators and a local test run); off for a log behind a proxy on the same host that does not
 *     pass {@code X-Forwarded-For}, where every request would otherwise be exempt
 */
public record WriteLimitConfig(
    double perSecond, int burst, int maxSources, boolean exemptLoopback) {
  /** 20 events a second per address in bursts of 1,000, loopback exempt. */
  public static final WriteLimitConfig DEFAULT = new WriteLimitConfig(20, 1_000, 100_000, true);

  static final String NAME = "writeRateLimit";

  public WriteLimitConfig {
    if (!(perSecond == 0 || (perSecond >= 0.001 && perSecond <= 1_000_000))) {
      throw new ConfigException(
          NAME + ".perSecond must be 0 (off) or in 0.001..1000000, got " + perSecond);
    }
    if (burst < Submitter.MIN_BURST || burst > 1_000_000) {
      throw new ConfigException(
          NAME
              + ".burst must be in "
              + Submitter.MIN_BURST
              + "..1000000 (a burst holds a whole batch), got "
              + burst);
    }
    if (maxSources < 1 || maxSources > 10_000_000) {
      throw new ConfigException(NAME + ".maxSources must be in 1..10000000, got " + maxSources);
    }
  }

  /** Whether the limit is on. */
  public boolean enabled() {
    return perSecond > 0;
  }
}
