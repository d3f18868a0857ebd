package org.rcskt.monitor.watch;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rcskt.monitor.config.ExpectedKey;
import org.rcskt.monitor.config.WatchConfig;
import org.rcskt.verifier.Hash;

/** The watched subjects, looked up by subject index. Immutable and thread-safe. */
public final class WatchList {
  private final Map<Hash, Entry> bySubject = new HashMap<>();

  /** One watched subject with the key ids its owner expects. */
  public record Entry(WatchConfig config, Set<Hash> expectedKeyIds) {
    /** Whether the owner listed {@code keyId}. */
    public boolean expects(Hash keyId) {
      return expectedKeyIds.contains(keyId);
    }

    public String label() {
      return config.label();
    }
  }

  public WatchList(List<WatchConfig> watch) {
    for (WatchConfig w : watch) {
      Set<Hash> ids = new HashSet<>();
      for (ExpectedKey k : w.expectedKeys()) {
        ids.add(k.keyId());
      }
      bySubject.put(w.subject(), new Entry(w, Set.copyOf(ids)));
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
