package org.rcskt.server.bench;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code bench} and {@code read-bench} share: the options of an HTTP load run against one log,
 * the run itself with the server's CPU clock read around it, and the report lines both print.
 *
 * <p>Options without a {@code defaultValue} take the field's initial value as their default, which
 * each command sets through the constructor: reads want fewer requests in flight than submissions.
 */
abstract class HttpLoadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "Base URL of the log (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Target requests/s, open loop; 0 for closed loop at --concurrency.")
  double rate;

  @Option(
      names = "--concurrency",
      description = "Requests in flight in closed-loop mode (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--connections",
      description = "HTTP/1.1 keep-alive connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--client-threads",
      defaultValue = "1",
      description = "Event loops of the HTTP client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(names = "--duration", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(
      names = "--warmup",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(
      names = "--verify-every",
      defaultValue = "1000",
      description =
          "Verify every N-th answer with verifier-lib; 0 never (default: ${DEFAULT-VALUE}).")
  int verifyEvery;

  @Option(
      names = "--server-pid",
      description = "Process id of the server, to report the CPU it used during the run.")
  Long serverPid;

  @Option(
      names = "--timeout-ms",
      defaultValue = "30000",
      description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  @Option(
      names = "--header",
      description =
          "A header sent with every request, \"Name: value\" (repeatable), for example a"
              + " submitter's \"Authorization: Bearer <token>\".")
  java.util.List<String> headers = new java.util.ArrayList<>();

  @Option(
      names = "--report-interval",
      defaultValue = "10",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  double reportIntervalSeconds;

  final PrintStream out = System.out;

  HttpLoadCommand(int concurrency, int connections, double durationSeconds, double warmupSeconds) {
    this.concurrency = concurrency;
    this.connections = connections;
    this.durationSeconds = durationSeconds;
    this.warmupSeconds = warmupSeconds;
  }

  /** A usage error: picocli prints it as one line and the command exits with status 2. */
  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** Checks the shared options, before anything is prepared or sent. */
  void checkLoadOptions() {
    if (rate < 0
        || durationSeconds <= 0
        || warmupSeconds < 0
        || concurrency < 1
        || connections < 1
        || clientThreads < 1
        || verifyEvery < 0
        || timeoutMillis < 1
        || reportIntervalSeconds <= 0) {
      throw usage(
          "--rate, --warmup and --verify-every must be >= 0; --duration, --concurrency,"
              + " --connections, --client-threads, --timeout-ms and --report-interval > 0");
    }
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon < 1 || h.substring(0, colon).strip().isEmpty()) {
        throw usage("--header must be \"Name: value\", got \"" + h + "\"");
      }
    }
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw usage("--url must be an http:// URL with a host, got " + url);
    }
  }

  /** {@code path} below the path of {@code --url}, as a request URI. */
  String requestUri(String path) {
    return (url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "")) + path;
  }

  /** One load run and what was read around it. */
  record Measured(LoadRun.Result result, String loadBefore, OptionalLong serverCpuNanos) {}

  /**
   * Sends request {@code i = 0, 1, ...} (at most {@code maxRequests}) as the options say, with
   * {@code check} looking at every answer, and reads the server's CPU clock before and after.
   */
  Measured measure(
      LongFunction<LoadRun.Request> requests, long maxRequests, LoadRun.ResponseCheck check)
      throws InterruptedException {
    LoadRun.Settings settings =
        new LoadRun.Settings(
            url.getHost(),
            url.getPort() < 0 ? 80 : url.getPort(),
            connections,
            clientThreads,
            rate,
            concurrency,
            (long) (warmupSeconds * 1e9),
            (long) (durationSeconds * 1e9),
            maxRequests,
            (long) (reportIntervalSeconds * 1e9),
            timeoutMillis,
            java.util.List.copyOf(headers));
    String loadBefore = Reports.loadAverage();
    Optional<Duration> cpu0 = serverCpu();
    LoadRun.Result r = new LoadRun(settings, requests, check, out).run();
    Optional<Duration> cpu1 = serverCpu();
    OptionalLong serverNanos =
        cpu0.isPresent() && cpu1.isPresent()
            ? OptionalLong.of(cpu1.get().minus(cpu0.get()).toNanos())
            : OptionalLong.empty();
    return new Measured(r, loadBefore, serverNanos);
  }

  private Optional<Duration> serverCpu() {
    return serverPid == null ? Optional.empty() : Reports.cpuOf(serverPid);
  }

  /** The answers of the measured part by outcome, and their latency percentiles. */
  void printAnswers(LoadRun.Result r) {
    out.printf("outcomes: %s%n", Reports.outcomes(r.outcomes()));
    out.printf("latency: %s%n", Reports.latencies(r.latencyMicros()));
  }

  /** The CPU the load generator and, with {@code --server-pid}, the server used per answer. */
  void printCpu(Measured m) {
    LoadRun.Result r = m.result();
    double seconds = r.elapsedSeconds() + warmupSeconds;
    out.println(Reports.cpu("load generator", r.clientCpuNanos(), seconds, r.allCompleted()));
    if (m.serverCpuNanos().isPresent()) {
      out.println(Reports.cpu("server", m.serverCpuNanos().getAsLong(), seconds, r.allCompleted()));
    }
  }
}
