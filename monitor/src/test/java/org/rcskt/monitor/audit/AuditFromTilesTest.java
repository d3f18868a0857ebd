package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.tile.TilePath;
import picocli.CommandLine;

/**
 * {@code audit --tiles-url}: the checkpoint and the entry bundles are read from a static tlog-tiles
 * copy of the log (what a bucket behind a CDN serves), only {@code /v1/info} from the log itself. A
 * copy that differs from the log by one byte fails the audit.
 */
class AuditFromTilesTest {
  @TempDir Path dir;

  private record Run(int exit, String err) {}

  private static Run audit(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new AuditCommand());
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), err.toString());
  }

  /** A static file server over {@code root} on a free loopback port: the bucket's public face. */
  private static HttpServer serve(Path root) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        ex -> {
          Path f = root.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
          if (!f.startsWith(root) || !Files.isRegularFile(f)) {
            ex.sendResponseHeaders(404, -1);
          } else {
            byte[] b = Files.readAllBytes(f);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
          }
          ex.close();
        });
    s.start();
    return s;
  }

  private static void copy(HttpClient http, URI log, String path, Path root) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(log.resolve(path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    Path f = root.resolve(path);
    Files.createDirectories(f.getParent() == null ? root : f.getParent());
    Files.write(f, r.body());
  }

  @Test
  void theAuditReadsTheLogFromItsTilesAndNoticesACopyThatDiffers() throws Exception {
    Random random = new Random(23);
    try (TestLog log = TestLog.start(dir.resolve("log"))) {
      for (int i = 0; i < 300; i++) {
        log.register("+4477009" + (10000 + i), "phone", Ed25519.KeyPair.generate(random));
      }
      long size = log.treeSize();
      Path root = dir.resolve("bucket");
      Files.createDirectories(root);
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create(log.url().toString().replaceAll("/*$", "/"));
      copy(http, base, "checkpoint", root);
      for (long b = 0; b * 256 < size; b++) {
        int width = (int) Math.min(256, size - b * 256);
        copy(http, base, TilePath.entryBundle(b, width).toString(), root);
      }
      HttpServer bucket = serve(root);
      try {
        String tiles = "http://127.0.0.1:" + bucket.getAddress().getPort() + "/";
        Run ok =
            audit(
                "--log-url", log.url().toString(),
                "--tiles-url", tiles,
                "--json", dir.resolve("a.json").toString(),
                "--html", dir.resolve("a.html").toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("audited " + size + " entries").contains(tiles);

        // One byte of the first bundle's copy changed: the copy is not the log.
        Path first = root.resolve(TilePath.entryBundle(0, 256).toString());
        byte[] b = Files.readAllBytes(first);
        b[b.length / 2] ^= 1;
        Files.write(first, b);
        Run bad =
            audit(
                "--log-url", log.url().toString(),
                "--tiles-url", tiles,
                "--json", dir.resolve("b.json").toString(),
                "--html", dir.resolve("b.html").toString());
        assertThat(bad.exit()).as(bad.err()).isNotZero();
      } finally {
        bucket.stop(0);
      }
      Run wrong =
          audit(
              "--log-url", log.url().toString(),
              "--tiles-url", "ftp://127.0.0.1/",
              "--json", dir.resolve("c.json").toString(),
              "--html", dir.resolve("c.html").toString());
      assertThat(wrong.exit()).isEqualTo(2);
      assertThat(wrong.err()).contains("--tiles-url must be an http or https URL");
    }
  }
}
