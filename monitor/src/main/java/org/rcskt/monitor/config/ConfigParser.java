package org.rcskt.monitor.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rcskt.monitor.witness.WitnessKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.KeyFormatException;
import org.rcskt.verifier.note.UnsupportedAlgorithmException;
import org.rcskt.verifier.vrf.VrfKeys;
import org.rcskt.verifier.vrf.VrfVerificationException;

/**
 * Reads and validates the configuration file (docs/monitor.md, "Configuration"). The first problem
 * found is reported as a {@link ConfigException} naming the field.
 */
public final class ConfigParser {
  /** The largest configuration file read. */
  public static final int MAX_FILE_SIZE = 4 << 20;

  /** The most logs one monitor follows. */
  public static final int MAX_LOGS = 64;

  /** The most watched subjects. */
  public static final int MAX_WATCH = 100_000;

  /** The most expected keys per watched subject. */
  public static final int MAX_EXPECTED_KEYS = 64;

  /** The most gossip peers and the most sinks. */
  public static final int MAX_PEERS = 64;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path baseDir;

  private ConfigParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * Reads the configuration file at {@code file}; relative paths in it resolve against its
   * directory.
   *
   * @throws ConfigException if the file cannot be read or is invalid
   */
  public static MonitorConfig read(Path file) throws ConfigException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_SIZE + 1);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_FILE_SIZE) {
      throw new ConfigException("", "file is larger than " + MAX_FILE_SIZE + " bytes");
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(bytes, dir == null ? Path.of("").toAbsolutePath() : dir);
  }

  /**
   * Parses a configuration document; relative paths in it resolve against {@code baseDir}.
   *
   * @throws ConfigException if it is invalid
   */
  public static MonitorConfig parse(byte[] json, Path baseDir) throws ConfigException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      String why = e.getOriginalMessage();
      int cut = why.indexOf(" (start marker");
      throw new ConfigException(
          "", "not valid JSON" + at + ": " + (cut < 0 ? why : why.substring(0, cut)));
    } catch (IOException e) {
      throw new ConfigException("", "not valid JSON: " + e.getMessage(), e);
    }
    return new ConfigParser(baseDir).root(root);
  }

  private MonitorConfig root(JsonNode root) throws ConfigException {
    requireObject(root, "");
    allowOnly(
        root,
        "",
        "dataDir",
        "listen",
        "pollInterval",
        "logs",
        "watch",
        "sinks",
        "gossip",
        "heartbeat",
        "witness");
    Path dataDir = baseDir.resolve(string(root, "dataDir", "", "monitor-data"));

    String host = "127.0.0.1";
    int port = MonitorConfig.DEFAULT_PORT;
    JsonNode listen = root.get("listen");
    if (listen != null) {
      requireObject(listen, "listen");
      allowOnly(listen, "listen", "host", "port");
      host = string(listen, "host", "listen", host);
      port = integer(listen, "port", "listen", port, 0, 65535);
    }
    Duration poll =
        duration(
            root, "pollInterval", "", MonitorConfig.DEFAULT_POLL_INTERVAL, Duration.ofMillis(10));

    JsonNode logsNode = root.get("logs");
    if (logsNode == null) {
      throw new ConfigException("logs", "is required");
    }
    List<LogConfig> logs = new ArrayList<>();
    Set<String> origins = new HashSet<>();
    for (JsonNode n : array(logsNode, "logs", 1, MAX_LOGS)) {
      String path = "logs[" + logs.size() + "]";
      LogConfig log = log(n, path, poll);
      if (!origins.add(log.origin())) {
        throw new ConfigException(path + ".origin", "\"" + log.origin() + "\" is listed twice");
      }
      logs.add(log);
    }

    List<WatchConfig> watch = new ArrayList<>();
    Set<Hash> subjects = new HashSet<>();
    Map<String, Integer> phones = new HashMap<>();
    JsonNode watchNode = root.get("watch");
    if (watchNode != null) {
      for (JsonNode n : array(watchNode, "watch", 0, MAX_WATCH)) {
        String path = "watch[" + watch.size() + "]";
        WatchConfig w = watch(n, path);
        if (w.subject().isPresent() && !subjects.add(w.subject().get())) {
          throw new ConfigException(path, "subject " + w.subject().get() + " is listed twice");
        }
        if (w.phone().isPresent()) {
          Integer before = phones.putIfAbsent(w.phone().get(), watch.size());
          if (before != null) {
            // Never echo the number: config errors end up in logs.
            throw new ConfigException(
                path + ".phone", "is the same number as watch[" + before + "].phone");
          }
        }
        watch.add(w);
      }
    }
    if (!phones.isEmpty()) {
      int firstPhone = phones.values().stream().min(Integer::compare).orElseThrow();
      for (int i = 0; i < logs.size(); i++) {
        if (logs.get(i).vrfKey().isEmpty()) {
          throw new ConfigException(
              "logs[" + i + "].vrfKey",
              "is required because watch["
                  + firstPhone
                  + "] names a phone number, whose index only the log's VRF gives");
        }
      }
    }

    List<SinkConfig> sinks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonNode sinksNode = root.get("sinks");
    if (sinksNode != null) {
      for (JsonNode n : array(sinksNode, "sinks", 0, MAX_PEERS)) {
        String path = "sinks[" + sinks.size() + "]";
        SinkConfig s = sink(n, path);
        if (!names.add(s.name())) {
          throw new ConfigException(
              path + ".name", "\"" + s.name() + "\" is used by another sink; give each a name");
        }
        sinks.add(s);
      }
    }
    if (sinks.isEmpty()) {
      sinks.add(new SinkConfig.Stdout("stdout"));
    }

    Duration gossipInterval = MonitorConfig.DEFAULT_GOSSIP_INTERVAL;
    List<String> peers = new ArrayList<>();
    JsonNode gossip = root.get("gossip");
    if (gossip != null) {
      requireObject(gossip, "gossip");
      allowOnly(gossip, "gossip", "interval", "peers");
      gossipInterval =
          duration(gossip, "interval", "gossip", gossipInterval, Duration.ofMillis(10));
      JsonNode p = gossip.get("peers");
      if (p != null) {
        for (JsonNode peer : array(p, "gossip.peers", 0, MAX_PEERS)) {
          String path = "gossip.peers[" + peers.size() + "]";
          if (!peer.isTextual()) {
            throw new ConfigException(path, "must be a string");
          }
          peers.add(httpUrl(peer.asText(), path, true).toString());
        }
      }
    }

    Optional<Duration> heartbeat = Optional.empty();
    JsonNode hb = root.get("heartbeat");
    if (hb != null) {
      requireObject(hb, "heartbeat");
      allowOnly(hb, "heartbeat", "interval");
      if (hb.get("interval") == null) {
        throw new ConfigException("heartbeat.interval", "is required");
      }
      heartbeat = Optional.of(duration(hb, "interval", "heartbeat", null, Duration.ofMillis(10)));
    }
    Optional<WitnessConfig> witness = Optional.empty();
    JsonNode w = root.get("witness");
    if (w != null) {
      requireObject(w, "witness");
      allowOnly(w, "witness", "keyFile");
      if (w.get("keyFile") == null) {
        throw new ConfigException("witness.keyFile", "is required");
      }
      Path keyFile = baseDir.resolve(requiredString(w, "keyFile", "witness"));
      WitnessKeys.load(keyFile, "witness.keyFile", java.time.Clock.systemUTC());
      witness = Optional.of(new WitnessConfig(keyFile));
    }
    if (witness.isEmpty()) {
      for (int i = 0; i < logs.size(); i++) {
        if (!logs.get(i).follow()) {
          throw new ConfigException(
              "logs[" + i + "].follow",
              "false makes the monitor only a witness of this log, which needs the witness role"
                  + " (witness.keyFile)");
        }
      }
    }
    return new MonitorConfig(
        dataDir,
        host,
        port,
        logs,
        watch,
        sinks,
        new GossipConfig(gossipInterval, peers),
        heartbeat,
        witness);
  }

  private LogConfig log(JsonNode n, String path, Duration defaultPoll) throws ConfigException {
    requireObject(n, path);
    allowOnly(
        n,
        path,
        "url",
        "origin",
        "verifierKey",
        "vrfKey",
        "policyKey",
        "pollInterval",
        "replay",
        "recheckBundles",
        "witnesses",
        "follow",
        "feed");
    URI url = httpUrl(requiredString(n, "url", path), path + ".url", true);
    String origin = requiredString(n, "origin", path);
    if (origin.isEmpty() || origin.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(path + ".origin", "must be non-empty text on one line");
    }
    String vkey = requiredString(n, "verifierKey", path);
    Ed25519NoteVerifier verifier = noteVerifier(vkey, path + ".verifierKey");
    if (!verifier.name().equals(origin)) {
      throw new ConfigException(
          path + ".verifierKey",
          "key name \"" + verifier.name() + "\" differs from the origin \"" + origin + "\"");
    }
    Optional<String> vrfKey = Optional.empty();
    if (n.has("vrfKey")) {
      String v = requiredString(n, "vrfKey", path);
      vrfPublicKey(v, path + ".vrfKey");
      vrfKey = Optional.of(v);
    }
    Optional<String> policyKey = Optional.empty();
    if (n.has("policyKey")) {
      String p = requiredString(n, "policyKey", path);
      publicKey(p, path + ".policyKey");
      policyKey = Optional.of(p);
    }
    Duration poll = duration(n, "pollInterval", path, defaultPoll, Duration.ofMillis(10));
    LogConfig.Replay replay;
    String r = string(n, "replay", path, "all");
    switch (r) {
      case "all":
        replay = LogConfig.Replay.ALL;
        break;
      case "watched":
        replay = LogConfig.Replay.WATCHED;
        break;
      default:
        throw new ConfigException(
            path + ".replay", "must be \"all\" or \"watched\", got \"" + r + "\"");
    }
    int recheck = integer(n, "recheckBundles", path, LogConfig.DEFAULT_RECHECK_BUNDLES, 0, 1 << 20);
    List<org.rcskt.verifier.note.CosignatureV1Verifier> witnesses = new ArrayList<>();
    JsonNode w = n.get("witnesses");
    if (w != null) {
      for (JsonNode k : array(w, path + ".witnesses", 0, 32)) {
        String at = path + ".witnesses[" + witnesses.size() + "]";
        if (!k.isTextual()) {
          throw new ConfigException(at, "must be a string");
        }
        try {
          witnesses.add(org.rcskt.verifier.note.CosignatureV1Verifier.fromVerifierKey(k.asText()));
        } catch (org.rcskt.verifier.VerificationException e) {
          throw new ConfigException(at, "is not a cosignature/v1 verifier key: " + e.getMessage());
        }
      }
    }
    boolean follow = true;
    JsonNode fw = n.get("follow");
    if (fw != null) {
      if (!fw.isBoolean()) {
        throw new ConfigException(path + ".follow", "must be true or false, got " + fw);
      }
      follow = fw.asBoolean();
    }
    boolean feed = true;
    JsonNode fd = n.get("feed");
    if (fd != null) {
      if (!fd.isBoolean()) {
        throw new ConfigException(path + ".feed", "must be true or false, got " + fd);
      }
      feed = fd.asBoolean();
    }
    return new LogConfig(
        url, origin, vkey, vrfKey, policyKey, poll, replay, recheck, witnesses, follow, feed);
  }

  private WatchConfig watch(JsonNode n, String path) throws ConfigException {
    requireObject(n, path);
    allowOnly(n, path, "label", "phone", "subject", "expectedKeys");
    boolean hasPhone = n.has("phone");
    boolean hasSubject = n.has("subject");
    if (hasPhone == hasSubject) {
      throw new ConfigException(path, "needs exactly one of \"phone\" and \"subject\"");
    }
    Optional<String> phone = Optional.empty();
    Optional<Hash> subject = Optional.empty();
    String defaultLabel;
    if (hasPhone) {
      String p = requiredString(n, "phone", path);
      try {
        PhoneNumbers.validate(p);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".phone", e.getMessage());
      }
      phone = Optional.of(p);
      // The index is not known before the log is asked; the position names the entry.
      defaultLabel = path;
    } else {
      String s = requiredString(n, "subject", path);
      try {
        subject = Optional.of(Hash.fromHex(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".subject", e.getMessage());
      }
      defaultLabel = subject.get().toHex().substring(0, 16);
    }
    // Never default the label to the phone number: labels travel in alerts.
    String label = string(n, "label", path, defaultLabel);
    List<ExpectedKey> keys = new ArrayList<>();
    JsonNode k = n.get("expectedKeys");
    if (k != null) {
      for (JsonNode e : array(k, path + ".expectedKeys", 0, MAX_EXPECTED_KEYS)) {
        String p = path + ".expectedKeys[" + keys.size() + "]";
        if (!e.isTextual()) {
          throw new ConfigException(p, "must be a string");
        }
        keys.add(expectedKey(e.asText(), p));
      }
    }
    return new WatchConfig(label, phone, subject, keys);
  }

  /**
   * Parses an expected key: {@code ed25519:<base64 of the 32-byte key>} or the key id as 64 hex
   * digits.
   */
  static ExpectedKey expectedKey(String text, String path) throws ConfigException {
    if (text.length() == 2 * Hash.SIZE && text.chars().allMatch(ConfigParser::isHex)) {
      return new ExpectedKey(text, Hash.fromHex(text));
    }
    PublicKeyInfo key = publicKey(text, path);
    return new ExpectedKey(text, key.keyId());
  }

  /** Parses {@code ed25519:<base64>}. */
  static PublicKeyInfo publicKey(String text, String path) throws ConfigException {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new ConfigException(
          path, "must be \"ed25519:<base64 key>\" or a 64-hex-digit key id, got \"" + text + "\"");
    }
    String alg = text.substring(0, colon);
    if (!alg.equals("ed25519")) {
      throw new ConfigException(path, "unsupported key algorithm \"" + alg + "\"");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path, "key is not valid base64: " + e.getMessage());
    }
    try {
      return PublicKeyInfo.of(KeyAlgorithm.ED25519, raw, 0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path, e.getMessage());
    }
  }

  /** Parses a VRF public key string ({@code <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>}). */
  static VrfKeys.PublicKey vrfPublicKey(String text, String path) throws ConfigException {
    try {
      return VrfKeys.parsePublic(text);
    } catch (IllegalArgumentException | VrfVerificationException e) {
      throw new ConfigException(path, e.getMessage());
    }
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static Ed25519NoteVerifier noteVerifier(String vkey, String path) throws ConfigException {
    try {
      return Ed25519NoteVerifier.fromVerifierKey(vkey);
    } catch (KeyFormatException | UnsupportedAlgorithmException e) {
      throw new ConfigException(path, e.getMessage());
    }
  }

  private SinkConfig sink(JsonNode n, String path) throws ConfigException {
    requireObject(n, path);
    String type = requiredString(n, "type", path);
    String name = string(n, "name", path, type);
    if (name.isEmpty() || name.indexOf(0) >= 0) {
      throw new ConfigException(path + ".name", "must be non-empty");
    }
    switch (type) {
      case "stdout":
        allowOnly(n, path, "type", "name");
        return new SinkConfig.Stdout(name);
      case "file":
        allowOnly(n, path, "type", "name", "path");
        return new SinkConfig.File(name, baseDir.resolve(requiredString(n, "path", path)));
      case "webhook":
        {
          allowOnly(
              n, path, "type", "name", "url", "headers", "timeout", "minBackoff", "maxBackoff");
          URI url = httpUrl(requiredString(n, "url", path), path + ".url", false);
          Map<String, String> headers = new LinkedHashMap<>();
          JsonNode h = n.get("headers");
          if (h != null) {
            requireObject(h, path + ".headers");
            for (Map.Entry<String, JsonNode> e : h.properties()) {
              if (!e.getValue().isTextual()) {
                throw new ConfigException(path + ".headers." + e.getKey(), "must be a string");
              }
              headers.put(e.getKey(), e.getValue().asText());
            }
          }
          Duration[] b = backoff(n, path);
          return new SinkConfig.Webhook(
              name,
              url,
              headers,
              duration(n, "timeout", path, Duration.ofSeconds(10), Duration.ofMillis(1)),
              b[0],
              b[1]);
        }
      case "command":
        {
          allowOnly(n, path, "type", "name", "command", "timeout", "minBackoff", "maxBackoff");
          JsonNode c = n.get("command");
          if (c == null) {
            throw new ConfigException(path + ".command", "is required");
          }
          List<String> argv = new ArrayList<>();
          for (JsonNode a : array(c, path + ".command", 1, 256)) {
            if (!a.isTextual()) {
              throw new ConfigException(path + ".command[" + argv.size() + "]", "must be a string");
            }
            argv.add(a.asText());
          }
          Duration[] b = backoff(n, path);
          return new SinkConfig.Command(
              name,
              argv,
              duration(n, "timeout", path, Duration.ofSeconds(30), Duration.ofMillis(1)),
              b[0],
              b[1]);
        }
      default:
        throw new ConfigException(
            path + ".type",
            "must be one of \"stdout\", \"file\", \"webhook\", \"command\", got \"" + type + "\"");
    }
  }

  private static Duration[] backoff(JsonNode n, String path) throws ConfigException {
    Duration min = duration(n, "minBackoff", path, Duration.ofSeconds(1), Duration.ofMillis(1));
    Duration max = duration(n, "maxBackoff", path, Duration.ofMinutes(5), Duration.ofMillis(1));
    if (max.compareTo(min) < 0) {
      throw new ConfigException(
          path + ".maxBackoff",
          "must not be shorter than minBackoff ("
              + Durations.format(min)
              + "), got "
              + Durations.format(max));
    }
    return new Duration[] {min, max};
  }

  // ---- small readers

  private static void requireObject(JsonNode n, String path) throws ConfigException {
    if (!n.isObject()) {
      throw new ConfigException(path, "must be a JSON object");
    }
  }

  private static void allowOnly(JsonNode n, String path, String... fields) throws ConfigException {
    Set<String> allowed = Set.of(fields);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new ConfigException(path.isEmpty() ? f : path + "." + f, "unknown field");
      }
    }
  }

  private static List<JsonNode> array(JsonNode n, String path, int min, int max)
      throws ConfigException {
    if (!n.isArray()) {
      throw new ConfigException(path, "must be a JSON array");
    }
    if (n.size() < min) {
      throw new ConfigException(
          path, "must have at least " + min + " element" + (min == 1 ? "" : "s"));
    }
    if (n.size() > max) {
      throw new ConfigException(path, "must have at most " + max + " elements, got " + n.size());
    }
    List<JsonNode> out = new ArrayList<>(n.size());
    n.forEach(out::add);
    return out;
  }

  private static String field(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String requiredString(JsonNode n, String name, String path)
      throws ConfigException {
    JsonNode v = n.get(name);
    if (v == null) {
      throw new ConfigException(field(path, name), "is required");
    }
    if (!v.isTextual()) {
      throw new ConfigException(field(path, name), "must be a string");
    }
    return v.asText();
  }

  private static String string(JsonNode n, String name, String path, String dflt)
      throws ConfigException {
    return n.has(name) ? requiredString(n, name, path) : dflt;
  }

  private static int integer(JsonNode n, String name, String path, int dflt, int min, int max)
      throws ConfigException {
    JsonNode v = n.get(name);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw new ConfigException(
          field(path, name), "must be a whole number from " + min + " to " + max + ", got " + v);
    }
    return v.asInt();
  }

  private static Duration duration(
      JsonNode n, String name, String path, Duration dflt, Duration min) throws ConfigException {
    if (!n.has(name)) {
      return dflt;
    }
    String text = requiredString(n, name, path);
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field(path, name), e.getMessage());
    }
    if (d.compareTo(min) < 0) {
      throw new ConfigException(
          field(path, name), "must be at least " + Durations.format(min) + ", got " + text);
    }
    return d;
  }

  private static URI httpUrl(String text, String path, boolean asBase) throws ConfigException {
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException(path, "not a URL: " + e.getMessage());
    }
    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
      throw new ConfigException(path, "must be an http or https URL, got \"" + text + "\"");
    }
    if (u.getHost() == null) {
      throw new ConfigException(path, "has no host: \"" + text + "\"");
    }
    if (u.getQuery() != null || u.getFragment() != null) {
      throw new ConfigException(path, "must not have a query or fragment: \"" + text + "\"");
    }
    // Relative paths resolve against the base only below a trailing slash.
    return !asBase || text.endsWith("/") ? u : URI.create(text + "/");
  }
}
