package org.rcskt.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  Path write(String json) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void defaults() {
    ServerConfig c = ServerConfig.builder(dir).build();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.origin()).isEqualTo(ServerConfig.DEFAULT_ORIGIN);
    assertThat(c.logKeyFile()).isEqualTo(dir.resolve("log.key"));
    assertThat(c.policyKeyFile()).isEqualTo(dir.resolve("policy.key"));
    assertThat(c.vrfKeyFile()).isEqualTo(dir.resolve("vrf.key"));
    assertThat(c.allowUnattested()).isFalse();
    assertThat(c.devMode()).isFalse();
    assertThat(c.idleTimeoutSeconds()).isEqualTo(60);
    assertThat(c.requestTimeoutSeconds()).isEqualTo(30);
    assertThat(c.lookupRateLimit())
        .isEqualTo(new RateLimitConfig(1, 20, 100_000, false, 32, 64))
        .isSameAs(RateLimitConfig.LOOKUP_DEFAULT);
    assertThat(c.lookupRateLimit().enabled()).isTrue();
  }

  @Test
  void lookupRateLimitComesFromJsonWithDefaultsForWhatIsLeftOut() throws Exception {
    Path f =
        write(
            "{\"dataDir\": \"d\", \"lookupRateLimit\": {\"perSecond\": 0.5, \"burst\": 5,"
                + " \"trustForwardedFor\": true, \"ipv6PrefixLength\": 56}}");
    assertThat(ServerConfig.fromJson(f).build().lookupRateLimit())
        .isEqualTo(new RateLimitConfig(0.5, 5, 100_000, true, 32, 56));
    Files.writeString(
        f,
        "{\"dataDir\": \"d\", \"lookupRateLimit\": {\"perSecond\": 2, \"maxSources\": 1000,"
            + " \"ipv4PrefixLength\": 24}}");
    assertThat(ServerConfig.fromJson(f).build().lookupRateLimit())
        .isEqualTo(new RateLimitConfig(2, 20, 1000, false, 24, 64));
    Files.writeString(f, "{\"dataDir\": \"d\", \"lookupRateLimit\": {\"perSecond\": 0}}");
    assertThat(ServerConfig.fromJson(f).build().lookupRateLimit().enabled()).isFalse();
  }

  @Test
  void lookupRateLimitRefusesBadValuesNamingTheField() throws Exception {
    Path f = write("{}");
    String[][] cases = {
      {"[]", "config file " + f + ": \"lookupRateLimit\" must be an object"},
      {"{\"perSecnd\": 1}", "config file " + f + " has unknown key \"lookupRateLimit.perSecnd\""},
      {
        "{\"perSecond\": \"1\"}",
        "config file " + f + ": \"lookupRateLimit.perSecond\" must be a number"
      },
      {
        "{\"perSecond\": -1}",
        "lookupRateLimit.perSecond must be 0 (off) or in 0.001..1000000, got -1.0"
      },
      {
        "{\"perSecond\": 0.0001}",
        "lookupRateLimit.perSecond must be 0 (off) or in 0.001..1000000, got 1.0E-4"
      },
      {"{\"burst\": 0}", "lookupRateLimit.burst must be in 1..1000000, got 0"},
      {"{\"burst\": 2.5}", "config file " + f + ": \"lookupRateLimit.burst\" must be an integer"},
      {"{\"maxSources\": 0}", "lookupRateLimit.maxSources must be in 1..10000000, got 0"},
      {
        "{\"maxSources\": 10000001}",
        "lookupRateLimit.maxSources must be in 1..10000000, got 10000001"
      },
      {
        "{\"trustForwardedFor\": 1}",
        "config file " + f + ": \"lookupRateLimit.trustForwardedFor\" must be true or false"
      },
      {"{\"ipv4PrefixLength\": 33}", "lookupRateLimit.ipv4PrefixLength must be in 8..32, got 33"},
      {"{\"ipv6PrefixLength\": 8}", "lookupRateLimit.ipv6PrefixLength must be in 16..128, got 8"},
    };
    for (String[] c : cases) {
      Files.writeString(f, "{\"lookupRateLimit\": " + c[0] + "}");
      assertThatThrownBy(() -> ServerConfig.fromJson(f))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessage(c[1]);
    }
    assertThatThrownBy(() -> ServerConfig.builder(dir).lookupRateLimit(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void httpTimeoutsComeFromJsonOrTheBuilderAndAreChecked() throws Exception {
    Path f = write("{\"dataDir\": \"d\", \"idleTimeoutSeconds\": 5, \"requestTimeoutSeconds\": 7}");
    ServerConfig c = ServerConfig.fromJson(f).build();
    assertThat(c.idleTimeoutSeconds()).isEqualTo(5);
    assertThat(c.requestTimeoutSeconds()).isEqualTo(7);
    assertThatThrownBy(() -> ServerConfig.builder(dir).idleTimeoutSeconds(0))
        .isInstanceOf(ConfigException.class)
        .hasMessage("idleTimeoutSeconds must be in 1..3600, got 0");
    assertThatThrownBy(() -> ServerConfig.builder(dir).requestTimeoutSeconds(3601))
        .isInstanceOf(ConfigException.class)
        .hasMessage("requestTimeoutSeconds must be in 1..3600, got 3601");
  }

  @Test
  void batchIntervalDefaultsToTenMillisecondsAndIsChecked() throws Exception {
    assertThat(ServerConfig.builder(dir).build().batchIntervalMicros()).isEqualTo(10_000);
    Path f = write("{\"dataDir\": \"d\", \"batchIntervalMicros\": 0}");
    assertThat(ServerConfig.fromJson(f).build().batchIntervalMicros()).isZero();
    assertThatThrownBy(() -> ServerConfig.builder(dir).batchIntervalMicros(1_000_001))
        .isInstanceOf(ConfigException.class)
        .hasMessage("batchIntervalMicros must be in 0..1000000, got 1000001");
  }

  @Test
  void readsJsonAndResolvesPathsAgainstTheFile() throws Exception {
    Path f =
        write(
            "{\"dataDir\": \"d\", \"port\": 0, \"origin\": \"kt.example.net/log\","
                + " \"policyKeyFile\": \"keys/policy.vkey\", \"vrfKeyFile\": \"keys/vrf.key\","
                + " \"allowUnattested\": true,"
                + " \"maxBatch\": 100, \"queueSize\": 5, \"devMode\": true}");
    ServerConfig c = ServerConfig.fromJson(f).host("0.0.0.0").build();
    assertThat(c.dataDir()).isEqualTo(dir.resolve("d"));
    assertThat(c.port()).isZero();
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.origin()).isEqualTo("kt.example.net/log");
    assertThat(c.policyKeyFile()).isEqualTo(dir.resolve("keys/policy.vkey"));
    assertThat(c.vrfKeyFile()).isEqualTo(dir.resolve("keys/vrf.key"));
    assertThat(c.logKeyFile()).isEqualTo(dir.resolve("d/log.key"));
    assertThat(c.allowUnattested()).isTrue();
    assertThat(c.maxBatch()).isEqualTo(100);
    assertThat(c.queueSize()).isEqualTo(5);
    assertThat(c.devMode()).isTrue();
  }

  @Test
  void rejectsBadFilesWithPreciseMessages() throws Exception {
    Path f = write("{\"prot\": 1}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + f + " has unknown key \"prot\"");
    Files.writeString(f, "{\"port\": \"80\"}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("config file " + f + ": \"port\" must be an integer");
    Files.writeString(f, "[]");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("config file " + f + " must hold a JSON object");
    Files.writeString(f, "{\"port\": 1, \"port\": 2}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("config file " + f + " is not valid JSON: Duplicate field 'port'");
    Files.writeString(f, "{\"port\": 1} {\"port\": 2}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageStartingWith("config file " + f + " is not valid JSON: Trailing token");
    Files.writeString(f, "{\"port\": 70000}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("port must be in 0..65535, got 70000");
    Files.writeString(f, "{\"origin\": \"a b\"}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("origin \"a b\" must be non-empty with no spaces, '+' or control characters");
    Files.writeString(f, "{\"port\": 1}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f).build())
        .hasMessage("a data directory is required");
    assertThatThrownBy(() -> ServerConfig.fromJson(dir.resolve("missing.json")))
        .hasMessageStartingWith("cannot read config file ");
  }

  @Test
  void keyFilesAreWrittenOnceOwnerOnly() throws Exception {
    Path k = dir.resolve("sub/a.key");
    KeyFiles.KeyFile first = KeyFiles.readOrCreate(k, () -> "KEY-1");
    assertThat(first.created()).isTrue();
    assertThat(KeyFiles.isShared(k)).isFalse();
    KeyFiles.KeyFile second = KeyFiles.readOrCreate(k, () -> "KEY-2");
    assertThat(second.created()).isFalse();
    assertThat(second.key()).isEqualTo("KEY-1");
    assertThatThrownBy(() -> KeyFiles.write(k, "KEY-3"))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    Files.writeString(dir.resolve("empty.key"), "\n");
    assertThatThrownBy(() -> KeyFiles.read(dir.resolve("empty.key")))
        .hasMessage("key file " + dir.resolve("empty.key") + " must hold exactly one key line");
  }

  @Test
  void policyKeyMayBeAVerifierKeyOnly() throws Exception {
    var keys = org.rcskt.verifier.note.Ed25519NoteKeys.generate("rcskt-policy");
    Path v = dir.resolve("policy.vkey");
    Files.writeString(v, keys.verifierKey() + "\n");
    ServerKeys.PolicyKey p = ServerKeys.policyKey(v);
    assertThat(p.canSign()).isFalse();
    Path s = dir.resolve("policy.skey");
    KeyFiles.write(s, keys.signerKey());
    ServerKeys.PolicyKey ps = ServerKeys.policyKey(s);
    assertThat(ps.canSign()).isTrue();
    assertThat(ps.publicKey()).isEqualTo(p.publicKey());
    Files.writeString(dir.resolve("junk.key"), "junk\n");
    assertThatThrownBy(() -> ServerKeys.policyKey(dir.resolve("junk.key")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("policy key file " + dir.resolve("junk.key") + " holds neither");
  }

  @Test
  void thePostQuantumPolicyIsReadFromTheFileAndCheckedNamingTheField() throws Exception {
    Path f = dir.resolve("pq.json");
    Files.writeString(
        f,
        "{\"postQuantum\":{\"requiredFrom\":{\"carrier.example\":\"2027-01-01T00:00:00Z\","
            + "\"*\":\"2028-01-01T00:00:00Z\"},\"allowDowngrade\":true}}");
    org.rcskt.verifier.event.AlgorithmPolicy p =
        ServerConfig.fromJson(f).dataDir(dir).build().algorithms();
    assertThat(p.postQuantumFrom())
        .containsExactly(
            java.util.Map.entry("*", 1_830_297_600_000L),
            java.util.Map.entry("carrier.example", 1_798_761_600_000L));
    assertThat(p.allowDowngrade()).isTrue();
    assertThat(ServerConfig.builder(dir).build().algorithms())
        .isEqualTo(org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT);
    Files.writeString(f, "{\"postQuantum\":{\"requiredFrom\":{\"c.example\":\"soon\"}}}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageEndingWith(
            "\"postQuantum.requiredFrom.c.example\" must be an instant such as"
                + " 2027-01-01T00:00:00Z, got \"soon\"");
    Files.writeString(
        f, "{\"postQuantum\":{\"requiredFrom\":{\"Bad Carrier\":\"2027-01-01T00:00:00Z\"}}}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageContaining("\"postQuantum\": postQuantumFrom: carrier id Bad Carrier: ");
    Files.writeString(f, "{\"postQuantum\":{\"allowDowngrade\":\"yes\"}}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageEndingWith("\"postQuantum.allowDowngrade\" must be true or false");
    Files.writeString(f, "{\"postQuantum\":{\"required\":{}}}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageEndingWith("has unknown key \"postQuantum.required\"");
  }

  @Test
  void witnessesAndTheirQuorumAreReadFromTheFile() throws Exception {
    String k1 =
        org.rcskt.verifier.note.CosignatureV1Signer.of(
                "w1.test",
                org.rcskt.verifier.crypto.Ed25519.KeyPair.generate(),
                java.time.Clock.systemUTC())
            .verifierKey();
    String k2 =
        org.rcskt.verifier.note.CosignatureV1Signer.of(
                "w2.test",
                org.rcskt.verifier.crypto.Ed25519.KeyPair.generate(),
                java.time.Clock.systemUTC())
            .verifierKey();
    Path f = dir.resolve("c.json");
    Files.writeString(
        f,
        "{\"witnesses\":[{\"verifierKey\":\""
            + k1
            + "\",\"url\":\"http://127.0.0.1:9001\"},{\"verifierKey\":\""
            + k2
            + "\",\"url\":\"https://w2.test/w/\"}],\"witnessQuorum\":2}");
    WitnessSettings w = ServerConfig.fromJson(f).dataDir(dir).build().witnesses();
    assertThat(w.quorum()).isEqualTo(2);
    assertThat(w.witnesses()).extracting(x -> x.key().name()).containsExactly("w1.test", "w2.test");
    assertThat(w.witnesses())
        .extracting(x -> x.url().toString())
        .containsExactly("http://127.0.0.1:9001/", "https://w2.test/w/");
    assertThat(ServerConfig.builder(dir).build().witnesses()).isEqualTo(WitnessSettings.NONE);

    Files.writeString(
        f, "{\"witnesses\":[{\"verifierKey\":\"" + k1 + "\",\"url\":\"http://a/\"}]}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageEndingWith("names witnesses but no \"witnessQuorum\" (how many must cosign)");
    Files.writeString(
        f,
        "{\"witnesses\":[{\"verifierKey\":\""
            + k1
            + "\",\"url\":\"http://a/\"}],\"witnessQuorum\":2}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("witnessQuorum 2 is not between 1 and the 1 configured witnesses");
    Files.writeString(
        f,
        "{\"witnesses\":[{\"verifierKey\":\"w1.test+00000000+AAAA\",\"url\":\"http://a/\"}],"
            + "\"witnessQuorum\":1}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageContaining("\"witnesses[0].verifierKey\" is not a cosignature/v1 verifier key");
    Files.writeString(
        f,
        "{\"witnesses\":[{\"verifierKey\":\""
            + k1
            + "\",\"url\":\"ftp://a/\"}],\"witnessQuorum\":1}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessage("witness w1.test: url must be absolute http or https, got ftp://a/");
    Files.writeString(f, "{\"witnesses\":[{\"url\":\"http://a/\"}],\"witnessQuorum\":1}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f))
        .hasMessageEndingWith("\"witnesses[0]\" needs both \"verifierKey\" and \"url\"");
  }

  @Test
  void submittersAndTheWriteLimitAreReadStrictly() throws Exception {
    String hash = "ab".repeat(32);
    Path f =
        write(
            "{\"dataDir\": \"d\", \"submitters\": [{\"name\": \"carrier-a\", \"tokenSha256\": \""
                + hash
                + "\", \"carriers\": [\"carrier-a\", \"carrier-a2\"], \"perSecond\": 50,"
                + " \"burst\": 2000}], \"writeRateLimit\": {\"perSecond\": 5, \"exemptLoopback\":"
                + " false}}");
    ServerConfig c = ServerConfig.fromJson(f).build();
    assertThat(c.submitters()).hasSize(1);
    org.rcskt.server.config.Submitter s = c.submitters().get(0);
    assertThat(s.tokenSha256().toHex()).isEqualTo(hash);
    assertThat(s.mayNameCarrier("carrier-a2")).isTrue();
    assertThat(s.mayNameCarrier("carrier-b")).isFalse();
    assertThat(s.perSecond()).isEqualTo(50);
    assertThat(c.writeRateLimit()).isEqualTo(new WriteLimitConfig(5, 1000, 100_000, false));

    String[][] bad = {
      {"[{\"name\": \"a\", \"tokenSha256\": \"xyz\", \"carriers\": [\"c\"]}]", "64 hex digits"},
      {
        "[{\"name\": \"a\", \"carriers\": [\"c\"]}]",
        "neither a tokenSha256 nor a clientCertSpkiSha256"
      },
      {
        "[{\"name\": \"a\", \"tokenSha256\": \"" + hash + "\", \"carriers\": []}]",
        "1 to 1000 carriers"
      },
      {
        "[{\"name\": \"a\", \"tokenSha256\": \"" + hash + "\", \"carriers\": [\"*\", \"c\"]}]",
        "stands alone"
      },
      {
        "[{\"name\": \"a\", \"tokenSha256\": \""
            + hash
            + "\", \"carriers\": [\"c\"], \"burst\": 10}]",
        "holds a whole batch"
      },
      {
        "[{\"name\": \"A B\", \"tokenSha256\": \"" + hash + "\", \"carriers\": [\"c\"]}]",
        "submitter name"
      },
      {
        "[{\"name\": \"a\", \"tokenSha256\": \""
            + hash
            + "\", \"carriers\": [\"c\"], \"token\": \"x\"}]",
        "unknown key \"submitters[0].token\""
      },
      {
        "[{\"name\": \"a\", \"tokenSha256\": \""
            + hash
            + "\", \"carriers\": [\"c\"]}, {\"name\": \"b\", \"tokenSha256\": \""
            + hash
            + "\", \"carriers\": [\"c\"]}]",
        "token of another submitter"
      },
    };
    for (String[] b : bad) {
      Files.writeString(f, "{\"submitters\": " + b[0] + "}");
      assertThatThrownBy(() -> ServerConfig.fromJson(f)).as(b[0]).hasMessageContaining(b[1]);
    }
    Files.writeString(f, "{\"writeRateLimit\": {\"burst\": 5}}");
    assertThatThrownBy(() -> ServerConfig.fromJson(f)).hasMessageContaining("writeRateLimit.burst");
  }
}
