package org.rcskt.monitor.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Findings of one kind: how many there were in total and the first of them, up to the report's
 * listing limit (the counts are always exact; a huge log with many recoveries would otherwise make
 * an unreadable report).
 *
 * @param total how many findings of this kind the audit saw
 * @param items the first {@code min(total, limit)} of them, in log order
 */
@JsonIgnoreProperties(
    value = {"truncated"},
    allowGetters = true)
public record Listing(long total, List<Finding> items) {
  public Listing {
    items = List.copyOf(items);
  }

  /** Whether some findings were counted but not listed. */
  @JsonProperty("truncated")
  public boolean truncated() {
    return total > items.size();
  }
}
