package org.rcskt.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.rcskt.server.log.LogMetrics;
import org.rcskt.server.publish.PublishMetrics;
import org.rcskt.server.publish.PublishStatus;

/** The server's metrics registry; one per server so several servers can share a JVM. */
public final class ServerMetrics implements LogMetrics, PublishMetrics {
  private static final double[] BATCH_BUCKETS = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192
  };
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter submissions;
  private final Histogram batchSize;
  private final Histogram integrationSeconds;
  private final Histogram fsyncSeconds;
  private final Histogram mapSeconds;
  private final Counter mapNodesWritten;
  private final Counter mapReadSeconds;
  private final Counter writeFailures;
  private final Counter invariantViolations;
  private final Histogram httpSeconds;
  private final Counter readPaths;
  private final Counter rateLimited;
  private final Counter connectionsRefused;
  private final Counter witnessRequests;
  private final Histogram witnessDelay;
  private final io.prometheus.metrics.core.metrics.Gauge witnessedSize;
  private final Counter publishedObjects;
  private final Counter publishSkipped;
  private final Counter publishErrors;

  public ServerMetrics() {
    submissions =
        Counter.builder()
            .name("rcskt_submissions_total")
            .help("Event submissions by outcome")
            .labelNames("outcome")
            .register(registry);
    for (String o :
        new String[] {
          "accepted",
          "duplicate",
          "malformed",
          "conflict",
          "rejected",
          "overloaded",
          "failed",
          "forbidden"
        }) {
      submissions.labelValues(o);
    }
    batchSize =
        Histogram.builder()
            .name("rcskt_batch_size")
            .help("Events taken by one integration step")
            .classicOnly()
            .classicUpperBounds(BATCH_BUCKETS)
            .register(registry);
    integrationSeconds =
        Histogram.builder()
            .name("rcskt_integration_seconds")
            .help("Time from taking a batch to answering it, including the synced write")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    fsyncSeconds =
        Histogram.builder()
            .name("rcskt_store_write_seconds")
            .help("Time of one synced batch write (the fsync dominates)")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    mapSeconds =
        Histogram.builder()
            .name("rcskt_map_update_seconds")
            .help("Time to update the subject map for one batch (hashing and reads, not the write)")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    mapNodesWritten =
        Counter.builder()
            .name("rcskt_map_records_written_total")
            .help("Subject map records (leaf and bucket records) written by batches")
            .register(registry);
    mapReadSeconds =
        Counter.builder()
            .name("rcskt_map_read_seconds_total")
            .help(
                "Time the subject map updates spent reading leaf records; a large share of"
                    + " rcskt_map_update_seconds means the block cache does not hold the map")
            .register(registry);
    invariantViolations =
        Counter.builder()
            .name("rcskt_invariant_violations_total")
            .help(
                "Events the rules accepted but the integrator refused because they would corrupt an index")
            .register(registry);
    writeFailures =
        Counter.builder()
            .name("rcskt_store_write_failures_total")
            .help("Batch writes that failed")
            .register(registry);
    httpSeconds =
        Histogram.builder()
            .name("rcskt_http_request_seconds")
            .help("HTTP request durations by route, method and status code")
            .labelNames("route", "method", "code")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    readPaths =
        Counter.builder()
            .name("rcskt_reads_total")
            .help(
                "Proof and tile reads by kind and by where they were answered: from memory on the"
                    + " event loop, or from storage on a worker")
            .labelNames("kind", "source")
            .register(registry);
    connectionsRefused =
        Counter.builder()
            .name("rcskt_connections_refused_total")
            .help("Connections closed on arrival because a connection limit was reached")
            .register(registry);
    rateLimited =
        Counter.builder()
            .name("rcskt_rate_limited_total")
            .help("Requests refused with 429 by a per-client rate limit, by route")
            .labelNames("route")
            .register(registry);
    witnessRequests =
        Counter.builder()
            .name("rcskt_witness_requests_total")
            .help("add-checkpoint requests to each witness by outcome")
            .labelNames("witness", "outcome")
            .register(registry);
    witnessDelay =
        Histogram.builder()
            .name("rcskt_witness_delay_seconds")
            .help("Time from a checkpoint being signed to it being witnessed (quorum reached)")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    witnessedSize =
        io.prometheus.metrics.core.metrics.Gauge.builder()
            .name("rcskt_witnessed_tree_size")
            .help("Tree size of the newest witnessed checkpoint")
            .register(registry);
    publishedObjects =
        Counter.builder()
            .name("rcskt_publish_objects_written_total")
            .help("Objects the tile publisher wrote to the bucket, by kind")
            .labelNames("kind")
            .register(registry);
    for (String k : new String[] {"tile", "bundle", "checkpoint"}) {
      publishedObjects.labelValues(k);
    }
    publishSkipped =
        Counter.builder()
            .name("rcskt_publish_objects_skipped_total")
            .help(
                "Objects the tile publisher found already in the bucket with the log's bytes (left"
                    + " behind its checkpoint by an earlier run), so did not write")
            .register(registry);
    publishErrors =
        Counter.builder()
            .name("rcskt_publish_errors_total")
            .help("Failed bucket requests or log reads of the tile publisher, each retried")
            .register(registry);
    JvmMetrics.builder().register(registry);
  }

  @Override
  public void published(String kind) {
    publishedObjects.labelValues(kind).inc();
  }

  @Override
  public void publishSkipped() {
    publishSkipped.inc();
  }

  @Override
  public void publishFailed() {
    publishErrors.inc();
  }

  /** How many objects of {@code kind} the publisher wrote; for tests. */
  public double publishedCount(String kind) {
    return publishedObjects.labelValues(kind).get();
  }

  /** How many publisher requests failed; for tests. */
  public double publishErrorCount() {
    return publishErrors.get();
  }

  /**
   * Registers the tile publisher's gauges, read from {@code status} at scrape time: the published
   * tree size, the lag in entries and in seconds, and whether it stopped on a conflict.
   */
  public void bindPublisher(Supplier<PublishStatus> status) {
    GaugeWithCallback.builder()
        .name("rcskt_publish_tree_size")
        .help("Tree size of the checkpoint in the bucket")
        .callback(cb -> cb.call(status.get().publishedTreeSize()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_publish_lag_entries")
        .help("Entries in the log's latest tree that the bucket's checkpoint does not cover")
        .callback(cb -> cb.call(status.get().lagEntries()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_publish_lag_seconds")
        .help(
            "Time since the publisher first saw a checkpoint the bucket does not have; 0 when"
                + " caught up")
        .callback(cb -> cb.call(status.get().lagSeconds()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_publish_conflict")
        .help(
            "1 when the publisher stopped because the bucket holds what this log did not write,"
                + " else 0")
        .callback(cb -> cb.call(status.get().state() == PublishStatus.State.CONFLICT ? 1 : 0))
        .register(registry);
  }

  /** One add-checkpoint request to a configured witness (names are bounded by the config). */
  public void witnessRequest(String witness, String outcome) {
    witnessRequests.labelValues(witness, outcome).inc();
  }

  /** A checkpoint reached its witness quorum {@code nanos} after it was signed. */
  public void witnessed(long treeSize, long nanos) {
    witnessedSize.set(treeSize);
    witnessDelay.observe(nanos / 1e9);
  }

  /** Registers gauges read at scrape time from the running log and its store. */
  public void bind(
      LongSupplier treeSize,
      LongSupplier queued,
      LongSupplier treeMemoryBytes,
      LongSupplier mapMemoryBytes,
      Supplier<Map<String, Double>> storeStatistics) {
    GaugeWithCallback.builder()
        .name("rcskt_tree_size")
        .help("Entries in the latest signed tree")
        .callback(cb -> cb.call(treeSize.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_queue_depth")
        .help("Verified events waiting for integration")
        .callback(cb -> cb.call(queued.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_tree_memory_bytes")
        .help("Bytes of upper tree levels held in memory")
        .callback(cb -> cb.call(treeMemoryBytes.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_map_memory_bytes")
        .help(
            "Bytes the subject map holds in memory: its levels above the buckets and its leaf cache")
        .callback(cb -> cb.call(mapMemoryBytes.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rcskt_store_stat")
        .help("Storage engine figures (RocksDB tickers and properties) by name")
        .labelNames("name")
        .callback(
            cb -> {
              for (Map.Entry<String, Double> e : storeStatistics.get().entrySet()) {
                cb.call(e.getValue(), e.getKey());
              }
            })
        .register(registry);
  }

  @Override
  public void submission(String outcome) {
    submissions.labelValues(outcome).inc();
  }

  @Override
  public void mapUpdate(int records, long nanos, long readNanos) {
    mapSeconds.observe(nanos / 1e9);
    mapReadSeconds.inc(readNanos / 1e9);
    mapNodesWritten.inc(records);
  }

  @Override
  public void batch(int size, int appended, long integrateNanos, long writeNanos) {
    batchSize.observe(size);
    integrationSeconds.observe(integrateNanos / 1e9);
    if (appended > 0) {
      fsyncSeconds.observe(writeNanos / 1e9);
    }
  }

  @Override
  public void writeFailed() {
    writeFailures.inc();
  }

  @Override
  public void invariantViolation() {
    invariantViolations.inc();
  }

  /** Records where one proof or tile read was answered. */
  public void read(String kind, boolean fromMemory) {
    readPaths.labelValues(kind, fromMemory ? "memory" : "storage").inc();
  }

  /**
   * Records a request refused by a rate limit. {@code route} must be one of the server's route
   * names, as for {@link #http}.
   */
  public void rateLimited(String route) {
    rateLimited.labelValues(route).inc();
  }

  /** Records a connection closed on arrival by a connection limit. */
  public void connectionRefused() {
    connectionsRefused.inc();
  }

  /** How many connections were refused; for tests. */
  public double connectionsRefusedCount() {
    return connectionsRefused.get();
  }

  /** The current value of the rate-limited counter for {@code route}; for tests. */
  public double rateLimitedCount(String route) {
    return rateLimited.labelValues(route).get();
  }

  /**
   * Records one HTTP request. Every label takes its value from a closed set, so that requests with
   * invented methods, paths or status codes cannot grow the number of series: {@code route} must be
   * one of the server's route names (the caller's closed set) or {@code "unmatched"}, and {@link
   * #methodLabel} and {@link #codeLabel} fold the method and the status code.
   */
  public void http(String route, String method, int code, long nanos) {
    httpSeconds.labelValues(route, methodLabel(method), codeLabel(code)).observe(nanos / 1e9);
  }

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

  /** The standard methods (RFC 9110 and PATCH) as themselves; any other method is "other". */
  public static String methodLabel(String method) {
    return method != null && METHODS.contains(method) ? method : "other";
  }

  private static final Set<Integer> CODES =
      Set.of(200, 400, 404, 405, 408, 409, 413, 414, 415, 417, 422, 429, 431, 500, 501, 503, 505);

  /**
   * The status codes the server answers with as themselves; anything else as its class ({@code
   * "2xx"} to {@code "5xx"}), or {@code "other"} outside 100 to 599.
   */
  public static String codeLabel(int code) {
    if (CODES.contains(code)) {
      return Integer.toString(code);
    }
    if (code >= 100 && code <= 599) {
      return (code / 100) + "xx";
    }
    return "other";
  }

  /** The current value of the submissions counter for {@code outcome}; for tests. */
  public double submissions(String outcome) {
    return submissions.labelValues(outcome).get();
  }

  public String contentType() {
    return writer.getContentType();
  }

  /** Everything, in the Prometheus text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
