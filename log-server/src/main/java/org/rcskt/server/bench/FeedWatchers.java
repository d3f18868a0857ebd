package org.rcskt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.note.NoteVerifier;

/**
 * Push-feed subscribers beside a hostile run ({@code GET /v1/feed}): most follow the feed for a few
 * seconds from a random point with a random filter and verify everything it sends (each
 * checkpoint's signature, each entry's inclusion proof against the checkpoint before it, that
 * positions only move forward); the others open a feed and read nothing for a while (slow
 * consumers), then read on to see whether the server dropped them with a last message. A bad proof,
 * a bad checkpoint, a position that goes back or a 5xx other than the subscriber bound's 503 fails
 * the run.
 */
final class FeedWatchers {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a slow consumer reads after its stall for the server's last message. */
  static final long READ_AFTER_MILLIS = 5_000;

  private static final String[] FILTERS = {
    "", "&type=REGISTER", "&type=ROTATE,REVOKE", "&type=MAP_ROOT", "&type=REGISTER,ANCHOR,MAP_ROOT"
  };

  private final URI base;
  private final URI slashed;
  private final InetSocketAddress address;
  private final String origin;
  private final NoteVerifier logKey;
  private final int count;
  private final long seed;
  private final long stallMillis;
  private final Transport transport;
  private final HttpClient http;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  final AtomicLong followed = new AtomicLong();
  final AtomicLong stalled = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong kept = new AtomicLong();
  final AtomicLong refused503 = new AtomicLong();
  final AtomicLong checkpoints = new AtomicLong();
  final AtomicLong entries = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  private final List<String> firstFailures = new ArrayList<>();

  FeedWatchers(
      URI base,
      InetSocketAddress address,
      String origin,
      NoteVerifier logKey,
      int count,
      long seed,
      long stallMillis) {
    this.base = base;
    this.transport = Transport.of(base);
    this.http =
        transport
            .httpClient()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.slashed = URI.create(base.toString().replaceAll("/+$", "") + "/");
    this.address = address;
    this.origin = origin;
    this.logKey = logKey;
    this.count = count;
    this.seed = seed;
    this.stallMillis = stallMillis;
  }

  void start() {
    for (int t = 0; t < count; t++) {
      SplittableRandom r = new SplittableRandom(seed + 7919L * t);
      Thread th = new Thread(() -> loop(r), "hostile-feed-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
  }

  /** Stops the watchers; a slow consumer in its stall is waited for, to see how it ends. */
  void finish() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(15_000 + stallMillis + stallMillis / 4 + READ_AFTER_MILLIS);
    }
  }

  private void loop(SplittableRandom r) {
    while (!stopping) {
      try {
        if (r.nextInt(10) < 7) {
          follow(r);
        } else {
          stall(r);
        }
      } catch (IOException e) {
        // the server closed or reset a feed: allowed (a dropped slow consumer, a stop)
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        fail("unexpected " + e);
      }
    }
  }

  private long treeSize() throws IOException, InterruptedException {
    return LogInfo.fetch(base).treeSize();
  }

