package org.rcskt.monitor.follow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Bounded HTTP GETs against one base URL: every request has a timeout and every body a maximum
 * size, so a misbehaving server can neither hang the monitor nor exhaust its memory. Thread-safe.
 */
public final class HttpFetcher {
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param base the base URL; relative paths resolve against it, so it should end with a slash
   * @param timeout the bound on connecting and on each whole request
   */
  public HttpFetcher(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The base URL. */
  public URI base() {
    return base;
  }

  /**
   * GETs {@code path} (relative to the base) and returns the body of a 200 answer.
   *
   * @throws LogHttpException on a network error, a timeout, another status or a body larger than
   *     {@code maxBytes}
   */
  public byte[] get(String path, int maxBytes) throws LogHttpException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), path, maxBytes);
  }

  /**
   * POSTs {@code body} to {@code path} and returns the body of a 2xx answer.
   *
   * @throws LogHttpException as {@link #get}
   */
  public byte[] post(String path, String contentType, byte[] body, int maxBytes)
      throws LogHttpException {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        path,
        maxBytes);
  }

  private byte[] send(HttpRequest.Builder req, String path, int maxBytes) throws LogHttpException {
    URI uri = base.resolve(path);
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(req.timeout(timeout).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogHttpException("interrupted while fetching " + uri, e);
    } catch (IOException e) {
      throw new LogHttpException("fetching " + uri + " failed: " + e, e);
    }
    try (InputStream in = resp.body()) {
      byte[] body = readBounded(in, maxBytes, uri);
      int status = resp.statusCode();
      if (status < 200 || status > 299) {
        String snippet =
            new String(
                body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        throw new LogHttpException(uri + " answered " + status + ": " + snippet.strip(), status);
      }
      return body;
    } catch (LogHttpException e) {
      throw e;
    } catch (IOException e) {
      throw new LogHttpException("reading " + uri + " failed: " + e, e);
    }
  }

  private static byte[] readBounded(InputStream in, int maxBytes, URI uri) throws IOException {
    byte[] buf = new byte[Math.min(maxBytes + 1, 64 * 1024)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (n > maxBytes) {
          throw new LogHttpException(
              uri + " sent a body larger than the " + maxBytes + "-byte bound", 0);
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) maxBytes + 1, (long) n * 2));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
      if (n > maxBytes) {
        throw new LogHttpException(
            uri + " sent a body larger than the " + maxBytes + "-byte bound", 0);
      }
    }
    return n == buf.length ? buf : Arrays.copyOf(buf, n);
  }
}
