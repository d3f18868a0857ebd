package org.rcskt.server.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.OptionalLong;

/**
 * What a hostile run watches on the server's side: its resident memory ({@code VmRSS} in {@code
 * /proc/<pid>/status}, Linux only) and the size of its {@code /metrics} answer, which must not grow
 * with the number of distinct methods or paths clients invent.
 */
final class ServerWatch {
  /** The name of the HTTP histogram, whose series are counted. */
  static final String HTTP_HISTOGRAM = "rcskt_http_request_seconds";

  /** The server's RSS at some point of the run. */
  record RssSample(String at, long requests, long kib) {}

  /**
   * One {@code /metrics} answer: its status, size in bytes and lines, and the number of series of
   * {@value #HTTP_HISTOGRAM} (its {@code _count} lines).
   */
  record Scrape(int status, long bytes, long lines, long httpSeries) {}

  private final Long pid;
  private final URI metrics;
  private final List<RssSample> rss = new ArrayList<>();

  /**
   * @param pid the server's process id, or null to sample no RSS
   */
  ServerWatch(Long pid, URI base) {
    this.pid = pid;
    this.metrics = URI.create(LogInfo.prefix(base) + "/metrics");
  }

  boolean watchesRss() {
    return pid != null;
  }

  /** Samples the RSS, when a pid was given and the platform tells. */
  synchronized void sampleRss(String at, long requests) {
    if (pid == null) {
      return;
    }
    OptionalLong kib = rssKib(pid);
    if (kib.isPresent()) {
      rss.add(new RssSample(at, requests, kib.getAsLong()));
    }
  }

  synchronized List<RssSample> rss() {
    return List.copyOf(rss);
  }

  /** {@code VmRSS} of process {@code pid} in KiB, when {@code /proc} has it. */
  static OptionalLong rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return OptionalLong.of(Long.parseLong(f[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return OptionalLong.empty();
  }

  /**
   * Reads {@code /metrics} once, counting as it streams (the answer can be large on a server whose
   * metrics grew).
   *
   * @throws IOException if the server cannot be reached
   */
  Scrape scrape() throws IOException, InterruptedException {
    HttpClient c =
        Transport.of(metrics).httpClient().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<InputStream> r =
        c.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long bytes = 0;
    long lines = 0;
    long series = 0;
    String countPrefix = HTTP_HISTOGRAM + "_count";
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines++;
        bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (line.startsWith(countPrefix)) {
          series++;
        }
      }
    }
    return new Scrape(r.statusCode(), bytes, lines, series);
  }
}
