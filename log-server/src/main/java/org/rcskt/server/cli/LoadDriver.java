package org.rcskt.server.cli;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * Drives HTTP requests from one event loop, either closed-loop ({@code rate == 0}: {@code
 * concurrency} requests always in flight) or open-loop at a fixed rate. In open-loop mode a
 * request's latency is measured from when it was due, not from when it could be sent, so a
 * saturated server shows up in the percentiles instead of hiding behind a slower send rate.
 */
final class LoadDriver {
  /** One request to make. */
  record Request(HttpMethod method, String uri, Buffer body) {}

  /** Outcome of a run. Latencies are in microseconds. */
  record Result(
      long completed, Map<Integer, Long> statuses, long errors, Histogram latency, double seconds) {
    double throughput() {
      return completed / seconds;
    }

    long ok() {
      return statuses.getOrDefault(200, 0L);
    }

    String describe(String what) {
      return String.format(
          "%,d %s in %.1f s: %,.0f/s; status %s; errors %d; latency ms p50 %.2f p90 %.2f p99 %.2f"
              + " p99.9 %.2f max %.2f",
          completed,
          what,
          seconds,
          throughput(),
          statuses,
          errors,
          latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(90) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0,
          latency.getValueAtPercentile(99.9) / 1000.0,
          latency.getMaxValue() / 1000.0);
    }
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final String host;
  private final int port;

  LoadDriver(Vertx vertx, HttpClientAgent client, String host, int port) {
    this.vertx = vertx;
    this.client = client;
    this.host = host;
    this.port = port;
  }

  /**
   * Makes up to {@code count} requests ({@code next} gives request number i), for at most {@code
   * durationMillis}; blocks until every request sent has been answered.
   */
  Result run(
      LongFunction<Request> next, long count, double rate, int concurrency, long durationMillis) {
    Context ctx = vertx.getOrCreateContext();
    Promise<Result> done = Promise.promise();
    ctx.runOnContext(v -> new Run(next, count, rate, concurrency, durationMillis, done).start());
    return done.future().toCompletionStage().toCompletableFuture().join();
  }

  private final class Run {
    final LongFunction<Request> next;
    final long count;
    final double rate;
    final int concurrency;
    final long deadlineNanos;
    final Promise<Result> done;
    final Histogram latency = new Histogram(3_600_000_000L, 3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long startNanos;
    long sent;
    long completed;
    long errors;
    int inFlight;
    boolean stopping;
    long timer = -1;

    Run(
        LongFunction<Request> next,
        long count,
        double rate,
        int concurrency,
        long durationMillis,
        Promise<Result> done) {
      this.next = next;
      this.count = count;
      this.rate = rate;
      this.concurrency = concurrency;
      this.deadlineNanos =
          durationMillis >= Long.MAX_VALUE / 1_000_000L
              ? Long.MAX_VALUE
              : durationMillis * 1_000_000L;
      this.done = done;
    }

    void start() {
      startNanos = System.nanoTime();
      if (rate > 0) {
        timer = vertx.setPeriodic(1, id -> pump());
      }
      pump();
    }

    void pump() {
      long now = System.nanoTime();
      if (!stopping && (now - startNanos >= deadlineNanos || sent >= count)) {
        stopping = true;
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      }
      if (!stopping) {
        long due = rate > 0 ? Math.min(count, (long) (rate * (now - startNanos) / 1e9) + 1) : count;
        while (sent < due && inFlight < concurrency) {
          long i = sent++;
          long intended = rate > 0 ? startNanos + (long) (i * 1e9 / rate) : System.nanoTime();
          send(next.apply(i), intended);
        }
      }
      if (stopping && inFlight == 0 && !done.future().isComplete()) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        done.complete(new Result(completed, statuses, errors, latency, seconds));
      }
    }

    void send(Request r, long intended) {
      inFlight++;
      RequestOptions o =
          new RequestOptions().setMethod(r.method()).setHost(host).setPort(port).setURI(r.uri());
      Future<Integer> f =
          client
              .request(o)
              .compose(
                  req -> {
                    if (r.body() != null) {
                      req.putHeader("Content-Type", "application/json");
                      return req.send(r.body());
                    }
                    return req.send();
                  })
              .compose(resp -> resp.body().map(b -> resp.statusCode()));
      f.onComplete(
          ar -> {
            inFlight--;
            completed++;
            long micros = Math.max(1, (System.nanoTime() - intended) / 1000);
            latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
            if (ar.succeeded()) {
              statuses.merge(ar.result(), 1L, Long::sum);
            } else {
              errors++;
            }
            pump();
          });
    }
  }
}
