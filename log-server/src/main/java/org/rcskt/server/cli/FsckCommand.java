package org.rcskt.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.KeyFiles;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.log.Fsck;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.storage.StorageException;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fsck}: checks a stopped server's data directory; exit 1 on any mismatch. */
@Command(
    name = "fsck",
    description =
        "Recompute the tree from the stored entries and check it against the latest checkpoint"
            + " and every index. Exit status 0: consistent; 1: problems found; 2: cannot check.",
    mixinStandardHelpOptions = true)
final class FsckCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, description = "the server's data directory")
  Path dataDir;

  @Option(names = "--log-key", description = "log key file (default <data-dir>/log.key)")
  Path logKey;

  @Option(
      names = "--replay",
      description = "also replay every event through the rules (re-verifies all signatures)")
  boolean replay;

  @Option(
      names = "--policy-key",
      description = "policy key file for --replay (default <data-dir>/policy.key)")
  Path policyKey;

  @Option(names = "--allow-unattested", description = "for --replay: the server's setting")
  boolean allowUnattested;

  @Override
  public Integer call() {
    Path keyFile = logKey != null ? logKey : dataDir.resolve("log.key");
    Path db = LogServer.storeDirectory(dataDir);
    if (!Files.isDirectory(db)) {
      System.err.println("fsck: no database in " + db);
      return 2;
    }
    NoteLogSigner signer;
    RulesContext rules = null;
    try {
      Ed25519NoteSigner key = Ed25519NoteSigner.fromSignerKey(KeyFiles.read(keyFile));
      signer = new NoteLogSigner(key);
      if (replay) {
        Path pk = policyKey != null ? policyKey : dataDir.resolve("policy.key");
        rules =
            RulesContext.replay(PublicKeyInfo.ed25519(ServerKeys.policyKey(pk).publicKey()))
                .withAllowUnattestedRegistration(allowUnattested);
      }
    } catch (ConfigException | org.rcskt.verifier.VerificationException e) {
      System.err.println("fsck: " + e.getMessage());
      return 2;
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db)) {
      if (rules != null && store.algorithmPolicy() != null) {
        // Replay under the algorithm policy the log stored, as it accepted the events under it.
        rules =
            rules.withAlgorithms(
                org.rcskt.verifier.event.AlgorithmPolicyJson.fromJson(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(store.algorithmPolicy()),
                    "stored algorithm policy"));
      }
      if (rules != null && store.deviceAttestationPolicy() != null) {
        // Replay evidence under the device attestation policy the log last ran with, so the
        // replayed states carry the marks the log's states do.
        rules =
            rules.withDeviceAttestation(
                org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.fromJson(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(store.deviceAttestationPolicy()),
                    "stored device attestation policy"));
      }
      Fsck.Report r = new Fsck(store, signer, rules, System.out::println).run();
      for (String p : r.problems()) {
        System.out.println("PROBLEM: " + p);
      }
      if (r.ok()) {
        System.out.println("OK: tree size " + r.treeSize() + ", root hash " + r.rootHash());
        return 0;
      }
      System.out.println("FAILED: " + r.problemCount() + " problems");
      return 1;
    } catch (StorageException
        | java.io.IOException
        | IllegalArgumentException
        | org.rcskt.verifier.event.EventFormatException e) {
      System.err.println("fsck: " + e.getMessage());
      return 2;
    }
  }
}
