package org.rcskt.monitor.alert;

import java.io.IOException;
import java.util.List;

/**
 * The durable per-sink queues of undelivered alerts. An alert is queued for every sink in the same
 * atomic write as the state change that raised it.
 *
 * <p>Contract: must be usable concurrently by one dispatcher thread per sink; {@link #remove} is
 * durable once it returns.
 */
public interface AlertOutbox {
  /** Up to {@code max} undelivered alerts for {@code sink}, lowest sequence number first. */
  List<Alert> pending(String sink, int max) throws IOException;

  /** Removes the alert with sequence number {@code seq} from {@code sink}'s queue. */
  void remove(String sink, long seq) throws IOException;

  /** How many alerts wait for {@code sink}. */
  long pendingCount(String sink) throws IOException;
}
