package org.rcskt.monitor.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an audit of a whole log found: whether the tree recomputed from the entries matches the
 * signed checkpoint, counts of events, and every finding a compliance auditor asks about.
 *
 * <p>The audit passed when {@link #rootMatches()} is true and {@link #violations()} is empty. The
 * other sections are observations about a log that follows its rules.
 *
 * @param origin the log's origin, from its checkpoint
 * @param treeSize the checkpoint's tree size: the number of entries replayed
 * @param checkpointRootHash the root hash the checkpoint states, hex
 * @param computedRootHash the root hash recomputed from the entries, hex
 * @param rootMatches whether the two are equal
 * @param checkpoint the signed checkpoint, as served
 * @param cosigners which of the witnesses given to the audit cosigned that checkpoint
 * @param auditedAt when the audit ran, ISO-8601 UTC
 * @param asOf the moment key ages are measured at, ISO-8601 UTC
 * @param rotationDeadlineDays the age after which an active key counts as past its rotation
 *     deadline
 * @param elapsedMillis how long the replay took
 * @param subjects how many distinct subjects have at least one event
 * @param mapRoots how many {@code MAP_ROOT} entries the log holds, each checked against the map
 *     recomputed from the events before it (docs/protocol.md section 16)
 * @param eventsByType counts per event type, sorted by type
 * @param eventsByCarrier counts per carrier named by the events, sorted by carrier
 * @param daily counts per UTC day, in day order
 * @param recoveries continuity breaks: keys replaced by carrier attestation without the old key's
 *     signature
 * @param revocationsByReason counts per revocation reason
 * @param revocations every revocation
 * @param unattestedRegistrations registrations without a carrier attestation
 * @param keysPastRotationDeadline keys still active at {@code asOf} whose introducing event is
 *     older than the deadline
 * @param anchorChanges every ANCHOR event (carrier trust anchors added, replaced or removed)
 * @param violations every rule the log broke: events a verifier must reject
 * @param mapRootMismatches every {@code MAP_ROOT} entry whose tree size, subject count or root is
 *     not what the events before it give
 * @param notes how the audit was set up where it matters for trusting it (for example, keys taken
 *     from the log itself rather than given independently)
 */
@JsonIgnoreProperties(
    value = {"passed"},
    allowGetters = true)
public record AuditReport(
    String origin,
    long treeSize,
    String checkpointRootHash,
    String computedRootHash,
    boolean rootMatches,
    String checkpoint,
    Cosigners cosigners,
    String auditedAt,
    String asOf,
    long rotationDeadlineDays,
    long elapsedMillis,
    long subjects,
    long mapRoots,
    Map<String, Long> eventsByType,
    Map<String, Long> eventsByCarrier,
    List<DayCounts> daily,
    Listing recoveries,
    Map<String, Long> revocationsByReason,
    Listing revocations,
    Listing unattestedRegistrations,
    Listing keysPastRotationDeadline,
    Listing anchorChanges,
    Listing violations,
    Listing mapRootMismatches,
    List<String> notes) {
  public AuditReport {
    eventsByType = sorted(eventsByType);
    eventsByCarrier = sorted(eventsByCarrier);
    revocationsByReason = sorted(revocationsByReason);
    daily = List.copyOf(daily);
    notes = List.copyOf(notes);
    cosigners = cosigners == null ? Cosigners.NONE : cosigners;
  }

  /** This report with {@code c} as its cosigners. */
  public AuditReport withCosigners(Cosigners c) {
    return new AuditReport(
        origin,
        treeSize,
        checkpointRootHash,
        computedRootHash,
        rootMatches,
        checkpoint,
        c,
        auditedAt,
        asOf,
        rotationDeadlineDays,
        elapsedMillis,
        subjects,
        mapRoots,
        eventsByType,
        eventsByCarrier,
        daily,
        recoveries,
        revocationsByReason,
        revocations,
        unattestedRegistrations,
        keysPastRotationDeadline,
        anchorChanges,
        violations,
        mapRootMismatches,
        notes);
  }

  /**
   * Whether the log passed: its tree matches its checkpoint, it broke no rule and every map root is
   * the recomputed one.
   */
  @JsonProperty("passed")
  public boolean passed() {
    return rootMatches && violations.total() == 0 && mapRootMismatches.total() == 0;
  }

  private static Map<String, Long> sorted(Map<String, Long> m) {
    return Collections.unmodifiableMap(new TreeMap<>(m));
  }
}
