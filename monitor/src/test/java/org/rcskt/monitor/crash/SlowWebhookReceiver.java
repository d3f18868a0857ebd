package org.rcskt.monitor.crash;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on loopback that records each POST (body and {@code Idempotency-Key}) as soon
 * as it has read it and answers 200 only {@code delayMillis} later. The delay widens the window in
 * which a kill leaves an alert received but not acknowledged, which the monitor must then send
 * again with the same key (at-least-once delivery).
 */
final class SlowWebhookReceiver implements AutoCloseable {
  /** One received POST. */
  record Received(String idempotencyKey, byte[] body) {}

  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger unanswered = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService executor;

  SlowWebhookReceiver(long delayMillis) throws IOException {
    executor = Executors.newFixedThreadPool(4);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(executor);
    server.createContext(
        "/hook",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            synchronized (received) {
              received.add(new Received(ex.getRequestHeaders().getFirst("Idempotency-Key"), body));
            }
            unanswered.incrementAndGet();
            try {
              Thread.sleep(delayMillis);
            } finally {
              unanswered.decrementAndGet();
            }
            ex.sendResponseHeaders(200, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // The monitor was killed while it waited for the answer.
          } finally {
            ex.close();
          }
        });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** How many received alerts are not answered yet. */
  int unanswered() {
    return unanswered.get();
  }

  /** Everything received so far, in arrival order. */
  List<Received> received() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
