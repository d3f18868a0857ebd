package org.rcskt.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.log.Fsck;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Cli;
import org.rcskt.server.testing.Events;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;

class CliTest {
  @TempDir Path dir;

  /** Runs the command line, capturing standard output. */
  static String[] run(String... args) {
    Cli.Run r = Cli.run(args);
    return new String[] {Integer.toString(r.code()), r.out()};
  }

  void populate(int n) {
    try (LogServer s = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build())) {
      Http http = new Http(s.baseUrl());
      Events events = new Events(3, LogServer.DEV_CARRIER_ID, s.devCarrierKey());
      for (int i = 0; i < n; i++) {
        assertThat(
                http.post(
                        "/v1/events",
                        EventJson.toJsonString(
                            events.register(events.newSubject(), "phone-1", events.newKey())))
                    .status())
            .isEqualTo(200);
      }
    }
  }

  @Test
  void serveTakesTheHttpTimeouts() {
    ServeCommand serve = new ServeCommand();
    new picocli.CommandLine(serve)
        .parseArgs(
            "--data-dir",
            dir.toString(),
            "--idle-timeout-seconds",
            "5",
            "--request-timeout-seconds",
            "7");
    ServerConfig c = serve.config();
    assertThat(c.idleTimeoutSeconds()).isEqualTo(5);
    assertThat(c.requestTimeoutSeconds()).isEqualTo(7);
    ServeCommand defaults = new ServeCommand();
    new picocli.CommandLine(defaults).parseArgs("--data-dir", dir.toString());
    assertThat(defaults.config().idleTimeoutSeconds()).isEqualTo(60);
    assertThat(defaults.config().requestTimeoutSeconds()).isEqualTo(30);
  }

  @Test
  void keygenWritesAnOwnerOnlySignerKeyAndPrintsTheVerifierKey() throws Exception {
    Path out = dir.resolve("k/log.key");
    String[] r = run("keygen", "--name", "example.com/log", "--out", out.toString());
    assertThat(r[0]).isEqualTo("0");
    String vkey = r[1].trim();
    assertThat(vkey).startsWith("example.com/log+");
    assertThat(Files.getPosixFilePermissions(out))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSignerKey(KeyFiles.read(out));
    assertThat(signer.verifierKey()).isEqualTo(vkey);
    NoteVerifiers.parse(vkey);
    // Never overwrites a key.
    assertThat(run("keygen", "--name", "example.com/log", "--out", out.toString())[0])
        .isEqualTo("2");
    assertThat(KeyFiles.read(out)).isEqualTo(signer.signerKey());
    assertThat(run("keygen", "--name", "bad name", "--out", dir.resolve("x").toString())[0])
        .isEqualTo("2");
  }

  @Test
  void keygenMakesAVrfKeyTheServerUses() throws Exception {
    Path out = dir.resolve("vrf.key");
    String[] r =
        run("keygen", "--vrf", "--name", ServerConfig.DEFAULT_ORIGIN, "--out", out.toString());
    assertThat(r[0]).as(r[1]).isEqualTo("0");
    VrfKeys.PublicKey printed = VrfKeys.parsePublic(r[1].trim());
    assertThat(printed.key()).isEqualTo(EcVrf.publicKey(VrfKeys.parseSecret(KeyFiles.read(out))));
    assertThat(Files.getPosixFilePermissions(out))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (LogServer s = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build())) {
      assertThat(new Http(s.baseUrl()).get("/v1/info").json().at("/vrf/publicKey").asText())
          .isEqualTo(printed.format());
    }
  }

  @Test
  void aVrfKeyMayNotBeTheSecretOfAnotherServerKey() throws Exception {
    // Reusing the policy key's seed as the VRF key would let its proofs and signatures leak it.
    LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build()).close();
    String policy = KeyFiles.read(dir.resolve("policy.key"));
    byte[] data = java.util.Base64.getDecoder().decode(policy.split("\\+", 5)[4]);
    byte[] seed = java.util.Arrays.copyOfRange(data, 1, data.length);
    Path reused = dir.resolve("reused-vrf.key");
    KeyFiles.write(reused, VrfKeys.formatSecret("x", seed));
    assertThatThrownBy(
            () ->
                LogServer.start(
                    ServerConfig.builder(dir).port(0).devMode(true).vrfKeyFile(reused).build()))
        .isInstanceOf(org.rcskt.server.config.ConfigException.class)
        .hasMessage(
            "VRF key file "
                + reused
                + " holds the secret of one of the server's Ed25519 keys; the VRF key must be a key"
                + " of its own");
  }

  @Test
  void generatedServerKeysAreOwnerOnly() throws Exception {
    LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build()).close();
    for (String f : List.of("log.key", "policy.key", "dev-carrier.key", "vrf.key")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(f)))
          .as(f)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void fsckPassesOnAGoodLogAndReplaysIt() {
    populate(40);
    String[] r = run("fsck", "--data-dir", dir.toString());
    assertThat(r[0]).as(r[1]).isEqualTo("0");
    // The dev anchor's batch and one batch per sequential submission, each an event and a map root.
    assertThat(r[1]).contains("OK: tree size 82, root hash ");
    String[] replay = run("fsck", "--data-dir", dir.toString(), "--replay");
    assertThat(replay[0]).as(replay[1]).isEqualTo("0");
  }

  @Test
  void fsckFindsATamperedStore() throws Exception {
    populate(5);
    Ed25519NoteSigner key = Ed25519NoteSigner.fromSignerKey(KeyFiles.read(dir.resolve("log.key")));
    NoteLogSigner signer = new NoteLogSigner(key);
    Hash bogus = Hash.sha256("not the entry".getBytes(UTF_8));
    byte[] copy;
    Hash mapLeaf;
    // Six batches of an event and a map root each: leaves 0 to 11.
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      // A batch whose event's stored leaf hash is wrong, closed by a correct map root (a copy of an
      // event changes no subject's latest state), under a checkpoint signed with the real key.
      assertThat(store.treeSize()).isEqualTo(12);
      copy = store.entry(2);
      byte[] lastMapRoot = store.entry(11);
      MapRootEntry before = MapRootEntry.decode(lastMapRoot);
      byte[] mapRoot = new MapRootEntry(14, before.subjectCount(), before.mapRoot()).encoded();
      mapLeaf = Merkle.leafHash(mapRoot);
      AppendBatch b = new AppendBatch(12);
      b.addEntry(copy, bogus);
      b.addNode(0, 12, bogus);
      b.addEntry(mapRoot, mapLeaf);
      b.addNode(0, 13, mapLeaf);
      b.addNode(1, 6, Merkle.nodeHash(bogus, mapLeaf));
      b.setCheckpoint(signer.sign(14, bogus));
      store.append(b);
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(dir.resolve("db"))) {
      Fsck.Report r = new Fsck(store, signer, null, s -> {}).run();
      assertThat(r.ok()).isFalse();
      Hash subject = EventCodec.decode(copy).subject();
      assertThat(r.problems())
          .containsExactly(
              "stored leaf hash of entry 12 is not the hash of the entry",
              "leaf index row of entry 12 says 2",
              "subject event index row ("
                  + subject
                  + ", 0) points to leaf 2 (REGISTER of carrier dev-carrier) instead of leaf 12"
                  + " (REGISTER of carrier dev-carrier)",
              "node (1, 6) is stored as "
                  + Merkle.nodeHash(bogus, mapLeaf)
                  + ", recomputed "
                  + Merkle.nodeHash(Merkle.leafHash(copy), mapLeaf),
              "recomputed root hash " + r.rootHash() + " differs from the checkpoint's " + bogus,
              "the subject event index has 6 rows for 7 events (a tree of size 14 with 7 map roots)");
    }
    String[] cli = run("fsck", "--data-dir", dir.toString());
    assertThat(cli[0]).isEqualTo("1");
    assertThat(cli[1])
        .contains("PROBLEM: stored leaf hash of entry 12 is not the hash of the entry");
  }

  @Test
  void fsckRejectsACheckpointFromAnotherKey() throws Exception {
    populate(2);
    Path other = dir.resolve("other.key");
    assertThat(run("keygen", "--name", ServerConfig.DEFAULT_ORIGIN, "--out", other.toString())[0])
        .isEqualTo("0");
    String[] r = run("fsck", "--data-dir", dir.toString(), "--log-key", other.toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1]).contains("PROBLEM: the stored checkpoint does not verify: ");
  }

  @Test
  void devCarrierKeyFileIsUsable() throws Exception {
    populate(0);
    assertThat(ServerKeys.devCarrierKey(dir.resolve("dev-carrier.key")).publicKey()).isNotNull();
  }
}
