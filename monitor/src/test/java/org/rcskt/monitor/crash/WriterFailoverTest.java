package org.rcskt.monitor.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.audit.AuditCommand;
import org.rcskt.server.LogServer;
import org.rcskt.server.cli.LogServerCli;
import org.rcskt.server.cluster.ClusterRuntime;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import picocli.CommandLine;

/**
 * Issue 15's failover test: three {@code serve} processes of one log (child JVMs, each with its own
 * store), one ZooKeeper server, submissions running all the time against whichever process is the
 * writer, and the writer SIGKILLed or SIGSTOPped at seeded moments. Each time a standby must take
 * over within seconds; in the end every acknowledged event is at its index, every checkpoint any
 * process served is consistent with the final tree, the monitor's audit of the final log passes,
 * and every store passes {@code fsck --replay}.
 *
 * <p>{@code -Drcskt.failover.trials=N} sets the number of faults (default 4) and {@code
 * -Drcskt.failover.seed} the seed; the failover times are printed as {@code FAILOVER} lines.
 */
class WriterFailoverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SESSION_MILLIS = 2000;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir Path dir;

  /** Set when the submitters and the checkpoint poller are to end. */
  private volatile boolean stopping;

  /** One child process of the log, restartable over its data directory. */
  private final class Node {
    final String id;
    final Path data;
    final Path stderr;
    volatile Process process;
    volatile int port;
    volatile boolean paused;

    Node(String id) {
      this.id = id;
      this.data = dir.resolve(id);
      this.stderr = dir.resolve(id + ".err");
    }

    void start(String zookeeper) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-Dvertx.cacheDirBase=" + dir.resolve(id + "-vertx").toAbsolutePath());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(ClusterChildMain.class.getName());
      cmd.add(data.toString());
      cmd.add(zookeeper);
      cmd.add(id);
      cmd.add(Integer.toString(SESSION_MILLIS));
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      try {
        line =
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        return out.readLine();
                      } catch (IOException e) {
                        return null;
                      }
                    })
                .get(90, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
        throw new IOException("node " + id + " did not start: " + tail(), e);
      }
      if (line == null || !line.startsWith("PORT ")) {
        p.destroyForcibly();
        throw new IOException("node " + id + " did not start: " + line + "; " + tail());
      }
      port = Integer.parseInt(line.substring(5).trim());
      paused = false;
      process = p;
    }

    String tail() {
      try {
        String s = Files.readString(stderr);
        return s.substring(Math.max(0, s.length() - 3000));
      } catch (IOException e) {
        return "(no stderr)";
      }
    }

    boolean alive() {
      Process p = process;
      return p != null && p.isAlive() && !paused;
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }

    void signal(String sig) throws IOException, InterruptedException {
      Process k =
          new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(k.exitValue()).as("kill -%s", sig).isZero();
    }

    String base() {
      return "http://127.0.0.1:" + port;
    }

    JsonNode readyz() {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + "/readyz"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
      } catch (IOException | InterruptedException e) {
        return null;
      }
    }

    String role() {
      JsonNode r = alive() ? readyz() : null;
      return r == null ? "down" : r.path("cluster").path("role").asText();
    }

    long treeSize() {
      JsonNode r = alive() ? readyz() : null;
      return r == null ? -1 : r.path("treeSize").asLong();
    }
  }

  private record Ack(long leafIndex, Hash leafHash, String node, long nanos) {}

  private record Served(long treeSize, Hash root, String node) {}

  private static void await(String what, long seconds, BooleanSupplier c)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKilledOrPausedWriterIsReplacedWithoutLosingAnAckOrForking() throws Exception {
    ClusterRuntime.quietZooKeeper();
    int trials = Integer.getInteger("rcskt.failover.trials", 4);
    long seed = Long.getLong("rcskt.failover.seed", 15L);
    Random random = new Random(seed);
    try (TestingServer zk = new TestingServer(-1, dir.resolve("zk").toFile(), true)) {
      String connect = zk.getConnectString();
      List<Node> nodes = List.of(new Node("a"), new Node("b"), new Node("c"));
      try {
        Node a = nodes.get(0);
        a.start(connect);
        await("a to write", 60, () -> a.role().equals("writer"));
        await("the ANCHOR", 30, () -> a.treeSize() >= 2);
        // Every process signs as the log: the keys a made, copied.
        for (Node n : nodes.subList(1, 3)) {
          Files.createDirectories(n.data);
          try (Stream<Path> files = Files.list(a.data)) {
            for (Path f : (Iterable<Path>) files::iterator) {
              if (Files.isRegularFile(f) && f.getFileName().toString().endsWith(".key")) {
                Files.copy(f, n.data.resolve(f.getFileName()));
              }
            }
          }
          n.start(connect);
        }
        JsonNode info = JSON.readTree(get(a.base() + "/v1/info").body());
        String origin = info.get("origin").asText();
        NoteVerifier logKey = NoteVerifiers.parse(info.get("verifierKey").asText());
        Ed25519.KeyPair carrier = ServerKeys.devCarrierKey(a.data.resolve("dev-carrier.key"));

        Map<Long, Ack> acks = new ConcurrentHashMap<>();
        List<Ack> ackOrder = Collections.synchronizedList(new ArrayList<>());
        List<Served> served = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong retries = new AtomicLong();
        AtomicReference<Node> writer = new AtomicReference<>(a);

        // Submitters: a fresh REGISTER each, retried on whichever process is the writer until
        // acknowledged, as a carrier would (a retry of a committed event is a duplicate).
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          Random r = new Random(seed * 31 + t);
          Thread th =
              new Thread(
                  () -> {
                    while (!stopping && failure.get() == null) {
                      Ed25519.KeyPair k = Ed25519.KeyPair.generate(r);
                      byte[] subject = new byte[32];
                      r.nextBytes(subject);
                      KeyEvent e =
                          EventBuilder.forSubject(Hash.of(subject), LogServer.DEV_CARRIER_ID)
                              .timestampMs(System.currentTimeMillis())
                              .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
                              .sign(k, carrier);
                      String body = EventJson.toJsonString(e);
                      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                      while (failure.get() == null) {
                        if (System.nanoTime() > deadline) {
                          failure.set("an event was not acknowledged within 60 s");
                          return;
                        }
                        Node w = writer.get();
                        try {
                          HttpResponse<String> resp =
                              HTTP.send(
                                  HttpRequest.newBuilder(URI.create(w.base() + "/v1/events"))
                                      .timeout(Duration.ofSeconds(4))
                                      .header("Content-Type", "application/json")
                                      .POST(HttpRequest.BodyPublishers.ofString(body))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString());
                          if (resp.statusCode() == 200) {
                            JsonNode j = JSON.readTree(resp.body());
                            Ack ack =
                                new Ack(
                                    j.get("leafIndex").asLong(),
                                    e.leafHash(),
                                    w.id,
                                    System.nanoTime());
                            Ack before = acks.putIfAbsent(ack.leafIndex(), ack);
                            if (before != null && !before.leafHash().equals(ack.leafHash())) {
                              failure.set(
                                  "leaf "
                                      + ack.leafIndex()
                                      + " acknowledged for two events, by "
                                      + before.node()
                                      + " and "
                                      + ack.node());
                            }
                            ackOrder.add(ack);
                            break;
                          }
                          if (resp.statusCode() != 503) {
                            failure.set("POST answered " + resp.statusCode() + ": " + resp.body());
                            return;
                          }
                        } catch (IOException ex) {
                          // the writer is dead, paused or restarting
                        } catch (InterruptedException ex) {
                          return;
                        }
                        retries.incrementAndGet();
                        rediscover(nodes, writer);
                        sleepQuietly(20);
                      }
                    }
                  },
                  "submitter-" + t);
          th.setDaemon(true);
          threads.add(th);
          th.start();
        }
        // Checkpoints as every live process serves them, verified as the log's.
        Thread poller =
            new Thread(
                () -> {
                  while (!stopping) {
                    for (Node n : nodes) {
                      if (!n.alive()) {
                        continue;
                      }
                      try {
                        HttpResponse<String> resp = get(n.base() + "/checkpoint");
                        if (resp.statusCode() == 200) {
                          SignedCheckpoint cp =
                              SignedCheckpoint.verify(
                                  resp.body().getBytes(StandardCharsets.UTF_8), origin, logKey);
                          served.add(
                              new Served(
                                  cp.checkpoint().treeSize(), cp.checkpoint().rootHash(), n.id));
                        }
                      } catch (IOException ex) {
                        // going down
                      } catch (Exception ex) {
                        failure.compareAndSet(null, n.id + " served a bad checkpoint: " + ex);
                      }
                    }
                    sleepQuietly(50);
                  }
                },
                "checkpoints");
        poller.setDaemon(true);
        poller.start();

        List<Long> failoverMillis = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
          Thread.sleep(400 + random.nextInt(1200));
          await("a writer", 60, () -> rediscover(nodes, writer) != null);
          Node w = writer.get();
          boolean kill = random.nextBoolean();
          long t0 = System.nanoTime();
          if (kill) {
            w.kill();
          } else {
            w.signal("STOP");
            w.paused = true;
          }
          int acked = ackOrder.size();
          await(
              "an acknowledgement from a new writer after " + (kill ? "SIGKILL" : "SIGSTOP"),
              60,
              () -> {
                synchronized (ackOrder) {
                  for (int i = acked; i < ackOrder.size(); i++) {
                    Ack x = ackOrder.get(i);
                    if (x.nanos() > t0 && !x.node().equals(w.id)) {
                      return true;
                    }
                  }
                }
                return failure.get() != null;
              });
          assertThat(failure.get()).isNull();
          long first = Long.MAX_VALUE;
          synchronized (ackOrder) {
            for (Ack x : ackOrder) {
              if (x.nanos() > t0 && !x.node().equals(w.id)) {
                first = Math.min(first, x.nanos());
              }
            }
          }
          long ms = TimeUnit.NANOSECONDS.toMillis(first - t0);
          failoverMillis.add(ms);
          System.out.printf(
              "FAILOVER trial=%d fault=%s writer=%s took %d ms%n",
              t, kill ? "SIGKILL" : "SIGSTOP", w.id, ms);
          if (kill) {
            w.start(connect);
          } else {
            w.signal("CONT");
            w.paused = false;
          }
          await(w.id + " to stand by", 60, () -> w.role().equals("standby"));
        }
        stopping = true;
        for (Thread th : threads) {
          th.join(90_000);
        }
        poller.join(10_000);
        assertThat(failure.get()).isNull();

        // All processes converge on one tree.
        Node w = rediscover(nodes, writer);
        assertThat(w).isNotNull();
        long size = w.treeSize();
        for (Node n : nodes) {
          try {
            await(n.id + " to catch up to " + size, 60, () -> n.treeSize() == size);
          } catch (AssertionError e) {
            throw new AssertionError(
                e.getMessage() + "; it is at " + n.treeSize() + ", " + n.readyz() + "\n" + n.tail(),
                e);
          }
        }
        SignedCheckpoint last =
            SignedCheckpoint.verify(
                get(w.base() + "/checkpoint").body().getBytes(StandardCharsets.UTF_8),
                origin,
                logKey);
        assertThat(last.checkpoint().treeSize()).isEqualTo(size);
        Hash finalRoot = last.checkpoint().rootHash();

        // Every acknowledged event is at its index.
        Map<Long, Hash> leaves = new TreeMap<>();
        for (long start = 0; start < size; ) {
          JsonNode page =
              JSON.readTree(get(w.base() + "/v1/entries?start=" + start + "&end=" + size).body());
          for (JsonNode e : page.get("entries")) {
            leaves.put(e.get("leafIndex").asLong(), Hash.fromBase64(e.get("leafHash").asText()));
          }
          start = page.get("end").asLong();
        }
        assertThat(acks).isNotEmpty();
        for (Ack x : acks.values()) {
          assertThat(leaves.get(x.leafIndex()))
              .as("acknowledged leaf %d (by %s)", x.leafIndex(), x.node())
              .isEqualTo(x.leafHash());
        }
        // Every checkpoint any process served is consistent with the final one.
        Map<Long, Hash> bySize = new TreeMap<>();
        synchronized (served) {
          for (Served s : served) {
            Hash other = bySize.putIfAbsent(s.treeSize(), s.root());
            assertThat(other == null || other.equals(s.root()))
                .as("two roots served for size %d", s.treeSize())
                .isTrue();
          }
        }
        for (Map.Entry<Long, Hash> s : bySize.entrySet()) {
          long from = s.getKey();
          if (from == 0 || from == size) {
            continue;
          }
          JsonNode p =
              JSON.readTree(
                  get(w.base() + "/v1/proof/consistency?from=" + from + "&to=" + size).body());
          List<Hash> proof = new ArrayList<>();
          p.get("consistencyProof").forEach(h -> proof.add(Hash.fromBase64(h.asText())));
          ConsistencyProof.verify(from, size, s.getValue(), finalRoot, proof);
        }
        // The monitor's audit of the final log, from its first entry.
        StringWriter auditErr = new StringWriter();
        CommandLine audit = new CommandLine(new AuditCommand());
        audit.setErr(new PrintWriter(auditErr, true));
        int auditExit =
            audit.execute(
                "--log-url",
                w.base(),
                "--quiet",
                "--json",
                dir.resolve("audit.json").toString(),
                "--html",
                dir.resolve("audit.html").toString());
        assertThat(auditExit).as(auditErr.toString()).isZero();

        List<Long> sorted = new ArrayList<>(failoverMillis);
        Collections.sort(sorted);
        System.out.printf(
            "FAILOVER trials=%d acks=%d retries=%d checkpoints=%d treeSize=%d p50=%d ms max=%d"
                + " ms (session timeout %d ms)%n",
            trials,
            acks.size(),
            retries.get(),
            bySize.size(),
            size,
            sorted.get(sorted.size() / 2),
            sorted.get(sorted.size() - 1),
            SESSION_MILLIS);
        assertThat(sorted.get(sorted.size() - 1)).isLessThan(30_000L);

        // Each store is sound, replayed under the rules.
        for (Node n : nodes) {
          n.kill();
        }
        for (Node n : nodes) {
          StringWriter out = new StringWriter();
          CommandLine fsck = new CommandLine(new LogServerCli());
          fsck.setOut(new PrintWriter(out, true));
          fsck.setErr(new PrintWriter(out, true));
          int code = fsck.execute("fsck", "--data-dir", n.data.toString(), "--replay");
          assertThat(code).as(n.id + ": " + out).isZero();
        }
      } finally {
        stopping = true;
        for (Node n : nodes) {
          Process p = n.process;
          if (p != null && p.isAlive()) {
            if (n.paused) {
              try {
                n.signal("CONT");
              } catch (Exception ignored) {
                // it is killed next anyway
              }
            }
            p.destroyForcibly();
          }
        }
      }
    }
  }

  /** The live process whose /readyz says it writes, or null; remembered in {@code writer}. */
  private static Node rediscover(List<Node> nodes, AtomicReference<Node> writer) {
    for (Node n : nodes) {
      if (n.alive() && n.role().equals("writer")) {
        writer.set(n);
        return n;
      }
    }
    return null;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
