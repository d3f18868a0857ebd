package org.rcskt.verifier.event;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the rules demand of key algorithms (docs/protocol.md section 9.4): which carriers require
 * post-quantum keys for new registrations, from when, and whether a rotation may drop the
 * post-quantum part of a device's key.
 *
 * <p>A requirement takes effect by the event's own timestamp, so the log at ingest and every replay
 * of the log decide alike. An operator adds one with a start time in the future (the log refuses to
 * start with a start time that is not after its clock plus the future skew).
 *
 * @param postQuantumFrom carrier id to the first event timestamp (ms) at which that carrier's
 *     REGISTER events must introduce a post-quantum key; the carrier id {@code "*"} stands for
 *     every carrier not listed
 * @param allowDowngrade whether a ROTATE from a post-quantum key to a key that is not is accepted
 *     (and marked as a downgrade) instead of rejected as {@link Violation#ALGORITHM_DOWNGRADE}
 */
public record AlgorithmPolicy(Map<String, Long> postQuantumFrom, boolean allowDowngrade) {
  /** The carrier id that stands for every carrier. */
  public static final String EVERY_CARRIER = "*";

  /** No post-quantum requirement; downgrades rejected. */
  public static final AlgorithmPolicy DEFAULT = new AlgorithmPolicy(Map.of(), false);

  /**
   * @throws IllegalArgumentException if a carrier id is not a valid one (or {@code "*"}) or a start
   *     time is negative
   */
  public AlgorithmPolicy {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : postQuantumFrom.entrySet()) {
      String id = e.getKey();
      if (!EVERY_CARRIER.equals(id)) {
        String p = EventFormat.carrierIdProblem(id);
        if (p != null) {
          throw new IllegalArgumentException("postQuantumFrom: carrier id " + id + ": " + p);
        }
      }
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException(
            "postQuantumFrom: the start time of " + id + " must be a non-negative number");
      }
      copy.put(id, e.getValue());
    }
    postQuantumFrom = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Whether a REGISTER of carrier {@code carrierId} with timestamp {@code timestampMs} must
   * introduce a post-quantum key.
   */
  public boolean requiresPostQuantum(String carrierId, long timestampMs) {
    Long from = postQuantumFrom.get(carrierId);
    if (from == null) {
      from = postQuantumFrom.get(EVERY_CARRIER);
    }
    return from != null && timestampMs >= from;
  }

  /** The same policy with {@code carrierId} requiring post-quantum keys from {@code fromMs}. */
  public AlgorithmPolicy requirePostQuantum(String carrierId, long fromMs) {
    Map<String, Long> m = new TreeMap<>(postQuantumFrom);
    m.put(carrierId, fromMs);
    return new AlgorithmPolicy(m, allowDowngrade);
  }

  /** The same policy with downgrades allowed (flagged) or rejected. */
  public AlgorithmPolicy withAllowDowngrade(boolean allow) {
    return new AlgorithmPolicy(postQuantumFrom, allow);
  }
}
