package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.RawHttp;

/** Bounded resources at the HTTP edge (issue 9): metric series, connection and request time. */
class HttpLimitsTest {
  @TempDir Path dir;
  LogServer server;
  Http http;

  void start(ServerConfig.Builder b) {
    server = LogServer.start(b.port(0).devMode(true).build());
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The label sets of {@code rcskt_http_request_seconds} in a scrape. */
  Set<String> httpSeries() {
    Set<String> series = new TreeSet<>();
    for (String line : http.get("/metrics").text().split("\n")) {
      if (line.startsWith("rcskt_http_request_seconds_count{")) {
        series.add(line.substring(line.indexOf('{'), line.indexOf('}') + 1));
      }
    }
    return series;
  }

  /**
   * {@code n} requests with invented methods and paths, on one keep-alive connection in pipelined
   * batches (fast, and what a flood would do).
   */
  void garbage(Random random, int n) {
    try (RawHttp c = new RawHttp(server.port())) {
      for (int sent = 0; sent < n; ) {
        StringBuilder batch = new StringBuilder();
        int k = Math.min(100, n - sent);
        for (int i = 0; i < k; i++, sent++) {
          String word = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
          String method = sent % 10 == 9 ? "GET" : "X" + word.toUpperCase(Locale.ROOT);
          String target =
              switch (sent % 4) {
                case 0 -> "/checkpoint";
                case 1 -> "/v1/entries?start=" + word;
                default -> "/" + word + "/" + sent;
              };
          batch.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        c.send(batch.toString());
        for (int i = 0; i < k; i++) {
          RawHttp.Response r = c.readResponse();
          assertThat(r).as("answer %d of the batch", i).isNotNull();
          assertThat(r.status()).isIn(200, 400, 404, 405);
        }
      }
    }
  }

  @Test
  void metricLabelsComeFromClosedSets() {
    start(ServerConfig.builder(dir));
    Random random = new Random(9);
    http.get("/checkpoint");
    httpSeries(); // the scrape's own series
    garbage(random, 2000);
    Set<String> first = httpSeries();
    garbage(random, 1000);
    Set<String> second = httpSeries();
    assertThat(second).isEqualTo(first);
    assertThat(second.size()).isLessThan(40);
    assertThat(second)
        .contains(
            "{code=\"405\",method=\"other\",route=\"unmatched\"}",
            "{code=\"404\",method=\"other\",route=\"unmatched\"}",
            "{code=\"200\",method=\"GET\",route=\"/checkpoint\"}");
    assertThat(String.join(" ", second)).doesNotContain("method=\"X");
  }

  @Test
  void aBodySentTooSlowlyIs408AndClosed() {
    start(ServerConfig.builder(dir).requestTimeoutSeconds(1));
    try (RawHttp c = new RawHttp(server.port(), 200)) {
      long t0 = System.nanoTime();
      c.send(
          "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 1000\r\n\r\n{");
      // A byte every 200 ms: never idle, never done.
      while (!c.closedByServer() && System.nanoTime() - t0 < 10_000_000_000L) {
        if (!c.send(" ")) {
          break;
        }
        c.readToEnd();
      }
      c.awaitClose(2000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(c.closedByServer()).as("closed after %d ms", ms).isTrue();
      assertThat(ms).isBetween(900L, 5000L);
      RawHttp.Response r = RawHttp.Response.parse(c.pending());
      assertThat(r).as("a 408 before the close").isNotNull();
      HttpEdgeTest.assertJsonError(r, 408, "request_timeout", null);
      assertThat(r.json().get("detail").asText())
          .isEqualTo("the request was not received within 1 s of its headers");
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    }
    // The server is fine.
    assertThat(http.get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void aRequestHeadSentTooSlowlyIsClosed() {
    start(ServerConfig.builder(dir).idleTimeoutSeconds(1));
    try (RawHttp c = new RawHttp(server.port(), 200)) {
      long t0 = System.nanoTime();
      String head = "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200);
      int i = 0;
      while (!c.closedByServer() && System.nanoTime() - t0 < 10_000_000_000L) {
        if (!c.send(head.substring(i % head.length(), i % head.length() + 1))) {
          break;
        }
        i++;
        c.readToEnd();
      }
      c.awaitClose(2000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(c.closedByServer()).as("closed after %d ms", ms).isTrue();
      assertThat(ms).isBetween(900L, 5000L);
      assertThat(c.pending()).as("nothing answered").isEmpty();
    }
  }

  @Test
  void keepAliveWorksWithinTheIdleTimeout() {
    start(ServerConfig.builder(dir).idleTimeoutSeconds(2));
    try (RawHttp c = new RawHttp(server.port(), 200)) {
      String get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
      for (int i = 0; i < 3; i++) {
        c.send(get);
        RawHttp.Response r = c.readResponse();
        assertThat(r).as("answer %d on one connection", i).isNotNull();
        assertThat(r.status()).isEqualTo(200);
        // Half the idle timeout between requests: the connection must stay open.
        assertThat(c.awaitClose(1000)).isFalse();
      }
      long t0 = System.nanoTime();
      assertThat(c.awaitClose(5000)).as("closed once idle").isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4000L);
    }
    assertThat(ServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS).isEqualTo(60);
    assertThat(ServerConfig.builder(dir).build().idleTimeoutSeconds()).isEqualTo(60);
    assertThat(ServerConfig.builder(dir).build().requestTimeoutSeconds()).isEqualTo(30);
  }
}
