package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;
import org.rcskt.server.testing.RawHttp;

/**
 * What a burst of hostile requests writes to the server log (issue 9): no SEVERE or WARNING record,
 * no stack trace, no request bytes; at most a few short client-error lines a second.
 */
class HttpLogTest {
  /** In every hostile request; must never reach the log. */
  static final String MARK = "HOSTILE7";

  @TempDir Path dir;
  LogServer server;
  Http http;
  final List<LogRecord> records = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (records) {
            records.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() {
    server = LogServer.start(ServerConfig.builder(dir).port(0).devMode(true).build());
    http = new Http(server.baseUrl());
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(capture);
    if (server != null) {
      server.close();
    }
  }

  /** Sends {@code request} on a fresh connection and waits for one answer or the close. */
  void raw(String request) {
    try (RawHttp c = new RawHttp(server.port(), 2000)) {
      c.send(request);
      c.readResponse();
    }
  }

  void burst() {
    String host = "Host: x\r\n";
    String post = "POST /v1/events HTTP/1.1\r\n" + host;
    raw("GET /v1/proof/inclusion?index=1&size=%zz" + MARK + " HTTP/1.1\r\n" + host + "\r\n");
    raw("GET /v1/subjects/%zz" + MARK + " HTTP/1.1\r\n" + host + "\r\n");
    raw("GET /tile/%zz/" + MARK + " HTTP/1.1\r\n" + host + "\r\n");
    raw("GET /checkpoint?" + MARK + " HTTP/1.1\r\n\r\n");
    raw("GET /checkpoint HTTP/1.1\r\n" + host + "Bad Header: " + MARK + "\r\n\r\n");
    raw(post + "Content-Length: -5" + MARK + "\r\n\r\n");
    raw(post + "Content-Length: " + MARK + "\r\n\r\n");
    raw("GET /" + MARK.repeat(1200) + " HTTP/1.1\r\n" + host + "\r\n");
    raw(
        "GET /checkpoint HTTP/1.1\r\n"
            + host
            + ("X-" + MARK + ": " + "v".repeat(100) + "\r\n").repeat(200)
            + "\r\n");
    for (String size : new String[] {"zz" + MARK, "-5", "ffffffffffffffffffffff"}) {
      raw(
          post
              + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
              + size
              + "\r\n"
              + MARK
              + "\r\n0\r\n\r\n");
    }
    raw("GET /checkpoint HTTP/1.7\r\n" + host + "X: " + MARK + "\r\n\r\n");
    raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + MARK);
    raw(
        "GET /checkpoint HTTP/1.1\r\n"
            + host
            + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: "
            + MARK
            + "\r\n\r\n");
    raw(MARK + "\r\n\r\n");
    raw("\u0000\u0001\u0002" + MARK + "\r\n\r\n");
    // Bodies of the wrong type, and a body cut off by the client.
    for (String type :
        new String[] {
          "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain"
        }) {
      http.send(
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
              .header("Content-Type", type)
              .POST(HttpRequest.BodyPublishers.ofString("a=%zz" + MARK + "&--b\r\n" + MARK)));
    }
    try (RawHttp c = new RawHttp(server.port())) {
      c.send(post + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"" + MARK);
    }
    // Unknown methods and routes, bad parameters.
    for (int i = 0; i < 20; i++) {
      raw(MARK + i + " /" + MARK + " HTTP/1.1\r\n" + host + "\r\n");
      http.get("/v1/entries?start=" + MARK + "&end=1");
    }
  }

  @Test
  void hostileRequestsLogAtMostShortRateLimitedLines() {
    long t0 = System.nanoTime();
    for (int round = 0; round < 2; round++) {
      burst();
    }
    // A request after the burst: the server still answers, and earlier work has been logged.
    assertThat(http.get("/healthz").status()).isEqualTo(200);
    double seconds = (System.nanoTime() - t0) / 1e9;

    List<LogRecord> got;
    synchronized (records) {
      got = new ArrayList<>(records);
    }
    int clientLines = 0;
    for (LogRecord r : got) {
      String msg = r.getMessage() == null ? "" : r.getMessage();
      assertThat(r.getLevel().intValue())
          .as("%s from %s: %s", r.getLevel(), r.getLoggerName(), msg)
          .isLessThan(Level.WARNING.intValue());
      assertThat(r.getThrown()).as("stack trace with %s", msg).isNull();
      assertThat(msg).doesNotContain(MARK).doesNotContain("\n");
      assertThat(msg.length()).as(msg).isLessThan(160);
      if (msg.startsWith("client error: ")) {
        clientLines++;
      }
    }
    assertThat(clientLines).isPositive();
    // The limit is per window of at least a second, each begun by the first mistake after the
    // last one ended, so a burst of s seconds can touch floor(s) + 2 windows.
    assertThat(clientLines)
        .isLessThanOrEqualTo(((int) seconds + 2) * ClientErrorLog.MAX_LINES_PER_SECOND);
  }
}