  /** Follows a feed for 1 to 3 s and checks everything it sends. */
  private void follow(SplittableRandom r) throws IOException, InterruptedException {
    long size = treeSize();
    long from = size == 0 ? 0 : r.nextLong(size + 1);
    String path = "v1/feed?from=" + from + FILTERS[r.nextInt(FILTERS.length)];
    HttpResponse<InputStream> resp =
        http.send(
            HttpRequest.newBuilder(slashed.resolve(path)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (resp.statusCode() == 503) {
      refused503.incrementAndGet();
      resp.body().close();
      return;
    }
    if (resp.statusCode() != 200) {
      resp.body().close();
      fail(path + " answered " + resp.statusCode());
      return;
    }
    followed.incrementAndGet();
    long deadline = System.nanoTime() + (1000 + r.nextInt(2000)) * 1_000_000L;
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                resp.body().close();
              } catch (InterruptedException | IOException e) {
                // done
              }
            });
    closer.setDaemon(true);
    closer.start();
    SignedCheckpoint cp = null;
    long position = from;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      String event = null;
      String id = null;
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isEmpty()) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          }
          continue;
        }
        if (id != null) {
          long p = Long.parseLong(id);
          if (p < position) {
            fail(path + ": resume position went back from " + position + " to " + p);
          }
          position = p;
        }
        if ("checkpoint".equals(event)) {
          JsonNode d = JSON.readTree(data.toString());
          try {
            cp =
                SignedCheckpoint.verify(
                    d.get("checkpoint").asText().getBytes(StandardCharsets.UTF_8), origin, logKey);
            checkpoints.incrementAndGet();
          } catch (org.rcskt.verifier.VerificationException e) {
            fail(path + ": a checkpoint event does not verify: " + e.getMessage());
          }
        } else if ("entry".equals(event)) {
          JsonNode d = JSON.readTree(data.toString());
          if (cp == null) {
            fail(path + ": an entry before any checkpoint");
          } else {
            checkEntry(path, d, cp.checkpoint());
          }
        } else if ("dropped".equals(event)) {
          fail(path + ": a reading subscriber was dropped: " + data);
        }
        event = null;
        id = null;
        data.setLength(0);
      }
    } catch (IOException e) {
      // closed by our closer at the deadline
    }
  }

  private void checkEntry(String path, JsonNode d, Checkpoint c) {
    try {
      long index = d.get("leafIndex").asLong();
      Hash leaf = Hash.fromBase64(d.get("leafHash").asText());
      if (d.has("event")) {
        Hash own = org.rcskt.verifier.event.EventJson.fromJson(d.get("event")).leafHash();
        if (!own.equals(leaf)) {
          fail(path + ": entry " + index + " names a leaf hash that is not its event's");
          return;
        }
      }
      List<Hash> proof = new ArrayList<>();
      for (JsonNode h : d.get("inclusionProof")) {
        proof.add(Hash.fromBase64(h.asText()));
      }
      InclusionProof.verify(index, c.treeSize(), leaf, proof, c.rootHash());
      entries.incrementAndGet();
    } catch (Exception e) {
      fail(path + ": entry does not verify: " + e.getMessage());
    }
  }

  /**
   * Opens a feed from 0 and reads nothing for the stall time (up to a quarter more, at random): a
   * slow consumer. Then reads what the server has for it, for at most {@link #READ_AFTER_MILLIS}: a
   * server whose stall limit has passed ends the feed with a last {@code dropped} event, which is
   * counted; one whose limit is longer is still streaming, and the watcher hangs up.
   */
  private void stall(SplittableRandom r) throws IOException, InterruptedException {
    try (Socket s = transport.connect(address, 5_000, Transport.HTTP_1_1, 4096)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + base.getPath().replaceAll("/+$", "")
                  + "/v1/feed?from=0 HTTP/1.1\r\nHost: "
                  + address.getHostString()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      stalled.incrementAndGet();
      // Held even while the run stops, so that every stall started is seen to its end.
      Thread.sleep(stallMillis + (stallMillis > 3 ? r.nextLong(stallMillis / 4) : 0));
      if (readsToDropped(s)) {
        dropped.incrementAndGet();
      } else {
        kept.incrementAndGet();
      }
    }
  }

  /** Whether the stream on {@code s} ends with a {@code dropped} event within the read bound. */
  private static boolean readsToDropped(Socket s) throws IOException {
    s.setSoTimeout(1000);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[64 * 1024];
    byte[] marker = "event: dropped".getBytes(StandardCharsets.US_ASCII);
    // The marker may straddle two reads: keep the tail of the last one in front of the next.
    byte[] window = new byte[buf.length + marker.length];
    int carried = 0;
    long deadline = System.nanoTime() + READ_AFTER_MILLIS * 1_000_000L;
    boolean seen = false;
    while (System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buf);
      } catch (java.net.SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        return seen;
      }
      System.arraycopy(buf, 0, window, carried, n);
      int len = carried + n;
      if (!seen && indexOf(window, len, marker) >= 0) {
        // Read on to the end the server makes of the feed after its last message.
        seen = true;
      }
      carried = Math.min(marker.length - 1, len);
      System.arraycopy(window, len - carried, window, 0, carried);
    }
    return seen;
  }

  private static int indexOf(byte[] data, int length, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (data[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void fail(String what) {
    failures.incrementAndGet();
    synchronized (firstFailures) {
      if (firstFailures.size() < 5) {
        firstFailures.add(what);
      }
    }
  }

  List<String> firstFailures() {
    synchronized (firstFailures) {
      return List.copyOf(firstFailures);
    }
  }

  String summary() {
    return String.format(
        "feed watchers: %d at a time; %,d followed (%,d checkpoints and %,d entries verified), %,d"
            + " slow consumers (%,d dropped by the server with a last message, %,d still served"
            + " after their stall), %,d refused with 503 (the subscriber bound), %,d failures",
        count,
        followed.get(),
        checkpoints.get(),
        entries.get(),
        stalled.get(),
        dropped.get(),
        kept.get(),
        refused503.get(),
        failures.get());
  }

  ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("watchers", count);
    o.put("followed", followed.get());
    o.put("checkpointsVerified", checkpoints.get());
    o.put("entriesVerified", entries.get());
    o.put("slowConsumers", stalled.get());
    o.put("slowConsumersDropped", dropped.get());
    o.put("slowConsumersKept", kept.get());
    o.put("refused503", refused503.get());
    o.put("failures", failures.get());
    o.putPOJO("firstFailures", firstFailures());
    return o;
  }
}
