package org.rcskt.monitor.alert;

import java.io.IOException;

/**
 * A destination for alerts. The dispatcher calls {@link #deliver} from a single thread, one alert
 * at a time, in the monitor's alert order, and repeats a failed delivery (with backoff) until it
 * succeeds.
 *
 * <p>Contract: {@code deliver} returns normally only once the alert is handed over durably (written
 * and forced to disk, acknowledged with a 2xx, the hook exited 0); otherwise it throws, and the
 * alert stays queued.
 */
public interface AlertSink extends AutoCloseable {
  /** The sink's unique name, as configured. */
  String name();

  /**
   * Hands one alert over.
   *
   * @throws IOException if the alert was not delivered; it will be offered again
   */
  void deliver(Alert alert) throws IOException;

  /**
   * The highest alert sequence number this sink knows it has already delivered, from its own
   * record, or 0 when it keeps none. After a crash between a delivery and the removal of the alert
   * from the queue, the dispatcher skips alerts up to this number instead of delivering them twice.
   */
  default long lastDeliveredSeq() {
    return 0;
  }

  @Override
  default void close() throws IOException {}
}
