package org.rcskt.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.log.Sequenced;
import org.rcskt.server.testing.Events;

/**
 * The log's checkpoint, hash tiles and entry bundles checked by an implementation that is not ours:
 * {@code interop/go-tlog}, a small program on the Go module system's {@code
 * golang.org/x/mod/sumdb/tlog} and {@code sumdb/note}. Needs a Go toolchain and that package's
 * source in a GOPATH ({@code RCSKT_GOPATH}, default Debian's {@code golang-golang-x-mod-dev}
 * location); skips with a message where either is missing.
 */
class GoTlogInteropTest {
  @TempDir Path dir;
  @TempDir Path goCache;

  private static Path gopath() {
    String env = System.getenv("RCSKT_GOPATH");
    return Path.of(env != null ? env : "/usr/share/gocode");
  }

  private static boolean goAvailable() {
    try {
      Process p = new ProcessBuilder("go", "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void goSumdbTlogVerifiesCheckpointTilesAndBundles() throws Exception {
    Path program = Path.of("..", "interop", "go-tlog").toAbsolutePath().normalize();
    assertThat(program.resolve("main.go")).as("the interop program is in the repository").exists();
    assumeTrue(
        goAvailable(), "no Go toolchain on PATH: skipping the golang.org/x/mod interop check");
    assumeTrue(
        Files.isDirectory(gopath().resolve("src/golang.org/x/mod/sumdb/tlog")),
        "golang.org/x/mod is not in "
            + gopath()
            + " (set RCSKT_GOPATH): skipping the interop check");

    try (LogServer server =
        LogServer.start(ServerConfig.builder(dir.resolve("data")).port(0).devMode(true).build())) {
      Events events = new Events(7, LogServer.DEV_CARRIER_ID, server.devCarrierKey());
      List<CompletableFuture<Sequenced>> fs = new ArrayList<>();
      // 699 events and a MAP_ROOT entry per batch (how many batches depends on timing): at least
      // 700 entries, so two full level-0 tiles and bundles at least, a partial one and a partial
      // level-1 tile.
      for (int i = 0; i < 699; i++) {
        fs.add(
            server.log().submit(events.register(events.newSubject(), "phone-1", events.newKey())));
      }
      fs.forEach(CompletableFuture::join);
      long size = server.log().head().treeSize();
      assertThat(size).isGreaterThanOrEqualTo(700);

      ProcessBuilder pb =
          new ProcessBuilder(
                  "go",
                  "run",
                  ".",
                  "-url",
                  server.baseUrl(),
                  "-vkey",
                  server.verifierKey(),
                  "-samples",
                  "100")
              .directory(program.toFile())
              .redirectErrorStream(true);
      pb.environment().put("GO111MODULE", "off");
      pb.environment().put("GOPATH", gopath().toString());
      pb.environment().put("GOCACHE", goCache.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("go run finished").isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .startsWith("ok: " + server.origin() + " tree size " + size + " root ")
          .contains("100 inclusion proofs and " + (size + 255) / 256 + " entry bundles checked");
    }
  }
}
