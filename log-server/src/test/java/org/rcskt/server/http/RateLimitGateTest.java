package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rcskt.server.metrics.ServerMetrics;

/** The gate over real HTTP on loopback, in front of a route that exists only in this test. */
class RateLimitGateTest {
  static final long SECOND = 1_000_000_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  final AtomicLong clock = new AtomicLong(42 * SECOND);
  final ServerMetrics metrics = new ServerMetrics();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Vertx vertx;
  HttpServer server;

  int start(RateLimitGate gate) throws Exception {
    vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    r.get("/v1/keys/:number")
        .handler(gate.forRoute("/v1/keys"))
        .handler(ctx -> ctx.response().end("found " + ctx.pathParam("number")));
    server =
        vertx
            .createHttpServer()
            .requestHandler(r)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  HttpResponse<String> get(int port, String forwardedFor) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/keys/+15551234567"));
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  RateLimitGate gate(double perSecond, int burst, boolean trustForwardedFor) {
    return new RateLimitGate(
        new SourceRateLimiter(perSecond, burst, 1000),
        new SourceKeys(trustForwardedFor, 32, 64),
        clock::get,
        metrics);
  }

  @Test
  void overTheLimitIsA429WithRetryAfterAndTheUsualErrorBody() throws Exception {
    int port = start(gate(0.5, 2, false));
    assertThat(get(port, null).body()).isEqualTo("found +15551234567");
    assertThat(get(port, null).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = get(port, null);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode body = JSON.readTree(refused.body());
    assertThat(body.get("error").asText()).isEqualTo("rate_limited");
    assertThat(body.get("field").isNull()).isTrue();
    assertThat(body.get("detail").asText())
        .isEqualTo(
            "too many requests from this address: the limit is 0.5 requests a second, in bursts"
                + " of up to 2; retry in 2 s");
    assertThat(metrics.rateLimitedCount("/v1/keys")).isEqualTo(1);

    // 1.5 s later a token is half a second away: Retry-After rounds up to 1.
    clock.addAndGet(3 * SECOND / 2);
    assertThat(get(port, null).headers().firstValue("Retry-After")).hasValue("1");
    clock.addAndGet(SECOND / 2);
    assertThat(get(port, null).statusCode()).isEqualTo(200);
    assertThat(metrics.rateLimitedCount("/v1/keys")).isEqualTo(2);
    assertThat(new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("rcskt_rate_limited_total{route=\"/v1/keys\"} 2.0");
  }

  @Test
  void forwardedForCountsOnlyWhenTrusted() throws Exception {
    int port = start(gate(1, 1, true));
    assertThat(get(port, "203.0.113.7").statusCode()).isEqualTo(200);
    assertThat(get(port, "203.0.113.7, 127.0.0.1").statusCode()).isEqualTo(429);
    assertThat(get(port, "203.0.113.8").statusCode()).isEqualTo(200);
    // A malformed value is ignored: the request counts against the connection's address.
    assertThat(get(port, "unknown").statusCode()).isEqualTo(200);
    assertThat(get(port, "203.0.113.9:443").statusCode()).isEqualTo(429);
    assertThat(get(port, null).statusCode()).isEqualTo(429);
  }

  @Test
  void forwardedForIsIgnoredUnlessTrusted() throws Exception {
    int port = start(gate(1, 1, false));
    assertThat(get(port, "203.0.113.7").statusCode()).isEqualTo(200);
    assertThat(get(port, "203.0.113.8").statusCode()).isEqualTo(429);
  }

  @Test
  void anUnlimitedGateLetsEverythingThrough() throws Exception {
    RateLimitGate gate = RateLimitGate.unlimited();
    assertThat(gate.enabled()).isFalse();
    int port = start(gate);
    for (int i = 0; i < 50; i++) {
      assertThat(get(port, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theLimitInWords() {
    assertThat(RateLimitGate.describe(1, 20))
        .isEqualTo("1 request a second, in bursts of up to 20");
    assertThat(RateLimitGate.describe(0.25, 5))
        .isEqualTo("0.25 requests a second, in bursts of up to 5");
    assertThat(RateLimitGate.describe(3, 1)).isEqualTo("3 requests a second, in bursts of up to 1");
  }
}
