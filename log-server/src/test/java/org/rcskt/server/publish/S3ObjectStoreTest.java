package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.config.PublishConfig;
import org.rcskt.server.testing.S3Server;

/** The S3 store against a real S3 API server (s3proxy), signed with AWS Signature V4. */
class S3ObjectStoreTest {
  @TempDir Path dir;
  S3Server s3;
  Path credentials;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("s3"));
    s3 = S3Server.start(dir.resolve("s3"));
    credentials = S3Server.credentialsFile(dir);
  }

  @AfterEach
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void putGetAndListUnderThePrefixWithTheHeadersReadersGet() throws Exception {
    PublishConfig c = s3.publishConfig(credentials).withPrefix("logs/a");
    try (S3ObjectStore store = S3ObjectStore.open(c)) {
      assertThat(store.get("checkpoint", 1000)).isNull();
      byte[] tile = new byte[8192];
      tile[0] = 7;
      store.put("tile/0/000", tile, TileObjects.TILE_TYPE, TileObjects.IMMUTABLE);
      store.put(
          "checkpoint",
          "origin\n1\nAAA=\n".getBytes(StandardCharsets.UTF_8),
          TileObjects.CHECKPOINT_TYPE,
          TileObjects.CHECKPOINT_CACHE);
      assertThat(store.get("tile/0/000", 8192)).isEqualTo(tile);
      assertThat(store.list(100)).containsExactly("checkpoint", "tile/0/000");
      assertThat(store.list(1)).containsExactly("checkpoint");

      HttpResponse<byte[]> r = anonymousGet("logs/a/tile/0/000");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(tile);
      assertThat(r.headers().firstValue("Cache-Control")).hasValue(TileObjects.IMMUTABLE);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(TileObjects.TILE_TYPE);
      HttpResponse<byte[]> cp = anonymousGet("logs/a/checkpoint");
      assertThat(cp.headers().firstValue("Cache-Control")).hasValue("no-cache");
      // Stored exactly as sent; s3proxy's Jetty drops the space after ';' when it answers.
      assertThat(
              s3.blobStore()
                  .blobMetadata(S3Server.BUCKET, "logs/a/checkpoint")
                  .getContentMetadata()
                  .getContentType())
          .isEqualTo("text/plain; charset=utf-8");
      assertThat(S3Server.mediaType(cp.headers().firstValue("Content-Type").orElseThrow()))
          .isEqualTo("text/plain;charset=utf-8");
    }
    // Nothing landed outside the prefix.
    try (S3ObjectStore root = S3ObjectStore.open(s3.publishConfig(credentials))) {
      assertThat(root.list(100)).containsExactly("logs/a/checkpoint", "logs/a/tile/0/000");
    }
  }

  @Test
  void anObjectLargerThanTheBoundIsRefused() throws Exception {
    try (S3ObjectStore store = S3ObjectStore.open(s3.publishConfig(credentials))) {
      store.put("tile/0/000", new byte[100], TileObjects.TILE_TYPE, TileObjects.IMMUTABLE);
      assertThat(store.get("tile/0/000", 100)).hasSize(100);
      assertThatThrownBy(() -> store.get("tile/0/000", 99))
          .isInstanceOf(ObjectTooLargeException.class)
          .hasMessageContaining("tile/0/000")
          .hasMessageContaining("100 bytes, more than the 99 expected");
    }
  }

  @Test
  void wrongCredentialsFailNamingTheRequestAndNeverTheSecret() throws Exception {
    Path bad = dir.resolve("bad-credentials");
    Files.writeString(bad, S3Server.IDENTITY + "\nnot-the-secret-at-all\n");
    try (S3ObjectStore store = S3ObjectStore.open(s3.publishConfig(bad))) {
      assertThatThrownBy(
              () -> store.put("checkpoint", new byte[1], "text/plain", TileObjects.IMMUTABLE))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageStartingWith("PUT checkpoint at s3://tiles at " + s3.endpoint() + ": ")
          // s3proxy refuses the signature before it reads the body: the client reads the 403, or
          // meets the closed connection while it still writes the body (it did, once in a run).
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .containsAnyOf("HTTP 403", "Error writing request body"))
          .hasMessageNotContaining("not-the-secret-at-all");
      assertThatThrownBy(() -> store.get("checkpoint", 10))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageStartingWith("GET checkpoint at ");
    }
  }

  @Test
  void anUnreachableServerIsAStoreError() throws Exception {
    try (S3ObjectStore store = S3ObjectStore.open(s3.publishConfig(credentials))) {
      s3.stop();
      assertThatThrownBy(() -> store.get("checkpoint", 10))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageStartingWith("GET checkpoint at s3://tiles at " + s3.endpoint() + ": ");
      s3.restart();
      assertThat(store.get("checkpoint", 10)).isNull();
    }
  }

  private HttpResponse<byte[]> anonymousGet(String key) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(s3.url(key)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }
}
