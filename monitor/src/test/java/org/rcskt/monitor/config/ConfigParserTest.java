package org.rcskt.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.note.Ed25519NoteKeys;

class ConfigParserTest {
  private static final String ORIGIN = "kt.example.net/log2026";
  private static final String VKEY = Ed25519NoteKeys.generate(ORIGIN, new Random(1)).verifierKey();
  private static final Ed25519.KeyPair DEVICE = Ed25519.KeyPair.generate(new Random(2));
  private static final String DEVICE_KEY =
      "ed25519:" + Base64.getEncoder().encodeToString(DEVICE.publicKey().encoded());

  private static final String VRF_KEY = TestLog.vrfKey();

  @TempDir Path dir;

  private static String minimal(String logExtra) {
    return "{\"logs\":[{\"url\":\"http://127.0.0.1:8080\",\"origin\":\""
        + ORIGIN
        + "\",\"verifierKey\":\""
        + VKEY
        + "\""
        + logExtra
        + "}]";
  }

  private MonitorConfig parse(String json) throws ConfigException {
    return ConfigParser.parse(json.getBytes(StandardCharsets.UTF_8), dir);
  }

  private void fails(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void minimalFileGetsTheDefaults() throws ConfigException {
    MonitorConfig c = parse(minimal("") + "}");
    assertThat(c.dataDir()).isEqualTo(dir.resolve("monitor-data"));
    assertThat(c.listenHost()).isEqualTo("127.0.0.1");
    assertThat(c.listenPort()).isEqualTo(8090);
    assertThat(c.logs()).hasSize(1);
    LogConfig log = c.logs().get(0);
    assertThat(log.url().toString()).isEqualTo("http://127.0.0.1:8080/");
    assertThat(log.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(log.replay()).isEqualTo(LogConfig.Replay.ALL);
    assertThat(log.recheckBundles()).isEqualTo(4);
    assertThat(log.policyKey()).isEmpty();
    assertThat(log.follow()).isTrue();
    assertThat(c.sinks()).containsExactly(new SinkConfig.Stdout("stdout"));
    assertThat(c.watch()).isEmpty();
    assertThat(c.gossip().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.gossip().peers()).isEmpty();
    assertThat(c.heartbeat()).isEmpty();
  }

  @Test
  void fullFileIsRead() throws Exception {
    String keyId =
        PublicKeyInfo.of(KeyAlgorithm.ED25519, DEVICE.publicKey().encoded(), 0).keyId().toHex();
    String json =
        "{\"dataDir\":\"state\",\"listen\":{\"host\":\"0.0.0.0\",\"port\":9000},"
            + "\"pollInterval\":\"2s\","
            + minimal(
                    ",\"pollInterval\":\"500ms\",\"replay\":\"watched\",\"recheckBundles\":0,"
                        + "\"vrfKey\":\""
                        + VRF_KEY
                        + "\",\"policyKey\":\""
                        + DEVICE_KEY
                        + "\"")
                .substring(1)
            + ",\"watch\":[{\"label\":\"alice\",\"phone\":\"+447700900123\",\"expectedKeys\":[\""
            + DEVICE_KEY
            + "\",\""
            + keyId
            + "\"]},{\"subject\":\""
            + "ab".repeat(32)
            + "\"}],"
            + "\"sinks\":[{\"type\":\"stdout\"},{\"type\":\"file\",\"path\":\"alerts.jsonl\"},"
            + "{\"type\":\"webhook\",\"name\":\"pager\",\"url\":\"https://hooks.example/a\","
            + "\"headers\":{\"Authorization\":\"Bearer x\"},\"timeout\":\"3s\","
            + "\"minBackoff\":\"100ms\",\"maxBackoff\":\"1m\"},"
            + "{\"type\":\"command\",\"command\":[\"/bin/notify\",\"--urgent\"]}],"
            + "\"gossip\":{\"interval\":\"1m\",\"peers\":[\"http://peer.example:8090\"]},"
            + "\"heartbeat\":{\"interval\":\"5m\"}}";
    Path file = dir.resolve("monitor.json");
    Files.writeString(file, json);
    MonitorConfig c = ConfigParser.read(file);
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("state"));
    assertThat(c.listenHost()).isEqualTo("0.0.0.0");
    assertThat(c.listenPort()).isEqualTo(9000);
    LogConfig log = c.logs().get(0);
    assertThat(log.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(log.replay()).isEqualTo(LogConfig.Replay.WATCHED);
    assertThat(log.recheckBundles()).isZero();
    assertThat(log.policyKey()).contains(DEVICE_KEY);
    assertThat(log.vrfKey()).contains(VRF_KEY);
    WatchConfig alice = c.watch().get(0);
    assertThat(alice.label()).isEqualTo("alice");
    assertThat(alice.phone()).contains("+447700900123");
    // Only the log can compute a number's index: it is looked up when the monitor runs.
    assertThat(alice.subject()).isEmpty();
    assertThat(alice.expectedKeys())
        .extracting(k -> k.keyId().toHex())
        .containsExactly(keyId, keyId);
    WatchConfig raw = c.watch().get(1);
    assertThat(raw.phone()).isEqualTo(Optional.empty());
    assertThat(raw.subject()).contains(org.rcskt.verifier.Hash.fromHex("ab".repeat(32)));
    assertThat(raw.label()).isEqualTo("abababababababab");
    assertThat(c.sinks())
        .extracting(SinkConfig::name)
        .containsExactly("stdout", "file", "pager", "command");
    assertThat(((SinkConfig.File) c.sinks().get(1)).path())
        .isEqualTo(dir.toAbsolutePath().resolve("alerts.jsonl"));
    SinkConfig.Webhook hook = (SinkConfig.Webhook) c.sinks().get(2);
    assertThat(hook.url().toString()).isEqualTo("https://hooks.example/a");
    assertThat(hook.headers()).containsEntry("Authorization", "Bearer x");
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(hook.minBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(hook.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
    SinkConfig.Command cmd = (SinkConfig.Command) c.sinks().get(3);
    assertThat(cmd.command()).containsExactly("/bin/notify", "--urgent");
    assertThat(cmd.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.gossip().interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.gossip().peers()).containsExactly("http://peer.example:8090/");
    assertThat(c.heartbeat()).contains(Duration.ofMinutes(5));
  }

  @Test
  void eachProblemNamesItsField() {
    fails("[]", "must be a JSON object");
    fails(
        "{\"logs\":[]",
        "not valid JSON at line 1, column 11: Unexpected end-of-input: expected close marker for Object");
    fails("{\"a\":1,\"a\":2}", "not valid JSON at line 1, column 11: Duplicate field 'a'");
    fails("{}", "logs: is required");
    fails("{\"logs\":[],\"x\":1}", "x: unknown field");
    fails("{\"logs\":[]}", "logs: must have at least 1 element");
    fails("{\"logs\":{}}", "logs: must be a JSON array");
    fails("{\"logs\":[{}]}", "logs[0].url: is required");
    fails(
        "{\"logs\":[{\"url\":\"ftp://x\"}]}",
        "logs[0].url: must be an http or https URL, got \"ftp://x\"");
    fails(
        "{\"logs\":[{\"url\":\"http://x/?a=b\"}]}",
        "logs[0].url: must not have a query or fragment: \"http://x/?a=b\"");
    fails("{\"logs\":[{\"url\":\"http://x\"}]}", "logs[0].origin: is required");
    fails(
        "{\"logs\":[{\"url\":\"http://x\",\"origin\":\"o\",\"verifierKey\":\"nope\"}]}",
        "logs[0].verifierKey: " + verifierKeyProblem("nope"));
    fails(
        "{\"logs\":[{\"url\":\"http://x\",\"origin\":\"other\",\"verifierKey\":\"" + VKEY + "\"}]}",
        "logs[0].verifierKey: key name \"" + ORIGIN + "\" differs from the origin \"other\"");
    fails(
        minimal(",\"pollInterval\":\"10\"") + "}",
        "logs[0].pollInterval: \"10\" is not a duration (a whole number followed by ms, s, m or h)");
    fails(
        minimal(",\"pollInterval\":\"1ms\"") + "}",
        "logs[0].pollInterval: must be at least 10ms, got 1ms");
    fails(
        minimal(",\"replay\":\"some\"") + "}",
        "logs[0].replay: must be \"all\" or \"watched\", got \"some\"");
    fails(
        minimal(",\"recheckBundles\":-1") + "}",
        "logs[0].recheckBundles: must be a whole number from 0 to 1048576, got -1");
    fails(
        minimal(",\"policyKey\":\"rsa:AAAA\"") + "}",
        "logs[0].policyKey: unsupported key algorithm \"rsa\"");
    fails(
        minimal(",\"policyKey\":\"ed25519:AAAA\"") + "}",
        "logs[0].policyKey: publicKey.key: ED25519 key must be 32 bytes, got 3 bytes");
    fails(
        minimal("")
                .replace(
                    "}]",
                    "},{\"url\":\"http://y\",\"origin\":\""
                        + ORIGIN
                        + "\",\"verifierKey\":\""
                        + VKEY
                        + "\"}]")
            + "}",
        "logs[1].origin: \"" + ORIGIN + "\" is listed twice");
    fails(
        minimal("") + ",\"watch\":[{}]}",
        "watch[0]: needs exactly one of \"phone\" and \"subject\"");
    fails(
        minimal("") + ",\"watch\":[{\"phone\":\"447700900123\"}]}",
        "watch[0].phone: phone number must start with '+'");
    fails(
        minimal("") + ",\"watch\":[{\"phone\":\"+4477\"}]}",
        "watch[0].phone: phone number must have 8 to 15 digits after '+', got 4");
    fails(
        minimal("") + ",\"watch\":[{\"subject\":\"abc\"}]}",
        "watch[0].subject: hash must be 64 hex digits, got 3");
    fails(
        minimal("")
            + ",\"watch\":[{\"subject\":\""
            + TestVrf.index("+447700900123").toHex()
            + "\"},{\"subject\":\""
            + TestVrf.index("+447700900123").toHex()
            + "\"}]}",
        "watch[1]: subject " + TestVrf.index("+447700900123") + " is listed twice");
    // The number itself is never echoed: configuration errors end up in logs.
    fails(
        minimal(",\"vrfKey\":\"" + VRF_KEY + "\"")
            + ",\"watch\":[{\"phone\":\"+447700900123\"},{\"subject\":\""
            + "ab".repeat(32)
            + "\"},{\"phone\":\"+447700900123\"}]}",
        "watch[2].phone: is the same number as watch[0].phone");
    fails(
        minimal("") + ",\"watch\":[{\"phone\":\"+447700900123\",\"expectedKeys\":[\"k\"]}]}",
        "watch[0].expectedKeys[0]: must be \"ed25519:<base64 key>\" or a 64-hex-digit key id, got \"k\"");
    fails(
        minimal("")
            + ",\"watch\":[{\"phone\":\"+447700900123\",\"expectedKeys\":[\"ed25519:!!!!\"]}]}",
        "watch[0].expectedKeys[0]: key is not valid base64: Illegal base64 character 21");
    fails(
        minimal("")
            + ",\"watch\":[{\"subject\":\""
            + "ab".repeat(32)
            + "\"},{\"phone\":\"+447700900123\"}]}",
        "logs[0].vrfKey: is required because watch[1] names a phone number, whose index only the"
            + " log's VRF gives");
    fails(minimal(",\"vrfKey\":7") + "}", "logs[0].vrfKey: must be a string");
    fails(
        minimal(",\"vrfKey\":\"" + VKEY + "\"") + "}",
        "logs[0].vrfKey: a VRF public key is <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>; got"
            + " another form");
    fails(
        minimal(",\"vrfKey\":\"n+ECVRF-EDWARDS25519-SHA512-TAI+!!!!\"") + "}",
        "logs[0].vrfKey: a VRF public key's data is not base64");
    String zeros = Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(
            () ->
                parse(
                    minimal(",\"vrfKey\":\"n+ECVRF-EDWARDS25519-SHA512-TAI+" + zeros + "\"") + "}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("logs[0].vrfKey: ECVRF public key " + "00".repeat(32));
    fails(
        minimal("") + ",\"sinks\":[{\"type\":\"email\"}]}",
        "sinks[0].type: must be one of \"stdout\", \"file\", \"webhook\", \"command\", got \"email\"");
    fails(minimal("") + ",\"sinks\":[{\"type\":\"file\"}]}", "sinks[0].path: is required");
    fails(
        minimal("") + ",\"sinks\":[{\"type\":\"stdout\"},{\"type\":\"stdout\"}]}",
        "sinks[1].name: \"stdout\" is used by another sink; give each a name");
    fails(
        minimal("")
            + ",\"sinks\":[{\"type\":\"webhook\",\"url\":\"http://h\",\"minBackoff\":\"2s\",\"maxBackoff\":\"1s\"}]}",
        "sinks[0].maxBackoff: must not be shorter than minBackoff (2s), got 1s");
    fails(
        minimal("") + ",\"sinks\":[{\"type\":\"command\",\"command\":[]}]}",
        "sinks[0].command: must have at least 1 element");
    fails(
        minimal("") + ",\"sinks\":[{\"type\":\"stdout\",\"path\":\"x\"}]}",
        "sinks[0].path: unknown field");
    fails(minimal("") + ",\"gossip\":{\"peers\":[1]}}", "gossip.peers[0]: must be a string");
    fails(minimal("") + ",\"heartbeat\":{}}", "heartbeat.interval: is required");
    fails(
        minimal("") + ",\"listen\":{\"port\":70000}}",
        "listen.port: must be a whole number from 0 to 65535, got 70000");
  }

  private static String verifierKeyProblem(String vkey) {
    try {
      org.rcskt.verifier.note.Ed25519NoteVerifier.fromVerifierKey(vkey);
      throw new AssertionError("accepted " + vkey);
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  @Test
  void theWitnessRoleNeedsAReadableCosigningKey() throws Exception {
    org.rcskt.monitor.witness.WitnessKeys.generate("witness.test/w1", dir.resolve("w.key"));
    MonitorConfig c = parse(minimal("") + ",\"witness\":{\"keyFile\":\"w.key\"}}");
    assertThat(c.witness()).contains(new WitnessConfig(dir.resolve("w.key")));
    assertThat(parse(minimal("") + "}").witness()).isEmpty();
    // A log can be witnessed without being followed, but only by a witness.
    MonitorConfig only =
        parse(minimal(",\"follow\":false") + ",\"witness\":{\"keyFile\":\"w.key\"}}");
    assertThat(only.logs().get(0).follow()).isFalse();
    fails(
        minimal(",\"follow\":false") + "}",
        "logs[0].follow: false makes the monitor only a witness of this log, which needs the"
            + " witness role (witness.keyFile)");
    fails(
        minimal(",\"follow\":\"no\"") + ",\"witness\":{\"keyFile\":\"w.key\"}}",
        "logs[0].follow: must be true or false, got \"no\"");
    fails(minimal("") + ",\"witness\":{}}", "witness.keyFile: is required");
    fails(
        minimal("") + ",\"witness\":{\"keyFile\":\"w.key\",\"name\":\"x\"}}",
        "witness.name: unknown field");
    fails(
        minimal("") + ",\"witness\":{\"keyFile\":\"missing.key\"}}",
        "witness.keyFile: cannot read "
            + dir.resolve("missing.key")
            + ": "
            + dir.resolve("missing.key"));
    // A log signing key is not a cosigning key.
    java.nio.file.Files.writeString(
        dir.resolve("log.key"),
        org.rcskt.verifier.note.Ed25519NoteKeys.generate("some.log").signerKey() + "\n");
    assertThatThrownBy(() -> parse(minimal("") + ",\"witness\":{\"keyFile\":\"log.key\"}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "witness.keyFile: "
                + dir.resolve("log.key")
                + " does not hold a cosignature/v1 signer key");
  }

  @Test
  void unreadableFileIsReported() {
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> ConfigParser.read(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cannot read " + missing + ": ");
  }

  @Test
  void durationsRoundTrip() {
    for (String s : new String[] {"250ms", "10s", "5m", "2h", "0ms"}) {
      assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    }
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }
}
