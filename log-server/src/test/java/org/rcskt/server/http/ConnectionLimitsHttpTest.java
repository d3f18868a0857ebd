package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.testing.Http;

/**
 * Connection limits on a real server: connections beyond the per-address bound are closed on
 * arrival, nothing read; closing one frees its slot; a client trickling a request head holds a slot
 * only until the idle timeout; the refusals are counted.
 */
class ConnectionLimitsHttpTest {
  @TempDir Path dir;
  LogServer server;
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket open() throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    s.setSoTimeout(5000);
    sockets.add(s);
    return s;
  }

  /** Whether the server closed {@code s} without answering. */
  private static boolean closedByServer(Socket s) throws Exception {
    s.getOutputStream()
        .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  @Test
  void connectionsBeyondTheBoundPerAddressAreClosedOnArrival() throws Exception {
    server =
        LogServer.start(
            ServerConfig.builder(dir)
                .port(0)
                .devMode(true)
                .maxConnections(100)
                .maxConnectionsPerAddress(4)
                .idleTimeoutSeconds(2)
                .build());
    // Four connections trickle a request head and never finish it.
    for (int i = 0; i < 4; i++) {
      open()
          .getOutputStream()
          .write("GET /checkpoint HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
    }
    Thread.sleep(200);
    Socket fifth = open();
    assertThat(closedByServer(fifth)).isTrue();
    assertThat(server.metrics().connectionsRefusedCount()).isGreaterThanOrEqualTo(1);

    // Closing one frees its slot for a real client.
    sockets.get(0).close();
    Thread.sleep(300);
    Http http = new Http(server.baseUrl());
    assertThat(http.get("/healthz").status()).isEqualTo(200);

    // The tricklers are cut at the idle timeout (2 s): then everyone gets in again.
    Thread.sleep(3_500);
    List<Http.Response> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(new Http(server.baseUrl()).get("/checkpoint"));
    }
    assertThat(answers).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void theServerWideBoundHolds() throws Exception {
    server =
        LogServer.start(
            ServerConfig.builder(dir)
                .port(0)
                .devMode(true)
                .maxConnections(3)
                .maxConnectionsPerAddress(3)
                .build());
    for (int i = 0; i < 3; i++) {
      open();
    }
    Thread.sleep(200);
    assertThat(closedByServer(open())).isTrue();
  }
}
