package org.rcskt.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.evidence.Evidence;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;

/** The executable's offline commands, run in-process, against data from a real log. */
class MonitorCliTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = MonitorCli.commandLine().execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static byte[] get(URI u) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  @Test
  void everySubcommandIsListed() {
    assertThat(MonitorCli.commandLine().getSubcommands().keySet())
        .containsExactly(
            "run", "index", "verify-checkpoint", "verify-proof", "verify-evidence", "audit");
  }

  @Test
  void indexPrintsTheSubjectIndexAndRejectsBadNumbers() {
    Run r = run("index", "+447700900123");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(TestVrf.index("+447700900123").toHex() + "\n");
    Run bad = run("index", "447700900123");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("monitor index: phone number must start with '+'\n");
  }

  @Test
  void checkpointsAndProofsFromARealLogVerifyOffline() throws Exception {
    Random random = new Random(9);
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      log.register("+447700900001", "phone", Ed25519.KeyPair.generate(random));
      Path old = dir.resolve("old.note");
      Files.write(old, get(log.url().resolve("checkpoint")));
      long oldSize = log.treeSize();
      long leaf = log.register("+447700900002", "phone", Ed25519.KeyPair.generate(random));
      log.register("+447700900003", "phone", Ed25519.KeyPair.generate(random));
      Path cp = dir.resolve("new.note");
      Files.write(cp, get(log.url().resolve("checkpoint")));
      long size = log.treeSize();

      Run ok = run("verify-checkpoint", "--vkey", log.verifierKey(), cp.toString());
      assertThat(ok.code()).isZero();
      assertThat(ok.out()).startsWith("OK: " + log.origin() + " tree size " + size + " root ");

      Ed25519NoteSigner other =
          Ed25519NoteSigner.of(log.origin(), Ed25519.KeyPair.generate(random));
      Path forged = dir.resolve("forged.note");
      Files.write(forged, CheckpointSigner.of(other).sign(size, Hash.sha256(new byte[] {1})));
      Run bad = run("verify-checkpoint", "--vkey", log.verifierKey(), forged.toString());
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.out()).startsWith("INVALID: ");

      Path consistency = dir.resolve("consistency.json");
      Files.write(
          consistency,
          get(log.url().resolve("v1/proof/consistency?from=" + oldSize + "&to=" + size)));
      Run c =
          run(
              "verify-proof",
              "--vkey",
              log.verifierKey(),
              "--checkpoint",
              cp.toString(),
              "--old-checkpoint",
              old.toString(),
              "--proof",
              consistency.toString());
      assertThat(c.code()).isZero();
      assertThat(c.out())
          .isEqualTo(
              "OK: the tree of size "
                  + oldSize
                  + " is a prefix of the tree of size "
                  + size
                  + "\n");

      Path inclusion = dir.resolve("inclusion.json");
      Files.write(
          inclusion, get(log.url().resolve("v1/proof/inclusion?index=" + leaf + "&size=" + size)));
      byte[] bundle = get(log.url().resolve(TilePath.entryBundle(0, (int) size).toString()));
      Path entry = dir.resolve("entry.bin");
      Files.write(
          entry, EntryBundle.parse(TilePath.entryBundle(0, (int) size), bundle).get((int) leaf));
      Run i =
          run(
              "verify-proof",
              "--vkey",
              log.verifierKey(),
              "--checkpoint",
              cp.toString(),
              "--index",
              Long.toString(leaf),
              "--entry",
              entry.toString(),
              "--proof",
              inclusion.toString());
      assertThat(i.code()).isZero();
      assertThat(i.out()).startsWith("OK: entry " + leaf + " (leaf hash ");
      Run wrong =
          run(
              "verify-proof",
              "--vkey",
              log.verifierKey(),
              "--checkpoint",
              cp.toString(),
              "--index",
              Long.toString(leaf + 1),
              "--entry",
              entry.toString(),
              "--proof",
              inclusion.toString());
      assertThat(wrong.code()).isEqualTo(1);
      assertThat(wrong.out()).startsWith("INVALID: ");

      // Two checkpoints the log signed for one size with different roots: proven evidence.
      Path evidence = dir.resolve("split.json");
      Files.write(
          evidence,
          Evidence.builder(AlertKind.SPLIT_VIEW, log.origin(), log.verifierKey(), "test")
              .checkpoints(Files.readAllBytes(cp), Files.readAllBytes(cp))
              .build()
              .toJson(0));
      Run e = run("verify-evidence", evidence.toString());
      assertThat(e.code()).isEqualTo(1);
      assertThat(e.out())
          .isEqualTo(
              "NOT CONFIRMED: both checkpoints sign the same tree of size "
                  + size
                  + "; they agree\n");
      Files.writeString(evidence, "{}");
      Run m = run("verify-evidence", evidence.toString());
      assertThat(m.code()).isEqualTo(2);
      assertThat(m.out()).startsWith("MALFORMED: not an evidence bundle");
    }
  }
}
