package org.rcskt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.verifier.event.EventSigner;
import picocli.CommandLine;

/**
 * The command line against a real log server in development mode on loopback: keys, events built
 * from a number and key files, submission one by one and in a batch, look-ups and continuity
 * checks, each answer verified by the client library; and the errors a user meets.
 */
class CliFlowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NUMBER = "+33612345678";

  @TempDir Path dir;
  private LogServer server;
  private Path data;

  @BeforeEach
  void start() {
    data = dir.resolve("kt-data");
    server =
        LogServer.start(ServerConfig.builder(data).host("127.0.0.1").port(0).devMode(true).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A finished run: exit status and what it printed. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n" + out + err;
    }
  }

  static Run rcskt(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = RcsktCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code args} with the log's URL in front. */
  private String[] atLog(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    int at = args[0].equals("event") ? 2 : 1;
    all.addAll(at, List.of("--log", server.baseUrl()));
    return all.toArray(String[]::new);
  }

  private Path key(String name) {
    Path f = dir.resolve(name);
    Run r = rcskt("keygen", "--out", f.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    return f;
  }

  private static String keyId(Path file) throws Exception {
    return EventSigner.fromSignerKeyFile(file).publicKey().keyId().toHex();
  }

  private Path carrierKey() {
    return data.resolve("dev-carrier.key");
  }

  @Test
  void registerRotateLookUpAndCheckContinuity() throws Exception {
    Path phone = key("phone.key");
    Path pins = dir.resolve("pins");
    Run reg =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                NUMBER,
                "--device-id",
                "phone-1",
                "--key",
                phone.toString(),
                "--carrier",
                "dev-carrier",
                "--carrier-key",
                carrierKey().toString(),
                "--submit"));
    assertThat(reg.code()).as(reg.toString()).isZero();
    assertThat(reg.out()).contains("logged at leaf").contains("inclusion proof verified");
    assertThat(reg.err()).contains("trusting the log key (pin it with --log-key");

    Run look = rcskt(atLog("lookup", NUMBER, "--json"));
    assertThat(look.code()).as(look.toString()).isZero();
    JsonNode l = JSON.readTree(look.out());
    assertThat(l.get("verified").asBoolean()).isTrue();
    assertThat(l.get("events")).hasSize(1);
    assertThat(l.at("/activeKeys/phone-1/keyId").asText()).isEqualTo(keyId(phone));

    Run first =
        rcskt(atLog("verify", NUMBER, "--key", phone.toString(), "--pins", pins.toString()));
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).startsWith("UNCHANGED (first contact");

    // The rotation is signed by the old key; no carrier needed, and the carrier id comes from the
    // number's chain.
    Path phone2 = key("phone2.key");
    Run rot =
        rcskt(
            atLog(
                "event",
                "rotate",
                "--number",
                NUMBER,
                "--device-id",
                "phone-1",
                "--old-key",
                phone.toString(),
                "--new-key",
                phone2.toString(),
                "--submit",
                "--json"));
    assertThat(rot.code()).as(rot.toString()).isZero();
    JsonNode receipt = JSON.readTree(rot.out());
    assertThat(receipt.get("leafIndex").asLong()).isPositive();
    assertThat(receipt.get("recovery").asBoolean()).isFalse();

    Run rotated =
        rcskt(atLog("verify", NUMBER, "--key", phone2.toString(), "--pins", pins.toString()));
    assertThat(rotated.code()).as(rotated.toString()).isZero();
    assertThat(rotated.out()).startsWith("ROTATED").contains("signed by the previous key");

    Run old = rcskt(atLog("verify", NUMBER, "--key", phone.toString(), "--pins", pins.toString()));
    assertThat(old.code()).as(old.toString()).isEqualTo(1);
    assertThat(old.out()).startsWith("REVOKED");

    Run human = rcskt(atLog("lookup", NUMBER));
    assertThat(human.code()).as(human.toString()).isZero();
    assertThat(human.out())
        .contains("REGISTER phone-1")
        .contains("ROTATE   phone-1")
        .contains("active keys:")
        .contains(keyId(phone2));
  }

  @Test
  void eventsWrittenToFilesAreSubmittedOneByOneOrAsABatch() throws Exception {
    Path a = key("a.key");
    Path b = key("b.key");
    Path one = dir.resolve("one.json");
    Run built =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                "+14155550100",
                "--device-id",
                "d1",
                "--key",
                a.toString(),
                "--carrier",
                "dev-carrier",
                "--carrier-key",
                carrierKey().toString(),
                "--out",
                one.toString()));
    assertThat(built.code()).as(built.toString()).isZero();
    assertThat(JSON.readTree(Files.readString(one)).get("type").asText()).isEqualTo("REGISTER");

    Run single = rcskt(atLog("submit", one.toString()));
    assertThat(single.code()).as(single.toString()).isZero();
    assertThat(single.out()).contains("logged at leaf").contains("1 of 1 events logged");
    Run again = rcskt(atLog("submit", one.toString()));
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("already logged at leaf");

    // Two new numbers and one registration without the carrier's signature, which this log
    // refuses: a batch of three with one refusal, and the exit status says so.
    Path two = dir.resolve("two.json");
    Path three = dir.resolve("three.json");
    Path bad = dir.resolve("bad.json");
    for (String[] e :
        List.of(
            new String[] {"+14155550101", b.toString(), two.toString(), "yes"},
            new String[] {"+14155550102", a.toString(), three.toString(), "yes"},
            new String[] {"+14155550103", b.toString(), bad.toString(), "no"})) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "event",
                  "register",
                  "--number",
                  e[0],
                  "--device-id",
                  "d1",
                  "--key",
                  e[1],
                  "--carrier",
                  "dev-carrier",
                  "--out",
                  e[2]));
      if (e[3].equals("yes")) {
        args.addAll(List.of("--carrier-key", carrierKey().toString()));
      }
      Run r = rcskt(atLog(args.toArray(String[]::new)));
      assertThat(r.code()).as(r.toString()).isZero();
    }
    Run batch = rcskt(atLog("submit", two.toString(), bad.toString(), three.toString(), "--json"));
    assertThat(batch.code()).as(batch.toString()).isEqualTo(1);
    JsonNode results = JSON.readTree(batch.out());
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
    assertThat(results.get(1).get("status").asInt()).isEqualTo(422);
    assertThat(results.get(1).get("violation").asText()).isEqualTo("MISSING_CARRIER_ATTESTATION");
    assertThat(results.get(1).get("source").asText()).isEqualTo(bad.toString());
    assertThat(results.get(2).get("status").asInt()).isEqualTo(200);
    assertThat(results.get(0).get("treeSize")).isEqualTo(results.get(2).get("treeSize"));
  }

  @Test
  void thePolicyKeyAnchorsANewCarrierWhoseKeyThenAttests() throws Exception {
    Path carrier = key("carrier.key");
    Run anchor =
        rcskt(
            atLog(
                "event",
                "anchor",
                "--carrier",
                "carrier.example",
                "--add",
                carrier.toString(),
                "--policy-key",
                data.resolve("policy.key").toString(),
                "--submit"));
    assertThat(anchor.code()).as(anchor.toString()).isZero();
    Path phone = key("phone.key");
    Run reg =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                NUMBER,
                "--device-id",
                "p",
                "--key",
                phone.toString(),
                "--carrier",
                "carrier.example",
                "--carrier-key",
                carrier.toString(),
                "--submit"));
    assertThat(reg.code()).as(reg.toString()).isZero();
    // A key of one carrier does not attest for another.
    Run wrong =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                "+33612345679",
                "--device-id",
                "p",
                "--key",
                key("other.key").toString(),
                "--carrier",
                "dev-carrier",
                "--carrier-key",
                carrier.toString(),
                "--submit"));
    assertThat(wrong.code()).as(wrong.toString()).isEqualTo(1);
    assertThat(wrong.err()).contains("refused: 422 rule_violation");
  }

  @Test
  void pinnedKeysAreUsedAndAWrongPinnedKeyIsRefused() throws Exception {
    Run pinned =
        rcskt(
            atLog(
                "lookup",
                NUMBER,
                "--log-key",
                server.verifierKey(),
                "--vrf-key",
                server.vrfPublicKey()));
    assertThat(pinned.code()).as(pinned.toString()).isZero();
    assertThat(pinned.err()).doesNotContain("trusting");
    assertThat(pinned.out()).contains("no key events");

    String impostor =
        org.rcskt.verifier.note.Ed25519NoteKeys.generate(server.origin()).verifierKey();
    Run wrong = rcskt(atLog("lookup", NUMBER, "--log-key", impostor));
    assertThat(wrong.code()).as(wrong.toString()).isEqualTo(1);
    assertThat(wrong.err()).contains("did not verify");
  }

  @Test
  void aLogThatRequiresSubmittersTakesTheTokenFromAFile() throws Exception {
    server.close();
    String token = "token-of-the-test-carrier";
    server =
        LogServer.start(
            ServerConfig.builder(data)
                .host("127.0.0.1")
                .port(0)
                .devMode(true)
                .submitters(
                    List.of(
                        new org.rcskt.server.config.Submitter(
                            "test-carrier",
                            org.rcskt.verifier.Hash.sha256(
                                token.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            java.util.Set.of("dev-carrier"),
                            100,
                            1000)))
                .build());
    String[] register = submitRegistration(key("phone.key"));
    Run anonymous = rcskt(atLog(register));
    assertThat(anonymous.code()).as(anonymous.toString()).isEqualTo(1);
    assertThat(anonymous.err()).contains("refused: 401 unauthorized at Authorization");

    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, token + "\n");
    List<String> args = new ArrayList<>(List.of(atLog(register)));
    args.addAll(List.of("--token-file", tokenFile.toString()));
    Run authorized = rcskt(args.toArray(String[]::new));
    assertThat(authorized.code()).as(authorized.toString()).isZero();
    assertThat(authorized.out()).contains("logged at leaf");
    // Reads need no token.
    assertThat(rcskt(atLog("lookup", NUMBER)).code()).isZero();
  }

  /**
   * A self-signed P-256 certificate for 127.0.0.1 and its key, as PEM files {@code file}.crt/.key.
   */
  private Pem selfSigned(String commonName, String file) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair kp = g.generateKeyPair();
    org.bouncycastle.asn1.x500.X500Name name =
        new org.bouncycastle.asn1.x500.X500Name("CN=" + commonName);
    java.time.Instant now = java.time.Instant.now();
    org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder b =
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
            name,
            java.math.BigInteger.ONE,
            java.util.Date.from(now.minusSeconds(3600)),
            java.util.Date.from(now.plusSeconds(86400)),
            name,
            kp.getPublic());
    b.addExtension(
        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
        false,
        new org.bouncycastle.asn1.x509.GeneralNames(
            new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
    java.security.cert.X509Certificate cert =
        new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
            .getCertificate(
                b.build(
                    new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                        .build(kp.getPrivate())));
    java.util.Base64.Encoder mime = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'});
    Path crt = dir.resolve(file + ".crt");
    Path key = dir.resolve(file + ".key");
    Files.writeString(
        crt,
        "-----BEGIN CERTIFICATE-----\n"
            + mime.encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + mime.encodeToString(kp.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return new Pem(crt, key, org.rcskt.verifier.Hash.sha256(kp.getPublic().getEncoded()));
  }

  private record Pem(Path crt, Path key, org.rcskt.verifier.Hash spkiSha256) {}

  @Test
  void anHttpsLogIsTrustedThroughCaCert() throws Exception {
    server.close();
    Pem tls = selfSigned("log.test", "tls");
    Path crt = tls.crt();
    Path key = tls.key();
    server =
        LogServer.start(
            ServerConfig.builder(data)
                .host("127.0.0.1")
                .port(0)
                .devMode(true)
                .tls(org.rcskt.server.config.TlsConfig.of(crt, key))
                .build());
    assertThat(server.baseUrl()).startsWith("https://");
    Run untrusted = rcskt(atLog("lookup", NUMBER));
    assertThat(untrusted.code()).as(untrusted.toString()).isEqualTo(1);
    assertThat(untrusted.err()).contains("cannot reach the log");
    Run trusted = rcskt(atLog("lookup", NUMBER, "--ca-cert", crt.toString()));
    assertThat(trusted.code()).as(trusted.toString()).isZero();
    assertThat(trusted.out()).contains("no key events");
  }

  @Test
  void aSubmitterKnownByItsClientCertificateSubmitsWithClientCertAndKey() throws Exception {
    server.close();
    Pem tls = selfSigned("log.test", "tls");
    Pem carrier = selfSigned("carrier-a", "carrier");
    Pem stranger = selfSigned("carrier-a", "stranger");
    server =
        LogServer.start(
            ServerConfig.builder(data)
                .host("127.0.0.1")
                .port(0)
                .devMode(true)
                .submitters(
                    List.of(
                        new org.rcskt.server.config.Submitter(
                            "carrier-a",
                            null,
                            carrier.spkiSha256(),
                            java.util.Set.of("dev-carrier"),
                            100,
                            1000)))
                .tls(new org.rcskt.server.config.TlsConfig(tls.crt(), tls.key(), true, true, 1))
                .build());
    List<String> register = new ArrayList<>(List.of(atLog(submitRegistration(key("phone.key")))));
    register.addAll(List.of("--ca-cert", tls.crt().toString()));
    Run anonymous = rcskt(register.toArray(String[]::new));
    assertThat(anonymous.code()).as(anonymous.toString()).isEqualTo(1);
    assertThat(anonymous.err()).contains("refused: 401");

    List<String> asStranger = new ArrayList<>(register);
    asStranger.addAll(
        List.of(
            "--client-cert", stranger.crt().toString(), "--client-key", stranger.key().toString()));
    Run other = rcskt(asStranger.toArray(String[]::new));
    assertThat(other.code()).as(other.toString()).isEqualTo(1);
    assertThat(other.err()).contains("refused: 401");

    Run half = rcskt(appended(register, "--client-cert", carrier.crt().toString()));
    assertThat(half.code()).isEqualTo(1);
    assertThat(half.err()).contains("--client-cert and --client-key go together");

    Path sec1 = dir.resolve("sec1.key");
    Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    Run oldForm =
        rcskt(
            appended(
                register,
                "--client-cert",
                carrier.crt().toString(),
                "--client-key",
                sec1.toString()));
    assertThat(oldForm.code()).isEqualTo(1);
    assertThat(oldForm.err()).contains("openssl pkcs8 -topk8 -nocrypt");

    Run wrongKey =
        rcskt(
            appended(
                register,
                "--client-cert",
                carrier.crt().toString(),
                "--client-key",
                stranger.key().toString()));
    assertThat(wrongKey.code()).as(wrongKey.toString()).isEqualTo(1);
    assertThat(wrongKey.err()).contains("is not the key of --client-cert");

    Run pinned =
        rcskt(
            appended(
                register,
                "--client-cert",
                carrier.crt().toString(),
                "--client-key",
                carrier.key().toString()));
    assertThat(pinned.code()).as(pinned.toString()).isZero();
    assertThat(pinned.out()).contains("logged at leaf");
  }

  /** The arguments that register {@code phone} for NUMBER with the dev carrier and submit it. */
  private String[] submitRegistration(Path phone) throws Exception {
    return new String[] {
      "event",
      "register",
      "--number",
      NUMBER,
      "--device-id",
      "p",
      "--key",
      phone.toString(),
      "--carrier",
      "dev-carrier",
      "--carrier-key",
      carrierKey().toString(),
      "--submit"
    };
  }

  private static String[] appended(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void mistakesGetOneClearLine() throws Exception {
    Path k = key("k.key");
    Run exists = rcskt("keygen", "--out", k.toString());
    assertThat(exists.code()).isEqualTo(1);
    assertThat(exists.err()).contains("never overwritten");

    Run number =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                "33612345678",
                "--device-id",
                "d",
                "--key",
                k.toString(),
                "--carrier",
                "dev-carrier"));
    assertThat(number.code()).isEqualTo(1);
    assertThat(number.err()).contains("--number 33612345678").contains("must start with '+'");

    Run noCarrier =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                NUMBER,
                "--device-id",
                "d",
                "--key",
                k.toString()));
    assertThat(noCarrier.code()).isEqualTo(1);
    assertThat(noCarrier.err()).contains("--carrier is needed");

    Files.writeString(dir.resolve("junk.key"), "not a key\n");
    Run junk =
        rcskt(
            atLog(
                "event",
                "register",
                "--number",
                NUMBER,
                "--device-id",
                "d",
                "--key",
                dir.resolve("junk.key").toString(),
                "--carrier",
                "dev-carrier"));
    assertThat(junk.code()).isEqualTo(1);
    assertThat(junk.err()).contains("does not hold an Ed25519 signer key");

    Run rotate =
        rcskt(
            atLog(
                "event",
                "rotate",
                "--number",
                NUMBER,
                "--device-id",
                "d",
                "--new-key",
                k.toString()));
    assertThat(rotate.code()).isEqualTo(1);
    assertThat(rotate.err()).contains("needs --old-key, --carrier-key or both");

    Files.writeString(dir.resolve("bad.json"), "{\"version\": 2, \"version\": 2}");
    Run badFile = rcskt(atLog("submit", dir.resolve("bad.json").toString()));
    assertThat(badFile.code()).isEqualTo(1);
    assertThat(badFile.err()).contains("bad.json");

    Run down = rcskt("lookup", NUMBER, "--log", "http://127.0.0.1:1");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).contains("cannot reach the log at http://127.0.0.1:1");

    Run usage = rcskt("lookup");
    assertThat(usage.code()).isEqualTo(2);
  }
}
