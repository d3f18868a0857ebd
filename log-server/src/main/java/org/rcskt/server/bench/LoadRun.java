package org.rcskt.server.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives HTTP requests against one server and measures them, in one of two modes:
 *
 * <ul>
 *   <li><b>Open loop</b> ({@code rate > 0}): request {@code i} is due at {@code start + i / rate}
 *       whatever happened to the earlier ones, and its latency is measured from that intended time,
 *       so a server that stalls is charged for the requests it made wait (no coordinated omission).
 *   <li><b>Closed loop</b> ({@code rate == 0}): {@code concurrency} requests are kept in flight;
 *       each latency is measured from its actual send. This finds the maximum throughput.
 * </ul>
 *
 * <p>The client is Vert.x's non-blocking one on {@code clientThreads} event loops with a pool of
 * HTTP/1.1 keep-alive connections, so the generator itself stays cheap. Requests whose intended
 * time falls in the warm-up are sent but not counted.
 */
final class LoadRun {
  /** What to send as request {@code i}. */
  record Request(HttpMethod method, String uri, Buffer body) {}

  /** Checks a response body; returns an error name to count, or null when it is fine. */
  interface ResponseCheck {
    String check(long i, int status, Buffer body);
  }

  record Settings(
      String host,
      int port,
      int connections,
      int clientThreads,
      double rate,
      int concurrency,
      long warmupNanos,
      long durationNanos,
      long maxRequests,
      long reportIntervalNanos,
      long timeoutMillis,
      java.util.List<String> headers) {
    /** Settings without extra request headers. */
    Settings(
        String host,
        int port,
        int connections,
        int clientThreads,
        double rate,
        int concurrency,
        long warmupNanos,
        long durationNanos,
        long maxRequests,
        long reportIntervalNanos,
        long timeoutMillis) {
      this(
          host,
          port,
          connections,
          clientThreads,
          rate,
          concurrency,
          warmupNanos,
          durationNanos,
          maxRequests,
          reportIntervalNanos,
          timeoutMillis,
          java.util.List.of());
    }
  }

  /** The outcome of the measured part of a run. */
  record Result(
      Histogram latencyMicros,
      Map<String, Long> outcomes,
      long sent,
      long completed,
      long ok,
      double elapsedSeconds,
      boolean ranOutOfRequests,
      long clientCpuNanos,
      long allCompleted) {
    double okPerSecond() {
      return ok / elapsedSeconds;
    }
  }

  private final Settings settings;
  private final LongFunction<Request> requests;
  private final ResponseCheck responseCheck;
  private final PrintStream out;

  private final Recorder warmupRecorder = new Recorder(3);
  private final Recorder measuredRecorder = new Recorder(3);
  private final Histogram measured = new Histogram(3);
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongAdder measuredSent = new LongAdder();
  private final LongAdder measuredCompleted = new LongAdder();
  private final LongAdder measuredOk = new LongAdder();
  private final LongAdder intervalCompleted = new LongAdder();
  private final LongAdder allCompleted = new LongAdder();
  private final AtomicLong next = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong lastMeasuredCompletion = new AtomicLong();
  private volatile boolean sending = true;
  private volatile boolean ranOut;
  private long start;
  private long measureStart;
  private long end;
  private HttpClientAgent client;

  LoadRun(Settings settings, LongFunction<Request> requests, ResponseCheck check, PrintStream out) {
    this.settings = settings;
    this.requests = requests;
    this.responseCheck = check;
    this.out = out;
  }

  Result run() throws InterruptedException {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(settings.clientThreads())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
    try {
      client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost(settings.host())
                  .setDefaultPort(settings.port())
                  .setKeepAlive(true)
                  .setTcpNoDelay(true)
                  .setConnectTimeout(10_000),
              new PoolOptions()
                  .setHttp1MaxSize(settings.connections())
                  .setEventLoopSize(settings.clientThreads())
                  .setMaxWaitQueueSize(-1));
      long cpu0 = processCpuNanos();
      start = System.nanoTime();
      measureStart = start + settings.warmupNanos();
      end = measureStart + settings.durationNanos();
      lastMeasuredCompletion.set(measureStart);
      CountDownLatch done = new CountDownLatch(1);
      if (settings.rate() > 0) {
        vertx.runOnContext(v -> openLoopTick(vertx, done));
      } else {
        vertx.runOnContext(
            v -> {
              for (int c = 0; c < settings.concurrency(); c++) {
                sendNextClosed(done);
              }
            });
      }
      report(done);
      long cpu1 = processCpuNanos();
      Histogram h = measured.copy();
      h.add(measuredRecorder.getIntervalHistogram());
      Map<String, Long> counts = new TreeMap<>();
      outcomes.forEach((k, v) -> counts.put(k, v.sum()));
      double elapsed = Math.max(1, lastMeasuredCompletion.get() - measureStart) / 1e9;
      return new Result(
          h,
          counts,
          measuredSent.sum(),
          measuredCompleted.sum(),
          measuredOk.sum(),
          elapsed,
          ranOut,
          cpu1 - cpu0,
          allCompleted.sum());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /** Prints an interval line every report interval until every sent request was answered. */
  private void report(CountDownLatch done) throws InterruptedException {
    long interval = settings.reportIntervalNanos();
    long lastPrint = start;
    long hardStop = end + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis()) + 5_000_000_000L;
    while (!done.await(Math.min(interval, 200_000_000L), TimeUnit.NANOSECONDS)) {
      long now = System.nanoTime();
      if (now > hardStop) {
        out.printf("giving up on %d requests still in flight%n", inFlight.get());
        break;
      }
      if (now - lastPrint >= interval) {
        printInterval(now, now - lastPrint);
        lastPrint = now;
      }
      if (!sending && inFlight.get() == 0) {
        break;
      }
    }
    printInterval(System.nanoTime(), System.nanoTime() - lastPrint);
  }

