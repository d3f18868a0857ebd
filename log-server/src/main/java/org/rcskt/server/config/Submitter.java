package org.rcskt.server.config;

import java.util.Set;
import java.util.regex.Pattern;
import org.rcskt.verifier.Hash;

/**
 * A client allowed to submit events (docs/design/0016-submitters-and-write-limits.md): it proves
 * who it is with a bearer token, whose SHA-256 the configuration keeps (never the token itself), or
 * with a TLS client certificate whose key the configuration pins, and may submit events naming only
 * its {@code carriers}.
 *
 * @param name a label for logs and metrics, 1 to 64 characters of {@code [a-z0-9._-]}
 * @param tokenSha256 the SHA-256 of the token's UTF-8 bytes, or null
 * @param clientCertSpkiSha256 the SHA-256 of the DER SubjectPublicKeyInfo of its TLS client
 *     certificate, or null; at least one of the two credentials is given
 * @param carriers the carrier ids its events may name; {@code "*"} alone means every carrier
 * @param perSecond events a second it may submit (its own token bucket), 0.001 to 1,000,000
 * @param burst the most events at once, {@link #MIN_BURST} to 1,000,000
 */
public record Submitter(
    String name,
    Hash tokenSha256,
    Hash clientCertSpkiSha256,
    Set<String> carriers,
    double perSecond,
    int burst) {
  /** A submitter's default rate: 5,000 events a second. */
  public static final double DEFAULT_PER_SECOND = 5_000;

  /** A submitter's default burst: 10,000 events. */
  public static final int DEFAULT_BURST = 10_000;

  /** A burst must hold a whole batch (1,000 events), or some batches could never be let through. */
  public static final int MIN_BURST = 1_000;

  /** The most carriers one submitter names. */
  public static final int MAX_CARRIERS = 1_000;

  /** Every carrier. */
  public static final String ANY_CARRIER = "*";

  private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
  private static final Pattern CARRIER = Pattern.compile("[a-z0-9.-]{1,64}");

  public Submitter {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigException(
          "submitter name must be 1 to 64 characters of [a-z0-9._-], got \"" + name + "\"");
    }
    if (tokenSha256 == null && clientCertSpkiSha256 == null) {
      throw new ConfigException(
          "submitter " + name + " has neither a tokenSha256 nor a clientCertSpkiSha256");
    }
    carriers = Set.copyOf(carriers);
    if (carriers.isEmpty() || carriers.size() > MAX_CARRIERS) {
      throw new ConfigException(
          "submitter " + name + " must name 1 to " + MAX_CARRIERS + " carriers (or \"*\")");
    }
    for (String c : carriers) {
      if (!c.equals(ANY_CARRIER) && !CARRIER.matcher(c).matches()) {
        throw new ConfigException(
            "submitter " + name + ": \"" + c + "\" is not a carrier id (or \"*\")");
      }
    }
    if (carriers.contains(ANY_CARRIER) && carriers.size() > 1) {
      throw new ConfigException(
          "submitter " + name + ": \"*\" means every carrier and stands alone");
    }
    if (!(perSecond >= 0.001 && perSecond <= 1_000_000)) {
      throw new ConfigException(
          "submitter " + name + ": perSecond must be in 0.001..1000000, got " + perSecond);
    }
    if (burst < MIN_BURST || burst > 1_000_000) {
      throw new ConfigException(
          "submitter "
              + name
              + ": burst must be in "
              + MIN_BURST
              + "..1000000 (a burst holds a whole batch), got "
              + burst);
    }
  }

  /** A submitter that authenticates with a bearer token only. */
  public Submitter(
      String name, Hash tokenSha256, Set<String> carriers, double perSecond, int burst) {
    this(name, tokenSha256, null, carriers, perSecond, burst);
  }

  /** Whether this submitter may submit events naming {@code carrierId}. */
  public boolean mayNameCarrier(String carrierId) {
    return carriers.contains(ANY_CARRIER) || carriers.contains(carrierId);
  }
}
