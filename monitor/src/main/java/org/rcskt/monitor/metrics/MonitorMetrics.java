package org.rcskt.monitor.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Every metric the monitor exports, in a registry of its own (so that two monitors in one JVM, as
 * in the tests, do not share counters). Thread-safe.
 */
public final class MonitorMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private final Gauge checkpointSize =
      Gauge.builder()
          .name("rcskt_monitor_checkpoint_tree_size")
          .help("Tree size of the latest checkpoint verified (signature and consistency)")
          .labelNames("origin")
          .register(registry);
  private final Gauge verifiedSize =
      Gauge.builder()
          .name("rcskt_monitor_verified_tree_size")
          .help("Number of leading entries downloaded and verified against a signed root")
          .labelNames("origin")
          .register(registry);
  private final Gauge lagEntries =
      Gauge.builder()
          .name("rcskt_monitor_lag_entries")
          .help("Entries in the log's latest checkpoint not yet verified")
          .labelNames("origin")
          .register(registry);
  private final Gauge lastCaughtUp =
      Gauge.builder()
          .name("rcskt_monitor_last_caught_up_timestamp_seconds")
          .help("When the monitor last had every entry of the log's latest checkpoint verified")
          .labelNames("origin")
          .register(registry);
  private final Counter entries =
      Counter.builder()
          .name("rcskt_monitor_entries_verified")
          .help("Entries downloaded, hashed into the tree and replayed")
          .labelNames("origin")
          .register(registry);
  private final Counter polls =
      Counter.builder()
          .name("rcskt_monitor_polls")
          .help("Polls of a log by outcome (ok, unreachable, misbehaviour)")
          .labelNames("origin", "outcome")
          .register(registry);
  private final Counter verificationFailures =
      Counter.builder()
          .name("rcskt_monitor_verification_failures")
          .help("Things the log served that did not verify, by kind")
          .labelNames("origin", "kind")
          .register(registry);
  private final Counter alerts =
      Counter.builder()
          .name("rcskt_monitor_alerts")
          .help("Alerts raised, by kind")
          .labelNames("kind")
          .register(registry);
  private final Counter deliveries =
      Counter.builder()
          .name("rcskt_monitor_alert_deliveries")
          .help("Alert delivery attempts by sink and outcome (delivered, failed, skipped)")
          .labelNames("sink", "outcome")
          .register(registry);
  private final Gauge pending =
      Gauge.builder()
          .name("rcskt_monitor_alerts_pending")
          .help("Alerts queued for a sink and not yet delivered")
          .labelNames("sink")
          .register(registry);
  private final Counter gossip =
      Counter.builder()
          .name("rcskt_monitor_gossip_checkpoints")
          .help("Checkpoints heard through gossip, by outcome")
          .labelNames("origin", "outcome")
          .register(registry);
  private final Counter gossipPeers =
      Counter.builder()
          .name("rcskt_monitor_gossip_exchanges")
          .help("Exchanges with gossip peers, by outcome (ok, unreachable)")
          .labelNames("peer", "outcome")
          .register(registry);

  private final Counter witnessAnswers =
      Counter.builder()
          .name("rcskt_monitor_witness_requests")
          .help("add-checkpoint requests answered by the witness, by HTTP status")
          .labelNames("status")
          .register(registry);

  private final Gauge cosignatures =
      Gauge.builder()
          .name("rcskt_monitor_checkpoint_cosignatures")
          .help(
              "Configured witnesses whose verified cosignature the log's latest checkpoint carried")
          .labelNames("origin")
          .register(registry);

  public MonitorMetrics() {
    JvmMetrics.builder().register(registry);
  }

  public void checkpointVerified(String origin, long treeSize) {
    checkpointSize.labelValues(origin).set(treeSize);
  }

  /** Records verification progress after a commit. */
  public void progress(String origin, long verified, long latestSeen, long entriesAdded) {
    verifiedSize.labelValues(origin).set(verified);
    lagEntries.labelValues(origin).set(Math.max(0, latestSeen - verified));
    if (entriesAdded > 0) {
      entries.labelValues(origin).inc(entriesAdded);
    }
    if (verified >= latestSeen) {
      lastCaughtUp.labelValues(origin).set(System.currentTimeMillis() / 1000.0);
    }
  }

  public void poll(String origin, String outcome) {
    polls.labelValues(origin, outcome).inc();
  }

  public void verificationFailure(String origin, String kind) {
    verificationFailures.labelValues(origin, kind).inc();
  }

  public void alertRaised(String kind) {
    alerts.labelValues(kind).inc();
  }

  public void delivery(String sink, String outcome) {
    deliveries.labelValues(sink, outcome).inc();
  }

  public void pending(String sink, long count) {
    pending.labelValues(sink).set(count);
  }

  public void checkpointCosignatures(String origin, int n) {
    cosignatures.labelValues(origin).set(n);
  }

  /** One add-checkpoint answer; the label is the status, a bounded set the witness chooses. */
  public void witnessAnswer(int status) {
    witnessAnswers.labelValues(Integer.toString(status)).inc();
  }

  public void gossipCheckpoint(String origin, String outcome) {
    gossip.labelValues(origin, outcome).inc();
  }

  public void gossipExchange(String peer, String outcome) {
    gossipPeers.labelValues(peer, outcome).inc();
  }

  /**
   * The value of a counter or gauge sample, for tests and the health check; 0 if absent.
   *
   * @param name the metric name without the {@code _total} suffix
   * @param labels label names and values, alternating
   */
  public double value(String name, String... labels) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (!snapshot.getMetadata().getPrometheusName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot dp : snapshot.getDataPoints()) {
        Labels l = dp.getLabels();
        boolean match = l.size() * 2 == labels.length;
        for (int i = 0; match && i < labels.length; i += 2) {
          match = labels[i + 1].equals(l.get(labels[i]));
        }
        if (match && dp instanceof CounterSnapshot.CounterDataPointSnapshot) {
          return ((CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
        }
        if (match && dp instanceof GaugeSnapshot.GaugeDataPointSnapshot) {
          return ((GaugeSnapshot.GaugeDataPointSnapshot) dp).getValue();
        }
      }
    }
    return 0;
  }

  /** The Prometheus text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** The content type of {@link #scrape()}. */
  public String contentType() {
    return writer.getContentType();
  }
}
