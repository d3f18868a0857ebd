package org.rcskt.server.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A log server running as a child JVM ({@link CrashServerMain}), killed with SIGKILL. */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path stderr;
  private final int port;
  private final String verifierKey;

  private ServerProcess(Process process, Path stderr, int port, String verifierKey) {
    this.process = process;
    this.stderr = stderr;
    this.port = port;
    this.verifierKey = verifierKey;
  }

  /** The java launcher of this JVM, so the child runs on the same runtime. */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * Starts a server over {@code dataDir} and waits until it prints its port, at most {@code
   * timeoutSeconds}. Its standard error goes to {@code stderr}.
   */
  static ServerProcess start(Path dataDir, Path stderr, long timeoutSeconds) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.add("-Xmx384m");
    // C1 only: the child lives a few seconds, so warming up fast matters more than peak speed.
    cmd.add("-XX:TieredStopAtLevel=1");
    // A killed child cannot remove Vert.x's scratch directory: keep it beside the data directory.
    cmd.add("-Dvertx.cacheDirBase=" + dataDir.toAbsolutePath().resolveSibling("vertx-cache"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CrashServerMain.class.getName());
    cmd.add(dataDir.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String[]> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String portLine = out.readLine();
                String keyLine = out.readLine();
                return new String[] {portLine, keyLine};
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    String[] lines;
    try {
      lines = ready.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while the server started", e);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IOException(
          "the server did not start within " + timeoutSeconds + " s:\n" + tail(stderr), e);
    }
    if (lines[0] == null
        || !lines[0].startsWith("PORT ")
        || lines[1] == null
        || !lines[1].startsWith("KEY ")) {
      p.destroyForcibly();
      throw new IOException(
          "the server printed "
              + lines[0]
              + " / "
              + lines[1]
              + " instead of its port and key:\n"
              + tail(stderr));
    }
    return new ServerProcess(
        p, stderr, Integer.parseInt(lines[0].substring(5).strip()), lines[1].substring(4).strip());
  }

  int port() {
    return port;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  String verifierKey() {
    return verifierKey;
  }

  /** SIGKILL, then waits until the process is gone (and with it the RocksDB lock). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server process " + process.pid() + " survived SIGKILL");
    }
  }

  /** The last lines the server wrote to standard error, for failure messages. */
  String log() {
    return tail(stderr);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
