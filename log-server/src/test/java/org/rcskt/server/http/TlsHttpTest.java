package org.rcskt.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.Submitter;
import org.rcskt.server.config.TlsConfig;
import org.rcskt.server.testing.TestCertificates;
import org.rcskt.server.testing.TestVrf;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * HTTPS on a real log: HTTP/2 by ALPN and HTTP/1.1 for clients that ask for it, the same API on
 * both; a renewed certificate served to new connections while open ones go on; a broken replacement
 * ignored; a submitter recognized by the key of its TLS client certificate.
 */
class TlsHttpTest {
  private static final Random RANDOM = new Random(17);

  @TempDir Path dir;
  LogServer server;
  Path cert;
  Path key;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TestCertificates.Issued start(boolean clientCerts, List<Submitter> submitters)
      throws Exception {
    return start(clientCerts, submitters, ServerConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS);
  }

  private TestCertificates.Issued start(
      boolean clientCerts, List<Submitter> submitters, int requestTimeoutSeconds) throws Exception {
    TestCertificates.Issued s = TestCertificates.selfSigned("log.test");
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    s.writePem(cert, key);
    server =
        LogServer.start(
            ServerConfig.builder(dir.resolve("data"))
                .port(0)
                .devMode(true)
                .submitters(submitters)
                .requestTimeoutSeconds(requestTimeoutSeconds)
                .tls(new TlsConfig(cert, key, clientCerts, true, 1))
                .build());
    assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
    return s;
  }

  private static HttpClient client(SSLContext ctx, HttpClient.Version v) {
    return HttpClient.newBuilder()
        .sslContext(ctx)
        .version(v)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private HttpResponse<String> get(HttpClient c, String path) throws Exception {
    return c.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postEvent(HttpClient c) throws Exception {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(RANDOM);
    String body =
        EventJson.toJsonString(
            EventBuilder.forSubject(
                    TestVrf.index("+1555000" + (7000 + RANDOM.nextInt(999))),
                    LogServer.DEV_CARRIER_ID)
                .timestampMs(System.currentTimeMillis())
                .register("phone", PublicKeyInfo.ed25519(k.publicKey()))
                .sign(k, server.devCarrierKey()));
    return c.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static X509Certificate served(HttpResponse<?> r) throws Exception {
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  @Test
  void servesHttp2ByAlpnAndHttp11ToClientsThatAskForIt() throws Exception {
    TestCertificates.Issued s = start(false, List.of());
    HttpClient h2 = client(TestCertificates.clientContext(null, s), HttpClient.Version.HTTP_2);
    HttpResponse<String> cp = get(h2, "/checkpoint");
    assertThat(cp.statusCode()).isEqualTo(200);
    assertThat(cp.version()).isEqualTo(HttpClient.Version.HTTP_2);
    HttpResponse<String> receipt = postEvent(h2);
    assertThat(receipt.statusCode()).as(receipt.body()).isEqualTo(200);
    assertThat(receipt.version()).isEqualTo(HttpClient.Version.HTTP_2);
    // Errors are the same JSON over HTTP/2.
    HttpResponse<String> bad = get(h2, "/v1/proof/inclusion?index=x&size=1");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"index\"");

    HttpClient h1 = client(TestCertificates.clientContext(null, s), HttpClient.Version.HTTP_1_1);
    HttpResponse<String> one = get(h1, "/v1/info");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(postEvent(h1).statusCode()).isEqualTo(200);
  }

  @Test
  void aRenewedCertificateReachesNewConnectionsAndOpenOnesGoOn() throws Exception {
    TestCertificates.Issued first = start(false, List.of());
    TestCertificates.Issued second = TestCertificates.selfSigned("log.test");
    SSLContext both = TestCertificates.clientContext(null, first, second);
    HttpClient open = client(both, HttpClient.Version.HTTP_2);
    assertThat(served(get(open, "/checkpoint"))).isEqualTo(first.certificate());

    second.writePem(cert, key);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (server.tlsReloads() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(server.tlsReloads()).isEqualTo(1);
    HttpClient fresh = client(both, HttpClient.Version.HTTP_2);
    assertThat(served(get(fresh, "/checkpoint"))).isEqualTo(second.certificate());
    // The connection opened before the renewal was not dropped: it still answers, on its
    // certificate.
    HttpResponse<String> again = get(open, "/checkpoint");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(served(again)).isEqualTo(first.certificate());

    // A broken replacement is ignored: the last good pair stays in use.
    Files.writeString(
        key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    Thread.sleep(3_500);
    assertThat(server.tlsReloads()).isEqualTo(1);
    HttpClient later = client(both, HttpClient.Version.HTTP_1_1);
    HttpResponse<String> still = get(later, "/checkpoint");
    assertThat(still.statusCode()).isEqualTo(200);
    assertThat(served(still)).isEqualTo(second.certificate());
  }

  @Test
  void aSubmitterIsRecognizedByTheKeyOfItsClientCertificate() throws Exception {
    TestCertificates.Issued carrier = TestCertificates.selfSigned("carrier-a");
    TestCertificates.Issued stranger = TestCertificates.selfSigned("carrier-a");
    TestCertificates.Issued s =
        start(
            true,
            List.of(
                new Submitter(
                    "carrier-a",
                    null,
                    carrier.spkiSha256(),
                    Set.of(LogServer.DEV_CARRIER_ID),
                    100,
                    1000)));
    HttpClient pinned =
        client(TestCertificates.clientContext(carrier, s), HttpClient.Version.HTTP_2);
    HttpResponse<String> ok = postEvent(pinned);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

    HttpClient none = client(TestCertificates.clientContext(null, s), HttpClient.Version.HTTP_2);
    HttpResponse<String> anonymous = postEvent(none);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("pinned TLS client certificate");
    // Reads need no certificate.
    assertThat(get(none, "/checkpoint").statusCode()).isEqualTo(200);

    HttpClient other =
        client(TestCertificates.clientContext(stranger, s), HttpClient.Version.HTTP_1_1);
    assertThat(postEvent(other).statusCode()).isEqualTo(401);
  }

  @Test
  void anHttp2StreamWhoseBodyStallsIsTimedOutAndTheConnectionGoesOn() throws Exception {
    start(false, List.of(), 1);
    io.vertx.core.Vertx vx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.http.HttpClient c =
          vx.createHttpClient(
              new io.vertx.core.http.HttpClientOptions()
                  .setSsl(true)
                  .setTrustAll(true)
                  .setVerifyHost(false)
                  .setUseAlpn(true)
                  .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2));
      int port = URI.create(server.baseUrl()).getPort();
      io.vertx.core.http.HttpClientRequest req =
          c.request(io.vertx.core.http.HttpMethod.POST, port, "127.0.0.1", "/v1/events")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
      // Announces 100 bytes and never sends one.
      req.putHeader("Content-Type", "application/json").putHeader("Content-Length", "100");
      req.sendHead();
      io.vertx.core.http.HttpClientResponse resp =
          req.response()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(resp.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
      assertThat(resp.statusCode()).isEqualTo(408);
      // The connection's other streams go on.
      io.vertx.core.http.HttpClientResponse next =
          c.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/checkpoint")
              .compose(r -> r.send())
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(next.statusCode()).isEqualTo(200);
    } finally {
      vx.close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
