package org.rcskt.monitor.audit;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many events were logged on one UTC day (by the events' own timestamps), by event type and by
 * carrier.
 *
 * @param day the day, ISO-8601 ({@code 2026-03-01})
 * @param total all events that day
 * @param byType counts per event type, sorted by type
 * @param byCarrier counts per carrier named by the events, sorted by carrier
 */
public record DayCounts(
    String day, long total, Map<String, Long> byType, Map<String, Long> byCarrier) {
  public DayCounts {
    byType = Collections.unmodifiableMap(new TreeMap<>(byType));
    byCarrier = Collections.unmodifiableMap(new TreeMap<>(byCarrier));
  }
}
