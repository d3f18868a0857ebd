package org.rcskt.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.rcskt.server.cluster.ClusterNode;
import org.rcskt.server.cluster.ClusterRuntime;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.RateLimitConfig;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.http.ConnectionLimits;
import org.rcskt.server.http.FeedSubscribers;
import org.rcskt.server.http.HttpSettings;
import org.rcskt.server.http.LogVerticle;
import org.rcskt.server.http.RateLimitGate;
import org.rcskt.server.http.ServerInfo;
import org.rcskt.server.http.SourceKeys;
import org.rcskt.server.http.SourceRateLimiter;
import org.rcskt.server.http.TlsReloader;
import org.rcskt.server.http.WriteGate;
import org.rcskt.server.log.CommitGate;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.log.PhoneIndexer;
import org.rcskt.server.log.TreeHead;
import org.rcskt.server.metrics.ServerMetrics;
import org.rcskt.server.publish.LogSource;
import org.rcskt.server.publish.S3ObjectStore;
import org.rcskt.server.publish.TilePublisher;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.witness.WitnessCollector;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventFormat;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/**
 * A running log server: storage, log, HTTP. The embeddable entry point, used by the command line
 * and by other modules' tests.
 *
 * <pre>{@code
 * try (LogServer server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build())) {
 *   URI base = URI.create("http://127.0.0.1:" + server.port());
 *   ...
 * }
 * }</pre>
 */
