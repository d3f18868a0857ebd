package org.rcskt.monitor.watch;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rcskt.monitor.config.ExpectedKey;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.verifier.Hash;

/**
 * The watched subjects of one log, looked up by subject index. A phone entry's index is per log
 * (the log's VRF gives it), so each follower builds its own list once the indexes are known.
 * Immutable and thread-safe.
 */
public final class WatchList {
  private final Map<Hash, Entry> bySubject = new LinkedHashMap<>();

  /** One watched subject with the key ids its owner expects. */
  public record Entry(WatchConfig config, Hash subject, Set<Hash> expectedKeyIds) {
    /** Whether the owner listed {@code keyId}. */
    public boolean expects(Hash keyId) {
      return expectedKeyIds.contains(keyId);
    }

    public String label() {
      return config.label();
    }
  }

  /**
   * A list of entries that all name their subject index.
   *
   * @throws IllegalArgumentException if an entry names a phone number instead
   */
  public WatchList(List<WatchConfig> watch) {
    this(watch, Map.of());
  }

  /**
   * A list whose phone entries have the indexes {@code phoneIndexes} gives (by number). When two
   * entries come to the same subject (a number also listed by its index), the first one counts.
   *
   * @throws IllegalArgumentException if a phone entry's number has no index in the map
   */
  public WatchList(List<WatchConfig> watch, Map<String, Hash> phoneIndexes) {
    for (WatchConfig w : watch) {
      Hash subject =
          w.subject()
              .orElseGet(
                  () -> {
                    Hash h = phoneIndexes.get(w.phone().orElseThrow());
                    if (h == null) {
                      throw new IllegalArgumentException(
                          "watch entry \"" + w.label() + "\" has no resolved index");
                    }
                    return h;
                  });
      Set<Hash> ids = new HashSet<>();
      for (ExpectedKey k : w.expectedKeys()) {
        ids.add(k.keyId());
      }
      bySubject.putIfAbsent(subject, new Entry(w, subject, Set.copyOf(ids)));
    }
  }

  /** The entry for {@code subject}, or null when it is not watched. */
  public Entry get(Hash subject) {
    return bySubject.get(subject);
  }

  /** Whether {@code subject} is watched. */
  public boolean contains(Hash subject) {
    return bySubject.containsKey(subject);
  }

  /** Every watched subject. */
  public Collection<Entry> entries() {
    return bySubject.values();
  }

  public int size() {
    return bySubject.size();
  }
}
