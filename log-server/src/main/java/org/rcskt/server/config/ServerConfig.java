package org.rcskt.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server needs to start. Immutable; build one with {@link #builder(Path)} or {@link
 * #fromJson(Path)}, which returns a builder so command-line flags can override file settings.
 */
public final class ServerConfig {
  /** The default origin: a placeholder name that makes clear the log is not a production one. */
  public static final String DEFAULT_ORIGIN = "localhost/rcskt-dev";

  /** Longer than the idle time after which common HTTP clients drop a pooled connection. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

  /** Ample for the largest body (64 KiB) over a slow mobile link. */
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

  /**
   * The default {@link #batchIntervalMicros()}: at most 100 checkpoints a second under load
   * (docs/design/0020-batch-interval.md).
   */
  public static final long DEFAULT_BATCH_INTERVAL_MICROS = 10_000;

  private final Path dataDir;
  private final String host;
  private final int port;
  private final String origin;
  private final Path logKeyFile;
  private final Path postQuantumLogKeyFile;
  private final boolean postQuantumCheckpoints;
  private final Path policyKeyFile;
  private final Path vrfKeyFile;
  private final boolean allowUnattested;
  private final int maxBatch;
  private final long batchWindowMicros;
  private final long batchIntervalMicros;
  private final int queueSize;
  private final int verifyThreads;
  private final long blockCacheBytes;
  private final int treeMemoryLevel;
  private final int tileCacheSize;
  private final boolean devMode;
  private final int idleTimeoutSeconds;
  private final int requestTimeoutSeconds;
  private final RateLimitConfig lookupRateLimit;
  private final WriteLimitConfig writeRateLimit;
  private final java.util.List<Submitter> submitters;
  private final TlsConfig tls;
  private final int feedMaxSubscribers;
  private final int feedMaxSubscribersPerAddress;
  private final int feedStallSeconds;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final WitnessSettings witnesses;
  private final org.rcskt.verifier.event.AlgorithmPolicy algorithms;
  private final org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestation;
  private final PublishConfig publish;
  private final ClusterConfig cluster;

  private ServerConfig(Builder b) {
    this.dataDir = b.dataDir;
    this.host = b.host;
    this.port = b.port;
    this.origin = b.origin;
    this.logKeyFile = b.logKeyFile;
    this.postQuantumLogKeyFile = b.postQuantumLogKeyFile;
    this.postQuantumCheckpoints = b.postQuantumCheckpoints;
    this.policyKeyFile = b.policyKeyFile;
    this.vrfKeyFile = b.vrfKeyFile;
    this.allowUnattested = b.allowUnattested;
    this.maxBatch = b.maxBatch;
    this.batchWindowMicros = b.batchWindowMicros;
    this.batchIntervalMicros = b.batchIntervalMicros;
    this.queueSize = b.queueSize;
    this.verifyThreads = b.verifyThreads;
    this.blockCacheBytes = b.blockCacheBytes;
    this.treeMemoryLevel = b.treeMemoryLevel;
    this.tileCacheSize = b.tileCacheSize;
    this.devMode = b.devMode;
    this.idleTimeoutSeconds = b.idleTimeoutSeconds;
    this.requestTimeoutSeconds = b.requestTimeoutSeconds;
    this.lookupRateLimit = b.lookupRateLimit;
    this.writeRateLimit = b.writeRateLimit;
    this.submitters = b.submitters;
    this.tls = b.tls;
    this.feedMaxSubscribers = b.feedMaxSubscribers;
    this.feedMaxSubscribersPerAddress = b.feedMaxSubscribersPerAddress;
    this.feedStallSeconds = b.feedStallSeconds;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    if (maxConnectionsPerAddress > maxConnections) {
      throw new ConfigException(
          "maxConnectionsPerAddress ("
              + maxConnectionsPerAddress
              + ") must not exceed maxConnections ("
              + maxConnections
              + ")");
    }
    this.witnesses = b.witnesses;
    this.algorithms = b.algorithms;
    this.deviceAttestation = b.deviceAttestation;
    this.publish = b.publish;
    this.cluster = b.cluster;
  }

  /** A builder with every default set and {@code dataDir} as the data directory. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /**
   * Reads a JSON object whose keys are the {@link Builder} setter names ({@code "port": 8080}).
   * Relative paths in the file are resolved against the file's directory.
   *
   * @throws ConfigException if the file cannot be read, is not a JSON object, has an unknown key or
   *     a value of the wrong type
   */
  public static Builder fromJson(Path file) {
    JsonNode root;
    try {
      // A key given twice, or a second value after the object, is an error, not "last one wins".
      root =
          JsonMapper.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .build()
              .readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "config file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("config file " + file + " must hold a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    Builder b = new Builder(null);
    java.util.List<WitnessSettings.Witness> witnessList = java.util.List.of();
    Integer quorum = null;
    Integer interval = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      switch (key) {
        case "dataDir" -> b.dataDir(base.resolve(text(file, key, v)));
        case "host" -> b.host(text(file, key, v));
        case "port" -> b.port(integer(file, key, v));
        case "origin" -> b.origin(text(file, key, v));
        case "logKeyFile" -> b.logKeyFile(base.resolve(text(file, key, v)));
        case "postQuantumCheckpoints" -> b.postQuantumCheckpoints(bool(file, key, v));
        case "postQuantumLogKeyFile" -> b.postQuantumLogKeyFile(base.resolve(text(file, key, v)));
        case "policyKeyFile" -> b.policyKeyFile(base.resolve(text(file, key, v)));
        case "vrfKeyFile" -> b.vrfKeyFile(base.resolve(text(file, key, v)));
        case "allowUnattested" -> b.allowUnattested(bool(file, key, v));
        case "maxBatch" -> b.maxBatch(integer(file, key, v));
        case "batchWindowMicros" -> b.batchWindowMicros(integer(file, key, v));
        case "batchIntervalMicros" -> b.batchIntervalMicros(integer(file, key, v));
        case "queueSize" -> b.queueSize(integer(file, key, v));
        case "verifyThreads" -> b.verifyThreads(integer(file, key, v));
        case "blockCacheBytes" -> b.blockCacheBytes(v.isIntegralNumber() ? v.asLong() : -1);
        case "treeMemoryLevel" -> b.treeMemoryLevel(integer(file, key, v));
        case "tileCacheSize" -> b.tileCacheSize(integer(file, key, v));
        case "devMode" -> b.devMode(bool(file, key, v));
        case "idleTimeoutSeconds" -> b.idleTimeoutSeconds(integer(file, key, v));
        case "requestTimeoutSeconds" -> b.requestTimeoutSeconds(integer(file, key, v));
        case RateLimitConfig.NAME ->
            b.lookupRateLimit(rateLimit(file, key, v, RateLimitConfig.LOOKUP_DEFAULT));
        case WriteLimitConfig.NAME -> b.writeRateLimit(EdgeConfigs.writeLimit(file, key, v));
        case "submitters" -> b.submitters(EdgeConfigs.submitters(file, key, v));
        case "tls" -> b.tls(EdgeConfigs.tls(file, key, v, base));
        case "feedMaxSubscribers" -> b.feedMaxSubscribers(integer(file, key, v));
        case "feedMaxSubscribersPerAddress" ->
            b.feedMaxSubscribersPerAddress(integer(file, key, v));
        case "feedStallSeconds" -> b.feedStallSeconds(integer(file, key, v));
        case "maxConnections" -> b.maxConnections(integer(file, key, v));
        case "maxConnectionsPerAddress" -> b.maxConnectionsPerAddress(integer(file, key, v));
        case "witnesses" -> witnessList = witnessList(file, key, v);
        case "witnessQuorum" -> quorum = integer(file, key, v);
        case "witnessIntervalMillis" -> interval = integer(file, key, v);
        case "postQuantum" -> b.algorithms(postQuantum(file, key, v));
        case "deviceAttestation" ->
            b.deviceAttestation(DeviceAttestationConfig.parse(file, key, v, base));
        case PublishConfig.NAME -> b.publish(PublishConfigJson.parse(file, key, v, base));
        case "cluster" -> b.cluster(ClusterConfig.fromJson(file, key, v));
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + key + "\"");
      }
    }
    if (!witnessList.isEmpty() && quorum == null) {
      throw new ConfigException(
          "config file "
              + file
              + " names witnesses but no \"witnessQuorum\" (how many must cosign)");
    }
    if (witnessList.isEmpty() && (quorum != null || interval != null)) {
      throw new ConfigException(
          "config file "
              + file
              + " has a \"witnessQuorum\" or \"witnessIntervalMillis\" but no \"witnesses\"");
    }
    if (!witnessList.isEmpty()) {
      b.witnesses(
          new WitnessSettings(
              witnessList,
              quorum,
              interval == null
                  ? WitnessSettings.DEFAULT_INTERVAL
                  : java.time.Duration.ofMillis(interval)));
    }
    return b;
  }

  /**
   * The {@code witnesses} array: objects with a cosignature/v1 {@code verifierKey} and a {@code
   * url}.
   */
  private static java.util.List<WitnessSettings.Witness> witnessList(
      Path file, String key, JsonNode v) {
    if (!v.isArray()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an array");
    }
    if (v.size() > WitnessSettings.MAX_WITNESSES) {
      throw new ConfigException(
          "config file "
              + file
              + ": \""
              + key
              + "\" has "
              + v.size()
              + " entries; at most "
              + WitnessSettings.MAX_WITNESSES
              + " are allowed");
    }
    java.util.List<WitnessSettings.Witness> out = new java.util.ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String at = key + "[" + i + "]";
      JsonNode w = v.get(i);
      if (!w.isObject()) {
        throw new ConfigException("config file " + file + ": \"" + at + "\" must be an object");
      }
      String vkey = null;
      String url = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        switch (e.getKey()) {
          case "verifierKey" -> vkey = text(file, at + ".verifierKey", e.getValue());
          case "url" -> url = text(file, at + ".url", e.getValue());
          default ->
              throw new ConfigException(
                  "config file "
                      + file
                      + ": \""
                      + at
                      + "\" has unknown key \""
                      + e.getKey()
                      + "\"");
        }
      }
      if (vkey == null || url == null) {
        throw new ConfigException(
            "config file " + file + ": \"" + at + "\" needs both \"verifierKey\" and \"url\"");
      }
      org.rcskt.verifier.note.CosignatureV1Verifier k;
      try {
        k = org.rcskt.verifier.note.CosignatureV1Verifier.fromVerifierKey(vkey);
      } catch (org.rcskt.verifier.VerificationException e) {
        throw new ConfigException(
            "config file "
                + file
                + ": \""
                + at
                + ".verifierKey\" is not a cosignature/v1 verifier key: "
                + e.getMessage(),
            e);
      }
      java.net.URI u;
      try {
        u = new java.net.URI(url.endsWith("/") ? url : url + "/");
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException(
            "config file " + file + ": \"" + at + ".url\" is not a URL: " + e.getMessage(), e);
      }
      out.add(new WitnessSettings.Witness(k, u));
    }
    return out;
  }

  /** A {@link RateLimitConfig} object; keys left out keep their value in {@code defaults}. */
  private static RateLimitConfig rateLimit(
      Path file, String key, JsonNode v, RateLimitConfig defaults) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    double perSecond = defaults.perSecond();
    int burst = defaults.burst();
    int maxSources = defaults.maxSources();
    boolean trustForwardedFor = defaults.trustForwardedFor();
    int ipv4PrefixLength = defaults.ipv4PrefixLength();
    int ipv6PrefixLength = defaults.ipv6PrefixLength();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = key + "." + e.getKey();
      JsonNode w = e.getValue();
      switch (e.getKey()) {
        case "perSecond" -> perSecond = number(file, name, w);
        case "burst" -> burst = integer(file, name, w);
        case "maxSources" -> maxSources = integer(file, name, w);
        case "trustForwardedFor" -> trustForwardedFor = bool(file, name, w);
        case "ipv4PrefixLength" -> ipv4PrefixLength = integer(file, name, w);
        case "ipv6PrefixLength" -> ipv6PrefixLength = integer(file, name, w);
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + name + "\"");
      }
    }
    return new RateLimitConfig(
        perSecond, burst, maxSources, trustForwardedFor, ipv4PrefixLength, ipv6PrefixLength);
  }

  static String text(Path file, String key, JsonNode v) {
    if (!v.isTextual()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be a string");
    }
    return v.asText();
  }

  /**
   * The {@code postQuantum} object: {@code requiredFrom} (carrier id or {@code *} to an ISO-8601
   * instant such as {@code 2027-01-01T00:00:00Z}) and {@code allowDowngrade}.
   */
  private static org.rcskt.verifier.event.AlgorithmPolicy postQuantum(
      Path file, String key, JsonNode v) {
    if (!v.isObject()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an object");
    }
    java.util.Map<String, Long> from = new java.util.TreeMap<>();
    boolean allow = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = key + "." + e.getKey();
      switch (e.getKey()) {
        case "requiredFrom" -> {
          if (!e.getValue().isObject()) {
            throw new ConfigException(
                "config file " + file + ": \"" + name + "\" must be an object");
          }
          for (Iterator<Map.Entry<String, JsonNode>> c = e.getValue().fields(); c.hasNext(); ) {
            Map.Entry<String, JsonNode> ce = c.next();
            String at = name + "." + ce.getKey();
            try {
              from.put(
                  ce.getKey(),
                  java.time.Instant.parse(text(file, at, ce.getValue())).toEpochMilli());
            } catch (java.time.format.DateTimeParseException ex) {
              throw new ConfigException(
                  "config file "
                      + file
                      + ": \""
                      + at
                      + "\" must be an instant such as 2027-01-01T00:00:00Z, got \""
                      + ce.getValue().asText()
                      + "\"");
            }
          }
        }
        case "allowDowngrade" -> allow = bool(file, name, e.getValue());
        default ->
            throw new ConfigException("config file " + file + " has unknown key \"" + name + "\"");
      }
    }
    try {
      return new org.rcskt.verifier.event.AlgorithmPolicy(from, allow);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config file " + file + ": \"" + key + "\": " + e.getMessage());
    }
  }

  static int integer(Path file, String key, JsonNode v) {
    if (!v.isInt()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be an integer");
    }
    return v.asInt();
  }

  static double number(Path file, String key, JsonNode v) {
    if (!v.isNumber()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be a number");
    }
    return v.asDouble();
  }

  static boolean bool(Path file, String key, JsonNode v) {
    if (!v.isBoolean()) {
      throw new ConfigException("config file " + file + ": \"" + key + "\" must be true or false");
    }
    return v.asBoolean();
  }

  /** The directory holding the database and generated key files. */
  public Path dataDir() {
    return dataDir;
  }

  public String host() {
    return host;
  }

  /** The TCP port; 0 picks a free one (see {@code LogServer.port()}). */
  public int port() {
    return port;
  }

  /** The log's origin line, also the key name of its checkpoint signatures. */
  public String origin() {
    return origin;
  }

  /** The file holding the log's signer key; created on first start if absent. */
  public Path logKeyFile() {
    return logKeyFile != null ? logKeyFile : dataDir.resolve("log.key");
  }

  /** Whether checkpoints carry the ML-DSA-44 line; true by default. */
  public boolean postQuantumCheckpoints() {
    return postQuantumCheckpoints;
  }

  /** The log's ML-DSA-44 checkpoint signer key; {@code <dataDir>/log-mldsa44.key} by default. */
  public Path postQuantumLogKeyFile() {
    return postQuantumLogKeyFile != null
        ? postQuantumLogKeyFile
        : dataDir.resolve("log-mldsa44.key");
  }

  /**
   * The file holding the policy key: either a signer key (created on first start if absent) or, for
   * a production log whose policy key is kept offline, just its verifier key.
   */
  public Path policyKeyFile() {
    return policyKeyFile != null ? policyKeyFile : dataDir.resolve("policy.key");
  }

  /**
   * The file holding the log's VRF secret key (ECVRF-EDWARDS25519-SHA512-TAI), separate from the
   * checkpoint key; created on first start if absent.
   */
  public Path vrfKeyFile() {
    return vrfKeyFile != null ? vrfKeyFile : dataDir.resolve("vrf.key");
  }

  /** Whether events without device attestation evidence are accepted. */
  public boolean allowUnattested() {
    return allowUnattested;
  }

  /** The most events one integration step takes. */
  public int maxBatch() {
    return maxBatch;
  }

  /** How long the integrator waits for more events after the first of a batch arrives. */
  public long batchWindowMicros() {
    return batchWindowMicros;
  }

  /**
   * Under load, the least time between the starts of two integration steps (each one synced write
   * and one signed checkpoint); an event arriving after a quiet spell does not wait for it.
   */
  public long batchIntervalMicros() {
    return batchIntervalMicros;
  }

  /** The most verified events waiting for integration before submissions are refused (503). */
  public int queueSize() {
    return queueSize;
  }

  /** Threads verifying signatures; 0 means one per available processor. */
  public int verifyThreads() {
    return verifyThreads;
  }

  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  /** Tree levels from this one up are kept in memory (1 to 8). */
  public int treeMemoryLevel() {
    return treeMemoryLevel;
  }

  /** Full tiles kept in the in-memory cache. */
  public int tileCacheSize() {
    return tileCacheSize;
  }

  /** Development mode: a local carrier is trusted at first start so events can be submitted. */
  public boolean devMode() {
    return devMode;
  }

  /**
   * How long an HTTP connection may wait for its next request to arrive, headers complete, before
   * it is closed: the keep-alive time, and the bound on a request head sent slowly.
   */
  public int idleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  /**
   * How long a request's body may take to arrive after its headers; a slower request is answered
   * 408 and its connection closed.
   */
  public int requestTimeoutSeconds() {
    return requestTimeoutSeconds;
  }

  /**
   * The per-client limit on lookups by phone number ({@code GET /v1/keys/...}); see {@link
   * RateLimitConfig#LOOKUP_DEFAULT} for the defaults.
   */
  public RateLimitConfig lookupRateLimit() {
    return lookupRateLimit;
  }

  /**
   * The per-address limit on submissions no submitter authenticated; see {@link
   * WriteLimitConfig#DEFAULT}.
   */
  public WriteLimitConfig writeRateLimit() {
    return writeRateLimit;
  }

  /**
   * The clients allowed to submit events; none by default, and then writes are open to every client
   * (docs/design/0016-submitters-and-write-limits.md).
   */
  public java.util.List<Submitter> submitters() {
    return submitters;
  }

  /** The most {@code GET /v1/feed} subscribers at once (256 by default; 0 turns the feed off). */
  public int feedMaxSubscribers() {
    return feedMaxSubscribers;
  }

  /**
   * The most {@code GET /v1/feed} subscribers at once from one source address (its prefix, as for
   * the lookup limit; 16 by default), so one client cannot take every subscriber slot.
   */
  public int feedMaxSubscribersPerAddress() {
    return feedMaxSubscribersPerAddress;
  }

  /**
   * How long a feed subscriber may read nothing while its output queue is full before it is dropped
   * (30 s by default).
   */
  public int feedStallSeconds() {
    return feedStallSeconds;
  }

  /** The most connections open at once in the server (10,000 by default). */
  public int maxConnections() {
    return maxConnections;
  }

  /** The most connections open at once from one client address (512 by default). */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** TLS for the HTTP server, or null for plain HTTP (the default). */
  public TlsConfig tls() {
    return tls;
  }

  /** The witnesses and their quorum; {@link WitnessSettings#NONE} by default. */
  public WitnessSettings witnesses() {
    return witnesses;
  }

  /**
   * Which carriers require post-quantum keys from when, and whether downgrades are allowed; none
   * and no by default (docs/protocol.md section 9.1).
   */
  public org.rcskt.verifier.event.AlgorithmPolicy algorithms() {
    return algorithms;
  }

  /**
   * The device attestation policy: roots, allowed apps, hardware requirements and the Android
   * status list. By default none: no roots, so events with evidence are refused and none is
   * required.
   */
  public org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestation() {
    return deviceAttestation;
  }

  /**
   * Where the log's tiles, entry bundles and checkpoint are published (an S3-compatible bucket), or
   * null, the default, for not publishing (docs/design/0021-object-storage-publishing.md).
   */
  public PublishConfig publish() {
    return publish;
  }

  /**
   * The log's processes and their ZooKeeper, when the log is run by several with one writer elected
   * at a time, or null, the default, for one process (docs/design/0022-standby-writer.md).
   */
  public ClusterConfig cluster() {
    return cluster;
  }

  @Override
  public String toString() {
    return "ServerConfig[dataDir="
        + dataDir
        + ", host="
        + host
        + ", port="
        + port
        + ", origin="
        + origin
        + ", devMode="
        + devMode
        + ", maxBatch="
        + maxBatch
        + ", queueSize="
        + queueSize
        + "]";
  }

  /** Builds a {@link ServerConfig}; every setter checks its argument. */
  public static final class Builder {
    private Path dataDir;
    private String host = "127.0.0.1";
    private int port = 8080;
    private String origin = DEFAULT_ORIGIN;
    private Path logKeyFile;
    private Path postQuantumLogKeyFile;
    private boolean postQuantumCheckpoints = true;
    private Path policyKeyFile;
    private Path vrfKeyFile;
    private boolean allowUnattested = false;
    private int maxBatch = 4096;
    private long batchWindowMicros = 0;
    private long batchIntervalMicros = DEFAULT_BATCH_INTERVAL_MICROS;
    private int queueSize = 20_000;
    private int verifyThreads = 0;
    private long blockCacheBytes = 1L << 30;
    private int treeMemoryLevel = 4;
    private int tileCacheSize = 8192;
    private boolean devMode;
    private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
    private int requestTimeoutSeconds = DEFAULT_REQUEST_TIMEOUT_SECONDS;
    private RateLimitConfig lookupRateLimit = RateLimitConfig.LOOKUP_DEFAULT;
    private WriteLimitConfig writeRateLimit = WriteLimitConfig.DEFAULT;
    private java.util.List<Submitter> submitters = java.util.List.of();
    private TlsConfig tls;
    private int feedMaxSubscribers = 256;
    private int feedMaxSubscribersPerAddress = 16;
    private int feedStallSeconds = 30;
    private int maxConnections = 10_000;
    private int maxConnectionsPerAddress = 512;
    private WitnessSettings witnesses = WitnessSettings.NONE;
    private org.rcskt.verifier.attestation.DeviceAttestationPolicy deviceAttestation =
        org.rcskt.verifier.attestation.DeviceAttestationPolicy.NONE;
    private org.rcskt.verifier.event.AlgorithmPolicy algorithms =
        org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT;
    private PublishConfig publish;
    private ClusterConfig cluster;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder dataDir(Path v) {
      this.dataDir = Objects.requireNonNull(v, "dataDir");
      return this;
    }

    public Builder host(String v) {
      if (v == null || v.isBlank()) {
        throw new ConfigException("host must not be empty");
      }
      this.host = v;
      return this;
    }

    public Builder port(int v) {
      if (v < 0 || v > 65535) {
        throw new ConfigException("port must be in 0..65535, got " + v);
      }
      this.port = v;
      return this;
    }

    /** The origin must be a valid signed-note key name: not empty, no spaces, no '+'. */
    public Builder origin(String v) {
      if (v == null || v.isEmpty() || v.chars().anyMatch(c -> c <= ' ' || c == '+' || c == 0x7f)) {
        throw new ConfigException(
            "origin \"" + v + "\" must be non-empty with no spaces, '+' or control characters");
      }
      this.origin = v;
      return this;
    }

    public Builder postQuantumCheckpoints(boolean v) {
      this.postQuantumCheckpoints = v;
      return this;
    }

    public Builder postQuantumLogKeyFile(Path v) {
      this.postQuantumLogKeyFile = v;
      return this;
    }

    public Builder logKeyFile(Path v) {
      this.logKeyFile = v;
      return this;
    }

    public Builder policyKeyFile(Path v) {
      this.policyKeyFile = v;
      return this;
    }

    public Builder vrfKeyFile(Path v) {
      this.vrfKeyFile = v;
      return this;
    }

    public Builder allowUnattested(boolean v) {
      this.allowUnattested = v;
      return this;
    }

    public Builder maxBatch(int v) {
      if (v < 1 || v > 65536) {
        throw new ConfigException("maxBatch must be in 1..65536, got " + v);
      }
      this.maxBatch = v;
      return this;
    }

    public Builder batchWindowMicros(long v) {
      if (v < 0 || v > 1_000_000) {
        throw new ConfigException("batchWindowMicros must be in 0..1000000, got " + v);
      }
      this.batchWindowMicros = v;
      return this;
    }

    public Builder batchIntervalMicros(long v) {
      if (v < 0 || v > 1_000_000) {
        throw new ConfigException("batchIntervalMicros must be in 0..1000000, got " + v);
      }
      this.batchIntervalMicros = v;
      return this;
    }

    public Builder queueSize(int v) {
      if (v < 1) {
        throw new ConfigException("queueSize must be at least 1, got " + v);
      }
      this.queueSize = v;
      return this;
    }

    public Builder verifyThreads(int v) {
      if (v < 0 || v > 256) {
        throw new ConfigException("verifyThreads must be in 0..256, got " + v);
      }
      this.verifyThreads = v;
      return this;
    }

    public Builder blockCacheBytes(long v) {
      if (v < (1L << 20)) {
        throw new ConfigException("blockCacheBytes must be at least 1048576, got " + v);
      }
      this.blockCacheBytes = v;
      return this;
    }

    /** Levels from {@code v} up are held in memory: 2/2^v hashes of 32 bytes per entry. */
    public Builder treeMemoryLevel(int v) {
      if (v < 1 || v > 8) {
        throw new ConfigException("treeMemoryLevel must be in 1..8, got " + v);
      }
      this.treeMemoryLevel = v;
      return this;
    }

    public Builder tileCacheSize(int v) {
      if (v < 16) {
        throw new ConfigException("tileCacheSize must be at least 16, got " + v);
      }
      this.tileCacheSize = v;
      return this;
    }

    public Builder devMode(boolean v) {
      this.devMode = v;
      return this;
    }

    /** See {@link ServerConfig#idleTimeoutSeconds()}; 1 to 3600. */
    public Builder idleTimeoutSeconds(int v) {
      if (v < 1 || v > 3600) {
        throw new ConfigException("idleTimeoutSeconds must be in 1..3600, got " + v);
      }
      this.idleTimeoutSeconds = v;
      return this;
    }

    /** See {@link ServerConfig#requestTimeoutSeconds()}; 1 to 3600. */
    public Builder requestTimeoutSeconds(int v) {
      if (v < 1 || v > 3600) {
        throw new ConfigException("requestTimeoutSeconds must be in 1..3600, got " + v);
      }
      this.requestTimeoutSeconds = v;
      return this;
    }

    /** See {@link ServerConfig#witnesses()}. */
    public Builder witnesses(WitnessSettings v) {
      this.witnesses = Objects.requireNonNull(v, "witnesses");
      return this;
    }

    /** See {@link ServerConfig#deviceAttestation()}. */
    public Builder deviceAttestation(org.rcskt.verifier.attestation.DeviceAttestationPolicy v) {
      this.deviceAttestation = Objects.requireNonNull(v, "deviceAttestation");
      return this;
    }

    /** See {@link ServerConfig#algorithms()}. */
    public Builder algorithms(org.rcskt.verifier.event.AlgorithmPolicy v) {
      this.algorithms = Objects.requireNonNull(v, "algorithms");
      return this;
    }

    /** See {@link ServerConfig#lookupRateLimit()}. */
    public Builder lookupRateLimit(RateLimitConfig v) {
      this.lookupRateLimit = Objects.requireNonNull(v, "lookupRateLimit");
      return this;
    }

    /** See {@link ServerConfig#writeRateLimit()}. */
    public Builder writeRateLimit(WriteLimitConfig v) {
      this.writeRateLimit = Objects.requireNonNull(v, "writeRateLimit");
      return this;
    }

    /** See {@link ServerConfig#feedMaxSubscribers()}. */
    public Builder feedMaxSubscribers(int v) {
      if (v < 0 || v > 100_000) {
        throw new ConfigException("feedMaxSubscribers must be in 0..100000, got " + v);
      }
      this.feedMaxSubscribers = v;
      return this;
    }

    /** See {@link ServerConfig#feedMaxSubscribersPerAddress()}. */
    public Builder feedMaxSubscribersPerAddress(int v) {
      if (v < 1 || v > 100_000) {
        throw new ConfigException("feedMaxSubscribersPerAddress must be in 1..100000, got " + v);
      }
      this.feedMaxSubscribersPerAddress = v;
      return this;
    }

    /** See {@link ServerConfig#maxConnections()}. */
    public Builder maxConnections(int v) {
      if (v < 1 || v > 1_000_000) {
        throw new ConfigException("maxConnections must be in 1..1000000, got " + v);
      }
      this.maxConnections = v;
      return this;
    }

    /** See {@link ServerConfig#maxConnectionsPerAddress()}. */
    public Builder maxConnectionsPerAddress(int v) {
      if (v < 1 || v > 1_000_000) {
        throw new ConfigException("maxConnectionsPerAddress must be in 1..1000000, got " + v);
      }
      this.maxConnectionsPerAddress = v;
      return this;
    }

    /** See {@link ServerConfig#feedStallSeconds()}. */
    public Builder feedStallSeconds(int v) {
      if (v < 1 || v > 3600) {
        throw new ConfigException("feedStallSeconds must be in 1..3600, got " + v);
      }
      this.feedStallSeconds = v;
      return this;
    }

    /** See {@link ServerConfig#tls()}; null for plain HTTP. */
    public Builder tls(TlsConfig v) {
      this.tls = v;
      return this;
    }

    /** See {@link ServerConfig#publish()}; null for not publishing. */
    public Builder publish(PublishConfig v) {
      this.publish = v;
      return this;
    }

    /** See {@link ServerConfig#cluster()}; null for a log of one process. */
    public Builder cluster(ClusterConfig v) {
      this.cluster = v;
      return this;
    }

    /** See {@link ServerConfig#submitters()}. */
    public Builder submitters(java.util.List<Submitter> v) {
      this.submitters = java.util.List.copyOf(v);
      return this;
    }

    /**
     * @throws ConfigException if no data directory was given
     */
    public ServerConfig build() {
      if (dataDir == null) {
        throw new ConfigException("a data directory is required");
      }
      return new ServerConfig(this);
    }
  }
}
