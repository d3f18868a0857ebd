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

  /** The start time for {@code carrierId} ({@code "*"}: any carrier not listed), or null. */
  private Long startFor(String carrierId) {
    Long from = postQuantumFrom.get(carrierId);
    return from != null ? from : postQuantumFrom.get(EVERY_CARRIER);
  }

  /**
   * Why a log that applied {@code previous} until now may not switch to this policy, or null when
   * it may: no carrier's requirement may start earlier than before unless it starts after {@code
   * nowMs + maxFutureSkewMs} (so no event the log accepted becomes invalid), and downgrades, once
   * allowed, stay allowed (one may have been logged).
   */
  public String changeProblem(AlgorithmPolicy previous, long nowMs, long maxFutureSkewMs) {
    if (previous.allowDowngrade && !allowDowngrade) {
      return "postQuantum.allowDowngrade was true and is now false: downgrades the log accepted"
          + " while it was true would no longer replay";
    }
    java.util.Set<String> carriers = new java.util.TreeSet<>(postQuantumFrom.keySet());
    carriers.addAll(previous.postQuantumFrom.keySet());
    carriers.add(EVERY_CARRIER);
    long earliest = nowMs + maxFutureSkewMs;
    for (String c : carriers) {
      Long before = previous.startFor(c);
      Long after = startFor(c);
      if (after == null || (before != null && after >= before) || after > earliest) {
        continue;
      }
      return "postQuantum.requiredFrom: the requirement for "
          + (c.equals(EVERY_CARRIER) ? "every other carrier" : "carrier " + c)
          + " would start at "
          + java.time.Instant.ofEpochMilli(after)
          + (before == null ? "" : ", earlier than " + java.time.Instant.ofEpochMilli(before))
          + "; a new or earlier start must be after "
          + java.time.Instant.ofEpochMilli(earliest)
          + " (now plus the accepted future skew), so that no event the log accepted becomes"
          + " invalid";
    }
    return null;
  }
}
