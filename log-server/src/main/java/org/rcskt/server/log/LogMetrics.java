package org.rcskt.server.log;

/**
 * What the log reports about itself while it works. Implementations must be cheap and thread-safe;
 * they are called on the integrator thread and on verification threads.
 */
public interface LogMetrics {
  /** Ignores everything. */
  LogMetrics NONE = new LogMetrics() {};

  /**
   * One submission finished with {@code outcome}: {@code accepted}, {@code duplicate}, {@code
   * malformed}, {@code conflict}, {@code rejected}, {@code overloaded} or {@code failed}.
   */
  default void submission(String outcome) {}

  /**
   * One batch was integrated: {@code size} events taken from the queue, {@code appended} of them
   * new leaves; {@code integrateNanos} from taking the batch to answering it, {@code writeNanos}
   * the synced store write alone.
   */
  default void batch(int size, int appended, long integrateNanos, long writeNanos) {}

  /**
   * The subject map was updated for one batch: {@code records} records rewritten, in {@code nanos}
   * (hashing and the reads it needed, not the write), of which {@code readNanos} reading leaf
   * records.
   */
  default void mapUpdate(int records, long nanos, long readNanos) {}

  /** A batch write failed. */
  default void writeFailed() {}

  /**
   * The rules accepted an event that would have broken a store invariant, and the integrator
   * refused it: always a bug, worth an alert.
   */
  default void invariantViolation() {}
}
