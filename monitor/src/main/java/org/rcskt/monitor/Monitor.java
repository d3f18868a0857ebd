package org.rcskt.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.alert.AlertDispatcher;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.alert.AlertSink;
import org.rcskt.monitor.alert.CommandSink;
import org.rcskt.monitor.alert.FileSink;
import org.rcskt.monitor.alert.JsonLinesSink;
import org.rcskt.monitor.alert.WebhookSink;
import org.rcskt.monitor.config.ConfigException;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.config.MonitorConfig;
import org.rcskt.monitor.config.SinkConfig;
import org.rcskt.monitor.evidence.EvidenceStore;
import org.rcskt.monitor.follow.FeedWaker;
import org.rcskt.monitor.follow.LogClient;
import org.rcskt.monitor.follow.LogFollower;
import org.rcskt.monitor.follow.PhoneIndexes;
import org.rcskt.monitor.gossip.GossipResult;
import org.rcskt.monitor.gossip.GossipService;
import org.rcskt.monitor.http.MonitorHttpServer;
import org.rcskt.monitor.metrics.MonitorMetrics;
import org.rcskt.monitor.state.RocksDbStateStore;
import org.rcskt.monitor.witness.StoredWitnessState;
import org.rcskt.monitor.witness.Witness;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.vrf.VrfKeys;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * A running monitor: state, followers (one per log, each polling on its own thread), alert
 * dispatcher, gossip and HTTP endpoints. The embeddable entry point, used by {@code run} and by
 * tests.
 *
 * <pre>{@code
 * try (Monitor m = Monitor.start(ConfigParser.read(file))) {
 *   ...
 * }
 * }</pre>
 */
