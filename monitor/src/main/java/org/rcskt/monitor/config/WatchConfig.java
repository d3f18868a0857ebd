package org.rcskt.monitor.config;

import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;

/**
 * One watched subject.
 *
 * @param label a name for alerts and logs (the phone number is never used as one)
 * @param phone the E.164 number, if the entry named one; it is hashed locally and never sent
 * @param subject the subject index
 * @param expectedKeys the keys its owner expects: an empty list means every new key alerts
 */
public record WatchConfig(
    String label, Optional<String> phone, Hash subject, List<ExpectedKey> expectedKeys) {
  public WatchConfig {
    expectedKeys = List.copyOf(expectedKeys);
  }
}
