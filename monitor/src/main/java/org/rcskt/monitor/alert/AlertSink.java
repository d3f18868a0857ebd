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
   * The last alert this sink's own record holds (for a file, its last complete line), or null when
   * it keeps none. After a crash between a delivery and the removal of the alert from the queue,
   * the dispatcher skips the queued alerts up to this one instead of delivering them twice, but
   * only when the queue holds this very alert (same sequence number and id): a record left by
   * another monitor, or by this one before its state was reset, must not swallow new alerts.
   */
  default Alert lastDelivered() {
    return null;
  }

  @Override
  default void close() throws IOException {}
}
