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

/** Bounded resources at the HTTP edge (issue 9). */
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
}
