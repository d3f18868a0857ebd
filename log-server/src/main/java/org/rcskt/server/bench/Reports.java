package org.rcskt.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Formatting shared by the benchmark commands. */
final class Reports {
  private Reports() {}

  /** {@code p50 .. p90 .. p99 .. p99.9 .. max ..} in milliseconds, from microsecond values. */
  static String latencies(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return "no answers";
    }
    return String.format(
        "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d answers)",
        micros.getValueAtPercentile(50) / 1000.0,
        micros.getValueAtPercentile(90) / 1000.0,
        micros.getValueAtPercentile(99) / 1000.0,
        micros.getValueAtPercentile(99.9) / 1000.0,
        micros.getMaxValue() / 1000.0,
        micros.getTotalCount());
  }

  /** Counts by outcome, {@code 200=123 503=4}. */
  static String outcomes(Map<String, Long> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return sb.length() == 0 ? "none" : sb.toString();
  }

  /** The 1, 5 and 15 minute load averages, or "n/a" off Linux. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** Total CPU time of process {@code pid} so far, when the platform tells. */
  static Optional<Duration> cpuOf(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration());
  }

  /**
   * A process's CPU over a whole run (warm-up included, as the CPU clock was read around it), per
   * answer of the whole run.
   */
  static String cpu(String who, long cpuNanos, double seconds, long answers) {
    return String.format(
        "%s CPU %.1f s = %.2f cores busy, %.0f us per answer (%d answers, warm-up included)",
        who,
        cpuNanos / 1e9,
        cpuNanos / 1e9 / seconds,
        cpuNanos / 1e3 / Math.max(1, answers),
        answers);
  }

  /** Describes the CPU a process used over {@code seconds} of wall time, as cores busy. */
  static String cores(String who, long cpuNanos, double seconds) {
    return String.format(
        "%s CPU %.1f s = %.2f cores", who, cpuNanos / 1e9, cpuNanos / 1e9 / seconds);
  }
}
