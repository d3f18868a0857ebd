package org.rcskt.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rcskt.verifier.note.CosignatureV1Verifier;

/**
 * The witnesses the log asks for cosignatures, and how many of them make a checkpoint witnessed
 * (docs/operations.md, "Witnesses").
 *
 * @param witnesses each witness's cosigning key and its tlog-witness URL prefix
 * @param quorum how many of them must cosign a checkpoint; 0 exactly when there are none
 * @param interval the least time between two requests to one witness: the log signs a checkpoint
 *     per batch, many a second under load, and witnesses need only the newest one now and then
 */
public record WitnessSettings(List<Witness> witnesses, int quorum, Duration interval) {
  /** The default {@link #interval}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** The most witnesses a log may name. */
  public static final int MAX_WITNESSES = 32;

  /** No witnesses: {@code GET /checkpoint} serves the log-signed checkpoint, as before. */
  public static final WitnessSettings NONE = new WitnessSettings(List.of(), 0);

  /** Settings with the default interval. */
  public WitnessSettings(List<Witness> witnesses, int quorum) {
    this(witnesses, quorum, DEFAULT_INTERVAL);
  }

  /**
   * One witness.
   *
   * @param key its cosignature/v1 verifier key (the name is the one on its cosignature lines)
   * @param url its submission prefix; {@code add-checkpoint} is resolved against it
   */
  public record Witness(CosignatureV1Verifier key, URI url) {}

  /**
   * @throws ConfigException if there are too many witnesses, two share a name or a URL is not
   *     absolute http(s), or the quorum is not between 1 and their number
   */
  public WitnessSettings {
    witnesses = List.copyOf(witnesses);
    if (interval.toMillis() < 10 || interval.toMillis() > 3_600_000) {
      throw new ConfigException(
          "witnessIntervalMillis " + interval.toMillis() + " is not between 10 and 3600000");
    }
    if (witnesses.size() > MAX_WITNESSES) {
      throw new ConfigException(
          witnesses.size()
              + " witnesses are configured; at most "
              + MAX_WITNESSES
              + " are allowed");
    }
    Set<String> names = new HashSet<>();
    for (Witness w : witnesses) {
      if (!names.add(w.key().name())) {
        throw new ConfigException("two witnesses are named " + w.key().name());
      }
      String scheme = w.url().getScheme();
      if (!w.url().isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
        throw new ConfigException(
            "witness " + w.key().name() + ": url must be absolute http or https, got " + w.url());
      }
    }
    if (witnesses.isEmpty() ? quorum != 0 : quorum < 1 || quorum > witnesses.size()) {
      throw new ConfigException(
          "witnessQuorum "
              + quorum
              + " is not between 1 and the "
              + witnesses.size()
              + " configured witnesses");
    }
  }
}
