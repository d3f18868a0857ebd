package org.rcskt.monitor.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on loopback for webhook tests: records every POST body and answers with a
 * settable status. It can be stopped and started again on the same port to simulate an outage.
 */
public final class WebhookReceiver implements AutoCloseable {
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private int port;

  private WebhookReceiver() {}

  /** Starts a receiver on a free loopback port. */
  public static WebhookReceiver start() throws IOException {
    WebhookReceiver r = new WebhookReceiver();
    r.listen(0);
    return r;
  }

  private void listen(int p) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", p), 16);
    server.createContext(
        "/hook",
        ex -> {
          requests.incrementAndGet();
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          int s = status.get();
          if (s >= 200 && s < 300) {
            bodies.add(new String(body, StandardCharsets.UTF_8));
            idempotencyKeys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
          }
          ex.sendResponseHeaders(s, -1);
          ex.close();
        });
    server.start();
    port = server.getAddress().getPort();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port + "/hook");
  }

  /** Makes the receiver answer {@code s} (and not record) from now on. */
  public void answer(int s) {
    status.set(s);
  }

  /** Stops listening: connections are refused until {@link #restart()}. */
  public void stop() {
    server.stop(0);
  }

  /** Listens again on the same port. */
  public void restart() throws IOException {
    listen(port);
  }

  /** The bodies of the POSTs answered with 2xx, in arrival order. */
  public List<String> bodies() {
    return new ArrayList<>(bodies);
  }

  public List<String> idempotencyKeys() {
    return new ArrayList<>(idempotencyKeys);
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
