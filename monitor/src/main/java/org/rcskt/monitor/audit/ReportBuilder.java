package org.rcskt.monitor.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects counts and findings while an {@link Auditor} replays a log, then freezes them into an
 * {@link AuditReport}. Counts are exact; each list keeps its first {@code listLimit} findings. Not
 * thread-safe: one replay feeds it in log order.
 */
final class ReportBuilder {
  private static final long MS_PER_DAY = 86_400_000L;

  private final int listLimit;
  private final Map<String, long[]> byType = new HashMap<>();
  private final Map<String, long[]> byCarrier = new HashMap<>();
  private final Map<Long, Day> days = new HashMap<>();
  private final Map<String, long[]> revocationsByReason = new HashMap<>();
  private final Section recoveries;
  private final Section revocations;
  private final Section unattested;
  private final Section stale;
  private final Section anchors;
  private final Section violations;
  private final Section mapRootMismatches;
  // one-entry cache: consecutive events mostly fall on the same day
  private long lastEpochDay = Long.MIN_VALUE;
  private Day lastDay;

  ReportBuilder(int listLimit) {
    if (listLimit < 0) {
      throw new IllegalArgumentException("listLimit must not be negative, got " + listLimit);
    }
    this.listLimit = listLimit;
    recoveries = new Section();
    revocations = new Section();
    unattested = new Section();
    stale = new Section();
    anchors = new Section();
    violations = new Section();
    mapRootMismatches = new Section();
  }

  /** Counts one event of {@code type} naming {@code carrier}, timestamped {@code timestampMs}. */
  void countEvent(String type, String carrier, long timestampMs) {
    String c = carrier;
    increment(byType, type);
    increment(byCarrier, c);
    long epochDay = Math.floorDiv(timestampMs, MS_PER_DAY);
    Day day;
    if (epochDay == lastEpochDay) {
      day = lastDay;
    } else {
      day = days.computeIfAbsent(epochDay, d -> new Day());
      lastEpochDay = epochDay;
      lastDay = day;
    }
    day.total++;
    increment(day.byType, type);
    increment(day.byCarrier, c);
  }

  void recovery(Finding f) {
    recoveries.add(f);
  }

  void revocation(String reason, Finding f) {
    increment(revocationsByReason, reason);
    revocations.add(f);
  }

  void unattestedRegistration(Finding f) {
    unattested.add(f);
  }

  /** The first keys past their deadline, in log order, and how many there are in all. */
  void pastRotationDeadline(List<Finding> first, long total) {
    Section s = new Section();
    s.items.addAll(first.subList(0, Math.min(first.size(), listLimit)));
    s.total = total;
    stale.merge(s);
  }

  void anchorChange(Finding f) {
    anchors.add(f);
  }

  void violation(Finding f) {
    violations.add(f);
  }

  void mapRootMismatch(Finding f) {
    mapRootMismatches.add(f);
  }

  long violationCount() {
    return violations.total;
  }

  /** Everything needed besides the counts and findings, and the freeze. */
  AuditReport build(
      String origin,
      long treeSize,
      String checkpointRootHash,
      String computedRootHash,
      String checkpoint,
      Instant auditedAt,
      Instant asOf,
      long rotationDeadlineDays,
      long elapsedMillis,
      long subjects,
      long mapRoots,
      List<String> notes) {
    List<DayCounts> daily = new ArrayList<>(days.size());
    for (Map.Entry<Long, Day> e : new TreeMap<>(days).entrySet()) {
      Day d = e.getValue();
      daily.add(
          new DayCounts(
              LocalDate.ofEpochDay(e.getKey()).toString(),
              d.total,
              unwrap(d.byType),
              unwrap(d.byCarrier)));
    }
    return new AuditReport(
        origin,
        treeSize,
        checkpointRootHash,
        computedRootHash,
        checkpointRootHash.equals(computedRootHash),
        checkpoint,
        Cosigners.NONE,
        auditedAt.toString(),
        asOf.toString(),
        rotationDeadlineDays,
        elapsedMillis,
        subjects,
        mapRoots,
        unwrap(byType),
        unwrap(byCarrier),
        daily,
        recoveries.listing(),
        unwrap(revocationsByReason),
        revocations.listing(),
        unattested.listing(),
        stale.listing(),
        anchors.listing(),
        violations.listing(),
        mapRootMismatches.listing(),
        notes);
  }

  /** An ISO-8601 UTC rendering of a Unix time in milliseconds, as findings carry it. */
  static String isoTime(long epochMs) {
    return Instant.ofEpochMilli(epochMs).toString();
  }

  /**
   * Adds everything {@code other} collected. The lists stay in log order and keep the first
   * findings up to the limit: each builder kept its own first ones, so the merged first ones are
   * among them.
   */
  void merge(ReportBuilder other) {
    mergeCounts(byType, other.byType);
    mergeCounts(byCarrier, other.byCarrier);
    mergeCounts(revocationsByReason, other.revocationsByReason);
    other.days.forEach(
        (day, d) -> {
          Day mine = days.computeIfAbsent(day, k -> new Day());
          mine.total += d.total;
          mergeCounts(mine.byType, d.byType);
          mergeCounts(mine.byCarrier, d.byCarrier);
        });
    lastEpochDay = Long.MIN_VALUE;
    lastDay = null;
    recoveries.merge(other.recoveries);
    revocations.merge(other.revocations);
    unattested.merge(other.unattested);
    stale.merge(other.stale);
    anchors.merge(other.anchors);
    violations.merge(other.violations);
  }

  private static void mergeCounts(Map<String, long[]> into, Map<String, long[]> from) {
    from.forEach(
        (k, v) -> {
          long[] c = into.get(k);
          if (c == null) {
            into.put(k, new long[] {v[0]});
          } else {
            c[0] += v[0];
          }
        });
  }

  private static void increment(Map<String, long[]> m, String key) {
    long[] c = m.get(key);
    if (c == null) {
      m.put(key, new long[] {1});
    } else {
      c[0]++;
    }
  }

  private static Map<String, Long> unwrap(Map<String, long[]> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }

  private static final class Day {
    long total;
    final Map<String, long[]> byType = new HashMap<>();
    final Map<String, long[]> byCarrier = new HashMap<>();
  }

  private final class Section {
    long total;
    final List<Finding> items = new ArrayList<>();

    void add(Finding f) {
      total++;
      if (items.size() < listLimit) {
        items.add(f);
      }
    }

    void merge(Section other) {
      total += other.total;
      items.addAll(other.items);
      items.sort(Comparator.comparingLong(Finding::leafIndex));
      if (items.size() > listLimit) {
        items.subList(listLimit, items.size()).clear();
      }
    }

    Listing listing() {
      return new Listing(total, items);
    }
  }
}
