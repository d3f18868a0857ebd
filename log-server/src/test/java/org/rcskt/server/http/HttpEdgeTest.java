package org.rcskt.server.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.RawHttp;

/**
 * Hostile and malformed input at the HTTP edge (issue 9), over real sockets against the real
 * server: every answer the HTTP layer can still give is the JSON error body, never a 500.
 */
class HttpEdgeTest {
  @TempDir Path dir;
  LogServer server;
  Http http;

  @BeforeEach
  void start() {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void h2cUpgradeAndPriorKnowledgeAreNotServed() {
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(
          "GET /checkpoint HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      RawHttp.Response r = c.readResponse();
      assertThat(r.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(r.text()).startsWith(server.origin() + "\n");
      assertThat(c.pending()).isEmpty();
    }
    try (RawHttp c = new RawHttp(server.port())) {
      c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(ISO_8859_1));
      c.send(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      String all = new String(c.readToEnd(), ISO_8859_1);
      // No HTTP/2 SETTINGS frame back, no checkpoint: an HTTP/1 refusal, then the close.
      assertThat(all).startsWith("HTTP/");
      assertThat(all.substring(9, 10)).isIn("4", "5");
      assertThat(all).doesNotContain(server.origin());
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(new String(http.get("/checkpoint").body(), UTF_8)).startsWith(server.origin());
  }
}
