package org.rcskt.server.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  @Test
  void methodsAndCodesFoldIntoClosedSets() {
    assertThat(ServerMetrics.methodLabel("GET")).isEqualTo("GET");
    assertThat(ServerMetrics.methodLabel("PATCH")).isEqualTo("PATCH");
    assertThat(ServerMetrics.methodLabel("get")).isEqualTo("other");
    assertThat(ServerMetrics.methodLabel("XFOO")).isEqualTo("other");
    assertThat(ServerMetrics.methodLabel(null)).isEqualTo("other");
    assertThat(ServerMetrics.codeLabel(200)).isEqualTo("200");
    assertThat(ServerMetrics.codeLabel(415)).isEqualTo("415");
    assertThat(ServerMetrics.codeLabel(418)).isEqualTo("4xx");
    assertThat(ServerMetrics.codeLabel(429)).isEqualTo("429");
    assertThat(ServerMetrics.codeLabel(299)).isEqualTo("2xx");
    assertThat(ServerMetrics.codeLabel(0)).isEqualTo("other");
    assertThat(ServerMetrics.codeLabel(1000)).isEqualTo("other");
  }

  @Test
  void inventedMethodsAndCodesAddNoSeries() {
    ServerMetrics m = new ServerMetrics();
    for (int i = 0; i < 500; i++) {
      m.http("unmatched", "M" + i, 100 + i, 1000);
    }
    String text = new String(m.scrape(), UTF_8);
    long series =
        text.lines().filter(l -> l.startsWith("rcskt_http_request_seconds_count{")).count();
    assertThat(series).isLessThanOrEqualTo(5 + 17); // classes 1xx..5xx, plus the known codes
    assertThat(text).doesNotContain("method=\"M");
  }
}
