package org.rcskt.server.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the log until SIGTERM or SIGINT. */
@Command(name = "serve", description = "Run the log server.", mixinStandardHelpOptions = true)
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  static final AtomicBoolean SERVING = new AtomicBoolean();

  @Option(names = "--config", description = "JSON config file; flags override its settings")
  Path configFile;

  @Option(names = "--data-dir", description = "data directory (database and generated keys)")
  Path dataDir;

  @Option(names = "--host", description = "address to listen on (default 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "TCP port; 0 picks a free one (default 8080)")
  Integer port;

  @Option(
      names = "--origin",
      description = "the log's origin (default " + ServerConfig.DEFAULT_ORIGIN + ")")
  String origin;

  @Option(names = "--log-key", description = "log signer key file (default <data-dir>/log.key)")
  Path logKey;

  @Option(names = "--policy-key", description = "policy key file (default <data-dir>/policy.key)")
  Path policyKey;

  @Option(names = "--vrf-key", description = "VRF secret key file (default <data-dir>/vrf.key)")
  Path vrfKey;

  @Option(names = "--allow-unattested", description = "accept REGISTER without carrier attestation")
  Boolean allowUnattested;

  @Option(names = "--max-batch", description = "most events per integration step (default 4096)")
  Integer maxBatch;

  @Option(
      names = "--batch-window-micros",
      description = "wait this long for more events per batch (default 0)")
  Long batchWindowMicros;

  @Option(
      names = "--batch-interval-micros",
      description =
          "under load, the least time between two integration steps (default "
              + ServerConfig.DEFAULT_BATCH_INTERVAL_MICROS
              + ")")
  Long batchIntervalMicros;

  @Option(names = "--queue-size", description = "verified events that may wait (default 20000)")
  Integer queueSize;

  @Option(
      names = "--verify-threads",
      description = "signature verification threads (default: one per core)")
  Integer verifyThreads;

  @Option(names = "--dev", description = "development mode: trust a local carrier key")
  Boolean devMode;

  @Option(
      names = "--idle-timeout-seconds",
      description =
          "close a connection that has had no complete request for this long (default "
              + ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS
              + ")")
  Integer idleTimeoutSeconds;

  @Option(
      names = "--request-timeout-seconds",
      description =
          "answer 408 to a request whose body has not arrived this long after its headers"
              + " (default "
              + ServerConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS
              + ")")
  Integer requestTimeoutSeconds;

  @Option(
      names = "--tls-cert",
      description =
          "serve HTTPS with this PEM certificate chain (leaf first); with --tls-key; reloaded when"
              + " either file changes")
  Path tlsCert;

  @Option(names = "--tls-key", description = "the PEM private key of --tls-cert")
  Path tlsKey;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    LogServer server = LogServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    System.out.println("origin:       " + server.origin());
    System.out.println("verifier key: " + server.verifierKey());
    System.out.println("vrf key:      " + server.vrfPublicKey());
    System.out.println("policy key:   " + server.policyKey().keyId() + " (event key id)");
    if (config.devMode()) {
      System.out.println(
          "dev carrier:  "
              + LogServer.DEV_CARRIER_ID
              + ", signer key in "
              + config.dataDir().resolve("dev-carrier.key"));
    }
    System.out.println("listening:    " + server.baseUrl());
    if (config.publish() != null) {
      System.out.println("publishing:   " + config.publish().describe());
    }
    System.out.flush();
    SERVING.set(true);
    stopped.await();
    return 0;
  }

  ServerConfig config() {
    ServerConfig.Builder b;
    if (configFile != null) {
      b = ServerConfig.fromJson(configFile);
      if (dataDir != null) {
        b.dataDir(dataDir);
      }
    } else {
      b = ServerConfig.builder(dataDir != null ? dataDir : Path.of("data"));
    }
    if (host != null) {
      b.host(host);
    }
    if (port != null) {
      b.port(port);
    }
    if (origin != null) {
      b.origin(origin);
    }
    if (logKey != null) {
      b.logKeyFile(logKey);
    }
    if (policyKey != null) {
      b.policyKeyFile(policyKey);
    }
    if (vrfKey != null) {
      b.vrfKeyFile(vrfKey);
    }
    if (allowUnattested != null) {
      b.allowUnattested(allowUnattested);
    }
    if (maxBatch != null) {
      b.maxBatch(maxBatch);
    }
    if (batchWindowMicros != null) {
      b.batchWindowMicros(batchWindowMicros);
    }
    if (batchIntervalMicros != null) {
      b.batchIntervalMicros(batchIntervalMicros);
    }
    if (queueSize != null) {
      b.queueSize(queueSize);
    }
    if (verifyThreads != null) {
      b.verifyThreads(verifyThreads);
    }
    if (devMode != null) {
      b.devMode(devMode);
    }
    if (idleTimeoutSeconds != null) {
      b.idleTimeoutSeconds(idleTimeoutSeconds);
    }
    if (requestTimeoutSeconds != null) {
      b.requestTimeoutSeconds(requestTimeoutSeconds);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new org.rcskt.server.config.ConfigException(
          "--tls-cert and --tls-key go together: give both or neither");
    }
    if (tlsCert != null) {
      b.tls(org.rcskt.server.config.TlsConfig.of(tlsCert, tlsKey));
    }
    return b.build();
  }
}
