package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.tile.EntryBundle;
import org.rcskt.verifier.tile.MalformedTileException;

/** The fetcher's retries, bounds and bundle checks, against a loopback fixture. */
class LogFetcherTest {
  private HttpServer server;
  private final AtomicInteger unavailable = new AtomicInteger();
  private volatile byte[] bundle1;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          String path = x.getRequestURI().getPath();
          byte[] body;
          int status = 200;
          if (unavailable.getAndDecrement() > 0) {
            x.getResponseHeaders().add("Retry-After", "0");
            status = 503;
            body = "busy".getBytes(StandardCharsets.UTF_8);
          } else if (path.equals("/checkpoint")) {
            body = "cp\n".getBytes(StandardCharsets.UTF_8);
          } else if (path.equals("/tile/entries/000")) {
            body = EntryBundle.encode(entries(0, 256));
          } else if (path.equals("/tile/entries/001.p/3")) {
            body = bundle1;
          } else if (path.equals("/big")) {
            body = new byte[LogFetcher.MAX_CHECKPOINT_BYTES + 1];
          } else {
            status = 404;
            body = "no".getBytes(StandardCharsets.UTF_8);
          }
          x.sendResponseHeaders(status, body.length);
          try (OutputStream os = x.getResponseBody()) {
            os.write(body);
          }
        });
    server.start();
    bundle1 = EntryBundle.encode(entries(256, 3));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static List<byte[]> entries(int from, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(("entry " + i).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private LogFetcher fetcher() {
    return new LogFetcher(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
  }

  @Test
  void retriesAfterServiceUnavailable() throws IOException {
    unavailable.set(2);
    assertThat(new String(fetcher().checkpoint(), StandardCharsets.UTF_8)).isEqualTo("cp\n");
  }

  @Test
  void givesUpAfterFiveRetries() {
    unavailable.set(100);
    assertThatThrownBy(() -> fetcher().checkpoint())
        .isInstanceOf(IOException.class)
        .hasMessageEndingWith("checkpoint: HTTP status 503: busy");
  }

  @Test
  void refusesAnOversizedResponse() {
    assertThatThrownBy(() -> fetcher().get("big", LogFetcher.MAX_CHECKPOINT_BYTES))
        .hasMessageEndingWith("big: response of 65537 bytes exceeds the limit of 65536");
  }

  @Test
  void deliversEveryEntryInOrder() throws Exception {
    List<String> got = new ArrayList<>();
    fetcher().entries(259, 4, (i, e) -> got.add(i + ":" + new String(e, StandardCharsets.UTF_8)));
    assertThat(got).hasSize(259);
    assertThat(got.get(0)).isEqualTo("0:entry 0");
    assertThat(got.get(258)).isEqualTo("258:entry 258");
  }

  @Test
  void aBundleWithTheWrongNumberOfEntriesIsMalformed() {
    bundle1 = EntryBundle.encode(entries(256, 2));
    assertThatThrownBy(() -> fetcher().entries(259, 2, (i, e) -> {}))
        .isInstanceOf(MalformedTileException.class);
  }
}
