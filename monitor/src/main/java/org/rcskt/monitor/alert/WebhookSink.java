package org.rcskt.monitor.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Alerts POSTed one by one to a URL as {@code application/json}. Any 2xx answer delivers; anything
 * else, including a timeout, leaves the alert queued for another try. Each request carries the
 * alert's stable id in {@code Idempotency-Key}, so a receiver can recognise the rare redelivery
 * after a crash between its answer and the dequeue.
 */
public final class WebhookSink implements AlertSink {
  private final String name;
  private final URI url;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final HttpClient http;

  public WebhookSink(String name, URI url, Map<String, String> headers, Duration timeout) {
    this.name = name;
    this.url = url;
    this.headers = Map.copyOf(headers);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Alert alert) throws IOException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", alert.id())
            .POST(HttpRequest.BodyPublishers.ofByteArray(alert.toJsonBytes()));
    headers.forEach(req::header);
    HttpResponse<Void> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while posting alert " + alert.seq() + " to " + url, e);
    } catch (IOException e) {
      throw new IOException("posting alert " + alert.seq() + " to " + url + " failed: " + e, e);
    }
    int status = resp.statusCode();
    if (status < 200 || status > 299) {
      throw new IOException("webhook " + url + " answered " + status + " to alert " + alert.seq());
    }
  }

  @Override
  public void close() {
    // HttpClient has no close() before Java 21; its threads end when it is unreachable.
  }
}
