package org.rcskt.monitor.config;

import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.Hash;

/**
 * One watched subject, named either by its subject index or by a phone number.
 *
 * <p>A number's index is the log's VRF output over it (docs/protocol.md section 3.1): only the log
 * can compute it, and each log has its own VRF key, so a phone entry has no index of its own. Each
 * log's follower looks the number up on its log once, checks the VRF proof against the log's
 * configured {@code vrfKey} and keeps the index in the monitor's state (docs/monitor.md, "Watching
 * phone numbers").
 *
 * @param label a name for alerts and logs (the phone number is never used as one)
 * @param phone the E.164 number, if the entry named one; it is sent only to the followed logs, in
 *     the lookup of its index
 * @param subject the subject index, if the entry named one
 * @param expectedKeys the keys its owner expects: an empty list means every new key alerts
 * @throws IllegalArgumentException unless exactly one of {@code phone} and {@code subject} is given
 */
public record WatchConfig(
    String label, Optional<String> phone, Optional<Hash> subject, List<ExpectedKey> expectedKeys) {
  public WatchConfig {
    if (phone.isPresent() == subject.isPresent()) {
      throw new IllegalArgumentException(
          "watch entry \"" + label + "\" needs exactly one of a phone number and a subject");
    }
    expectedKeys = List.copyOf(expectedKeys);
  }

  /** An entry naming its subject index. */
  public static WatchConfig ofSubject(String label, Hash subject, List<ExpectedKey> expectedKeys) {
    return new WatchConfig(label, Optional.empty(), Optional.of(subject), expectedKeys);
  }

  /** An entry naming a phone number, whose index each log gives. */
  public static WatchConfig ofPhone(String label, String phone, List<ExpectedKey> expectedKeys) {
    return new WatchConfig(label, Optional.of(phone), Optional.empty(), expectedKeys);
  }
}
