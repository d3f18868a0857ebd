package org.rcskt.verifier.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.testing.TestVrf;

/**
 * Serves a {@link TestLog} over real HTTP on loopback, with the JSON shapes of the log server's API
 * ({@code /v1/keys/<E.164>} with real VRF proofs under {@link TestVrf#SECRET}), and hooks to
 * misbehave: serve an older tree, switch to another log, rewrite a response, change the log between
 * two requests.
 */
public final class FixtureServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private volatile TestLog log;
  private volatile long servedSize = -1;
  private volatile int pageSize = 1000;
  private volatile UnaryOperator<String> rewrite = UnaryOperator.identity();
  private volatile int status = 200;
  private volatile long delayMs;
  private volatile Consumer<String> afterAnswer = p -> {};

  public FixtureServer(TestLog log) throws IOException {
    this.log = log;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Serve this log from now on (a fork, when it shares the first one's key). */
  public void serve(TestLog log) {
    this.log = log;
  }

  /** Serve the tree at {@code size} instead of the latest (-1: latest). */
  public void serveSize(long size) {
    this.servedSize = size;
  }

  public void pageSize(int n) {
    this.pageSize = n;
  }

  /** Rewrite every response body with {@code f}. */
  public void rewrite(UnaryOperator<String> f) {
    this.rewrite = f;
  }

  public void status(int status) {
    this.status = status;
  }

  public void delayMs(long ms) {
    this.delayMs = ms;
  }

  /**
   * Calls {@code f} with the request path after each answer is built and before it is sent, so a
   * test can change the log between two requests (pages of one subject, say).
   */
  public void afterAnswer(Consumer<String> f) {
    this.afterAnswer = f;
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      if (delayMs > 0) {
        Thread.sleep(delayMs);
      }
      TestLog l = log;
      long size = servedSize >= 0 ? servedSize : l.treeSize();
      String path = x.getRequestURI().getPath();
      Map<String, String> q = query(x.getRequestURI().getRawQuery());
      String body;
      if (x.getRequestMethod().equals("POST")) {
        body =
            submit(l, path, new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .toString();
      } else if (path.equals("/checkpoint")) {
        body = new String(l.checkpoint(size), StandardCharsets.UTF_8);
      } else if (path.equals("/v1/proof/consistency")) {
        long from = Long.parseLong(q.get("from"));
        long to = Long.parseLong(q.get("to"));
        ObjectNode o = JSON.createObjectNode();
        o.put("from", from);
        o.put("to", to);
        o.set("consistencyProof", hashes(l.consistency(from, to)));
        body = o.toString();
      } else if (path.equals("/v1/proof/inclusion")) {
        long index = Long.parseLong(q.get("index"));
        long treeSize = Long.parseLong(q.get("size"));
        ObjectNode o = JSON.createObjectNode();
        o.put("leafIndex", index);
        o.put("treeSize", treeSize);
        o.put("leafHash", l.leafHash(index).toBase64());
        o.set("inclusionProof", hashes(l.inclusion(index, treeSize)));
        body = o.toString();
      } else if (path.startsWith("/v1/subjects/")) {
        Hash subject = Hash.fromHex(path.substring("/v1/subjects/".length()));
        long from = q.containsKey("from") ? Long.parseLong(q.get("from")) : 0;
        body = subject(l, subject, from, size).toString();
      } else if (path.startsWith("/v1/keys/")) {
        String number = path.substring("/v1/keys/".length());
        long from = q.containsKey("from") ? Long.parseLong(q.get("from")) : 0;
        body = lookup(l, number, from, size).toString();
      } else {
        x.sendResponseHeaders(404, -1);
        return;
      }
      byte[] out = rewrite.apply(body).getBytes(StandardCharsets.UTF_8);
      afterAnswer.accept(path);
      x.sendResponseHeaders(status, out.length);
      try (OutputStream os = x.getResponseBody()) {
        os.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      x.sendResponseHeaders(500, -1);
    } finally {
      x.close();
    }
  }

  /**
   * {@code POST /v1/events} and {@code /v1/events/batch}: appends every event (no rules: the
   * fixture logs whatever it is given) and answers receipts against the new tree, as the log server
   * does.
   */
  private ObjectNode submit(TestLog l, String path, String body) throws IOException {
    if (path.equals("/v1/events")) {
      KeyEvent e = parse(body);
      long index = l.append(e);
      ObjectNode o = receipt(l, index, e, l.treeSize());
      o.put("treeSize", l.treeSize());
      o.put("checkpoint", new String(l.checkpoint(), StandardCharsets.UTF_8));
      return o;
    }
    ArrayNode events = (ArrayNode) JSON.readTree(body).get("events");
    List<Long> indexes = new java.util.ArrayList<>();
    for (var n : events) {
      indexes.add(l.append(parse(n.toString())));
    }
    long size = l.treeSize();
    ObjectNode o = JSON.createObjectNode();
    o.put("treeSize", size);
    o.put("checkpoint", new String(l.checkpoint(), StandardCharsets.UTF_8));
    o.put("accepted", indexes.size());
    ArrayNode results = o.putArray("results");
    for (int i = 0; i < indexes.size(); i++) {
      ObjectNode r = receipt(l, indexes.get(i), l.entry(indexes.get(i)), size);
      r.put("status", 200);
      results.add(r);
    }
    return o;
  }

  private static KeyEvent parse(String json) {
    try {
      return EventJson.parse(json);
    } catch (org.rcskt.verifier.event.EventFormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private ObjectNode receipt(TestLog l, long index, KeyEvent e, long size) {
    ObjectNode o = JSON.createObjectNode();
    o.put("leafIndex", index);
    o.put("leafHash", e.leafHash().toBase64());
    o.put("duplicate", false);
    o.put("unattestedRegistration", false);
    o.put("recovery", false);
    o.set("inclusionProof", hashes(l.inclusion(index, size)));
    return o;
  }

  /**
   * {@code GET /v1/keys/<E.164>}: the number, its index and VRF proof under {@link TestVrf#SECRET},
   * then the subject answer for that index.
   */
  private ObjectNode lookup(TestLog l, String number, long from, long size) {
    PhoneNumbers.ProvenIndex proven = PhoneNumbers.prove(TestVrf.SECRET, number);
    ObjectNode o = JSON.createObjectNode();
    o.put("number", number);
    o.put("index", proven.index().toHex());
    o.put("vrfProof", Base64.getEncoder().encodeToString(proven.proof()));
    o.setAll(subject(l, proven.index(), from, size));
    return o;
  }

  private ObjectNode subject(TestLog l, Hash subject, long from, long size) {
    ObjectNode o = JSON.createObjectNode();
    o.put("subject", subject.toHex());
    o.put("treeSize", size);
    o.put("checkpoint", new String(l.checkpoint(size), StandardCharsets.UTF_8));
    o.putNull("state");
    ArrayNode a = o.putArray("events");
    long seq = 0;
    Long nextFrom = null;
    for (long i = 0; i < size; i++) {
      KeyEvent e = l.entry(i);
      if (e == null || !e.subject().equals(subject)) {
        continue;
      }
      long s = seq++;
      if (s < from) {
        continue;
      }
      if (a.size() == pageSize) {
        nextFrom = s;
        break;
      }
      ObjectNode x = a.addObject();
      x.put("leafIndex", i);
      x.put("sequence", e.sequence());
      x.put("leafHash", e.leafHash().toBase64());
      x.set("event", EventJson.toJson(e));
      x.set("inclusionProof", hashes(l.inclusion(i, size)));
    }
    if (nextFrom == null) {
      o.putNull("nextFrom");
    } else {
      o.put("nextFrom", nextFrom);
    }
    byte[] last = size == 0 ? null : l.rawLeaf(size - 1);
    if (last == null || !MapRootEntry.isMapRoot(last)) {
      o.putNull("mapRoot");
    } else {
      ObjectNode m = o.putObject("mapRoot");
      m.put("leafIndex", size - 1);
      m.put("entry", Base64.getEncoder().encodeToString(last));
      m.set("inclusionProof", hashes(l.inclusion(size - 1, size)));
    }
    o.put(
        "completeness", Base64.getEncoder().encodeToString(l.mapAt(size).prove(subject).encoded()));
    return o;
  }

  private static ArrayNode hashes(List<Hash> hs) {
    ArrayNode a = JSON.createArrayNode();
    for (Hash h : hs) {
      a.add(h.toBase64());
    }
    return a;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
