package org.rcskt.server.publish;

/** What the publisher counts; implemented by the server's metrics registry. */
public interface PublishMetrics {
  /** An object written; {@code kind} is {@code tile}, {@code bundle} or {@code checkpoint}. */
  void published(String kind);

  /** An object found already in the bucket with the right bytes, so not written again. */
  void publishSkipped();

  /** A bucket request or a log read that failed and will be tried again. */
  void publishFailed();

  /** Counts nothing. */
  PublishMetrics NONE =
      new PublishMetrics() {
        @Override
        public void published(String kind) {}

        @Override
        public void publishSkipped() {}

        @Override
        public void publishFailed() {}
      };
}
