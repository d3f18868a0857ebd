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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.alert.AlertKind;
import org.rcskt.monitor.evidence.Evidence;
import org.rcskt.monitor.testing.TamperingProxy;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.TilePath;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;

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
            "run",
            "index",
            "verify-checkpoint",
            "verify-proof",
            "verify-evidence",
            "audit",
            "witness-keygen");
  }

  @Test
  void indexLooksTheNumberUpAndPrintsTheVerifiedIndex() throws Exception {
    String number = "+447700900123";
    try (TestLog log = TestLog.start(dir.resolve("log"));
        TamperingProxy proxy = TamperingProxy.start(log.url())) {
      List<String> asked = new CopyOnWriteArrayList<>();
      proxy.rewrite(
          (path, body) -> {
            asked.add(path);
            return body;
          });
      String url = proxy.url().toString();
      Run r = run("index", "--log", url, "--vrf-key", TestLog.vrfKey(), number);
      assertThat(r.err()).isEmpty();
      assertThat(r.code()).isZero();
      assertThat(r.out()).isEqualTo(TestVrf.index(number).toHex() + "\n");
      // The lookup is the one request: no /v1/info, nothing else.
      assertThat(asked).containsExactly("/v1/keys/" + number);

      asked.clear();
      Run trusting = run("index", "--log", url, "--trust-info-key", number);
      assertThat(trusting.code()).isZero();
      assertThat(trusting.out()).isEqualTo(TestVrf.index(number).toHex() + "\n");
      assertThat(trusting.err()).startsWith("monitor index: using the VRF key from the log's");
      assertThat(asked).containsExactly("/v1/info", "/v1/keys/" + number);

      // Another key: the log's proof does not verify under it.
      byte[] otherSecret = Hash.sha256(new byte[] {7}).toByteArray();
      String otherKey = new VrfKeys.PublicKey("other", EcVrf.publicKey(otherSecret)).format();
      Run wrongKey = run("index", "--log", url, "--vrf-key", otherKey, number);
      assertThat(wrongKey.code()).isEqualTo(1);
      assertThat(wrongKey.out()).isEmpty();
      assertThat(wrongKey.err())
          .isEqualTo(
              "monitor index: the log's answer does not verify: the VRF proof does not verify"
                  + " (its challenge does not match: it is not for this key and number)\n");

      // A log that states another number's index with that number's proof is caught too.
      proxy.rewrite(
          (path, body) ->
              new String(body, StandardCharsets.UTF_8)
                  .replace(TestVrf.index(number).toHex(), TestVrf.index("+447700900124").toHex())
                  .getBytes(StandardCharsets.UTF_8));
      Run swapped = run("index", "--log", url, "--vrf-key", TestLog.vrfKey(), number);
      assertThat(swapped.code()).isEqualTo(1);
      assertThat(swapped.err())
          .isEqualTo(
              "monitor index: the log's answer does not verify: the stated index is not the one"
                  + " the VRF proof gives\n");
    }
    Run bad = run("index", "--log", "http://127.0.0.1:1/", "--vrf-key", "x", "447700900123");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("monitor index: phone number must start with '+'\n");
    Run badKey = run("index", "--log", "http://127.0.0.1:1/", "--vrf-key", "x", number);
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err())
        .isEqualTo(
            "monitor index: --vrf-key: a VRF public key is"
                + " <name>+ECVRF-EDWARDS25519-SHA512-TAI+<base64>; got another form\n");
    Run noKey = run("index", "--log", "http://127.0.0.1:1/", number);
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("--vrf-key").contains("--trust-info-key");
  }

  @Test
  void indexErrorsNeverShowTheNumber() {
    // Nothing listens on port 1: the connection error must not carry the number.
    Run r =
        run(
            "index",
            "--log",
            "http://127.0.0.1:1/",
            "--vrf-key",
            TestLog.vrfKey(),
            "+447700900123");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("monitor index: ").doesNotContain("447700900123");
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
