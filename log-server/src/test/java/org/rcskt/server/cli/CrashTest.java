package org.rcskt.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.testing.Http;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * Runs the server as a child process under submission load and kills it with SIGKILL at random
 * (seeded) moments. After each restart: every acknowledged event is at the index it was given,
 * every checkpoint seen before is consistent with the new one, and events whose answer was lost
 * resolve to one leaf on resubmission. Finally the store passes fsck.
 */
class CrashTest {
  private static final long SEED = 20261126L;
  private static final int KILLS = 4;
  private static final int SUBMITTERS = 6;
  private static final int EVENTS = 4000;

  @TempDir Path dir;

  /** Vert.x's scratch directory of each killed child (which cannot remove it itself). */
  @TempDir Path scratch;

  /** A server child process and the base URL it printed. */
  record Child(Process process, String baseUrl) {}

  Child startChild() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx512m",
                "-Dvertx.cacheDirBase=" + scratch.resolve("vertx-cache"),
                LogServerCli.class.getName(),
                "serve",
                "--data-dir",
                dir.toString(),
                "--port",
                "0",
                "--dev")
            .redirectErrorStream(true);
    Process p = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String url = null;
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (url == null && System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      seen.add(line);
      if (line.startsWith("listening:")) {
        url = line.substring("listening:".length()).trim();
      }
    }
    if (url == null) {
      p.destroyForcibly();
      throw new AssertionError("server did not start: " + String.join("\n", seen));
    }
    // Keep draining its output so it never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discard
                }
              } catch (java.io.IOException e) {
                // the process is gone
              }
            });
    drain.setDaemon(true);
    drain.start();
    return new Child(p, url);
  }

  /** An acknowledged submission. */
  record Ack(long leafIndex, Hash leafHash) {}

  @Test
  void acknowledgedEventsSurviveSigkill() throws Exception {
    Random random = new Random(SEED);
    Child child = startChild();
    Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(dir.resolve("dev-carrier.key"));
    NoteVerifier logKey = NoteVerifiers.parse(verifierKeyOf(dir));
    String origin = originOf(child);

    // Fresh subjects only, so every event is valid whatever order it lands in.
    ConcurrentLinkedQueue<KeyEvent> todo = new ConcurrentLinkedQueue<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < EVENTS; i++) {
      todo.add(BenchCommand.event(SEED, i, now, "dev-carrier", carrier, false));
    }
    Map<Hash, Ack> acked = new ConcurrentHashMap<>();
    List<SignedCheckpoint> seenCheckpoints = new ArrayList<>();

    for (int round = 0; round <= KILLS; round++) {
      Http http = new Http(child.baseUrl());
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> checkpoints = new ConcurrentLinkedQueue<>();
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < SUBMITTERS; t++) {
        Thread th =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    KeyEvent e = todo.poll();
                    if (e == null) {
                      return;
                    }
                    Http.Response r;
                    try {
                      r = http.post("/v1/events", EventJson.toJsonString(e));
                    } catch (UncheckedIOException | IllegalStateException x) {
                      // No answer: it may or may not be logged. Resubmit after the restart.
                      todo.add(e);
                      continue;
                    }
                    if (r.status() != 200) {
                      todo.add(e);
                      continue;
                    }
                    JsonNode j = r.json();
                    Ack a =
                        new Ack(
                            j.get("leafIndex").asLong(),
                            Hash.fromBase64(j.get("leafHash").asText()));
                    Ack before = acked.putIfAbsent(a.leafHash(), a);
                    if (before != null && before.leafIndex() != a.leafIndex()) {
                      throw new AssertionError(
                          "event acknowledged at "
                              + before.leafIndex()
                              + " and at "
                              + a.leafIndex());
                    }
                    checkpoints.add(j.get("checkpoint").asText());
                  }
                });
        th.start();
        submitters.add(th);
      }
      if (round < KILLS) {
        Thread.sleep(200 + random.nextInt(1000));
        child.process().destroyForcibly();
        child.process().waitFor(30, TimeUnit.SECONDS);
      }
      stop.set(round < KILLS);
      for (Thread th : submitters) {
        th.join(120_000);
      }
      // Keep a sample of the checkpoints answered in this round, always including the last.
      List<String> cps = new ArrayList<>(checkpoints);
      for (int i = 0; i < cps.size(); i += Math.max(1, cps.size() / 5)) {
        seenCheckpoints.add(
            SignedCheckpoint.verify(cps.get(i).getBytes(StandardCharsets.UTF_8), origin, logKey));
      }
      if (!cps.isEmpty()) {
        seenCheckpoints.add(
            SignedCheckpoint.verify(
                cps.get(cps.size() - 1).getBytes(StandardCharsets.UTF_8), origin, logKey));
      }
      if (round == KILLS - 1) {
        assertThat(acked).as("events acknowledged before the last kill").isNotEmpty();
      }
      if (round < KILLS) {
        child = startChild();
        check(new Http(child.baseUrl()), acked, seenCheckpoints, origin, logKey);
      }
    }
    Http http = new Http(child.baseUrl());
    check(http, acked, seenCheckpoints, origin, logKey);
    assertThat(todo).isEmpty();
    assertThat(acked).hasSize(EVENTS);
    child.process().destroy();
    assertThat(child.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(LogServerCli.run("fsck", "--data-dir", dir.toString())).isZero();
  }

  /** Every acknowledged event at its index; every seen checkpoint consistent with the current. */
  static void check(
      Http http, Map<Hash, Ack> acked, List<SignedCheckpoint> seen, String origin, NoteVerifier key)
      throws Exception {
    SignedCheckpoint current = SignedCheckpoint.verify(http.get("/checkpoint").body(), origin, key);
    long size = current.checkpoint().treeSize();
    Map<Long, Hash> byIndex = new java.util.HashMap<>();
    for (long start = 0; start < size; start += 1000) {
      JsonNode page = http.get("/v1/entries?start=" + start + "&end=" + (start + 1000)).json();
      for (JsonNode e : page.get("entries")) {
        byIndex.put(e.get("leafIndex").asLong(), Hash.fromBase64(e.get("leafHash").asText()));
      }
    }
    assertThat(byIndex).hasSize((int) size);
    for (Ack a : acked.values()) {
      assertThat(byIndex.get(a.leafIndex()))
          .as("acknowledged leaf " + a.leafIndex())
          .isEqualTo(a.leafHash());
    }
    for (SignedCheckpoint old : seen) {
      long from = old.checkpoint().treeSize();
      assertThat(from).isLessThanOrEqualTo(size);
      List<Hash> proof = new ArrayList<>();
      http.get("/v1/proof/consistency?from=" + from + "&to=" + size)
          .json()
          .get("consistencyProof")
          .forEach(n -> proof.add(Hash.fromBase64(n.asText())));
      ConsistencyProof.verify(
          from, size, old.checkpoint().rootHash(), current.checkpoint().rootHash(), proof);
    }
  }

  static String verifierKeyOf(Path dir) throws Exception {
    return org.rcskt.verifier.note.Ed25519NoteSigner.fromSignerKey(
            Files.readString(dir.resolve("log.key")).trim())
        .verifierKey();
  }

  static String originOf(Child c) {
    return new Http(c.baseUrl()).get("/v1/info").json().get("origin").asText();
  }
}
