package org.rcskt.monitor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.storage.LogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * A real log server (RocksDB in a temporary directory, HTTP on loopback) in development mode, with
 * helpers that submit real signed key events over {@code POST /v1/events} and remember each
 * subject's chain so the next event follows it.
 */
public final class TestLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path dir;
  private final ServerConfig config;
  private LogServer server;
  private final Map<Hash, KeyEvent> last = new HashMap<>();
  private long clockMs = System.currentTimeMillis();

  /** The name in the test VRF key strings. */
  public static final String VRF_KEY_NAME = "rcskt-test-vrf";

  private TestLog(Path dir, ServerConfig config, UnaryOperator<LogStore> wrap) {
    this.dir = dir;
    this.config = config;
    TestVrf.writeKeyFile(config.vrfKeyFile());
    this.server = LogServer.start(config, wrap);
  }

  /** The public key string of the server's VRF key (the test key). */
  public static String vrfKey() {
    return new VrfKeys.PublicKey(VRF_KEY_NAME, TestVrf.PUBLIC).format();
  }

  /** A new log in {@code dir} on a free port. */
  public static TestLog start(Path dir) {
    return new TestLog(dir, ServerConfig.builder(dir).port(0).devMode(true).build(), s -> s);
  }

  /** A log in {@code dir} with the algorithm policy {@code algorithms}. */
  public static TestLog startWithAlgorithms(
      Path dir, org.rcskt.verifier.event.AlgorithmPolicy algorithms) {
    return new TestLog(
        dir,
        ServerConfig.builder(dir).port(0).devMode(true).algorithms(algorithms).build(),
        s -> s);
  }

  /** A log in {@code dir} checking device attestation evidence against {@code policy}. */
  public static TestLog startWithDeviceAttestation(
      Path dir, org.rcskt.verifier.attestation.DeviceAttestationPolicy policy) {
    return new TestLog(
        dir,
        ServerConfig.builder(dir).port(0).devMode(true).deviceAttestation(policy).build(),
        s -> s);
  }

  /**
   * Registers {@code key}, attested by the carrier, with the device attestation evidence {@code
   * evidence} makes from the event's challenge (docs/protocol.md section 17.2).
   */
  public long registerWithEvidence(
      String phone,
      String deviceId,
      Ed25519.KeyPair key,
      java.util.function.Function<byte[], byte[]> evidence)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    EventBuilder b = EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID);
    KeyEvent prev = last.get(subject);
    if (prev != null) {
      b.after(prev);
    }
    long t = tick();
    PublicKeyInfo pk = PublicKeyInfo.ed25519(key.publicKey());
    byte[] challenge =
        org.rcskt.verifier.attestation.AttestationChallenge.of(
            subject.toByteArray(), LogServer.DEV_CARRIER_ID, deviceId, pk.keyId().toByteArray(), t);
    return submit(
        b.timestampMs(t)
            .attestationEvidence(evidence.apply(challenge))
            .register(deviceId, pk)
            .sign(key, carrier()));
  }

  /** A log in {@code dir} signing with the log and policy keys of {@code other}: a second view. */
  public static TestLog startWithKeysOf(Path dir, TestLog other) {
    ServerConfig c =
        ServerConfig.builder(dir)
            .port(0)
            .devMode(true)
            .logKeyFile(other.config.logKeyFile())
            .policyKeyFile(other.config.policyKeyFile())
            .build();
    return new TestLog(dir, c, s -> s);
  }

  /** Stops the server, keeping its data. */
  public void stop() {
    server.close();
  }

  /** Starts the server again on the same data and port, its store seen through {@code wrap}. */
  public void restart(UnaryOperator<LogStore> wrap) {
    restart(wrap, false);
  }

  /**
   * Starts the server again on the same data and port, its store seen through {@code wrap},
   * accepting unattested registrations when {@code allowUnattested}.
   */
  public void restart(UnaryOperator<LogStore> wrap, boolean allowUnattested) {
    int port = server.port();
    ServerConfig c =
        ServerConfig.builder(dir)
            .port(port)
            .devMode(true)
            .allowUnattested(allowUnattested)
            .logKeyFile(config.logKeyFile())
            .policyKeyFile(config.policyKeyFile())
            .build();
    server = LogServer.start(c, wrap);
  }

  /** Starts the server again on the same data, port and keys, asking {@code witnesses}. */
  public void restartWithWitnesses(org.rcskt.server.config.WitnessSettings witnesses) {
    int port = server.port();
    ServerConfig c =
        ServerConfig.builder(dir)
            .port(port)
            .devMode(true)
            .logKeyFile(config.logKeyFile())
            .policyKeyFile(config.policyKeyFile())
            .witnesses(witnesses)
            .build();
    server = LogServer.start(c, s -> s);
  }

  /** The running server. */
  public LogServer server() {
    return server;
  }

  public URI url() {
    return URI.create(server.baseUrl() + "/");
  }

  public String origin() {
    return server.origin();
  }

  public String verifierKey() {
    return server.verifierKey();
  }

  /** The file holding the log's checkpoint signing key, for tests that play a misbehaving log. */
  public Path logKeyFile() {
    return config.logKeyFile();
  }

  public Ed25519.KeyPair carrier() {
    return server.devCarrierKey();
  }

  /** The log's current tree size, from its own checkpoint endpoint. */
  public long treeSize() throws IOException, InterruptedException {
    // /v1/info: the newest log-signed size (GET /checkpoint may serve an older witnessed one).
    String info =
        HTTP.send(
                HttpRequest.newBuilder(url().resolve("v1/info")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return JSON.readTree(info).get("treeSize").asLong();
  }

  /** Registers {@code key} for {@code phone} without a carrier attestation (trust on first use). */
  public long registerUnattested(String phone, String deviceId, Ed25519.KeyPair key)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .timestampMs(tick())
            .register(deviceId, PublicKeyInfo.ed25519(key.publicKey()))
            .sign(key));
  }

  /** Registers {@code key} as device {@code deviceId} of {@code phone}, attested by the carrier. */
  public long register(String phone, String deviceId, Ed25519.KeyPair key)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    EventBuilder b = EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID);
    KeyEvent prev = last.get(subject);
    if (prev != null) {
      b.after(prev);
    }
    return submit(
        b.timestampMs(tick())
            .register(deviceId, PublicKeyInfo.ed25519(key.publicKey()))
            .sign(key, carrier()));
  }

  /** Registers a key of any algorithm, attested by the carrier. */
  public long register(String phone, String deviceId, org.rcskt.verifier.event.EventSigner key)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    EventBuilder b = EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID);
    KeyEvent prev = last.get(subject);
    if (prev != null) {
      b.after(prev);
    }
    return submit(
        b.timestampMs(tick())
            .register(deviceId, key.publicKey())
            .sign(key, org.rcskt.verifier.event.EventSigner.of(carrier())));
  }

  /** A KEYS event: the device's identity key {@code key} publishes {@code kex}. */
  public long keys(
      String phone,
      String deviceId,
      org.rcskt.verifier.event.EventSigner key,
      java.util.List<org.rcskt.verifier.event.KexKey> kex)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(last.get(subject))
            .timestampMs(tick())
            .keys(deviceId, kex)
            .sign(key));
  }

  /** Rotates between keys of any algorithms, signed by both. */
  public long rotate(
      String phone,
      String deviceId,
      org.rcskt.verifier.event.EventSigner old,
      org.rcskt.verifier.event.EventSigner next)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(last.get(subject))
            .timestampMs(tick())
            .rotate(deviceId, next.publicKey())
            .sign(next, old));
  }

  /** Rotates device {@code deviceId} of {@code phone} from {@code old} to {@code next}. */
  public long rotate(String phone, String deviceId, Ed25519.KeyPair old, Ed25519.KeyPair next)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(last.get(subject))
            .timestampMs(tick())
            .rotate(deviceId, PublicKeyInfo.ed25519(next.publicKey()))
            .sign(next, old));
  }

  /** A recovery: the carrier rotates the device to {@code next} without the old key. */
  public long recover(String phone, String deviceId, Ed25519.KeyPair next)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(last.get(subject))
            .timestampMs(tick())
            .rotate(deviceId, PublicKeyInfo.ed25519(next.publicKey()))
            .sign(next, carrier()));
  }

  /** Revokes device {@code deviceId} of {@code phone}, signed by its key. */
  public long revoke(String phone, String deviceId, Ed25519.KeyPair key, RevocationReason reason)
      throws IOException, InterruptedException {
    Hash subject = TestVrf.index(phone);
    return submit(
        EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID)
            .after(last.get(subject))
            .timestampMs(tick())
            .revoke(deviceId, reason)
            .sign(key));
  }

  private long tick() {
    clockMs = Math.max(clockMs + 1, System.currentTimeMillis());
    return clockMs;
  }

  /** Submits {@code event} over HTTP and returns its leaf index. */
  public long submit(KeyEvent event) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(url().resolve("v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.toJsonString(event)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("submit answered " + r.statusCode() + ": " + r.body());
    }
    JsonNode n = JSON.readTree(r.body());
    last.put(event.subject(), event);
    return n.get("leafIndex").asLong();
  }

  @Override
  public void close() {
    server.close();
  }
}
