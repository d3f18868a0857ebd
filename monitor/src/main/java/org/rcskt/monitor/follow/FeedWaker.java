package org.rcskt.monitor.follow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows a log's push feed ({@code GET /v1/feed}, docs/api.md "Push feed") and calls {@code wake}
 * at each new checkpoint, so the monitor fetches and verifies the new entries at once instead of at
 * its next poll (docs/design/0019-monitor-feed.md). The feed is only a doorbell: nothing it carries
 * is trusted or used, the follower verifies everything through its usual path, and the periodic
 * poll goes on underneath, so a log that stops or lies on its feed only loses the monitor its
 * speed.
 *
 * <p>Reconnects after a failure with backoff from 1 s to 30 s; a log without a feed (404 or 405) is
 * noted once and left to polling. Lines are bounded ({@link #MAX_LINE_BYTES}).
 */
public final class FeedWaker implements AutoCloseable {
  /** The longest line read from the feed. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(FeedWaker.class.getName());
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final URI feed;
  private final String origin;
  private final Runnable wake;
  private final HttpClient http;
  private final Thread thread;
  private final AtomicLong checkpoints = new AtomicLong();
  private volatile boolean closed;
  private volatile InputStream current;
  private volatile boolean connected;

  /**
   * @param base the log's base URL (ending in a slash)
   * @param wake called, on the waker's thread, at each checkpoint the feed announces
   */
  public FeedWaker(URI base, String origin, Runnable wake) {
    // Only map roots: one small entry per checkpoint, whatever the log's traffic.
    this.feed = base.resolve("v1/feed?type=MAP_ROOT");
    this.origin = origin;
    this.wake = wake;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.thread = new Thread(this::run, "feed-" + origin);
    thread.setDaemon(true);
  }

  public FeedWaker start() {
    thread.start();
    return this;
  }

  /** How many checkpoints the feed announced. */
  public long checkpoints() {
    return checkpoints.get();
  }

  /** Whether a feed stream is open now. */
  public boolean connected() {
    return connected;
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    while (!closed) {
      try {
        HttpResponse<InputStream> r =
            http.send(
                HttpRequest.newBuilder(feed).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 404 || r.statusCode() == 405) {
          r.body().close();
          LOG.log(
              System.Logger.Level.INFO,
              origin + ": the log has no push feed (HTTP " + r.statusCode() + "); polling only");
          return;
        }
        if (r.statusCode() != 200) {
          r.body().close();
          throw new IOException("feed answered HTTP " + r.statusCode());
        }
        current = r.body();
        connected = true;
        backoff = MIN_BACKOFF;
        read(r.body());
      } catch (IOException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.DEBUG,
              origin + ": feed interrupted (" + e.getMessage() + "); retrying in " + backoff);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        connected = false;
      }
      if (closed) {
        return;
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** Reads events until the stream ends; wakes the follower at each {@code checkpoint} event. */
  private void read(InputStream in) throws IOException {
    try (in) {
      String event = null;
      for (String line; (line = line(in)) != null; ) {
        if (line.isEmpty()) {
          if ("checkpoint".equals(event)) {
            checkpoints.incrementAndGet();
            wake.run();
          }
          event = null;
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        }
      }
    }
  }

  /** One line without its end, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    byte[] buf = new byte[256];
    int n = 0;
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        if (n > 0 && buf[n - 1] == '\r') {
          n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
      }
      if (n == MAX_LINE_BYTES) {
        throw new IOException("feed line longer than " + MAX_LINE_BYTES + " bytes");
      }
      if (n == buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, n * 2));
      }
      buf[n++] = (byte) b;
    }
    return n == 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    InputStream c = current;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    thread.interrupt();
  }
}
