package org.rcskt.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A man in the middle on loopback: forwards every GET to the real server and hands the JSON answers
 * of {@code /v1/keys/...} and {@code /v1/subjects/...} to a tampering function before the client
 * sees them. Everything else passes unchanged.
 */
public final class TamperingProxy implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String target;
  private final AtomicReference<UnaryOperator<ObjectNode>> tamper =
      new AtomicReference<>(UnaryOperator.identity());

  /** Starts a proxy of the server at {@code targetBaseUrl} (no trailing slash). */
  public TamperingProxy(String targetBaseUrl) throws IOException {
    this.target = targetBaseUrl;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's base URL, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** What later subject answers go through; {@link UnaryOperator#identity()} passes them. */
  public void tamper(UnaryOperator<ObjectNode> f) {
    tamper.set(f);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      URI uri = x.getRequestURI();
      HttpResponse<byte[]> r;
      try {
        r =
            client.send(
                HttpRequest.newBuilder(URI.create(target + uri.getRawPath() + query(uri)))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        x.sendResponseHeaders(502, -1);
        return;
      }
      byte[] body = r.body();
      String path = uri.getRawPath();
      if (r.statusCode() == 200
          && (path.startsWith("/v1/keys/") || path.startsWith("/v1/subjects/"))) {
        JsonNode j = MAPPER.readTree(body);
        body = MAPPER.writeValueAsBytes(tamper.get().apply((ObjectNode) j));
      }
      r.headers()
          .firstValue("content-type")
          .ifPresent(v -> x.getResponseHeaders().add("Content-Type", v));
      x.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static String query(URI uri) {
    return uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
