package org.rcskt.monitor.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.BiFunction;

/**
 * Fault injection on the wire: a loopback HTTP proxy in front of a real log server that forwards
 * every GET and lets a test rewrite the body of chosen answers (a tampered checkpoint, an altered
 * entry bundle, an old checkpoint served again).
 */
public final class TamperingProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private volatile BiFunction<String, byte[], byte[]> rewrite = (path, body) -> body;

  private TamperingProxy(URI upstream) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
          }
          String pathAndQuery = ex.getRequestURI().toString().substring(1);
          if (ex.getRequestURI().getPath().equals("/v1/feed")) {
            // A buffering proxy cannot pass an endless stream on: it has no feed, as a log
            // behind such a proxy would not (the monitor then polls only).
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
          }
          try {
            HttpResponse<byte[]> r =
                client.send(
                    HttpRequest.newBuilder(upstream.resolve(pathAndQuery)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] body =
                r.statusCode() == 200
                    ? rewrite.apply(ex.getRequestURI().getPath(), r.body())
                    : r.body();
            ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              ex.getResponseBody().write(body);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
          } finally {
            ex.close();
          }
        });
    server.start();
  }

  /** A proxy forwarding to {@code upstream} (a base URL ending in a slash). */
  public static TamperingProxy start(URI upstream) throws IOException {
    return new TamperingProxy(upstream);
  }

  /** The proxy's base URL. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** From now on, answers pass through {@code f(path, body)}. */
  public void rewrite(BiFunction<String, byte[], byte[]> f) {
    this.rewrite = f;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