  private boolean warmupPrinted;

  private void printInterval(long now, long spanNanos) {
    boolean warm = now < measureStart;
    if (!warm && !warmupPrinted && settings.warmupNanos() > 0) {
      // The first line after the warm-up ended: show what the warm-up saw, then go on.
      warmupPrinted = true;
      Histogram w = warmupRecorder.getIntervalHistogram();
      printLine("warmup ", now, spanNanos, w, w.getTotalCount());
    }
    Histogram h = (warm ? warmupRecorder : measuredRecorder).getIntervalHistogram();
    if (!warm) {
      measured.add(h);
    }
    printLine(warm ? "warmup " : "measure", now, spanNanos, h, intervalCompleted.sumThenReset());
  }

  private void printLine(String phase, long now, long spanNanos, Histogram h, long n) {
    out.printf(
        "%s t=%5.1fs  %8.0f answers/s  in flight %6d  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms%n",
        phase,
        (now - start) / 1e9,
        n / (spanNanos / 1e9),
        inFlight.get(),
        h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(50) / 1000.0,
        h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0,
        h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1000.0);
  }

  private void openLoopTick(Vertx vertx, CountDownLatch done) {
    double nanosPerRequest = 1e9 / settings.rate();
    long now = System.nanoTime();
    while (true) {
      long i = next.get();
      if (i >= settings.maxRequests()) {
        ranOut = now < end;
        sending = false;
        break;
      }
      long intended = start + (long) (i * nanosPerRequest);
      if (intended >= end) {
        sending = false;
        break;
      }
      if (intended > now) {
        break;
      }
      next.set(i + 1);
      send(i, intended, done);
    }
    if (sending) {
      vertx.setTimer(1, id -> openLoopTick(vertx, done));
    } else if (inFlight.get() == 0) {
      done.countDown();
    }
  }

  private void sendNextClosed(CountDownLatch done) {
    long now = System.nanoTime();
    if (!sending || now >= end) {
      sending = false;
      return;
    }
    long i = next.getAndIncrement();
    if (i >= settings.maxRequests()) {
      ranOut = true;
      sending = false;
      return;
    }
    send(i, now, done);
  }

  private void send(long i, long intended, CountDownLatch done) {
    boolean counted = intended >= measureStart;
    if (counted) {
      measuredSent.increment();
    }
    inFlight.incrementAndGet();
    Request r = requests.apply(i);
    RequestOptions options =
        new RequestOptions()
            .setMethod(r.method())
            .setURI(r.uri())
            .setTimeout(settings.timeoutMillis());
    if (r.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    for (String h : settings.headers()) {
      int colon = h.indexOf(':');
      options.putHeader(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    Future<Buffer> answer =
        client
            .request(options)
            .compose(req -> r.body() == null ? req.send() : req.send(r.body()))
            .compose(
                resp -> {
                  int status = resp.statusCode();
                  return resp.body()
                      .map(
                          b -> {
                            String problem =
                                responseCheck == null ? null : responseCheck.check(i, status, b);
                            count(
                                counted,
                                problem != null ? problem : Integer.toString(status),
                                status == 200 && problem == null);
                            return b;
                          });
                });
    answer.onComplete(
        ar -> {
          if (ar.failed()) {
            count(counted, errorName(ar.cause()), false);
          }
          long t = System.nanoTime();
          (counted ? measuredRecorder : warmupRecorder)
              .recordValue(Math.max(0, (t - intended) / 1000));
          intervalCompleted.increment();
          allCompleted.increment();
          if (counted) {
            measuredCompleted.increment();
            lastMeasuredCompletion.accumulateAndGet(t, Math::max);
          }
          long left = inFlight.decrementAndGet();
          if (settings.rate() <= 0) {
            sendNextClosed(done);
          }
          if (!sending && left == 0) {
            done.countDown();
          }
        });
  }

  private void count(boolean counted, String outcome, boolean ok) {
    if (!counted) {
      return;
    }
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    if (ok) {
      measuredOk.increment();
    }
  }

  private static String errorName(Throwable t) {
    String name = t.getClass().getSimpleName();
    if (name.contains("Timeout") || String.valueOf(t.getMessage()).contains("timeout")) {
      return "timeout";
    }
    return "io:" + name;
  }

  /** CPU time this process used so far, or 0 where the JVM cannot tell. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(0, sun.getProcessCpuTime());
    }
    return 0;
  }
}