public final class LogServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LogServer.class.getName());

  /** The carrier id development mode trusts. */
  public static final String DEV_CARRIER_ID = "dev-carrier";

  private final ServerConfig config;
  private final LogStore store;
  private final KeyEventLog log;
  private final NoteLogSigner signer;
  private final ServerKeys.PolicyKey policy;
  private final Ed25519.KeyPair devCarrier;
  private final ServerMetrics metrics;
  private final Vertx vertx;
  private final int port;
  private final WitnessCollector witnesses;
  private final String vrfPublicKey;
  private final TlsReloader tlsReloader;
  private final TilePublisher publisher;
  private final ClusterRuntime cluster;
  private volatile boolean closed;

  /** How long the log waits for one witness's answer. */
  static final java.time.Duration WITNESS_TIMEOUT = java.time.Duration.ofSeconds(10);

  private LogServer(
      ServerConfig config,
      LogStore store,
      KeyEventLog log,
      NoteLogSigner signer,
      ServerKeys.PolicyKey policy,
      Ed25519.KeyPair devCarrier,
      ServerMetrics metrics,
      Vertx vertx,
      int port,
      WitnessCollector witnesses,
      String vrfPublicKey,
      TlsReloader tlsReloader,
      TilePublisher publisher,
      ClusterRuntime cluster) {
    this.publisher = publisher;
    this.cluster = cluster;
    this.vrfPublicKey = vrfPublicKey;
    this.tlsReloader = tlsReloader;
    this.config = config;
    this.store = store;
    this.log = log;
    this.signer = signer;
    this.policy = policy;
    this.devCarrier = devCarrier;
    this.metrics = metrics;
    this.vertx = vertx;
    this.port = port;
    this.witnesses = witnesses;
  }

  /** Where a data directory keeps the log's RocksDB store. */
  public static Path storeDirectory(Path dataDir) {
    return dataDir.resolve("db");
  }

  /**
   * Starts a server and returns once it is listening.
   *
   * @throws ConfigException if a key file or setting is unusable
   * @throws org.rcskt.server.log.LogStateException if the stored log does not match its checkpoint
   *     or the configured key
   * @throws org.rcskt.server.storage.StorageException if the store cannot be opened
   * @throws IllegalStateException if the HTTP server cannot listen
   */
  public static LogServer start(ServerConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /**
   * Starts a server whose store is wrapped by {@code wrapStore}: for tests that inject storage
   * faults.
   */
  public static LogServer start(ServerConfig config, UnaryOperator<LogStore> wrapStore) {
    Path dataDir = config.dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "cannot create data directory " + dataDir + ": " + e.getMessage(), e);
    }
    Ed25519NoteSigner logKey = ServerKeys.logSigner(config.logKeyFile(), config.origin());
    NoteLogSigner signer =
        new NoteLogSigner(
            logKey,
            config.postQuantumCheckpoints()
                ? ServerKeys.postQuantumLogSigner(config.postQuantumLogKeyFile(), config.origin())
                : null);
    ServerKeys.PolicyKey policy = ServerKeys.policyKey(config.policyKeyFile());
    PublicKeyInfo policyKey = PublicKeyInfo.ed25519(policy.publicKey());
    ServerKeys.VrfKey vrf =
        ServerKeys.vrfKey(
            config.vrfKeyFile(),
            config.origin(),
            List.of(logKey.verifier().publicKey().encoded(), policy.publicKey().encoded()));
    RulesContext rules =
        RulesContext.ingest(policyKey, System.currentTimeMillis())
            .withAllowUnattestedRegistration(config.allowUnattested())
            .withAlgorithms(config.algorithms())
            .withDeviceAttestation(config.deviceAttestation());
    int cores = Runtime.getRuntime().availableProcessors();
    KeyEventLog.Settings settings =
        new KeyEventLog.Settings(
            config.maxBatch(),
            config.batchWindowMicros(),
            config.queueSize(),
            config.verifyThreads() == 0 ? cores : config.verifyThreads(),
            config.treeMemoryLevel(),
            config.tileCacheSize(),
            config.batchIntervalMicros());
    ServerMetrics metrics = new ServerMetrics();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      LogStore store =
          wrapStore.apply(
              RocksDbLogStore.open(
                  storeDirectory(dataDir),
                  new RocksDbLogStore.Settings(config.blockCacheBytes(), 64L << 20, true)));
      opened.add(store);
      adoptAlgorithmPolicy(store, rules);
      store.putDeviceAttestationPolicy(
          org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.toJson(
                  rules.deviceAttestation())
              .toString()
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      // Several processes: every batch is committed through ZooKeeper first, and this one takes
      // writes only while it holds the writer's term (docs/design/0022-standby-writer.md).
      ClusterRuntime cluster =
          config.cluster() == null ? null : ClusterRuntime.connect(config.cluster());
      if (cluster != null) {
        opened.add(0, cluster);
      }
      KeyEventLog log =
          KeyEventLog.open(
              store,
              signer,
              rules,
              metrics,
              settings,
              cluster == null ? CommitGate.LOCAL : cluster.gate());
      opened.add(0, log);
      if (cluster != null) {
        // Closed before the log it follows and writes.
        opened.remove(cluster);
        opened.add(0, cluster);
      }
      metrics.bind(
          () -> log.head().treeSize(),
          log::queued,
          log::memoryBytes,
          log::mapMemoryBytes,
          store::statistics);
      Ed25519.KeyPair devCarrier = null;
      if (config.devMode() && cluster == null) {
        devCarrier = trustDevCarrier(config, log, policy);
      } else if (config.devMode()) {
        // Only a writer can log the ANCHOR: each process trusts the carrier when its term begins.
        devCarrier = ServerKeys.devCarrierKey(config.dataDir().resolve("dev-carrier.key"));
      }
      List<String> algorithms =
          Arrays.stream(KeyAlgorithm.values())
              .filter(KeyAlgorithm::isSupported)
              .map(Enum::name)
              .toList();
      ServerInfo info =
          new ServerInfo(
              signer.origin(),
              signer.verifierKey(),
              policyKey,
              algorithms,
              rules,
              vrf.publicKey(),
              EventFormat.MAX_EVENT_SIZE,
              config.witnesses(),
              signer.postQuantumVerifier() == null
                  ? null
                  : signer.postQuantumVerifier().verifierKey());
      WitnessCollector witnesses = null;
      if (!config.witnesses().witnesses().isEmpty()) {
        witnesses =
            new WitnessCollector(
                signer.origin(),
                logKey.verifier(),
                config.witnesses(),
                new WitnessCollector.Log() {
                  @Override
                  public TreeHead head() {
                    return log.head();
                  }

                  @Override
                  public List<Hash> consistency(long from, long to) {
                    return log.reader().consistency(from, to);
                  }
                },
                store,
                metrics,
                WITNESS_TIMEOUT);
        opened.add(0, witnesses);
      }
      TilePublisher publisher = null;
      if (config.publish() != null) {
        ClusterRuntime c = cluster;
        publisher =
            c == null
                ? new TilePublisher(
                    LogSource.of(log),
                    S3ObjectStore.open(config.publish()),
                    signer.origin(),
                    logKey.verifier(),
                    TilePublisher.Settings.of(config.publish()),
                    metrics)
                // In a log of several processes only the writer publishes.
                : new TilePublisher(
                    LogSource.of(log),
                    S3ObjectStore.open(config.publish()),
                    signer.origin(),
                    logKey.verifier(),
                    TilePublisher.Settings.of(config.publish()),
                    metrics,
                    () -> c.role() == ClusterNode.Role.WRITER);
        opened.add(0, publisher);
        metrics.bindPublisher(publisher::status);
      }
      PhoneIndexer indexer = new PhoneIndexer(vrf.secretKey());
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
      opened.add(0, () -> vertx.close().toCompletionStage().toCompletableFuture().join());
      int readThreads = Math.max(4, 2 * cores);
      // One verticle instance per core on the same port: Vert.x spreads connections over their
      // event loops. A negative port asks Vert.x for one random port shared by all instances.
      int bindPort = config.port() == 0 ? -1 : config.port();
      RateLimitGate lookupLimit = lookupLimit(config.lookupRateLimit(), metrics);
      RateLimitConfig lc = config.lookupRateLimit();
      WriteGate writeGate =
          new WriteGate(
              config.submitters(),
              config.writeRateLimit(),
              new SourceKeys(lc.trustForwardedFor(), lc.ipv4PrefixLength(), lc.ipv6PrefixLength()),
              System::nanoTime,
              metrics);
      ConnectionLimits connectionLimits =
          new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
      FeedSubscribers feedLimit =
          new FeedSubscribers(
              config.feedMaxSubscribers(),
              config.feedStallSeconds(),
              config.feedMaxSubscribersPerAddress(),
              new SourceKeys(lc.trustForwardedFor(), lc.ipv4PrefixLength(), lc.ipv6PrefixLength()));
      if (!writeGate.closed() && !config.devMode()) {
        LOG.log(
            System.Logger.Level.WARNING,
            "no submitters are configured: any client that reaches the port may submit events"
                + " (limited per address by writeRateLimit); configure \"submitters\" to require"
                + " a bearer token (docs/operations.md)");
      }
      List<LogVerticle> verticles = new ArrayList<>();
      for (int i = 0; i < cores; i++) {
        LogVerticle v =
            new LogVerticle(
                log,
                indexer,
                info,
                metrics,
                new HttpSettings(
                    config.host(),
                    bindPort,
                    readThreads,
                    config.idleTimeoutSeconds(),
                    config.requestTimeoutSeconds(),
                    config.tls(),
                    connectionLimits),
                lookupLimit,
                writeGate,
                feedLimit,
                witnesses,
                publisher,
                cluster);
        join(vertx.deployVerticle(v));
        verticles.add(v);
      }
      int port = verticles.get(0).actualPort();
      TlsReloader tlsReloader =
          config.tls() == null ? null : new TlsReloader(vertx, config.tls(), verticles);
      LOG.log(
          System.Logger.Level.INFO,
          "log "
              + signer.origin()
              + " listening on "
              + config.host()
              + ":"
              + port
              + " at tree size "
              + log.head().treeSize()
              + "; verifier key "
              + signer.verifierKey());
      log.startLeafCache();
      if (publisher != null) {
        publisher.start();
      }
      if (cluster != null) {
        Runnable onWriter =
            config.devMode() ? () -> trustDevCarrier(config, log, policy) : () -> {};
        cluster.start(log, onWriter);
      }
      return new LogServer(
          config,
          store,
          log,
          signer,
          policy,
          devCarrier,
          metrics,
          vertx,
          port,
          witnesses,
          vrf.publicKey().format(),
          tlsReloader,
          publisher,
          cluster);
    } catch (RuntimeException e) {
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

  /** One gate for the whole server: every event loop counts against the same buckets. */
  private static RateLimitGate lookupLimit(RateLimitConfig c, ServerMetrics metrics) {
    if (!c.enabled()) {
      return RateLimitGate.unlimited();
    }
    return new RateLimitGate(
        new SourceRateLimiter(c.perSecond(), c.burst(), c.maxSources()),
        new SourceKeys(c.trustForwardedFor(), c.ipv4PrefixLength(), c.ipv6PrefixLength()),
        System::nanoTime,
        metrics);
  }

  private static void join(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "cannot start the HTTP server: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Development mode: makes sure the development carrier's anchor key is trusted, by logging an
   * ANCHOR ADD signed by the policy key the first time. The trust is thus in the log like any
   * other, not a configuration backdoor.
   */
  private static Ed25519.KeyPair trustDevCarrier(
      ServerConfig config, KeyEventLog log, ServerKeys.PolicyKey policy) {
    Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(config.dataDir().resolve("dev-carrier.key"));
    PublicKeyInfo key = PublicKeyInfo.ed25519(carrier.publicKey());
    AnchorRegistry anchors = log.anchors();
    if (anchors.find(key.keyId()) != null) {
      return carrier;
    }
    if (!policy.canSign()) {
      throw new ConfigException(
          "development mode needs the policy signer key, but "
              + config.policyKeyFile()
              + " holds only a verifier key");
    }
    EventBuilder b = EventBuilder.forCarrier(DEV_CARRIER_ID);
    AnchorRegistry.Carrier existing = anchors.carrier(DEV_CARRIER_ID);
    if (existing != null) {
      b.after(existing);
    }
    KeyEvent event =
        b.timestampMs(System.currentTimeMillis()).anchorAdd(key).sign(policy.keyPair());
    try {
      long index = log.submit(event).join().leafIndex();
      LOG.log(
          System.Logger.Level.INFO,
          "development mode: carrier " + DEV_CARRIER_ID + " trusted by ANCHOR event " + index);
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "development mode: cannot log the ANCHOR event: " + e.getCause().getMessage(),
          e.getCause());
    }
    return carrier;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** {@code http://<host>:<port>} */
  public String baseUrl() {
    return (config.tls() == null ? "http://" : "https://") + config.host() + ":" + port;
  }

  public String origin() {
    return signer.origin();
  }

  /** The C2SP verifier key of the log's checkpoint signatures. */
  public String verifierKey() {
    return signer.verifierKey();
  }

  /** How many times changed TLS certificate files were loaded; 0 without TLS. */
  public int tlsReloads() {
    return tlsReloader == null ? 0 : tlsReloader.reloads();
  }

  /** The VRF public key string ({@code <origin>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>}). */
  public String vrfPublicKey() {
    return vrfPublicKey;
  }

  /**
   * The verifier key (type 0x06, ML-DSA-44) of the post-quantum line of each checkpoint, or null
   * when {@code postQuantumCheckpoints} is off.
   */
  public String postQuantumVerifierKey() {
    return signer.postQuantumVerifier() == null ? null : signer.postQuantumVerifier().verifierKey();
  }

  /** The policy key that signs ANCHOR events. */
  public PublicKeyInfo policyKey() {
    return PublicKeyInfo.ed25519(policy.publicKey());
  }

  /** The policy signer key, or null when only its verifier key is configured. */
  public Ed25519.KeyPair policyKeyPair() {
    return policy.keyPair();
  }

  /** The development carrier's anchor key, or null outside development mode. */
  public Ed25519.KeyPair devCarrierKey() {
    return devCarrier;
  }

  public ServerConfig config() {
    return config;
  }

  /** The log itself, for in-process callers (tests, tools). */
  public KeyEventLog log() {
    return log;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  /** Stops HTTP, answers queued submissions, closes the store. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // Bounded: a connection that will not close must not keep the store open (and the process
      // alive) after a SIGTERM. Everything acknowledged is already synced, so going on is safe.
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "HTTP did not stop within 10 s; closing the log anyway");
    } catch (ExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "stopping HTTP failed; closing the log anyway", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        // The cluster node follows and writes the log, the publisher reads it: both stopped first.
        if (cluster != null) {
          try {
            cluster.close();
          } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "leaving the cluster failed: " + e.getMessage());
          }
        }
        if (publisher != null) {
          publisher.close();
        }
        if (witnesses != null) {
          witnesses.close();
        }
        log.close();
      } finally {
        store.close();
      }
    }
  }

  /** This process's part in a log of several, or null when the configuration has no cluster. */
  public ClusterRuntime cluster() {
    return cluster;
  }

  /** The tile publisher, or null when the configuration has no {@code publish} block. */
  public TilePublisher publisher() {
    return publisher;
  }

  /** The collector of witness cosignatures, or null when the log has no witnesses. */
  public WitnessCollector witnesses() {
    return witnesses;
  }

  /**
   * Checks that the configured algorithm policy may follow the one the log last ran with (none for
   * a log that never stored one) and stores it, synced, before any event is accepted under it
   * (docs/design/0012-post-quantum.md).
   *
   * @throws ConfigException if the change would make events the log accepted invalid
   */
  static void adoptAlgorithmPolicy(LogStore store, RulesContext rules) {
    org.rcskt.verifier.event.AlgorithmPolicy next = rules.algorithms();
    org.rcskt.verifier.event.AlgorithmPolicy previous =
        org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT;
    byte[] stored = store.algorithmPolicy();
    if (stored != null) {
      try {
        previous =
            org.rcskt.verifier.event.AlgorithmPolicyJson.fromJson(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(stored),
                "stored algorithm policy");
      } catch (java.io.IOException | org.rcskt.verifier.event.EventFormatException e) {
        throw new ConfigException(
            "the store's algorithm policy is unreadable: " + e.getMessage(), e);
      }
    }
    if (previous.equals(next)) {
      return;
    }
    String problem =
        next.changeProblem(previous, System.currentTimeMillis(), rules.maxFutureSkewMs());
    if (problem != null) {
      throw new ConfigException("the configured postQuantum policy is refused: " + problem);
    }
    store.putAlgorithmPolicy(
        org.rcskt.verifier.event.AlgorithmPolicyJson.toJson(next)
            .toString()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    LOG.log(
        System.Logger.Level.INFO,
        "algorithm policy now "
            + org.rcskt.verifier.event.AlgorithmPolicyJson.toJson(next)
            + " (was "
            + org.rcskt.verifier.event.AlgorithmPolicyJson.toJson(previous)
            + ")");
  }
}