public final class Monitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Monitor.class.getName());

  /** How many bundles one commit covers at most: 64 bundles, 16,384 entries. */
  public static final int STEP_BUNDLES = 64;

  /** The timeout of every request to a log or a peer. */
  public static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

  private final MonitorConfig config;
  private final RocksDbStateStore store;
  private final MonitorMetrics metrics;
  private final AlertDispatcher dispatcher;
  private final List<LogFollower> followers;
  private final GossipService gossip;
  private final ExecutorService verifyPool;
  private final ExecutorService fetchPool;
  private final ScheduledExecutorService scheduler;
  private final List<FeedWaker> feeds = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private boolean closed; // guarded by this
  // Null when the monitor is no witness.
  private final ExecutorService witnessHearing;
  private final MonitorHttpServer http;
  private final Clock clock;
  private volatile String fatal;

  private Monitor(
      MonitorConfig config,
      RocksDbStateStore store,
      MonitorMetrics metrics,
      AlertDispatcher dispatcher,
      List<LogFollower> followers,
      GossipService gossip,
      ExecutorService verifyPool,
      ExecutorService fetchPool,
      ScheduledExecutorService scheduler,
      Vertx vertx,
      MonitorHttpServer http,
      ExecutorService witnessHearing,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.dispatcher = dispatcher;
    this.followers = followers;
    this.gossip = gossip;
    this.verifyPool = verifyPool;
    this.fetchPool = fetchPool;
    this.scheduler = scheduler;
    this.vertx = vertx;
    this.http = http;
    this.witnessHearing = witnessHearing;
    this.clock = clock;
  }

  /**
   * Opens the state, starts the followers, the dispatcher, gossip and the HTTP endpoints, and
   * returns once the HTTP server listens.
   *
   * @throws IOException if the state or a sink cannot be opened, or the port cannot be bound
   */
  public static Monitor start(MonitorConfig config) throws IOException {
    return start(config, Clock.systemUTC());
  }

  /** As {@link #start(MonitorConfig)} with another clock (tests move time for key expiry). */
  public static Monitor start(MonitorConfig config, Clock clock) throws IOException {
    return start(config, clock, STEP_BUNDLES);
  }

  /**
   * As {@link #start(MonitorConfig, Clock)} with another step size: how many entry bundles one
   * atomic commit covers at most (tests use small steps to stop the monitor between commits).
   */
  public static Monitor start(MonitorConfig config, Clock clock, int stepBundles)
      throws IOException {
    if (stepBundles < 1) {
      throw new IllegalArgumentException("stepBundles must be at least 1, got " + stepBundles);
    }
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      RocksDbStateStore store = RocksDbStateStore.open(config.dataDir().resolve("state"));
      opened.add(store);
      EvidenceStore evidence = new EvidenceStore(config.dataDir().resolve("evidence"));
      MonitorMetrics metrics = new MonitorMetrics();

      List<AlertDispatcher.Route> routes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (SinkConfig s : config.sinks()) {
        routes.add(route(s));
        names.add(s.name());
      }
      store.useSinks(names);
      AlertDispatcher dispatcher = new AlertDispatcher(store, routes, metrics);
      opened.add(0, dispatcher);

      int cores = Runtime.getRuntime().availableProcessors();
      ExecutorService verifyPool = Executors.newFixedThreadPool(cores, daemon("verify"));
      opened.add(0, verifyPool::shutdownNow);
      ExecutorService fetchPool = Executors.newFixedThreadPool(4, daemon("fetch"));
      opened.add(0, fetchPool::shutdownNow);
      Holder holder = new Holder();
      List<LogFollower> followers = new ArrayList<>();
      for (LogConfig lc : config.logs()) {
        LogClient client = new LogClient(lc.url(), HTTP_TIMEOUT);
        followers.add(
            new LogFollower(
                lc,
                client,
                store,
                config.watch(),
                new PhoneIndexes(lc.origin(), vrfKey(lc), client, store),
                evidence,
                metrics,
                alerts -> holder.committed(alerts),
                clock,
                verifyPool,
                fetchPool,
                cores,
                stepBundles));
      }
      GossipService gossip =
          new GossipService(followers, config.gossip().peers(), HTTP_TIMEOUT, metrics);
      ScheduledExecutorService scheduler =
          Executors.newScheduledThreadPool(followers.size() + 2, daemon("monitor"));
      opened.add(0, scheduler::shutdownNow);

      Witness witness = null;
      java.util.concurrent.ThreadPoolExecutor hearing = null;
      if (config.witness().isPresent()) {
        hearing =
            new java.util.concurrent.ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(16),
                daemon("witness-gossip"),
                new java.util.concurrent.ThreadPoolExecutor.DiscardOldestPolicy());
        opened.add(0, hearing::shutdownNow);
        witness = witness(config.witness().get(), followers, store, gossip, clock, hearing);
      }

      Vertx vertx = Vertx.vertx();
      opened.add(0, () -> vertx.close().await());
      Monitor[] self = new Monitor[1];
      MonitorHttpServer http =
          new MonitorHttpServer(
              config.listenHost(),
              config.listenPort(),
              new MonitorHttpServer.Backend() {
                @Override
                public List<String> latestCheckpoints() {
                  return gossip.latestCheckpoints();
                }

                @Override
                public GossipResult hear(byte[] note) {
                  try {
                    return gossip.hear(note);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }

                @Override
                public MonitorHttpServer.Health health() {
                  return self[0].health();
                }
              },
              metrics,
              witness);
      try {
        vertx.deployVerticle(http).await();
      } catch (Exception e) {
        throw new IOException(
            "cannot listen on "
                + config.listenHost()
                + ":"
                + config.listenPort()
                + ": "
                + e.getMessage(),
            e);
      }
      Monitor m =
          new Monitor(
              config,
              store,
              metrics,
              dispatcher,
              followers,
              gossip,
              verifyPool,
              fetchPool,
              scheduler,
              vertx,
              http,
              hearing,
              clock);
      self[0] = m;
      holder.monitor = m;
      dispatcher.start();
      m.schedule();
      LOG.log(
          Level.INFO,
          "monitor listening on "
              + config.listenHost()
              + ":"
              + http.actualPort()
              + ", following "
              + followers.size()
              + " log(s), watching "
              + config.watch().size()
              + " subject(s)");
      return m;
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * The witness for every followed log. Each checkpoint it is shown with a valid log signature is
   * also heard as gossip, so the monitor checks it against its own view of the log (a fork offered
   * to the witness becomes proven evidence); that runs on one thread behind a short queue, the
   * oldest dropped when it is full, so a flood of requests cannot pile up work.
   */
  private static Witness witness(
      org.rcskt.monitor.config.WitnessConfig wc,
      List<LogFollower> followers,
      RocksDbStateStore store,
      GossipService gossip,
      Clock clock,
      java.util.concurrent.Executor hearing)
      throws IOException {
    org.rcskt.verifier.note.CosignatureV1Signer signer;
    try {
      signer = WitnessKeys.load(wc.keyFile(), "witness.keyFile", clock);
    } catch (ConfigException e) {
      throw new IOException(e.getMessage(), e);
    }
    java.util.Map<String, org.rcskt.verifier.note.NoteVerifier> logs = new java.util.HashMap<>();
    for (LogFollower f : followers) {
      logs.put(f.origin(), f.logKey());
    }
    LOG.log(
        Level.INFO,
        "witnessing as " + signer.name() + " (verifier key " + signer.verifierKey() + ")");
    return new Witness(
        signer,
        logs,
        new StoredWitnessState(store),
        cp ->
            hearing.execute(
                () -> {
                  try {
                    gossip.hear(cp.raw());
                  } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "checking a witnessed checkpoint failed", e);
                  }
                }));
  }

  /** The log's VRF public key, or null when the configuration names none. */
  private static byte[] vrfKey(LogConfig lc) {
    if (lc.vrfKey().isEmpty()) {
      return null;
    }
    try {
      return VrfKeys.parsePublic(lc.vrfKey().get()).key();
    } catch (VrfVerificationException e) {
      // The config parser checked it.
      throw new IllegalArgumentException("vrfKey of " + lc.origin() + ": " + e.getMessage(), e);
    }
  }

  /** Lets followers report alerts before the monitor object exists. */
  private static final class Holder {
    volatile Monitor monitor;

    void committed(List<Alert> alerts) {
      Monitor m = monitor;
      if (m != null) {
        m.committed(alerts);
      } else if (!alerts.isEmpty()) {
        // Only possible during construction, which commits nothing: count them anyway.
        LOG.log(Level.WARNING, alerts.size() + " alerts committed before start");
      }
    }
  }

  private void committed(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    for (Alert a : alerts) {
      metrics.alertRaised(a.kind().wireName());
    }
    dispatcher.wake();
  }

  private static AlertDispatcher.Route route(SinkConfig s) throws IOException {
    Duration min = Duration.ofMillis(500);
    Duration max = Duration.ofMinutes(1);
    if (s instanceof SinkConfig.Stdout) {
      return new AlertDispatcher.Route(JsonLinesSink.stdout(s.name()), min, max);
    }
    if (s instanceof SinkConfig.File) {
      return new AlertDispatcher.Route(
          new FileSink(s.name(), ((SinkConfig.File) s).path()), min, max);
    }
    if (s instanceof SinkConfig.Webhook) {
      SinkConfig.Webhook w = (SinkConfig.Webhook) s;
      AlertSink sink = new WebhookSink(w.name(), w.url(), w.headers(), w.timeout());
      return new AlertDispatcher.Route(sink, w.minBackoff(), w.maxBackoff());
    }
    SinkConfig.Command c = (SinkConfig.Command) s;
    return new AlertDispatcher.Route(
        new CommandSink(c.name(), c.command(), c.timeout()), c.minBackoff(), c.maxBackoff());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private void schedule() {
    for (LogFollower f : followers) {
      if (!f.config().follow()) {
        continue; // witnessed only: the witness and gossip use the follower, nothing polls
      }
      long every = f.config().pollInterval().toMillis();
      scheduler.scheduleWithFixedDelay(() -> pollSafely(f), 0, every, TimeUnit.MILLISECONDS);
      if (f.config().feed()) {
        AtomicBoolean pending = new AtomicBoolean();
        feeds.add(
            new FeedWaker(
                    f.config().url(),
                    f.origin(),
                    () -> {
                      // A burst of checkpoints is one poll: the poll fetches up to the newest.
                      if (pending.compareAndSet(false, true)) {
                        scheduler.execute(
                            () -> {
                              pending.set(false);
                              pollSafely(f);
                            });
                      }
                    })
                .start());
      }
    }
    if (!config.gossip().peers().isEmpty()) {
      long every = config.gossip().interval().toMillis();
      scheduler.scheduleWithFixedDelay(this::gossipSafely, every, every, TimeUnit.MILLISECONDS);
    }
    config
        .heartbeat()
        .ifPresent(
            d ->
                scheduler.scheduleWithFixedDelay(
                    this::heartbeat, d.toMillis(), d.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void pollSafely(LogFollower f) {
    try {
      f.poll();
    } catch (IOException e) {
      fatal = "state failure while following " + f.origin() + ": " + e.getMessage();
      LOG.log(Level.ERROR, fatal, e);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "polling " + f.origin() + " failed unexpectedly", e);
    }
  }

  private void gossipSafely() {
    try {
      gossip.exchange();
    } catch (IOException e) {
      fatal = "state failure during gossip: " + e.getMessage();
      LOG.log(Level.ERROR, fatal, e);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "gossip failed unexpectedly", e);
    }
  }

  private void heartbeat() {
    long now = clock.millis();
    StringBuilder sizes = new StringBuilder();
    Map<String, String> details = new java.util.TreeMap<>();
    for (LogFollower f : followers) {
      SignedCheckpoint c = f.verifiedCheckpoint();
      long size = c == null ? 0 : c.checkpoint().treeSize();
      details.put("treeSize." + f.origin(), Long.toString(size));
      sizes.append(sizes.length() == 0 ? "" : ", ").append(f.origin()).append(" at ").append(size);
    }
    Alert a =
        new Alert(
            0,
            "heartbeat:" + now,
            AlertKind.HEARTBEAT,
            now,
            null,
            null,
            null,
            -1,
            "monitor alive; " + (sizes.length() == 0 ? "no logs" : sizes),
            details,
            null);
    try (RocksDbStateStore.Commit c = store.begin()) {
      committed(c.raise(a).commit());
    } catch (IOException e) {
      fatal = "state failure writing a heartbeat: " + e.getMessage();
      LOG.log(Level.ERROR, fatal, e);
    }
  }

  private MonitorHttpServer.Health health() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode body = f.objectNode();
    String fatalNow = fatal;
    body.put("status", fatalNow == null ? "ok" : "failing");
    if (fatalNow != null) {
      body.put("problem", fatalNow);
    }
    ArrayNode logs = body.putArray("logs");
    for (LogFollower lf : followers) {
      ObjectNode o = logs.addObject();
      o.put("origin", lf.origin());
      o.put("following", lf.config().follow());
      SignedCheckpoint c = lf.verifiedCheckpoint();
      o.put("checkpointTreeSize", c == null ? 0 : c.checkpoint().treeSize());
      try {
        o.put("verifiedEntries", lf.verifiedEntries());
      } catch (IOException e) {
        o.put("verifiedEntries", -1);
      }
      o.put(
          "lastPollOk",
          lf.lastPollOkMs() == 0 ? null : Instant.ofEpochMilli(lf.lastPollOkMs()).toString());
      if (!lf.config().witnesses().isEmpty()) {
        ArrayNode by = o.putArray("cosignedBy");
        lf.lastCosigners().forEach(by::add);
      }
      if (lf.lastProblem() != null) {
        o.put("lastProblem", lf.lastProblem());
      }
    }
    return new MonitorHttpServer.Health(fatalNow == null, body);
  }

  /** The port of the HTTP endpoints. */
  public int port() {
    return http.actualPort();
  }

  /** The followers, one per configured log, in configuration order. */
  /** The push-feed subscriptions, one per followed log with {@code feed} on. */
  public List<FeedWaker> feeds() {
    return java.util.List.copyOf(feeds);
  }

  public List<LogFollower> followers() {
    return followers;
  }

  /** The metrics. */
  public MonitorMetrics metrics() {
    return metrics;
  }

  /** The state store (tests inspect queues and the journal). */
  public RocksDbStateStore store() {
    return store;
  }

  /** Runs one gossip round now, on the caller's thread. */
  public void gossipNow() throws IOException {
    gossip.exchange();
  }

  /** Stops everything and closes the state; alerts still queued stay queued for the next start. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (witnessHearing != null) {
      witnessHearing.shutdownNow();
    }
    for (FeedWaker w : feeds) {
      w.close();
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      vertx.close().await();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "closing the HTTP server failed", e);
    }
    fetchPool.shutdownNow();
    verifyPool.shutdownNow();
    dispatcher.close();
    store.close();
  }
}
