package org.rcskt.monitor.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A monitor running as a child JVM ({@code run --config FILE} through {@link MonitorChildMain}),
 * stopped with SIGKILL or SIGTERM. Its standard error is appended to one file across restarts.
 */
final class MonitorProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("monitor: listening on port (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private final Process process;
  private final Path stderr;
  private final int port;

  private MonitorProcess(Process process, Path stderr, int port) {
    this.process = process;
    this.stderr = stderr;
    this.port = port;
  }

  /** The java launcher of this JVM, so the child runs on the same runtime. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts {@code run --config config} and waits, at most {@code timeoutSeconds}, until it prints
   * the port of its HTTP endpoints (which it does once its state is open and the followers are
   * scheduled). Vert.x's scratch directory goes to {@code vertxCache}: a killed child cannot clean
   * it up, so it must not be the machine's temporary directory.
   */
  static MonitorProcess start(Path config, Path stderr, Path vertxCache, long timeoutSeconds)
      throws IOException, InterruptedException {
    long from = Files.exists(stderr) ? Files.size(stderr) : 0;
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.add("-Xmx160m");
    cmd.add("-XX:+UseSerialGC");
    // C1 only: the child lives a few seconds, so warming up fast matters more than peak speed.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dvertx.cacheDirBase=" + vertxCache.toAbsolutePath());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MonitorChildMain.class.getName());
    cmd.add("run");
    cmd.add("--config");
    cmd.add(config.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      Matcher m = LISTENING.matcher(readFrom(stderr, from));
      if (m.find()) {
        return new MonitorProcess(p, stderr, Integer.parseInt(m.group(1)));
      }
      if (!p.isAlive()) {
        throw new IOException(
            "the monitor exited with status "
                + p.exitValue()
                + " while starting:\n"
                + tail(stderr));
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new IOException(
            "the monitor did not start within " + timeoutSeconds + " s:\n" + tail(stderr));
      }
      Thread.sleep(20);
    }
  }

  private static String readFrom(Path file, long from) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length() - from;
      if (len <= 0) {
        return "";
      }
      byte[] b = new byte[(int) Math.min(len, 1 << 20)];
      f.seek(from);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * {@code GET /healthz}: the parsed body, after checking the answer is 200 (a 503 means the
   * monitor's own state failed).
   */
  JsonNode health() throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          "GET /healthz answered " + r.statusCode() + ": " + body + "\n" + log());
    }
    return JSON.readTree(body);
  }

  /** SIGKILL, then waits until the process is gone (and with it the RocksDB lock). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("monitor process " + process.pid() + " survived SIGKILL");
    }
  }

  /**
   * SIGTERM, then waits at most {@code timeoutSeconds} for the exit; returns the exit status, or -1
   * when the process was still running (it is then killed).
   */
  int stop(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    kill();
    return -1;
  }

  /** The last lines the monitor wrote to standard error, for failure messages. */
  String log() {
    return tail(stderr);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "--- monitor stderr (tail) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no monitor log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
